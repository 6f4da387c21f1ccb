"""Scheduled work of the governance domain."""

from __future__ import annotations

from chorus.jobs import PeriodicJob
from governance.sessions import purge_expired_sessions


async def purge_sessions() -> None:
    await purge_expired_sessions()


jobs = [PeriodicJob("purge-sessions", 600, purge_sessions)]
