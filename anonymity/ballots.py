"""Secret ballots and anonymous submissions: open, submit, revise, close, verify.

The interface the domains use (they never touch the tables):

    await open_round(keys, round_id, allows_revision=True, teller_passphrase=None)
    cast = await submit(keys, round_id, member_id, personal_key, content)
        # cast.receipt: shown once on a first submission; None when revising
    result = await close_round(keys, round_id, teller_passphrase=None)
        # result.contents: the opened ballots, in a shuffled order
    await receipt_was_counted(round_id, receipt)  /  await counted_receipts(round_id)

How it keeps people and content apart (DESIGN.md, "Anonymity"):
- participation and content never share a value: the marker is
  HMAC(round's marker key, member), the ballot carries HMAC(personal key, round),
  which only the member (signed in) can compute;
- the marker and the ballot are written in two separate transactions, and the
  ballot's touches no row about a person or a session;
- while the round is open a ballot exists only padded to BALLOT_BYTES and sealed
  to the round's public key (in teller mode its private key is wrapped by the
  tellers' passphrase, so the host cannot open it either);
- at close every ballot is opened, shuffled with the operating system's
  cryptographic random source, inserted into `ClearBallot` in that order, and
  the sealed ballots, markers and receipt links of the round are deleted in the
  same transaction; then the round's keys are destroyed. Closing resumes where
  it stopped: the database part is one transaction, the key part is idempotent.
  It holds the round's row exclusively while it counts: a ballot being stored
  is finished (and counted) first, a later one finds the round closed, and two
  closes at once count every ballot once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argon2 import Parameters
from nacl.public import PrivateKey, SealedBox
from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient
from tortoise.transactions import in_transaction

from anonymity.codes import new_code, receipt_hash
from anonymity.electorate import elector_value
from anonymity.keystore import (
    create_round_keys,
    destroy_round_keys,
    electorate_key,
    load_round_keys,
    open_private_key,
    public_key,
)
from anonymity.models import (
    AnonymousRound,
    ClearBallot,
    CountedReceipt,
    Elector,
    Marker,
    Phase,
    ReceiptHash,
    SealedBallot,
)

# Every sealed ballot has this size before sealing, whatever it says.
BALLOT_BYTES = 2048
_LENGTH_BYTES = 2


class RoundNotOpen(Exception):
    """Submissions are closed (or the round does not exist)."""


class AlreadySubmitted(Exception):
    """This member already submitted, and the round does not allow revising."""


class BallotTooLarge(Exception):
    pass


class NotInElectorate(Exception):
    """The round's electorate was fixed when it opened, and this member is not in it."""


@dataclass(frozen=True)
class Cast:
    receipt: str | None  # the ballot receipt, shown once; None when a ballot was revised
    revised: bool


@dataclass(frozen=True)
class Closed:
    contents: list[bytes]  # in the shuffled order they were stored in
    counted_receipts: list[str]  # sorted SHA-256 hashes


def marker_for(marker_key: bytes, member_id: str) -> str:
    return hmac.new(marker_key, b"marker|" + member_id.encode(), hashlib.sha256).hexdigest()


def revision_tag(personal_key: bytes, round_id: str, revision: int = 0) -> str:
    """The tag of a member's `revision`-th ballot in a round (0: the first one)."""
    message = f"revision|{round_id}|{revision}".encode()
    return hmac.new(personal_key, message, hashlib.sha256).hexdigest()


# What a sealed ballot holds before padding: the tag of the ballot it replaces (zeros for a
# first ballot), then the content.
_SUPERSEDES_BYTES = 32


def pad(content: bytes, supersedes: str | None = None) -> bytes:
    room = BALLOT_BYTES - _LENGTH_BYTES - _SUPERSEDES_BYTES
    if len(content) > room:
        raise BallotTooLarge(len(content))
    replaced = bytes.fromhex(supersedes) if supersedes else bytes(_SUPERSEDES_BYTES)
    return (
        replaced
        + len(content).to_bytes(_LENGTH_BYTES, "big")
        + content
        + bytes(room - len(content))
    )


def unpad(padded: bytes) -> tuple[str | None, bytes]:
    """The tag the ballot replaces (None for a first ballot) and its content."""
    replaced, rest = padded[:_SUPERSEDES_BYTES], padded[_SUPERSEDES_BYTES:]
    length = int.from_bytes(rest[:_LENGTH_BYTES], "big")
    supersedes = replaced.hex() if any(replaced) else None
    return supersedes, rest[_LENGTH_BYTES : _LENGTH_BYTES + length]


def latest_ballots(opened: list[tuple[str, str | None, bytes]]) -> list[bytes]:
    """From (tag, tag it replaces, content) of every sealed ballot of a round, the content of
    the last ballot of each chain of revisions: those no other ballot replaces."""
    replaced = {supersedes for _, supersedes, _ in opened if supersedes}
    return [content for tag, _, content in opened if tag not in replaced]


async def open_round(
    key_directory: Path,
    round_id: str,
    *,
    allows_revision: bool = True,
    teller_passphrase: str | None = None,
    profile: Parameters | None = None,
) -> None:
    """Create the round's keys (in the key directory) and its phase row.

    Safe to call again: an open round is left as it is, and keys left by an attempt that
    never stored the round's row (so never took a ballot) are made anew.
    """
    if await AnonymousRound.exists(id=round_id):
        return
    destroy_round_keys(key_directory, round_id)
    create_round_keys(key_directory, round_id, teller_passphrase, profile)
    await AnonymousRound.create(id=round_id, allows_revision=allows_revision)


# How many revision tags are looked for at once when finding the end of a chain.
_TAGS_AT_ONCE = 8


async def submit(
    key_directory: Path,
    round_id: str,
    member_id: str,
    personal_key: bytes,
    content: bytes,
    *,
    fixed: bool = False,
    allows_revision: bool | None = None,
) -> Cast:
    """Record that the member took part, then store their sealed ballot. With `fixed`,
    the round's electorate was stored when it opened (anonymity.electorate): a member
    not in it gets NotInElectorate, and nothing is written. A caller that knows whether
    the round allows revision (it was set when the round opened) saves a query.

    A revision is a new sealed row, tagged with the next revision number, whose sealed
    content names the tag it replaces: no row is ever updated or deleted before close, so
    a copy of the database shows no row versions, and a revised ballot looks like any
    other. Closing keeps the last ballot of each chain (latest_ballots)."""
    if allows_revision is None:
        round_ = await AnonymousRound.get_or_none(id=round_id)
        if round_ is None or round_.phase != Phase.OPEN:
            raise RoundNotOpen(round_id)
        allows_revision = round_.allows_revision
    keys = load_round_keys(key_directory, round_id)
    pad(content)  # too large is refused before anything is written

    # Participation, in a transaction of its own; taking part again writes nothing. Only
    # while the round is open (checked again by the statement itself).
    elector = elector_value(electorate_key(key_directory, round_id), member_id) if fixed else None
    first_time = await _mark(round_id, marker_for(keys.marker_key, member_id), elector)
    revision = 0 if first_time else await _next_revision(round_id, personal_key)
    if revision and not allows_revision:
        raise AlreadySubmitted(round_id)

    # Content, in a transaction that touches no row about a person or a session. A
    # simultaneous submission of the same member may take this revision number first:
    # then this one becomes the next revision.
    for _ in range(4):
        tag = revision_tag(personal_key, round_id, revision)
        supersedes = revision_tag(personal_key, round_id, revision - 1) if revision else None
        sealed = bytes(SealedBox(public_key(keys)).encrypt(pad(content, supersedes)))
        cast = await _store(round_id, tag, sealed, first=revision == 0)
        if cast is not None:
            return cast
        if not allows_revision:
            raise AlreadySubmitted(round_id)
        revision = await _next_revision(round_id, personal_key)
    raise AlreadySubmitted(round_id)


async def _next_revision(round_id: str, personal_key: bytes) -> int:
    """The first revision number of this member's chain with no ballot stored yet."""
    start = 0
    while True:
        tags = [
            revision_tag(personal_key, round_id, n) for n in range(start, start + _TAGS_AT_ONCE)
        ]
        found: list[Any] = await SealedBallot.filter(round_id=round_id, tag__in=tags).values_list(
            "tag", flat=True
        )
        stored = {str(tag) for tag in found}
        for offset, tag in enumerate(tags):
            if tag not in stored:
                return start + offset
        start += _TAGS_AT_ONCE


def _slots(connection: BaseDBAsyncClient, count: int) -> list[str]:
    postgres = connection.capabilities.dialect == "postgres"
    return [f"${i}" if postgres else "?" for i in range(1, count + 1)]


async def _mark(round_id: str, value: str, elector: str | None) -> bool:
    """Insert the participation marker, as its own transaction (a single autocommitted
    statement, or a savepoint inside a caller's transaction); True if it is new. A marker
    already there is no error, and makes the database log none (DESIGN, anonymity 10).

    With `elector` (the member's electorate row, anonymity.electorate), only a member of
    the round's electorate is marked, in the same statement on PostgreSQL; NotInElectorate
    otherwise, with nothing written."""
    connection = connections.get(Marker._meta.default_connection or "default")
    if connection.capabilities.dialect == "postgres":
        rows = await _in_own_transaction(connection, _MARK, [round_id, value, elector])
        if not rows[0]["open"]:
            raise RoundNotOpen(round_id)
        if not rows[0]["eligible"]:
            raise NotInElectorate(round_id)
        return bool(rows[0]["marked"])
    if not await AnonymousRound.exists(id=round_id, phase=Phase.OPEN):
        raise RoundNotOpen(round_id)
    if elector is not None and not await Elector.exists(round_id=round_id, value=elector):
        raise NotInElectorate(round_id)
    first, second = _slots(connection, 2)
    query = (
        f"INSERT INTO anonymity_marker (round_id, value) VALUES ({first}, {second}) "  # noqa: S608
        "ON CONFLICT DO NOTHING RETURNING 1"
    )
    return bool(await _in_own_transaction(connection, query, [round_id, value]))


async def _in_own_transaction(
    connection: BaseDBAsyncClient, query: str, values: list[Any]
) -> list[Any]:
    if isinstance(connection, TransactionalDBClient):
        async with in_transaction(Marker._meta.default_connection):
            _, rows = await connection.execute_query(query, values)
    else:
        _, rows = await connection.execute_query(query, values)
    return list(rows)


# Whether the round is open, whether the member is in its electorate (when it has one:
# $3 is their row then), and the marker if both: one statement.
_MARK = (
    "WITH open AS (SELECT 1 FROM anonymity_round WHERE id = $1 AND phase = 'open'), "
    "eligible AS (SELECT 1 FROM open WHERE $3::text IS NULL OR EXISTS "
    "(SELECT 1 FROM anonymity_elector WHERE round_id = $1 AND value = $3)), "
    "marked AS (INSERT INTO anonymity_marker (round_id, value) SELECT $1, $2 FROM eligible "
    "ON CONFLICT DO NOTHING RETURNING 1) "
    "SELECT EXISTS (SELECT 1 FROM open) AS open, EXISTS (SELECT 1 FROM eligible) AS eligible, "
    "EXISTS (SELECT 1 FROM marked) AS marked"
)


async def _store(round_id: str, tag: str, sealed: bytes, *, first: bool) -> Cast | None:
    """Store a sealed ballot and, for a first one, its receipt's hash; None if a ballot
    with this tag is there already (nothing is written then).

    While the round is open and only then: closing waits until this is written, so no
    ballot is stored after its round was read for counting. On PostgreSQL it is one
    statement holding the round's row shared (ballots do not wait for each other;
    closing holds it exclusively); SQLite writes one transaction at a time.
    """
    connection = connections.get(SealedBallot._meta.default_connection or "default")
    receipt = new_code() if first else None
    values: list[Any] = [round_id, tag, sealed, uuid.uuid4()]
    if connection.capabilities.dialect == "postgres":
        query = _FIRST if first else _REVISE
        if receipt is not None:
            values += [uuid.uuid4(), receipt_hash(receipt)]
        _, stored = await connection.execute_query(query, values)
        if not stored:
            if not await AnonymousRound.exists(id=round_id, phase=Phase.OPEN):
                raise RoundNotOpen(round_id)
            return None
        return Cast(receipt=receipt, revised=not first)
    async with in_transaction():
        if not await AnonymousRound.exists(id=round_id, phase=Phase.OPEN):
            raise RoundNotOpen(round_id)
        if await SealedBallot.exists(round_id=round_id, tag=tag):
            return None
        await SealedBallot.create(id=values[3], round_id=round_id, sealed=sealed, tag=tag)
        if receipt is not None:
            await ReceiptHash.create(
                id=uuid.uuid4(), round_id=round_id, tag=tag, hash=receipt_hash(receipt)
            )
    return Cast(receipt=receipt, revised=not first)


# Fixed text with placeholders only; every value is a parameter. A ballot whose tag is
# taken is not stored (ON CONFLICT), and then neither is a receipt.
_OPEN = "SELECT 1 FROM anonymity_round WHERE id = $1 AND phase = 'open' FOR SHARE"
_SEALED = (
    "INSERT INTO anonymity_sealed_ballot (id, round_id, sealed, tag) "
    "SELECT $4, $1, $3, $2 FROM open ON CONFLICT DO NOTHING RETURNING 1"
)
_REVISE = f"WITH open AS ({_OPEN}) {_SEALED}"
_FIRST = (
    f"WITH open AS ({_OPEN}), sealed AS ({_SEALED}) "  # noqa: S608
    "INSERT INTO anonymity_receipt_hash (id, round_id, tag, hash) "
    "SELECT $5, $1, $2, $6 FROM sealed RETURNING 1"
)


Checkpoint = Callable[[str], None]


def _no_checkpoint(step: str) -> None:
    return None


async def _count_and_forget(round_id: str, private: PrivateKey, checkpoint: Checkpoint) -> None:
    """Within close_round's transaction: open, shuffle, store in the clear, delete."""
    rows = await SealedBallot.filter(round_id=round_id).values_list("sealed", "tag")
    checkpoint("read")
    box = SealedBox(private)
    contents = latest_ballots([(tag, *unpad(box.decrypt(sealed))) for sealed, tag in rows])
    checkpoint("opened")
    secrets.SystemRandom().shuffle(contents)
    checkpoint("shuffled")
    # The receipts of the ballots just read, matched here rather than with `tag IN (...)`:
    # a round's tags outnumber the parameters one query may carry (32,767 on asyncpg).
    tags = {tag for _, tag in rows}
    receipts = await ReceiptHash.filter(round_id=round_id).values_list("tag", "hash")
    hashes = sorted(hash_ for tag, hash_ in receipts if tag in tags)
    await ClearBallot.bulk_create(
        [ClearBallot(id=uuid.uuid4(), round_id=round_id, content=c) for c in contents],
        batch_size=2000,
    )
    checkpoint("inserted")
    await CountedReceipt.bulk_create(
        [CountedReceipt(round_id=round_id, hash=h) for h in hashes], batch_size=2000
    )
    await SealedBallot.filter(round_id=round_id).delete()
    await Marker.filter(round_id=round_id).delete()
    await Elector.filter(round_id=round_id).delete()  # its key goes with the round's keys
    await ReceiptHash.filter(round_id=round_id).delete()
    checkpoint("deleted")
    await AnonymousRound.filter(id=round_id, phase=Phase.OPEN).update(phase=Phase.COUNTED)


async def close_round(
    key_directory: Path,
    round_id: str,
    teller_passphrase: str | None = None,
    checkpoint: Checkpoint = _no_checkpoint,
) -> Closed:
    """Open, shuffle, store in the clear, delete the sealed traces, destroy the keys.

    Safe to call again after any interruption, and after it finished: the
    database part is one transaction, destroying keys is idempotent.
    `checkpoint(step)` is called between steps (tests interrupt there).
    """
    round_ = await AnonymousRound.get(id=round_id)
    if round_.phase == Phase.OPEN:
        private = open_private_key(key_directory, round_id, teller_passphrase)
        async with in_transaction():
            # Taken exclusively: a ballot being stored finishes first, later ones find the
            # round no longer open, and a second close waits, then finds it counted.
            locked = await AnonymousRound.select_for_update().get(id=round_id)
            if locked.phase == Phase.OPEN:
                await _count_and_forget(round_id, private, checkpoint)
        round_ = await AnonymousRound.get(id=round_id)
    if round_.phase == Phase.COUNTED:
        destroy_round_keys(key_directory, round_id)
        checkpoint("destroyed")
        await AnonymousRound.filter(id=round_id).update(phase=Phase.CLOSED)
    stored: list[Any] = await ClearBallot.filter(round_id=round_id).values_list(
        "content", flat=True
    )
    return Closed(
        contents=[bytes(c) for c in stored], counted_receipts=await counted_receipts(round_id)
    )


async def has_taken_part(key_directory: Path, round_id: str, member_id: str) -> bool:
    """Whether the member has a marker in this open round (False once it closed)."""
    round_ = await AnonymousRound.get_or_none(id=round_id)
    if round_ is None or round_.phase != Phase.OPEN:
        return False
    keys = load_round_keys(key_directory, round_id)
    return await Marker.exists(round_id=round_id, value=marker_for(keys.marker_key, member_id))


async def counted_receipts(round_id: str) -> list[str]:
    hashes: list[Any] = await CountedReceipt.filter(round_id=round_id).values_list(
        "hash", flat=True
    )
    return sorted(str(h) for h in hashes)


async def receipt_was_counted(round_id: str, receipt: str) -> bool:
    return await CountedReceipt.exists(round_id=round_id, hash=receipt_hash(receipt))
