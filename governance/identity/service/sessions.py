"""Sessions carried by the client: signing in writes nothing, browsing writes nothing.

A session is a *ticket* that the browser keeps in an encrypted, authenticated
cookie (sealed by governance.identity.cookies): a random session id, the person, the
generations of their sessions it was issued under, when it ends (idle and
absolute, both rounded up to 10 minutes) and their personal key. The database
is only read, to see that the person still exists, which roles they hold, and
that neither generation has moved on: the person's (a lead suspending them) nor
their credentials' (a new passphrase, recovery, signing out everywhere, acts that
write nothing a copy of the database can tie to the person); deleting the account
removes the rows. So no routine path writes or locks a row about a
person (DESIGN.md, anonymity point 2), and a copy of the database cannot line a
sign-in up with a ballot written a moment later.

Signing out one browser stores HMAC(app secret, session id) with the rounded
expiry: a value nobody without that browser's cookie can tie to anyone, purged
in bulk once it has expired. Idle sessions end after 30 minutes, all sessions
after 12 hours.
"""

from __future__ import annotations

import secrets
import struct
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from tortoise import connections
from tortoise.expressions import F

from chorus import memo
from chorus.database import placeholders
from chorus.roles import Role
from governance.identity.models import Credential, Person, SignedOut

IDLE = timedelta(minutes=30)
ABSOLUTE = timedelta(hours=12)
ROUNDING = timedelta(minutes=10)
ID_BYTES = 16
KEY_BYTES = 32
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # where the 10-minute grid starts

# Session id, person, person's generation, credentials, their generation, idle end and
# end (in 10-minute steps since EPOCH), personal key; the pseudonym (UTF-8) fills the rest.
_HEAD = struct.Struct(f">{ID_BYTES}s16sI16sIII{KEY_BYTES}s")


def round_up(moment: datetime, step: timedelta = ROUNDING) -> datetime:
    steps = -(-(moment - EPOCH) // step)
    return EPOCH + steps * step


def _steps(moment: datetime) -> int:
    return (moment - EPOCH) // ROUNDING


@dataclass(frozen=True)
class Ticket:
    """What a session cookie carries, once opened."""

    session_id: bytes
    person_id: uuid.UUID
    generation: int  # the person's: moved on by a lead's suspension
    credential_id: uuid.UUID
    credential_generation: int  # the credentials': moved on by the person's own acts
    idle_expires_at: datetime
    expires_at: datetime
    personal_key: bytes = field(repr=False)
    pseudonym: str = field(repr=False)

    def live_at(self, now: datetime) -> bool:
        return now < self.idle_expires_at and now < self.expires_at

    def extended(self, now: datetime) -> Ticket:
        """The ticket with its idle end moved on from `now`: itself while that changes
        nothing (so a fresh cookie is sent at most once per 10 minutes of activity)."""
        idle = min(round_up(now + IDLE), self.expires_at)
        return self if idle == self.idle_expires_at else replace(self, idle_expires_at=idle)

    def pack(self) -> bytes:
        head = _HEAD.pack(
            self.session_id,
            self.person_id.bytes,
            self.generation,
            self.credential_id.bytes,
            self.credential_generation,
            _steps(self.idle_expires_at),
            _steps(self.expires_at),
            self.personal_key,
        )
        return head + self.pseudonym.encode()

    @classmethod
    def unpack(cls, data: bytes) -> Ticket | None:
        if len(data) < _HEAD.size:
            return None
        session_id, person, generation, credential, credentials, idle, ends, key = (
            _HEAD.unpack_from(data)
        )
        try:
            pseudonym = data[_HEAD.size :].decode()
        except UnicodeDecodeError:
            return None
        return cls(
            session_id,
            uuid.UUID(bytes=person),
            generation,
            uuid.UUID(bytes=credential),
            credentials,
            EPOCH + idle * ROUNDING,
            EPOCH + ends * ROUNDING,
            key,
            pseudonym,
        )


def new_ticket(
    person: Person,
    credential: Credential,
    personal_key: bytes,
    pseudonym: str,
    now: datetime | None = None,
) -> Ticket:
    """A new session for `person`; nothing is written anywhere."""
    now = now or datetime.now(UTC)
    return Ticket(
        session_id=secrets.token_bytes(ID_BYTES),
        person_id=person.id,
        generation=person.session_generation,
        credential_id=credential.id,
        credential_generation=credential.session_generation,
        idle_expires_at=round_up(now + IDLE),
        expires_at=round_up(now + ABSOLUTE),
        personal_key=personal_key,
        pseudonym=pseudonym,
    )


@dataclass(frozen=True)
class LiveSession:
    """A live session: whose it is, and their roles."""

    person: Person
    roles: frozenset[Role]
    # When it ends, in seconds since the epoch, for the memo's quick check.
    ends: float


# The person, their roles, whether this very cookie was signed out and the generation of
# its credentials, in one statement (one row per role), since every signed-in request
# asks; it only reads.
_LIVE_SESSION = (
    "SELECT p.*, r.role AS granted_role,"
    " EXISTS (SELECT 1 FROM governance_signed_out o WHERE o.id_hash = {signed_out})"
    " AS signed_out,"
    " (SELECT c.session_generation FROM governance_credential c WHERE c.id = {credential})"
    " AS credential_generation"
    " FROM governance_person p"
    " LEFT JOIN governance_role_grant r ON r.person_id = p.id"
    " WHERE p.id = {person}"
)


async def resume_session(
    ticket: Ticket, signed_out_hash: str, now: datetime | None = None
) -> LiveSession | None:
    """The live session this ticket stands for; None if it ended (by time, by signing out,
    by an explicit act that moved the person's generation on, or with the account)."""
    now = now or datetime.now(UTC)
    if not ticket.live_at(now):
        return None
    connection = connections.get("default")
    signed_out, credential, person_id = placeholders(connection, 3)
    query = _LIVE_SESSION.format(signed_out=signed_out, credential=credential, person=person_id)
    values = [signed_out_hash, str(ticket.credential_id), str(ticket.person_id)]
    rows = await connection.execute_query_dict(query, values)
    if not rows or rows[0]["signed_out"]:
        return None
    if rows[0]["session_generation"] != ticket.generation:
        return None  # suspended since (or the person's sessions were ended by a lead)
    if rows[0]["credential_generation"] != ticket.credential_generation:
        return None  # a new passphrase, recovery or sign out everywhere since
    # As the ORM builds a person from a row of its own table (extra columns are ignored).
    person = Person._init_from_db(**rows[0])
    roles = frozenset(Role(row["granted_role"]) for row in rows if row["granted_role"])
    ends = min(ticket.idle_expires_at, ticket.expires_at).timestamp()
    return LiveSession(person, roles, ends)


async def end_session(signed_out_hash: str, expires_at: datetime) -> None:
    """Sign one browser out: its cookie is refused from now on, wherever it is shown."""
    # Signing out twice is no error, and must not make the database log one.
    await SignedOut.bulk_create(
        [SignedOut(id_hash=signed_out_hash, expires_at=expires_at)], ignore_conflicts=True
    )
    memo.changed(memo.SESSIONS)  # refused from the next request on, a GET (quick exit) too


async def end_all_sessions(person: Person) -> None:
    """A lead's public act (suspension): every session of this person ends at once."""
    await Person.filter(id=person.id).update(session_generation=F("session_generation") + 1)
    person.session_generation += 1
    memo.changed(memo.SESSIONS)


async def purge_signed_out(now: datetime | None = None) -> int:
    """The scheduled clean-up: signed-out cookies past their end leave no rows behind."""
    return await SignedOut.filter(expires_at__lte=now or datetime.now(UTC)).delete()
