import ast
import asyncio
import inspect
import json
from pathlib import Path

import asyncpg
import pytest

from chorus.database import postgres_url
from chorus.jobs import (
    InProcessTimer,
    NoRunner,
    PeriodicJob,
    QueueWorker,
    build_queue,
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


# A test's database connection (one, inside the test's transaction on PostgreSQL) serves
# one query at a time: the probe job and the polling below take turns.
ONE_QUERY_AT_A_TIME = asyncio.Lock()


async def probe(name: str = "probe") -> None:
    async with ONE_QUERY_AT_A_TIME:
        await record_beat(name)


async def wait_for_runs(name: str, at_least: int, seconds: float) -> int:
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        async with ONE_QUERY_AT_A_TIME:
            beat = await JobBeat.get_or_none(name=name)
        runs = beat.runs if beat else 0
        if runs >= at_least or asyncio.get_running_loop().time() > deadline:
            return runs
        await asyncio.sleep(0.05)


@pytest.mark.usefixtures("db")
async def test_the_in_process_timer_runs_a_periodic_job():
    timer = InProcessTimer([PeriodicJob("probe", 1, probe)])
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
    worker = QueueWorker(settings, [PeriodicJob("probe", 1, probe)])
    await worker.start()
    try:
        assert await wait_for_runs("probe", 1, seconds=10) >= 1
    finally:
        await worker.stop()


# DESIGN, anonymity 2 and issue 11 point 4: no routine path defers a job whose arguments
# name a person, and finished jobs' rows are deleted (a job row's args, its xmin and its
# events would otherwise time and name what someone did).

FINISHED = ("succeeded", "failed", "cancelled", "aborted")


async def queue_rows(settings: Settings) -> list[dict[str, object]]:
    connection = await asyncpg.connect(postgres_url(settings.database_url, "postgresql"))
    try:
        rows = await connection.fetch(
            "SELECT j.id, j.task_name, j.status::text AS status, j.args::text AS args,"
            " (SELECT count(*) FROM procrastinate_events e WHERE e.job_id = j.id) AS events"
            " FROM procrastinate_jobs j"
        )
    finally:
        await connection.close()
    return [dict(row) for row in rows]


@pytest.mark.postgres_only
@pytest.mark.usefixtures("db")
async def test_finished_jobs_leave_no_row_and_no_job_names_anyone(settings: Settings):
    failures = []

    async def failing() -> None:
        failures.append(1)
        raise RuntimeError("a job that fails")

    worker = QueueWorker(
        settings, [PeriodicJob("probe", 1, probe), PeriodicJob("failing", 1, failing)]
    )
    await worker.start()
    try:
        assert await wait_for_runs("probe", 2, seconds=10) >= 2
        for _ in range(100):
            if failures:
                break
            await asyncio.sleep(0.05)
    finally:
        await worker.stop()
    assert failures, "the failing job ran"
    rows = await queue_rows(settings)
    assert [row for row in rows if row["status"] in FINISHED] == []
    # What may be left is a job due or running at the moment the worker stopped; its
    # arguments are the periodic timestamp alone, naming nobody.
    for row in rows:
        assert set(json.loads(str(row["args"]))) <= {"timestamp"}, row


def test_every_scheduled_job_takes_only_the_periodic_timestamp(settings: Settings):
    jobs = [PeriodicJob("probe", 60, probe)]
    queue = build_queue(settings.with_changes(database_url="postgresql://u@h/db"), jobs)
    [task] = [t for name, t in queue.tasks.items() if name == "chorus.probe"]
    assert list(inspect.signature(task.func).parameters) == ["timestamp", "_job"]


CODE = Path(__file__).resolve().parents[3]


def test_no_code_defers_a_job_itself():
    """Jobs run only on schedule (the timestamp their one argument); nothing defers one
    with arguments of its own, so no job row can name the person whose act deferred it."""
    deferring = []
    for package in ("chorus", "governance", "proposals", "anonymity", "feedback"):
        for path in sorted((CODE / package).rglob("*.py")):
            tree = ast.parse(path.read_text(), str(path))
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in {"defer", "defer_async", "batch_defer_async"}
                ):
                    deferring.append(f"{path.relative_to(CODE)}:{node.lineno}")
    assert deferring == []
