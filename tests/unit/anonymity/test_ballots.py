"""Sealed ballots: submit, revise, close, verify; nothing that links a member to content."""

from __future__ import annotations

import itertools
import secrets
from collections import Counter
from pathlib import Path

import pytest
from argon2.profiles import CHEAPEST

from anonymity.ballots import (
    BALLOT_BYTES,
    AlreadySubmitted,
    BallotTooLarge,
    RoundNotOpen,
    close_round,
    counted_receipts,
    latest_ballots,
    open_round,
    pad,
    receipt_was_counted,
    revision_tag,
    submit,
    unpad,
)
from anonymity.codes import receipt_hash
from anonymity.keystore import (
    TellerPassphraseNeeded,
    open_private_key,
    round_directory,
    teller_key,
)
from anonymity.models import (
    AnonymousRound,
    BoxState,
    ClearBallot,
    Marker,
    ReceiptHash,
    SealedBallot,
)


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    return tmp_path / "keys"


def member() -> tuple[str, bytes]:
    return secrets.token_hex(8), secrets.token_bytes(32)


def round_id() -> str:
    return "r" + secrets.token_hex(6)


pytestmark = pytest.mark.usefixtures("db")


async def test_a_round_counts_every_ballot_once_and_leaves_no_sealed_trace(keys: Path):
    rid = round_id()
    await open_round(keys, rid)
    voters = [member() for _ in range(6)]
    votes = [b"alpha", b"beta", b"alpha", b"gamma", b"alpha", b"beta"]
    receipts = []
    for (member_id, personal_key), vote in zip(voters, votes, strict=True):
        cast = await submit(keys, rid, member_id, personal_key, vote)
        assert cast.receipt and not cast.revised
        receipts.append(cast.receipt)
    assert len(set(receipts)) == 6
    sealed = await SealedBallot.filter(round_id=rid)
    assert all(len(row.sealed) == BALLOT_BYTES + 48 for row in sealed)
    assert not any(vote in row.sealed for row in sealed for vote in votes)

    closed = await close_round(keys, rid)
    assert Counter(closed.contents) == Counter(votes)
    assert closed.counted_receipts == sorted(receipt_hash(r) for r in receipts)
    assert all([await receipt_was_counted(rid, r) for r in receipts])
    assert not await receipt_was_counted(rid, "AAAA-BBBB-CCCC-DDDD")
    for table in (SealedBallot, Marker, ReceiptHash):
        assert await table.filter(round_id=rid).count() == 0
    assert not round_directory(keys, rid).exists()
    assert (await AnonymousRound.get(id=rid)).phase == BoxState.CLOSED


async def test_revising_adds_a_ballot_that_replaces_the_last_and_keeps_the_receipt(keys: Path):
    rid = round_id()
    await open_round(keys, rid)
    member_id, personal_key = member()
    other_id, other_key = member()
    first = await submit(keys, rid, member_id, personal_key, b"first choice")
    stored = [(row.id, row.sealed, row.tag) for row in await SealedBallot.filter(round_id=rid)]
    await submit(keys, rid, other_id, other_key, b"someone else")
    again = await submit(keys, rid, member_id, personal_key, b"second thoughts")
    third = await submit(keys, rid, member_id, personal_key, b"third thoughts")
    assert again.revised and again.receipt is None and third.revised
    # Never an UPDATE or DELETE before close: the first ballot's row is as it was.
    rows = await SealedBallot.filter(round_id=rid)
    assert len(rows) == 4
    assert all((row.id, row.sealed, row.tag) in stored for row in rows if row.tag == stored[0][2])
    assert await ReceiptHash.filter(round_id=rid).count() == 2
    closed = await close_round(keys, rid)
    assert sorted(closed.contents) == [b"someone else", b"third thoughts"]
    assert receipt_hash(first.receipt or "") in closed.counted_receipts


def test_only_the_last_ballot_of_each_chain_counts():
    chain = [("t0", None, b"a"), ("t1", "t0", b"b"), ("t2", "t1", b"c"), ("u0", None, b"x")]
    assert sorted(latest_ballots(chain)) == [b"c", b"x"]
    assert latest_ballots([]) == []


def test_padding_keeps_what_a_ballot_replaces():
    tag = revision_tag(bytes(32), "round", 1)
    assert unpad(pad(b"content", tag)) == (tag, b"content")
    assert unpad(pad(b"content")) == (None, b"content")
    assert len(pad(b"")) == len(pad(b"x" * 100, tag))


async def test_given_one_receipt_a_revised_and_an_unrevised_ballot_look_alike(keys: Path):
    """What a coercer holding a receipt and a copy of the database can see of its ballot:
    the receipt's row, the ballot row with the same tag, and their sizes."""
    rid = round_id()
    await open_round(keys, rid)
    kept, changed = member(), member()
    kept_cast = await submit(keys, rid, *kept, b"mine")
    changed_cast = await submit(keys, rid, *changed, b"coerced")
    await submit(keys, rid, *changed, b"what I want")

    async def seen(receipt: str) -> tuple[int, int, int]:
        row = await ReceiptHash.get(round_id=rid, hash=receipt_hash(receipt))
        ballot = await SealedBallot.get(round_id=rid, tag=row.tag)
        same_tag = await SealedBallot.filter(round_id=rid, tag=row.tag).count()
        return len(ballot.sealed), len(row.tag), same_tag

    assert await seen(kept_cast.receipt or "") == await seen(changed_cast.receipt or "")


async def test_without_revision_a_second_ballot_is_refused_and_changes_nothing(keys: Path):
    rid = round_id()
    await open_round(keys, rid, allows_revision=False)
    member_id, personal_key = member()
    await submit(keys, rid, member_id, personal_key, b"once")
    before = [row.sealed for row in await SealedBallot.filter(round_id=rid)]
    with pytest.raises(AlreadySubmitted):
        await submit(keys, rid, member_id, personal_key, b"twice")
    assert [row.sealed for row in await SealedBallot.filter(round_id=rid)] == before
    assert (await close_round(keys, rid)).contents == [b"once"]


async def test_nothing_is_accepted_after_close_or_for_an_unknown_round(keys: Path):
    rid = round_id()
    await open_round(keys, rid)
    await close_round(keys, rid)
    with pytest.raises(RoundNotOpen):
        await submit(keys, rid, *member(), b"late")
    with pytest.raises(RoundNotOpen):
        await submit(keys, "nope", *member(), b"x")


async def test_an_oversized_ballot_is_refused(keys: Path):
    rid = round_id()
    await open_round(keys, rid)
    with pytest.raises(BallotTooLarge):
        await submit(keys, rid, *member(), b"x" * BALLOT_BYTES)
    assert await SealedBallot.filter(round_id=rid).count() == 0


async def test_in_teller_mode_not_even_the_host_can_open_a_ballot(keys: Path):
    rid = round_id()
    teller = await teller_key("the tellers' long passphrase", CHEAPEST)
    await open_round(keys, rid, teller=teller)
    await submit(keys, rid, *member(), b"secret")
    assert not (round_directory(keys, rid) / "private_key").exists()
    with pytest.raises(TellerPassphraseNeeded):
        await open_private_key(keys, rid)
    with pytest.raises(TellerPassphraseNeeded):
        await close_round(keys, rid, teller_passphrase="a guess at the passphrase")
    assert (await AnonymousRound.get(id=rid)).phase == BoxState.OPEN
    closed = await close_round(keys, rid, teller_passphrase="the tellers' long passphrase")
    assert closed.contents == [b"secret"]


STEPS = ["read", "opened", "shuffled", "inserted", "deleted", "destroyed"]


class Interrupted(Exception):
    pass


@pytest.mark.parametrize("step", STEPS)
async def test_closing_resumes_after_an_interruption_at_every_step(keys: Path, step: str):
    rid = round_id()
    await open_round(keys, rid)
    votes = [f"vote {i % 3}".encode() for i in range(12)]
    for vote in votes:
        await submit(keys, rid, *member(), vote)

    def stop_at(reached: str) -> None:
        if reached == step:
            raise Interrupted(step)

    with pytest.raises(Interrupted):
        await close_round(keys, rid, checkpoint=stop_at)
    closed = await close_round(keys, rid)
    assert Counter(closed.contents) == Counter(votes)
    assert await ClearBallot.filter(round_id=rid).count() == 12
    assert len(await counted_receipts(rid)) == 12
    assert (await close_round(keys, rid)).contents == closed.contents  # and again: no change


async def test_stored_order_does_not_follow_submission_order(keys: Path):
    rid = round_id()
    await open_round(keys, rid)
    for index in range(60):
        await submit(keys, rid, *member(), index.to_bytes(2, "big"))
    stored = [int.from_bytes(c, "big") for c in (await close_round(keys, rid)).contents]
    assert sorted(stored) == list(range(60))
    # In submission order, 59 neighbours would each be one apart; shuffled, a handful.
    in_order = sum(1 for a, b in itertools.pairwise(stored) if b == a + 1)
    assert in_order < 15
