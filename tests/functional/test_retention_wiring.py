"""`chorus retention run` and the scheduled job destroy expired retention keys."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from anonymity.retention import ContentExpired, open_retained, seal_for_retention
from chorus.app import DOMAINS, services_of
from chorus.assembly import all_jobs
from chorus.keys import init_key_directory
from chorus.settings import Settings
from tests.common.cli import run_chorus


def test_the_command_shreds_expired_periods_and_says_so(tmp_path: Path):
    keys = tmp_path / "keys"
    old = seal_for_retention(keys, b"old", datetime(2001, 1, 1, tzinfo=UTC))
    new = seal_for_retention(keys, b"new", datetime.now(UTC))
    settings = {"CHORUS_KEY_DIRECTORY": str(keys), "CHORUS_RETENTION_MONTHS": "24"}

    def chorus(*args: str) -> subprocess.CompletedProcess[str]:
        return run_chorus(tmp_path, *args, settings=settings)

    first = chorus("retention", "run")
    assert first.returncode == 0, first.stderr
    assert "2001-01" in first.stdout
    with pytest.raises(ContentExpired):
        open_retained(keys, old)
    assert open_retained(keys, new) == b"new"
    assert "Nothing has expired" in chorus("retention", "run").stdout


async def test_the_retention_job_is_scheduled(tmp_path: Path):
    keys = tmp_path / "keys"
    init_key_directory(keys)
    old = seal_for_retention(keys, b"old", datetime(2001, 1, 1, tzinfo=UTC))
    jobs = {job.name: job for job in all_jobs(services_of(Settings(key_directory=keys)), DOMAINS)}
    await jobs["retention"].run()
    with pytest.raises(ContentExpired):
        open_retained(keys, old)
