"""Simultaneous submissions on PostgreSQL, with real commits (no rollback fixture)."""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path

import pytest

from anonymity.ballots import (
    AlreadySubmitted,
    Closed,
    RoundNotOpen,
    close_round,
    open_round,
    submit,
)
from anonymity.models import (
    AnonymousRound,
    ClearBallot,
    CountedReceipt,
    Marker,
    ReceiptHash,
    SealedBallot,
)


@pytest.mark.postgres_only
async def test_simultaneous_ballots_of_one_member_count_once(app, tmp_path: Path):
    keys = tmp_path / "keys"
    # Real concurrency needs real commits: no rollback fixture here; cleaned up at the end.
    rid = "r" + secrets.token_hex(6)
    await open_round(keys, rid, allows_revision=False)
    member_id, personal_key = secrets.token_hex(8), secrets.token_bytes(32)
    try:
        results = await asyncio.gather(
            *(submit(keys, rid, member_id, personal_key, b"same") for _ in range(8)),
            return_exceptions=True,
        )
        accepted = [r for r in results if not isinstance(r, BaseException)]
        refused = [r for r in results if isinstance(r, AlreadySubmitted)]
        assert len(accepted) == 1 and len(refused) == 7, results
        assert await SealedBallot.filter(round_id=rid).count() == 1
        assert await Marker.filter(round_id=rid).count() == 1
    finally:
        for table in (SealedBallot, Marker, ReceiptHash, AnonymousRound):
            await table.filter(
                **({"id": rid} if table is AnonymousRound else {"round_id": rid})
            ).delete()


@pytest.mark.postgres_only
async def test_two_closes_at_once_count_every_ballot_once(app, tmp_path: Path):
    keys = tmp_path / "keys"
    rid = "r" + secrets.token_hex(6)
    await open_round(keys, rid)
    contents = [f"ballot {n}".encode() for n in range(40)]
    try:
        for content in contents:
            await submit(keys, rid, secrets.token_hex(8), secrets.token_bytes(32), content)
        first, second = await asyncio.gather(close_round(keys, rid), close_round(keys, rid))
        assert sorted(first.contents) == sorted(second.contents) == sorted(contents)
        assert await ClearBallot.filter(round_id=rid).count() == len(contents)
        assert await CountedReceipt.filter(round_id=rid).count() == len(contents)
    finally:
        for table in (ClearBallot, CountedReceipt, SealedBallot, Marker, ReceiptHash):
            await table.filter(round_id=rid).delete()
        await AnonymousRound.filter(id=rid).delete()


@pytest.mark.postgres_only
async def test_a_ballot_stored_while_the_round_closes_is_counted_or_refused(app, tmp_path: Path):
    keys = tmp_path / "keys"
    rid = "r" + secrets.token_hex(6)
    await open_round(keys, rid)
    try:
        for n in range(200):
            await submit(keys, rid, secrets.token_hex(8), secrets.token_bytes(32), b"early %d" % n)
        late = [
            submit(keys, rid, secrets.token_hex(8), secrets.token_bytes(32), b"late %d" % n)
            for n in range(30)
        ]
        results = await asyncio.gather(close_round(keys, rid), *late, return_exceptions=True)
        closed, casts = results[0], results[1:]
        assert isinstance(closed, Closed), closed
        stored = [c for c in casts if not isinstance(c, BaseException)]
        refused = [c for c in casts if isinstance(c, RoundNotOpen)]
        assert len(stored) + len(refused) == len(casts), casts
        # Every ballot that got a receipt was counted; nothing sealed is left behind.
        assert len(closed.contents) == 200 + len(stored)
        assert len(closed.counted_receipts) == 200 + len(stored)
        assert await SealedBallot.filter(round_id=rid).count() == 0
    finally:
        for table in (ClearBallot, CountedReceipt, SealedBallot, Marker, ReceiptHash):
            await table.filter(round_id=rid).delete()
        await AnonymousRound.filter(id=rid).delete()
