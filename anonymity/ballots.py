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
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from anonymity.codes import new_code, receipt_hash
from anonymity.keystore import (
    create_round_keys,
    destroy_round_keys,
    load_round_keys,
    open_private_key,
    public_key,
)
from anonymity.models import (
    AnonymousRound,
    ClearBallot,
    CountedReceipt,
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


def revision_tag(personal_key: bytes, round_id: str) -> str:
    return hmac.new(personal_key, b"revision|" + round_id.encode(), hashlib.sha256).hexdigest()


def pad(content: bytes) -> bytes:
    room = BALLOT_BYTES - _LENGTH_BYTES
    if len(content) > room:
        raise BallotTooLarge(len(content))
    return len(content).to_bytes(_LENGTH_BYTES, "big") + content + bytes(room - len(content))


def unpad(padded: bytes) -> bytes:
    length = int.from_bytes(padded[:_LENGTH_BYTES], "big")
    return padded[_LENGTH_BYTES : _LENGTH_BYTES + length]


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


async def submit(
    key_directory: Path, round_id: str, member_id: str, personal_key: bytes, content: bytes
) -> Cast:
    """Record that the member took part, then store their sealed ballot (or replace it)."""
    round_ = await AnonymousRound.get_or_none(id=round_id)
    if round_ is None or round_.phase != Phase.OPEN:
        raise RoundNotOpen(round_id)
    keys = load_round_keys(key_directory, round_id)
    sealed = bytes(SealedBox(public_key(keys)).encrypt(pad(content)))
    tag = revision_tag(personal_key, round_id)

    # Participation, in a transaction of its own.
    try:
        await _insert_alone(Marker(round_id=round_id, value=marker_for(keys.marker_key, member_id)))
        # A first submission: no ballot to replace, unless a simultaneous one of the same
        # member stores first (then the insert below fails and the next attempt revises).
        replacing = False
    except IntegrityError:
        # Taken part before. Without revision that is the end, unless the earlier
        # attempt stopped between its two transactions and left no ballot.
        if not round_.allows_revision and await SealedBallot.exists(round_id=round_id, tag=tag):
            raise AlreadySubmitted(round_id) from None
        replacing = True

    # Content, in a transaction that touches no row about a person or a session.
    for _ in range(2):
        try:
            return await _store(round_id, tag, sealed, round_.allows_revision, replacing)
        except IntegrityError:
            replacing = True  # a simultaneous first submission won; now this one revises it
    raise AlreadySubmitted(round_id)


async def _insert_alone(row: Marker) -> None:
    """One INSERT as its own transaction: a single autocommitted statement, or, inside a
    caller's transaction, a savepoint, so that a conflict leaves that transaction usable."""
    if isinstance(type(row)._meta.db, TransactionalDBClient):
        async with in_transaction(type(row)._meta.default_connection):
            await row.save()
    else:
        await row.save()


async def _store(
    round_id: str, tag: str, sealed: bytes, allows_revision: bool, replacing: bool
) -> Cast:
    """Store (or replace) the sealed ballot and, for a first one, its receipt's hash.

    While the round is open and only then: closing waits until this is written, so no
    ballot is stored after its round was read for counting. On PostgreSQL each step is
    one statement holding the round's row shared (ballots do not wait for each other;
    closing holds it exclusively); SQLite writes one transaction at a time.
    """
    connection = connections.get(SealedBallot._meta.default_connection or "default")
    if connection.capabilities.dialect == "postgres":
        return await _store_on_postgres(
            connection, round_id, tag, sealed, allows_revision, replacing
        )
    async with in_transaction():
        if not await AnonymousRound.exists(id=round_id, phase=Phase.OPEN):
            raise RoundNotOpen(round_id)
        if replacing:
            replaced = await SealedBallot.filter(round_id=round_id, tag=tag).update(sealed=sealed)
            if replaced:
                if not allows_revision:
                    raise AlreadySubmitted(round_id)
                return Cast(receipt=None, revised=True)
        await SealedBallot.create(id=uuid.uuid4(), round_id=round_id, sealed=sealed, tag=tag)
        receipt = new_code()
        await ReceiptHash.create(
            id=uuid.uuid4(), round_id=round_id, tag=tag, hash=receipt_hash(receipt)
        )
        return Cast(receipt=receipt, revised=False)


# Fixed text with placeholders only; every value is a parameter.
_OPEN = "SELECT 1 FROM anonymity_round WHERE id = $1 AND phase = 'open' FOR SHARE"
_REPLACE = (
    f"WITH open AS ({_OPEN}) "  # noqa: S608
    "UPDATE anonymity_sealed_ballot SET sealed = $3 "
    "WHERE round_id = $1 AND tag = $2 AND EXISTS (SELECT 1 FROM open) RETURNING 1"
)
_FIRST = (
    f"WITH open AS ({_OPEN}), "  # noqa: S608
    "sealed AS (INSERT INTO anonymity_sealed_ballot (id, round_id, sealed, tag) "
    "SELECT $4, $1, $3, $2 FROM open RETURNING 1) "
    "INSERT INTO anonymity_receipt_hash (id, round_id, tag, hash) "
    "SELECT $5, $1, $2, $6 FROM sealed RETURNING 1"
)


async def _store_on_postgres(
    connection: BaseDBAsyncClient,
    round_id: str,
    tag: str,
    sealed: bytes,
    allows_revision: bool,
    replacing: bool,
) -> Cast:
    if replacing:
        if not allows_revision:
            if await SealedBallot.exists(round_id=round_id, tag=tag):
                raise AlreadySubmitted(round_id)
        else:
            replaced, _ = await connection.execute_query(_REPLACE, [round_id, tag, sealed])
            if replaced:
                return Cast(receipt=None, revised=True)
    receipt = new_code()
    values = [round_id, tag, sealed, uuid.uuid4(), uuid.uuid4(), receipt_hash(receipt)]
    stored, _ = await connection.execute_query(_FIRST, values)
    if not stored:
        if await AnonymousRound.exists(id=round_id, phase=Phase.OPEN):
            raise IntegrityError("the ballot was not stored")  # let the caller try again
        raise RoundNotOpen(round_id)
    return Cast(receipt=receipt, revised=False)


Checkpoint = Callable[[str], None]


def _no_checkpoint(step: str) -> None:
    return None


async def _count_and_forget(round_id: str, private: PrivateKey, checkpoint: Checkpoint) -> None:
    """Within close_round's transaction: open, shuffle, store in the clear, delete."""
    rows = await SealedBallot.filter(round_id=round_id).values_list("sealed", "tag")
    checkpoint("read")
    box = SealedBox(private)
    contents = [unpad(box.decrypt(sealed)) for sealed, _ in rows]
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
