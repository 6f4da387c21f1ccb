"""Server-side sessions: an opaque id in the cookie, only its hash in the database.

Expiry times are rounded up to 10 minutes, so the table never records when
someone was last here with any precision. Idle sessions end after 30 minutes,
all sessions after 12 hours.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from chorus import memo
from governance.models import Person, Role, RoleGrant, Session

IDLE = timedelta(minutes=30)
ABSOLUTE = timedelta(hours=12)
ROUNDING = timedelta(minutes=10)
ID_BYTES = 32


def round_up(moment: datetime, step: timedelta = ROUNDING) -> datetime:
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    steps = -(-(moment - epoch) // step)
    return epoch + steps * step


def hash_id(session_id: bytes) -> str:
    return hashlib.sha256(session_id).hexdigest()


async def start_session(person: Person, now: datetime | None = None) -> bytes:
    now = now or datetime.now(UTC)
    session_id = secrets.token_bytes(ID_BYTES)
    await Session.create(
        id_hash=hash_id(session_id),
        person=person,
        idle_expires_at=round_up(now + IDLE),
        expires_at=round_up(now + ABSOLUTE),
    )
    return session_id


async def resume_session(
    session_id: bytes, now: datetime | None = None, *, extend: bool = True
) -> tuple[Session, frozenset[Role]] | None:
    """The live session for this id and its person's roles, its idle time extended (unless
    `extend` is False); None (and gone) if it ended."""
    now = now or datetime.now(UTC)
    # The person comes in the same query (a join); their roles in one more, a plain one.
    session = await Session.filter(id_hash=hash_id(session_id)).select_related("person").first()
    if session is None:
        return None
    if session.idle_expires_at <= now or session.expires_at <= now:
        await session.delete()
        return None
    extended = min(round_up(now + IDLE), session.expires_at)
    if extend and extended != session.idle_expires_at:
        # Written at most once per 10 minutes of activity.
        session.idle_expires_at = extended
        await session.save(update_fields=["idle_expires_at"])
    roles: list[Any] = await RoleGrant.filter(person_id=session.person.id).values_list(
        "role", flat=True
    )
    return session, frozenset(Role(role) for role in roles)


async def end_session(session_id: bytes) -> None:
    await Session.filter(id_hash=hash_id(session_id)).delete()
    memo.changed()  # refused from the next request on, a GET (quick exit) included


async def end_all_sessions(person: Person) -> int:
    ended = await Session.filter(person=person).delete()
    memo.changed()
    return ended


async def purge_expired_sessions(now: datetime | None = None) -> int:
    """The scheduled clean-up: ended sessions leave no rows behind."""
    now = now or datetime.now(UTC)
    idle = await Session.filter(idle_expires_at__lte=now).delete()
    return idle + await Session.filter(expires_at__lte=now).delete()
