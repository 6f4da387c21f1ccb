"""Scheduled work of the governance domain."""

from __future__ import annotations

import functools
from pathlib import Path

from chorus.jobs import PeriodicJob
from governance.identity.service import invitees, invites
from governance.identity.service.sessions import purge_signed_out
from governance.service import inbox
from governance.service.charter import current_charter


async def purge_sessions() -> None:
    await purge_signed_out()


async def expire_notices() -> None:
    """Notices and their read marks go 90 days after the notice was sent."""
    await inbox.delete_expired()


async def end_invite_periods(key_directory: Path) -> None:
    """A past invite period's key is destroyed, and its members' counts deleted."""
    await invites.destroy_past_periods(key_directory, await current_charter())


jobs = [
    PeriodicJob("purge-sessions", 600, purge_sessions),
    PeriodicJob("expire-notices", 3600, expire_notices),
]


async def keep_invitees_ready(key_directory: Path) -> None:
    """People handed out by invites that can no longer be used go back to their pool, and
    every role's pool is topped up, so that an invite rarely has to make a batch."""
    await invitees.take_back(key_directory)
    await invitees.top_up(key_directory)


def jobs_with_keys(key_directory: Path) -> list[PeriodicJob]:
    """Every governance job, with those that need the key directory."""
    ending = functools.partial(end_invite_periods, key_directory)
    ready = functools.partial(keep_invitees_ready, key_directory)
    return [
        *jobs,
        PeriodicJob("end-invite-periods", 3600, ending),
        PeriodicJob("keep-invitees-ready", 3600, ready),
    ]
