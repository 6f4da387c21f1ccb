"""The anonymity benchmark runs; its figures are read by people, never asserted here."""

from __future__ import annotations

import os

import pytest

from benchmarks import anonymity


def test_sealing_is_timed_per_submission() -> None:
    sealing = anonymity.sealing(samples=20)

    assert len(sealing.seal_seconds) == len(sealing.keys_seconds) == 20
    assert sealing.seal_us > 0 and sealing.keys_us > 0


async def test_submissions_and_a_close_are_timed_on_sqlite() -> None:
    async with anonymity.scratch_sqlite() as url:
        run = await anonymity.submissions(url, members=6, warmup=2)
    async with anonymity.scratch_sqlite() as url:
        closed = await anonymity.closing(url, ballots=30)

    assert run.database == "SQLite"
    assert len(run.submit_seconds) == len(run.insert_seconds) == 6
    assert run.submit_ms > 0 and run.insert_ms > 0
    assert closed.fill_seconds > 0 and closed.seconds > 0
    assert closed.counted == closed.receipts == 30
    assert [name for name, _ in closed.steps] == [name for name, _ in anonymity.CLOSE_STEPS]
    assert all(seconds > 0 for _, seconds in closed.step_seconds)


@pytest.mark.postgres_only
async def test_the_whole_benchmark_runs_on_postgres_and_reports() -> None:
    result = await anonymity.measure(
        samples=20, members=6, ballots=30, warmup=2, server=os.environ["CHORUS_TEST_DATABASE_URL"]
    )

    assert result.postgres.database == "PostgreSQL"
    assert result.postgres.submit_ms > 0 and result.postgres.insert_ms > 0
    assert result.sqlite.submit_ms > 0 and result.closing.seconds > 0
    assert result.closing.counted == result.closing.receipts == 30
    lines = anonymity.report(result)
    assert lines[-1] in ("result: PASS", "result: FAIL")
