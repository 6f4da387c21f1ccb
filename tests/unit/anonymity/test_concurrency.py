"""Simultaneous submissions on PostgreSQL, with real commits (no rollback fixture)."""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path

import pytest

from anonymity.ballots import AlreadySubmitted, open_round, submit
from anonymity.models import AnonymousRound, Marker, ReceiptHash, SealedBallot


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
