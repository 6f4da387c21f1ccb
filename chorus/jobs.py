"""Scheduled work behind one interface.

A domain describes a job as a `PeriodicJob` (a name, how often, what to run).
On SQLite the jobs run in-process on a timer; on PostgreSQL they go through
procrastinate, whose periodic deferrer makes sure that, with any number of
workers, each due run happens once. `chorus worker` runs the worker; a web
process runs it too when `worker_in_process` is set.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import procrastinate
from procrastinate.psycopg_connector import PsycopgConnector

from chorus import memo
from chorus.database import postgres_url
from chorus.models import JobBeat
from chorus.settings import Settings

logger = logging.getLogger("chorus.jobs")

QUEUE = "chorus"


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every_seconds: int
    run: Callable[[], Awaitable[None]]

    @property
    def cron(self) -> str:
        """The procrastinate schedule (a sixth field is seconds)."""
        return cron_for(self.every_seconds)


def cron_for(every_seconds: int) -> str:
    """A cron line firing every `every_seconds`; it must divide a minute, an hour or a day."""
    if every_seconds <= 0:
        raise ValueError("a job must run at least every second")
    if every_seconds < 60 and 60 % every_seconds == 0:
        return f"* * * * * */{every_seconds}"
    minutes, rest = divmod(every_seconds, 60)
    if rest == 0 and minutes < 60 and 60 % minutes == 0:
        return f"*/{minutes} * * * *"
    hours, rest = divmod(every_seconds, 3600)
    if rest == 0 and hours < 24 and 24 % hours == 0:
        return f"0 */{hours} * * *"
    if every_seconds == 86400:
        return "0 0 * * *"
    raise ValueError(f"{every_seconds} s does not divide a minute, an hour or a day evenly")


async def record_beat(name: str = "heartbeat") -> None:
    """The sample job: counts its own runs, so that tests and stewards see the scheduler work."""
    beat, created = await JobBeat.get_or_create(name=name, defaults={"runs": 1})
    if not created:
        beat.runs += 1
        await beat.save(update_fields=["runs"])


def shell_jobs(settings: Settings) -> list[PeriodicJob]:
    return [PeriodicJob("heartbeat", settings.heartbeat_seconds, record_beat)]


class JobRunner(Protocol):
    async def start(self) -> None: ...
    async def stop(self) -> None: ...


class InProcessTimer:
    """Runs each job on its own asyncio timer inside this process (SQLite, one process)."""

    def __init__(self, jobs: Sequence[PeriodicJob]) -> None:
        self.jobs = list(jobs)
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        self._tasks = [asyncio.create_task(self._loop(job)) for job in self.jobs]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    async def _loop(self, job: PeriodicJob) -> None:
        while True:
            await asyncio.sleep(job.every_seconds)
            await run_safely(job)


async def run_safely(job: PeriodicJob) -> None:
    try:
        await job.run()
    except Exception:
        # Type and place only: a job's error message might carry content.
        logger.exception("scheduled job %s failed", job.name)
    finally:
        memo.changed()  # a job may have moved a round on or ended sessions


def build_queue(settings: Settings, jobs: Sequence[PeriodicJob]) -> procrastinate.App:
    """The procrastinate app, with every job registered as a periodic task."""
    queue = procrastinate.App(
        connector=PsycopgConnector(
            conninfo=postgres_url(settings.database_url, "postgresql"), min_size=1, max_size=4
        ),
        worker_defaults={"delete_jobs": "always", "install_signal_handlers": False},
    )
    for job in jobs:

        async def task(timestamp: int, _job: PeriodicJob = job) -> None:
            await run_safely(_job)

        registered = queue.task(name=f"chorus.{job.name}", queue=QUEUE)(task)
        queue.periodic(cron=job.cron, periodic_id=job.name)(registered)
    return queue


class QueueWorker:
    """A procrastinate worker as a background task of this process (PostgreSQL)."""

    def __init__(self, settings: Settings, jobs: Sequence[PeriodicJob]) -> None:
        self.queue = build_queue(settings, jobs)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.queue.open_async()
        self._task = asyncio.create_task(self.queue.run_worker_async(queues=[QUEUE]))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        await self.queue.close_async()


class NoRunner:
    """PostgreSQL without an in-process worker: `chorus worker` runs the jobs."""

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None


def job_runner(settings: Settings, jobs: Sequence[PeriodicJob]) -> JobRunner:
    if not settings.uses_postgres:
        return InProcessTimer(jobs)
    if settings.worker_in_process:
        return QueueWorker(settings, jobs)
    return NoRunner()


async def apply_queue_schema(settings: Settings) -> bool:
    """Create procrastinate's tables unless present (its schema script is not idempotent)."""
    queue = build_queue(settings, [])
    async with queue.open_async():
        if await _queue_tables_exist(queue):
            return False
        await queue.schema_manager.apply_schema_async()
        return True


async def queue_schema_present(settings: Settings) -> bool:
    queue = build_queue(settings, [])
    async with queue.open_async():
        return await _queue_tables_exist(queue)


async def _queue_tables_exist(queue: procrastinate.App) -> bool:
    row = await queue.connector.execute_query_one_async(
        "SELECT to_regclass('procrastinate_jobs') IS NOT NULL AS present"
    )
    return bool(row["present"])
