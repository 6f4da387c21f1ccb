"""Voting through the real routes links nobody: not the tables, the files, the WAL or the logs.

Thirty members sign in over HTTP and vote on a ranked round through the ballot, its
review step and confirm, in a random order; a third of them change their vote. The
database is this test's own and really committed to. Then the test plays DESIGN.md's
adversaries while the round is open (a copy of every table, the database files, on
PostgreSQL the write-ahead log since voting started) and after close (the stored order
of the ballots), and reads the log output.
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import asyncpg
import httpx
import pytest
from asgi_lifespan import LifespanManager
from tortoise import connections

from anonymity import models as anonymity_models
from anonymity.models import ClearBallot, CountedReceipt, ReceiptHash, SealedBallot
from chorus.app import create_app
from chorus.database import postgres_url
from governance import models as governance_models
from governance.identity import models as identity_models
from proposals import models as proposals_models
from proposals import service
from proposals.models import Method, Phase, Round
from tests.common.dumps import logged_chorus, long_values, read_files, rows_of
from tests.common.forms import csrf_token
from tests.common.people import make_person, sign_in
from tests.common.postgres import (
    fresh_wal_segment,
    local_data_directory,
    transaction_ids,
    wal_since,
)
from tests.common.rounds import RECEIPT, add_proposal, advance_to, spec
from tests.conftest import BASE_URL

MEMBERS = 30
REVISING = 10
OPTIONS = ["Housing", "Legal help", "Jobs", "Language classes", "Health care"]
PERSON_MODELS = [
    identity_models.Person,
    identity_models.RoleGrant,
    identity_models.SignedOut,
    identity_models.RecoveryCode,
    identity_models.Invite,
    governance_models.Notice,
    anonymity_models.Marker,
]
CONTENT_MODELS = [SealedBallot, ReceiptHash, ClearBallot, CountedReceipt]
ROUND_MODELS = [
    proposals_models.Round,
    proposals_models.Proposal,
    proposals_models.Cosignature,
    proposals_models.PetitionSignature,
]


async def vote(browser: httpx.AsyncClient, round_id: str, ranking: tuple[str, ...]) -> str | None:
    fields = {f"rank-{key}": str(rank) for rank, key in enumerate(ranking, start=1)}
    ballot = await browser.get(f"/rounds/{round_id}/ballot")
    review = await browser.post(
        f"/rounds/{round_id}/ballot", data={"csrf_token": csrf_token(ballot), **fields}
    )
    assert review.status_code == 200, review.text
    cast = await browser.post(
        f"/rounds/{round_id}/ballot/confirm", data={"csrf_token": csrf_token(review), **fields}
    )
    assert cast.status_code == 200, cast.text
    found = RECEIPT.search(cast.text)
    return found.group(1) if found else None


async def test_voting_over_http_links_nobody(
    backend: str, own_database: tuple[str, Path], tmp_path: Path, capfd: pytest.CaptureFixture[str]
):
    url, db_folder = own_database
    db_folder.mkdir(exist_ok=True)
    settings = await logged_chorus(url, tmp_path / "keys")
    app = create_app(settings)
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        members, browsers = [], []
        for index in range(MEMBERS):
            joined = await make_person(app, f"Member {index:02d}")
            browser = httpx.AsyncClient(
                transport=transport, base_url=BASE_URL, headers={"sec-fetch-site": "same-origin"}
            )
            assert (await sign_in(browser, f"Member {index:02d}")).status_code == 303
            members.append(joined)
            browsers.append(browser)
        round_ = await service.open_round(spec(Method.SCHULZE))
        for title in OPTIONS:
            await add_proposal(app, round_, title)
        round_ = await advance_to(app, round_, Phase.VOTING)
        keys = [p.ballot_key for p in await service.ballot_options(round_)]
        round_id = str(round_.id)
        people_before = [await rows_of(model) for model in PERSON_MODELS[:-1]]

        if backend == "postgres":
            pg = await asyncpg.connect(postgres_url(url, "postgresql"))
            wal_directory = await local_data_directory(pg)
            first_segment = await fresh_wal_segment(pg)

        # Every member ends with a ranking of their own, so each stored ballot can be told apart.
        rankings = random.sample(list(itertools.permutations(keys)), MEMBERS + REVISING)
        final = dict(enumerate(rankings[:MEMBERS]))
        order = random.sample(range(MEMBERS), MEMBERS)
        receipts = [await vote(browsers[index], round_id, final[index]) for index in order]
        revisers = random.sample(range(MEMBERS), REVISING)
        for index, ranking in zip(revisers, rankings[MEMBERS:], strict=True):
            assert await vote(browsers[index], round_id, ranking) is None  # same receipt kept
            final[index] = ranking
            order.remove(index)
            order.append(index)  # the order in which final ballots were last written
        assert all(receipts) and len(set(receipts)) == MEMBERS

        # A copy of every table while the round is open.
        assert [await rows_of(model) for model in PERSON_MODELS[:-1]] == people_before, (
            "casting a ballot wrote nothing about a person"
        )
        person_rows = {m.__name__: await rows_of(m) for m in PERSON_MODELS}
        content_rows = {m.__name__: await rows_of(m) for m in CONTENT_MODELS}
        round_rows = {m.__name__: await rows_of(m) for m in ROUND_MODELS}
        person_values = set().union(
            *(long_values(rows, skip={"round_id"}) for rows in person_rows.values())
        )
        content_values = set().union(
            *(long_values(rows, skip={"round_id"}) for rows in content_rows.values())
        )
        assert person_values & content_values == set()
        identities = [str(j.person.id) for j in members] + [j.pseudonym for j in members]
        for rows in [*content_rows.values(), *round_rows.values()]:
            text = repr(rows)
            assert not any(identity in text for identity in identities)
        personal_keys = [joined.personal_key for joined in members]
        for rows in content_rows.values():
            blob = repr(rows).encode()
            assert not any(key in blob for key in personal_keys)
        encoded = [
            f'"r":[{",".join(f"{chr(34)}{k}{chr(34)}" for k in ranking)}]'.encode()
            for ranking in final.values()
        ]

        if backend == "postgres":
            person_xmins = await transaction_ids(
                "governance_signed_out", "governance_person", "anonymity_marker"
            )
            content_xmins = await transaction_ids(
                "anonymity_sealed_ballot", "anonymity_receipt_hash"
            )
            assert content_xmins & person_xmins == set()
            try:
                raw, pages = await wal_since(pg, wal_directory, first_segment)
            finally:
                await pg.close()
            # Pseudonyms can be in it: reading a page of people may prune it, and PostgreSQL
            # then logs a full image of that page (everyone on it, naming no one in
            # particular). No ballot, and no key that opens one, may be.
            for wal in (raw, pages):
                assert not any(ballot in wal for ballot in encoded)
                assert not any(key in wal for key in personal_keys)

        if backend == "sqlite":
            files = read_files(db_folder)
            assert files, "the database files were found"
            assert not any(ballot in files for ballot in encoded)
            assert not any(key in files for key in personal_keys)

        # After close: every final ballot counted once, stored in an order unrelated to voting.
        round_ = await advance_to(app, await Round.get(id=round_.id), Phase.CLOSED)
        assert round_.tally["ballots_counted"] == MEMBERS
        # Nor can the whole host any more: the round's keys and its tag key are gone.
        assert not (settings.key_directory / "rounds" / round_id).exists()
        assert not (settings.key_directory / "tags" / round_id).exists()
        stored_query = (
            "SELECT content FROM anonymity_clear_ballot WHERE round_id = $1 ORDER BY ctid"
            if backend == "postgres"
            else "SELECT content FROM anonymity_clear_ballot WHERE round_id = ? ORDER BY rowid"
        )
        _, rows = await connections.get("default").execute_query(stored_query, [round_id])
        position = {ballot: rank for rank, ballot in enumerate(encoded[i] for i in order)}
        stored = [
            next(rank for ballot, rank in position.items() if ballot in bytes(row["content"]))
            for row in rows
        ]
        assert sorted(stored) == list(range(MEMBERS))
        successions = sum(1 for a, b in itertools.pairwise(stored) if b == a + 1)
        assert successions < 8, stored  # a random order of 30 has about one; voting order, 29
        for browser in browsers:
            await browser.aclose()

    output = capfd.readouterr()
    logged = (output.out + output.err).encode()
    assert b"logging is on" in logged
    for joined in members:
        assert joined.pseudonym.encode() not in logged
        assert str(joined.person.id).encode() not in logged
    assert not any(receipt and receipt.encode() in logged for receipt in receipts)
    assert not any(ballot in logged for ballot in encoded)
