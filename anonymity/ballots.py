"""Secret ballots and anonymous submissions: open, submit, revise, close, verify.

The interface the domains use (they never touch the tables):

    await open_round(keys, round_id, allows_revision=True, teller=None)
    cast = await submit(keys, round_id, member_id, personal_key, content)
        # cast.receipt: shown once on a first submission; None when revising
    result = await close_round(keys, round_id, teller_passphrase=None, count=None)
        # result.contents: the opened ballots, in a shuffled order; result.tally: count's
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
- at close the round first stops taking ballots (one statement, which waits for a
  ballot being stored: that one is counted, a later one finds the round closed);
  then every ballot is opened, shuffled with the operating system's cryptographic
  random source and counted in a worker process (anonymity.offload: seconds of
  pure Python that would freeze the event loop), inserted into `ClearBallot` in
  that order in one transaction, and the sealed ballots, markers and receipt
  links of the round are deleted in the next one (no transaction both deletes a
  sealed ballot and inserts its opened copy); then the round's keys are
  destroyed. The round's phase says which step is next, so closing resumes
  where it stopped, and each write holds the round's row exclusively, so two
  closes at once store every ballot once.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from nacl.public import PrivateKey, SealedBox
from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient
from tortoise.models import Model
from tortoise.transactions import in_transaction

from anonymity.codes import new_code, receipt_hash
from anonymity.electorate import elector_value
from anonymity.keystore import (
    TellerKey,
    create_round_keys,
    destroy_round_keys,
    electorate_key,
    load_round_keys,
    open_private_key,
    public_key,
)
from anonymity.models import (
    AnonymousRound,
    BoxState,
    ClearBallot,
    CountedReceipt,
    Elector,
    Marker,
    ReceiptHash,
    SealedBallot,
)
from anonymity.offload import run_in_process

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
    tally: Any = None  # what close_round's `count` made of the contents


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
    teller: TellerKey | None = None,
) -> None:
    """Create the round's keys (in the key directory) and its phase row. In teller mode,
    `teller` is the tellers' passphrase stretched beforehand (keystore.teller_key), out
    of any transaction.

    Safe to call again: an open round is left as it is, and keys left by an attempt that
    never stored the round's row (so never took a ballot) are made anew.
    """
    if await AnonymousRound.exists(id=round_id):
        return
    destroy_round_keys(key_directory, round_id)
    create_round_keys(key_directory, round_id, teller)
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
        if round_ is None or round_.phase != BoxState.OPEN:
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
    if not await AnonymousRound.exists(id=round_id, phase=BoxState.OPEN):
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
            if not await AnonymousRound.exists(id=round_id, phase=BoxState.OPEN):
                raise RoundNotOpen(round_id)
            return None
        return Cast(receipt=receipt, revised=not first)
    async with in_transaction():
        if not await AnonymousRound.exists(id=round_id, phase=BoxState.OPEN):
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

# What a caller makes of a round's opened ballots (a tally, say): a module's top-level
# function, or a functools.partial of one with picklable arguments, since it runs in
# another process (anonymity.offload).
Count = Callable[[list[bytes]], Any]

# Rows sent to the worker, written, or turned into values at once when closing: a page of
# sealed ballots is 4 MB.
_PAGE = 2000

T = TypeVar("T")


def _no_checkpoint(step: str) -> None:
    return None


@dataclass(frozen=True)
class Opened:
    """A round's ballots opened, in a shuffled order, ready to store, and counted."""

    ids: list[str]  # of their stored copies: in increasing order, so in stored order
    contents: list[bytes]
    receipts: list[str]  # sorted hashes of the receipts of the ballots opened
    tally: Any  # what `count` made of the contents; None without one


def open_page(private_key: bytes, sealed: list[bytes]) -> tuple[list[str | None], list[bytes]]:
    """Pure: open sealed ballots; for each, the tag of the ballot it replaces (None for a
    first ballot) and what it says, in two lists (plain values, which the garbage
    collector need not follow)."""
    box = SealedBox(PrivateKey(private_key))
    replaces: list[str | None] = []
    contents: list[bytes] = []
    for data in sealed:
        supersedes, content = unpad(box.decrypt(data))
        replaces.append(supersedes)
        contents.append(content)
    return replaces, contents


def shuffle_and_count(contents: list[bytes], receipts: list[str], count: Count | None) -> Opened:
    """Pure: shuffle the ballots with the operating system's cryptographic random source
    and count them; sort the receipts' hashes. The stored copies get random ids, sorted,
    so that reading them back in id order gives the shuffled order."""
    secrets.SystemRandom().shuffle(contents)
    ids = sorted(str(uuid.uuid4()) for _ in contents)
    return Opened(ids, contents, sorted(receipts), None if count is None else count(contents))


def open_and_count(
    private_key: bytes,
    sealed: list[tuple[bytes, str]],
    receipts: list[tuple[str, str]],
    count: Count | None,
) -> Opened:
    """Pure: what closing does with a round's ballots, from the sealed ones (sealed bytes,
    tag) and the round's receipts (tag, hash) to the shuffled ballots, their count and the
    hashes of the receipts of the ballots counted. close_round runs the same steps, the
    opening and counting in the worker process and page by page (so that no transfer
    holds the GIL for long)."""
    replaces, contents = open_page(private_key, [data for data, _ in sealed])
    tags = [tag for _, tag in sealed]
    latest = latest_ballots(list(zip(tags, replaces, contents, strict=True)))
    counted = set(tags)
    hashes = [hash_ for tag, hash_ in receipts if tag in counted]
    return shuffle_and_count(latest, hashes, count)


async def _by_tag(
    model: type[Model], round_id: str, column: str
) -> AsyncIterator[tuple[list[Any], list[str]]]:
    """One column of the round's rows of `model`, and their tags, a page at a time in tag
    order (which the unique index on (round_id, tag) gives without sorting), as two lists
    of plain values: the rows themselves are gone before the loop goes on."""
    connection = connections.get(model._meta.default_connection or "default")
    first, second = _slots(connection, 2)
    select = f"SELECT {column}, tag FROM {model._meta.db_table} WHERE round_id = {first}"  # noqa: S608
    last: str | None = None
    while True:
        if last is None:
            query, values = f"{select} ORDER BY tag LIMIT {_PAGE}", [round_id]
        else:
            query = f"{select} AND tag > {second} ORDER BY tag LIMIT {_PAGE}"
            values = [round_id, last]
        _, rows = await connection.execute_query(query, values)
        found, tags = [row[0] for row in rows], [str(row[1]) for row in rows]
        del rows
        if tags:
            yield found, tags
        if len(tags) < _PAGE:
            return
        last = tags[-1]


async def _all(model: type[Model], round_id: str, column: str, order: str) -> list[Any]:
    """One column of the round's rows of `model`, in `order`, read in one query."""
    connection = connections.get(model._meta.default_connection or "default")
    (slot,) = _slots(connection, 1)
    table = model._meta.db_table
    query = f"SELECT {column} FROM {table} WHERE round_id = {slot} ORDER BY {order}"  # noqa: S608
    _, rows = await connection.execute_query(query, [round_id])
    values: list[Any] = []
    for start in range(0, len(rows), _PAGE):
        values += [row[0] for row in rows[start : start + _PAGE]]
        await asyncio.sleep(0)
    return values


async def _open_in_worker(round_id: str, private_key: bytes, count: Count | None) -> Opened:
    """Open, shuffle and count the round's ballots in the worker process, sent a page at
    a time; the loop keeps only plain values in flat lists and filters them in slices."""
    tags: list[str] = []
    replaces: list[str | None] = []
    contents: list[bytes] = []
    async for sealed, page_tags in _by_tag(SealedBallot, round_id, "sealed"):
        tags += page_tags
        opened_replaces, opened_contents = await run_in_process(open_page, private_key, sealed)
        replaces += opened_replaces
        contents += opened_contents
    replaced = {supersedes for supersedes in replaces if supersedes}
    latest: list[bytes] = []
    for start in range(0, len(tags), _PAGE):
        stop = start + _PAGE
        latest += [
            content
            for tag, content in zip(tags[start:stop], contents[start:stop], strict=True)
            if tag not in replaced
        ]
        await asyncio.sleep(0)
    del contents, replaces
    counted = set(tags)
    hashes: list[str] = []
    async for page_hashes, page_tags in _by_tag(ReceiptHash, round_id, "hash"):
        hashes += [str(h) for h, tag in zip(page_hashes, page_tags, strict=True) if tag in counted]
    return await run_in_process(shuffle_and_count, latest, hashes, count)


async def _insert_pages(
    connection: BaseDBAsyncClient,
    table: str,
    columns: Sequence[str],
    items: Sequence[T],
    row: Callable[[int, T], list[Any]],
) -> None:
    """INSERT a row per item, `row(index, item)`, a page per statement: the rows of a
    page are made just before it is sent, and the event loop runs between pages."""
    slots = ", ".join(_slots(connection, len(columns)))
    query = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({slots})"  # noqa: S608
    for start in range(0, len(items), _PAGE):
        page = items[start : start + _PAGE]
        await connection.execute_many(
            query, [row(start + offset, item) for offset, item in enumerate(page)]
        )


async def _store_opened(round_id: str, opened: Opened) -> bool:
    """Store the opened copies and the counted receipts, in one transaction that deletes
    nothing; False (nothing written) if another close stored them first."""
    async with in_transaction(ClearBallot._meta.default_connection) as connection:
        # Taken exclusively, so that of two closes at once, one stores and the other sees it.
        locked = await AnonymousRound.select_for_update().get(id=round_id)
        if locked.phase != BoxState.CLOSING:
            return False
        await _insert_pages(
            connection,
            ClearBallot._meta.db_table,
            ("id", "round_id", "content"),
            opened.ids,
            lambda index, id_: [id_, round_id, opened.contents[index]],
        )
        await _insert_pages(
            connection,
            CountedReceipt._meta.db_table,
            ("round_id", "hash"),
            opened.receipts,
            lambda _, hash_: [round_id, hash_],
        )
        await AnonymousRound.filter(id=round_id, phase=BoxState.CLOSING).update(
            phase=BoxState.OPENED
        )
    return True


async def _forget_sealed(round_id: str) -> None:
    """Delete the round's sealed traces, in a transaction that inserts nothing: no
    transaction both deletes a sealed ballot and inserts its opened copy."""
    async with in_transaction(SealedBallot._meta.default_connection):
        locked = await AnonymousRound.select_for_update().get(id=round_id)
        if locked.phase != BoxState.OPENED:
            return
        await SealedBallot.filter(round_id=round_id).delete()
        await Marker.filter(round_id=round_id).delete()
        await Elector.filter(round_id=round_id).delete()  # its key goes with the round's keys
        await ReceiptHash.filter(round_id=round_id).delete()
        await AnonymousRound.filter(id=round_id, phase=BoxState.OPENED).update(
            phase=BoxState.COUNTED
        )


async def close_round(
    key_directory: Path,
    round_id: str,
    teller_passphrase: str | None = None,
    checkpoint: Checkpoint = _no_checkpoint,
    count: Count | None = None,
) -> Closed:
    """Stop taking ballots, open and shuffle them (and `count` them) in the worker process,
    store the opened copies, delete the sealed traces, destroy the keys.

    Each step is its own short transaction, or none, and leaves the round in a phase
    saying what is left to do, so closing is safe to call again after any interruption,
    and after it finished; two closes at once store the ballots once. The event loop
    only reads and writes, a page at a time. `checkpoint(step)` is called between steps
    (tests interrupt there).
    """
    round_ = await AnonymousRound.get(id=round_id)
    opened: Opened | None = None
    tally: Any = None
    if round_.phase in (BoxState.OPEN, BoxState.CLOSING):
        # Before anything changes: a wrong tellers' passphrase leaves the round open.
        private = await open_private_key(key_directory, round_id, teller_passphrase)
        # One statement: it waits for a ballot being stored (which holds the round's row
        # shared), and every later one finds the round no longer open. From here on the
        # round's sealed ballots are the ones to count.
        await AnonymousRound.filter(id=round_id, phase=BoxState.OPEN).update(phase=BoxState.CLOSING)
        checkpoint("read")
        opened = await _open_in_worker(round_id, bytes(private), count)
        checkpoint("opened")
        checkpoint("shuffled")
        stored_here = await _store_opened(round_id, opened)
        checkpoint("inserted")
        round_ = await AnonymousRound.get(id=round_id)
        if not stored_here:
            tally = opened.tally  # the same ballots as the close that stored them
            opened = None
    if round_.phase == BoxState.OPENED:
        await _forget_sealed(round_id)
        checkpoint("deleted")
        round_ = await AnonymousRound.get(id=round_id)
    if round_.phase == BoxState.COUNTED:
        destroy_round_keys(key_directory, round_id)
        checkpoint("destroyed")
        await AnonymousRound.filter(id=round_id).update(phase=BoxState.CLOSED)
    if opened is not None:
        return Closed(opened.contents, opened.receipts, opened.tally)
    contents = [bytes(content) for content in await _all(ClearBallot, round_id, "content", "id")]
    if count is not None and tally is None:
        tally = await run_in_process(count, contents)
    return Closed(contents, await counted_receipts(round_id), tally)


async def has_taken_part(key_directory: Path, round_id: str, member_id: str) -> bool:
    """Whether the member has a marker in this open round (False once it closed)."""
    round_ = await AnonymousRound.get_or_none(id=round_id)
    if round_ is None or round_.phase != BoxState.OPEN:
        return False
    keys = load_round_keys(key_directory, round_id)
    return await Marker.exists(round_id=round_id, value=marker_for(keys.marker_key, member_id))


async def counted_receipts(round_id: str) -> list[str]:
    return [str(hash_) for hash_ in await _all(CountedReceipt, round_id, "hash", "hash")]


async def receipt_was_counted(round_id: str, receipt: str) -> bool:
    return await CountedReceipt.exists(round_id=round_id, hash=receipt_hash(receipt))
