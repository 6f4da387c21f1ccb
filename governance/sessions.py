"""Server-side sessions: an opaque id in the cookie, only its hash in the database.

Expiry times are rounded up to 10 minutes, so the table never records when
someone was last here with any precision. Idle sessions end after 30 minutes,
all sessions after 12 hours.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tortoise import connections

from chorus import memo
from governance.models import Person, Role, Session

IDLE = timedelta(minutes=30)
ABSOLUTE = timedelta(hours=12)
ROUNDING = timedelta(minutes=10)
ID_BYTES = 32
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # where the 10-minute grid starts


def round_up(moment: datetime, step: timedelta = ROUNDING) -> datetime:
    steps = -(-(moment - EPOCH) // step)
    return EPOCH + steps * step


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


@dataclass(frozen=True)
class LiveSession:
    """A live session: whose it is, their roles, and when it ends."""

    person: Person
    roles: frozenset[Role]
    idle_expires_at: datetime
    expires_at: datetime
    # Worked out once, since every signed-in request asks (seconds since the epoch).
    _quiet: tuple[float, float, float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ends = min(self.idle_expires_at, self.expires_at).timestamp()
        object.__setattr__(self, "_quiet", (ends, *quiet_window(self)))

    def still_live(self, now: float, *, extend: bool) -> bool:
        """Live at `now` (seconds since the epoch), with nothing to write: its idle time
        needs no extending (as resume_session decides: see quiet_window)."""
        ends, after, until = self._quiet
        return now < ends and (not extend or after < now <= until)


def quiet_window(session: LiveSession) -> tuple[float, float]:
    """When `min(round_up(now + IDLE), expires_at) == idle_expires_at`, so resume_session
    writes nothing: `now` (seconds since the epoch) after the first and up to the second.
    Both times sit on the 10-minute grid, as round_up leaves them."""
    idle, ends = session.idle_expires_at, session.expires_at
    if idle > ends or (idle - EPOCH) % ROUNDING:
        return math.inf, -math.inf  # never: any request writes
    if idle == ends:  # extended as far as it goes: nothing more to write
        return (ends - ROUNDING - IDLE).timestamp(), math.inf
    return (idle - ROUNDING - IDLE).timestamp(), (idle - IDLE).timestamp()


# The session, its person and their roles in one statement (one row per role), since
# every signed-in request asks for it.
_LIVE_SESSION = (
    "SELECT p.*, s.idle_expires_at AS session_idle_expires_at,"
    " s.expires_at AS session_expires_at, r.role AS granted_role"
    " FROM governance_session s JOIN governance_person p ON p.id = s.person_id"
    " LEFT JOIN governance_role_grant r ON r.person_id = s.person_id"
    " WHERE s.id_hash = {}"
)


async def resume_session(
    session_id: bytes, now: datetime | None = None, *, extend: bool = True
) -> LiveSession | None:
    """The live session for this id, its idle time extended (unless `extend` is False);
    None (and gone) if it ended."""
    now = now or datetime.now(UTC)
    id_hash = hash_id(session_id)
    connection = connections.get("default")
    slot = "$1" if connection.capabilities.dialect == "postgres" else "?"
    rows = await connection.execute_query_dict(_LIVE_SESSION.format(slot), [id_hash])
    if not rows:
        return None
    times = Session._meta.fields_map
    idle = times["idle_expires_at"].to_python_value(rows[0]["session_idle_expires_at"])
    ends = times["expires_at"].to_python_value(rows[0]["session_expires_at"])
    if idle <= now or ends <= now:
        await Session.filter(id_hash=id_hash).delete()
        return None
    extended = min(round_up(now + IDLE), ends)
    if extend and extended != idle:
        # Written at most once per 10 minutes of activity.
        await Session.filter(id_hash=id_hash).update(idle_expires_at=extended)
        idle = extended
    # As the ORM builds a person from a row of its own table (extra columns are ignored).
    person = Person._init_from_db(**rows[0])
    roles = frozenset(Role(row["granted_role"]) for row in rows if row["granted_role"])
    return LiveSession(person, roles, idle, ends)


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
