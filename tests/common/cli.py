"""Running the `chorus` command as a person would, in a folder, with CHORUS_* settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_chorus(
    cwd: Path, *args: str, settings: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "chorus", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), **settings},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )
