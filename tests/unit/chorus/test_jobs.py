import asyncio

import pytest

from chorus.jobs import (
    InProcessTimer,
    NoRunner,
    PeriodicJob,
    QueueWorker,
    cron_for,
    job_runner,
    record_beat,
)
from chorus.models import JobBeat
from chorus.settings import Settings


@pytest.mark.parametrize(
    ("seconds", "cron"),
    [
        (1, "* * * * * */1"),
        (15, "* * * * * */15"),
        (60, "*/1 * * * *"),
        (600, "*/10 * * * *"),
        (3600, "0 */1 * * *"),
        (6 * 3600, "0 */6 * * *"),
        (86400, "0 0 * * *"),
    ],
)
def test_cron_for_even_intervals(seconds: int, cron: str):
    assert cron_for(seconds) == cron


@pytest.mark.parametrize("seconds", [0, -5, 7, 61, 7 * 3600])
def test_cron_for_refuses_uneven_intervals(seconds: int):
    with pytest.raises(ValueError):
        cron_for(seconds)


def test_the_runner_follows_the_database():
    sqlite = Settings(database_url="sqlite://x.sqlite3")
    postgres = Settings(database_url="postgresql://u@h/db")
    assert isinstance(job_runner(sqlite, []), InProcessTimer)
    assert isinstance(job_runner(postgres, []), NoRunner)
    in_process = postgres.with_changes(worker_in_process=True)
    assert isinstance(job_runner(in_process, []), QueueWorker)


async def wait_for_runs(name: str, at_least: int, seconds: float) -> int:
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        beat = await JobBeat.get_or_none(name=name)
        runs = beat.runs if beat else 0
        if runs >= at_least or asyncio.get_running_loop().time() > deadline:
            return runs
        await asyncio.sleep(0.05)


@pytest.mark.usefixtures("db")
async def test_the_in_process_timer_runs_a_periodic_job():
    timer = InProcessTimer([PeriodicJob("probe", 1, lambda: record_beat("probe"))])
    await timer.start()
    try:
        assert await wait_for_runs("probe", 2, seconds=5) >= 2
    finally:
        await timer.stop()


@pytest.mark.usefixtures("db")
async def test_a_failing_job_does_not_stop_the_timer(caplog: pytest.LogCaptureFixture):
    calls = []

    async def flaky() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("first run fails")

    timer = InProcessTimer([PeriodicJob("flaky", 1, flaky)])
    await timer.start()
    try:
        for _ in range(100):
            if len(calls) >= 2:
                break
            await asyncio.sleep(0.05)
    finally:
        await timer.stop()
    assert len(calls) >= 2
    assert "scheduled job flaky failed" in caplog.text


@pytest.mark.postgres_only
@pytest.mark.usefixtures("db")
async def test_procrastinate_runs_the_periodic_job_on_postgres(settings: Settings):
    worker = QueueWorker(settings, [PeriodicJob("probe", 1, lambda: record_beat("probe"))])
    await worker.start()
    try:
        assert await wait_for_runs("probe", 1, seconds=10) >= 1
    finally:
        await worker.stop()
