"""Voting over HTTP: the ballot, review and confirm, receipts, revision, bad ballots,
the electorate fixed when voting opens, results after close only, and the notices that
say results are out.

Everyone who votes here exists before voting opens: from then on the electorate is fixed
(anonymity.electorate), and people who join later do not vote in that round."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from starlette.applications import Starlette

from anonymity.models import ClearBallot, Elector, Marker, ReceiptHash, SealedBallot
from chorus.roles import Role
from chorus.services import services
from governance.identity.keyring import Keyring
from governance.identity.models import RoleGrant
from governance.models import Notice
from governance.service.charter import set_charter_value
from proposals import service
from proposals.models import Kind, Method, Phase, Purpose, Round, Voters
from proposals.service import ProposalServices
from tests.common.forms import csrf_token
from tests.common.people import another_client, make_person, sign_in, signed_in_client
from tests.common.rounds import (
    RECEIPT,
    add_proposal,
    advance_to,
    key_directory,
    round_with,
    spec,
    tag_key,
)

pytestmark = pytest.mark.usefixtures("db")


async def vote(
    browser: httpx.AsyncClient, round_: Round, fields: Mapping[str, str | list[str]]
) -> httpx.Response:
    """Fill the ballot, check it on the review page, send it; the answer to the last step."""
    ballot = await browser.get(f"/rounds/{round_.id}/ballot")
    assert ballot.status_code == 200, ballot.text
    review = await browser.post(
        f"/rounds/{round_.id}/ballot", data={"csrf_token": csrf_token(ballot), **fields}
    )
    assert review.status_code == 200, review.text
    assert "Check your vote" in review.text
    return await browser.post(
        f"/rounds/{round_.id}/ballot/confirm",
        data={"csrf_token": csrf_token(review), **fields},
    )


async def voters(app: Starlette, client: httpx.AsyncClient, count: int) -> list[httpx.AsyncClient]:
    return [(await signed_in_client(app, client, f"Voter {index}"))[0] for index in range(count)]


async def test_a_member_votes_gets_a_receipt_and_revises_keeping_it(app, client):
    await make_person(app, "Amina")
    round_, options = await round_with(app, ["Housing", "Legal help"])
    await sign_in(client, "Amina")
    ballot = await client.get(f"/rounds/{round_.id}/ballot")
    assert "<fieldset" in ballot.text and "<legend" in ballot.text
    first = options[0].ballot_key
    review = await client.post(
        f"/rounds/{round_.id}/ballot",
        data={"csrf_token": csrf_token(ballot), "choice": first},
    )
    assert "Approved: " in review.text or options[0].title in review.text
    assert await SealedBallot.filter(round_id=str(round_.id)).count() == 0  # nothing yet
    cast = await vote(client, round_, {"choice": first})
    assert cast.status_code == 200
    receipt = RECEIPT.search(cast.text)
    assert receipt is not None
    assert receipt.group(1) not in str(cast.url)
    assert await SealedBallot.filter(round_id=str(round_.id)).count() == 1

    changed = await vote(client, round_, {"choice": [o.ballot_key for o in options]})
    assert changed.status_code == 200
    assert "Your vote is changed" in changed.text
    assert RECEIPT.search(changed.text) is None  # the receipt stays the one shown before
    # A revision is a new sealed row, never an UPDATE; closing counts the last one only.
    assert await SealedBallot.filter(round_id=str(round_.id)).count() == 2
    assert await ReceiptHash.filter(round_id=str(round_.id)).count() == 1
    assert await Marker.filter(round_id=str(round_.id)).count() == 1


async def test_without_revision_a_second_vote_is_refused_and_changes_nothing(app, client):
    await make_person(app, "Amina")
    round_, options = await round_with(app, ["Housing", "Legal help"], allows_revision=False)
    await sign_in(client, "Amina")
    assert (await vote(client, round_, {"choice": options[0].ballot_key})).status_code == 200
    ballot = await client.get(f"/rounds/{round_.id}/ballot")
    assert "does not allow changes" in ballot.text
    again = await client.post(
        f"/rounds/{round_.id}/ballot/confirm",
        data={"csrf_token": csrf_token(ballot), "choice": options[1].ballot_key},
    )
    assert again.status_code == 409
    assert "does not allow changes" in again.text
    round_ = await advance_to(app, round_, Phase.CLOSED)
    assert round_.tally["approvals"] == {options[0].ballot_key: 1, options[1].ballot_key: 0}


@pytest.mark.parametrize(
    ("method", "fields", "message"),
    [
        (Method.APPROVAL, {"choice": "99"}, "a choice that is not on it"),
        (Method.SCHULZE, {"rank-1": "1", "rank-2": "1"}, "You gave rank 1 to more than one"),
        (Method.INSTANT_RUNOFF, {"rank-1": "7"}, "rank"),
        (Method.DOTS, {"dots-1": "4", "dots-2": "3"}, "You used 7 dots. You have 5."),
        (Method.MAJORITY_JUDGMENT, {"grade-1": "9"}, "grade"),
    ],
)
async def test_a_bad_ballot_gets_a_clear_error_keeps_the_choices_and_stores_nothing(
    app, client, method, fields, message
):
    await make_person(app, "Amina")
    round_, _ = await round_with(app, ["Housing", "Legal help"], method=method)
    await sign_in(client, "Amina")
    ballot = await client.get(f"/rounds/{round_.id}/ballot")
    for step in ("ballot", "ballot/confirm"):
        answer = await client.post(
            f"/rounds/{round_.id}/{step}", data={"csrf_token": csrf_token(ballot), **fields}
        )
        assert answer.status_code == 400
        assert "There is a problem" in answer.text
        assert message in answer.text
    if method == Method.DOTS:
        assert 'id="dots-1" name="dots-1" type="number"' in answer.text
        assert 'value="4"' in answer.text
    assert await Marker.filter(round_id=str(round_.id)).count() == 0
    assert await SealedBallot.filter(round_id=str(round_.id)).count() == 0


async def test_nobody_votes_outside_the_voting_phase(app, client):
    round_, _ = await round_with(app, ["Housing"], Phase.COSIGNING)
    await make_person(app, "Amina")
    await sign_in(client, "Amina")
    page = await client.get(f"/rounds/{round_.id}")
    early = await client.post(
        f"/rounds/{round_.id}/ballot/confirm", data={"csrf_token": csrf_token(page), "choice": "1"}
    )
    assert early.status_code == 409
    assert "Voting has not started yet" in early.text
    round_ = await advance_to(app, round_, Phase.CLOSED)
    late = await client.post(
        f"/rounds/{round_.id}/ballot/confirm", data={"csrf_token": csrf_token(page), "choice": "1"}
    )
    assert late.status_code == 409
    assert "This round is closed" in late.text
    assert await ClearBallot.filter(round_id=str(round_.id)).count() == 0


async def test_nobody_votes_once_the_last_day_is_over_even_before_the_round_closes(app, client):
    round_, options = await round_with(app, ["Housing"])
    await Round.filter(id=round_.id).update(voting_ends=datetime.now(UTC) - timedelta(seconds=1))
    await make_person(app, "Amina")
    await sign_in(client, "Amina")
    page = await client.get(f"/rounds/{round_.id}")
    late = await client.post(
        f"/rounds/{round_.id}/ballot/confirm",
        data={"csrf_token": csrf_token(page), "choice": options[0].ballot_key},
    )
    assert late.status_code == 409
    assert "This round is closed" in late.text
    assert await Marker.filter(round_id=str(round_.id)).count() == 0


async def test_nobody_can_vote_for_someone_else(app, client):
    bao = await make_person(app, "Bao")
    await make_person(app, "Amina")
    round_, options = await round_with(app, ["Housing", "Legal help"], allows_revision=False)
    await sign_in(client, "Amina")
    # A tampered form naming another member changes nothing: the ballot is the signer's own.
    fields = {"choice": options[0].ballot_key, "member_id": str(bao.person.id)}
    assert (await vote(client, round_, fields)).status_code == 200
    bao_browser = another_client(client)
    await sign_in(bao_browser, "Bao")
    assert (await vote(bao_browser, round_, {"choice": options[1].ballot_key})).status_code == 200
    assert await Marker.filter(round_id=str(round_.id)).count() == 2


async def test_allies_vote_only_when_the_round_asks_for_advice(app, client):
    ally, _ = await signed_in_client(app, client, "Dara", Role.ALLY)
    member, _ = await signed_in_client(app, client, "Amina")
    closed_to_allies, _ = await round_with(app, ["Housing"])
    advised, advice_options = await round_with(app, ["Housing"], voters=Voters.ADVISORY_ALLIES)
    # A round that does not ask allies for advice is not found by them at all.
    assert (await ally.get(f"/rounds/{closed_to_allies.id}/ballot")).status_code == 404
    cast = await vote(ally, advised, {"choice": advice_options[0].ballot_key})
    assert cast.status_code == 200
    await vote(member, advised, {})
    advised = await advance_to(app, advised, Phase.CLOSED)
    # The member's blank ballot took part and chose nothing.
    assert advised.tally["ballots_counted"] == 0 and advised.tally["abstentions"] == 1
    assert advised.advisory_tally["approvals"] == {advice_options[0].ballot_key: 1}


async def test_results_exist_for_nobody_before_close(app, client):
    lead, _ = await signed_in_client(app, client, "Lena", Role.LEAD, Role.MEMBER)
    round_, options = await round_with(app, ["Housing", "Legal help"])
    await vote(lead, round_, {"choice": options[0].ballot_key})
    page = await lead.get(f"/rounds/{round_.id}/results")
    assert page.status_code == 200
    assert "There are no results yet" in page.text
    assert "Housing" not in page.text
    assert (await lead.get(f"/rounds/{round_.id}/results.csv")).status_code == 404
    assert (await lead.get(f"/rounds/{round_.id}/results.json")).status_code == 404


async def test_results_show_counts_charts_turnout_receipts_and_recount_tables(app, client):
    await set_charter_value("results_threshold", 3)
    browsers = await voters(app, client, 4)
    round_, options = await round_with(
        app, ["Housing", "Legal help", "Language classes"], method=Method.SCHULZE
    )
    rankings = [("1", "2", "3"), ("1", "3", "2"), ("2", "1", "3"), ("1", "2", "")]
    receipts = []
    keys = [o.ballot_key for o in options]
    for browser, ranks in zip(browsers, rankings, strict=True):
        fields = {f"rank-{key}": rank for key, rank in zip(keys, ranks, strict=True)}
        cast = await vote(browser, round_, fields)
        found = RECEIPT.search(cast.text)
        assert found is not None
        receipts.append(found.group(1))
    round_ = await advance_to(app, round_, Phase.CLOSED)
    page = await browsers[0].get(f"/rounds/{round_.id}/results")
    assert page.status_code == 200
    assert "<svg" in page.text and "<table" in page.text
    assert options[0].title in page.text
    assert "4 ballots" in page.text or "4 of" in page.text
    for receipt in receipts:
        assert receipt not in page.text  # only hashes of receipts are listed
    checked = await browsers[0].post(
        f"/rounds/{round_.id}/results/check",
        data={"csrf_token": csrf_token(page), "receipt": receipts[0]},
    )
    assert "was counted" in checked.text
    wrong = await browsers[0].post(
        f"/rounds/{round_.id}/results/check",
        data={"csrf_token": csrf_token(page), "receipt": "NOT-A-RECEIPT"},
    )
    assert "not find" in wrong.text

    table = list(
        csv.reader(io.StringIO((await browsers[0].get(f"/rounds/{round_.id}/results.csv")).text))
    )
    assert table[0] == ["table", "row", "column", "value"]
    pairwise = {(row[1], row[2]): int(row[3]) for row in table if row[0] == "pairwise"}
    first, second = keys[0], keys[1]
    assert pairwise[(first, second)] == 3 and pairwise[(second, first)] == 1
    data = json.loads((await browsers[0].get(f"/rounds/{round_.id}/results.json")).text)
    assert data["winner"] == keys[0]
    assert "ballots" not in json.dumps(data).replace("ballots_counted", "")


async def test_every_eligible_member_is_told_when_results_are_out(app, client):
    round_, _ = await round_with(app, ["Housing"], voters=Voters.ADVISORY_ALLIES)
    amina = await make_person(app, "Amina")
    dara = await make_person(app, "Dara", Role.ALLY)
    farid = await make_person(app, "Farid", Role.PROVIDER)
    await advance_to(app, round_, Phase.CLOSED)
    link = f"/rounds/{round_.id}/results"
    assert await Notice.filter(person=amina.person, kind="results", link=link).count() == 1
    assert await Notice.filter(person=dara.person, kind="results", link=link).count() == 1
    assert await Notice.filter(person=farid.person).filter(kind="results").count() == 0


async def test_every_eligible_member_is_told_when_a_vote_opens(app):
    amina = await make_person(app, "Amina")
    farid = await make_person(app, "Farid", Role.PROVIDER)
    round_, _ = await round_with(app, ["Housing"], Phase.VOTING)
    link = f"/rounds/{round_.id}"
    assert await Notice.filter(person=amina.person, kind="voting", link=link).count() == 1
    assert await Notice.filter(person=farid.person, kind="voting").count() == 0


async def test_an_election_gives_the_role_to_the_member_elected(app, client):

    round_ = await service.open_round(spec(purpose=Purpose.ELECTION))
    assert round_.elects == "lead"
    carmen = await make_person(app, "Carmen")
    await service.submit_proposal(
        round_,
        service.ProposalText("Carmen", "I will listen.", [], []),
        tag_key(app, round_),
        carmen.person.id,
        Kind.CANDIDATE,
    )
    member, _ = await signed_in_client(app, client, "Amina")
    round_ = await advance_to(app, round_, Phase.VOTING)
    (candidate,) = await service.ballot_options(round_)
    await vote(member, round_, {"choice": candidate.ballot_key})
    await advance_to(app, round_, Phase.CLOSED)
    assert await RoleGrant.exists(person=carmen.person, role=Role.LEAD)
    assert await Notice.filter(person=carmen.person, kind="account").count() == 1


TELLERS = "four tellers hold this together"


async def test_in_teller_mode_only_the_tellers_passphrase_counts_the_votes(app, client):
    lead, _ = await signed_in_client(app, client, "Lena", Role.LEAD, Role.MEMBER)
    form = await lead.get("/rounds/new")
    today = datetime.now(UTC).date()
    fields = {
        "question": "Which campaign comes first?",
        "purpose": "priority",
        "method": "approval",
        "voters": "members",
        "cosignatures_needed": "0",
        "allows_revision": "yes",
        "proposing_ends": (today + timedelta(days=2)).isoformat(),
        "cosigning_ends": (today + timedelta(days=4)).isoformat(),
        "voting_ends": (today + timedelta(days=6)).isoformat(),
        "tellers": "yes",
        "teller_passphrase": TELLERS,
    }
    differ = await lead.post("/rounds/new", data={"csrf_token": csrf_token(form), **fields})
    assert differ.status_code == 400
    assert "The two passphrases are not the same" in differ.text
    assert TELLERS not in differ.text  # a passphrase is never shown again
    assert await Round.all().count() == 0
    fields["teller_confirmation"] = TELLERS
    opened = await lead.post("/rounds/new", data={"csrf_token": csrf_token(form), **fields})
    assert opened.status_code == 303
    round_ = await Round.get(question=fields["question"])
    assert round_.teller_mode
    keys = services(app).settings.key_directory / "rounds" / str(round_.id)
    assert not (keys / "private_key").exists() and (keys / "private_key.wrapped").exists()

    await add_proposal(app, round_, "Housing")
    round_ = await advance_to(app, round_, Phase.VOTING)
    (option,) = await service.ballot_options(round_)
    await vote(lead, round_, {"choice": option.ballot_key})
    # Voting ends: the job moves the round to counting and no further.
    later = round_.voting_ends + timedelta(minutes=1)
    assert (
        await service.advance_due_rounds(
            keys.parent.parent, services(app).of(ProposalServices).electorate, later
        )
        == 1
    )
    round_ = await Round.get(id=round_.id)
    assert round_.phase == Phase.COUNTING
    assert "There are no results yet" in (await lead.get(f"/rounds/{round_.id}/results")).text

    page = await lead.get(f"/rounds/{round_.id}")
    wrong = await lead.post(
        f"/rounds/{round_.id}/count",
        data={"csrf_token": csrf_token(page), "teller_passphrase": "not the passphrase"},
    )
    assert wrong.status_code == 400
    assert "does not open the ballots" in wrong.text
    assert (await Round.get(id=round_.id)).phase == Phase.COUNTING
    counted = await lead.post(
        f"/rounds/{round_.id}/count",
        data={"csrf_token": csrf_token(page), "teller_passphrase": TELLERS},
    )
    assert counted.status_code == 303
    round_ = await Round.get(id=round_.id)
    assert round_.phase == Phase.CLOSED
    assert round_.tally["approvals"] == {option.ballot_key: 1}


async def test_a_round_without_tellers_cannot_be_counted_early_by_anyone(app, client):
    round_, _ = await round_with(app, ["Housing"])
    member, _ = await signed_in_client(app, client, "Amina")
    page = await member.get(f"/rounds/{round_.id}")
    early = await member.post(
        f"/rounds/{round_.id}/count",
        data={"csrf_token": csrf_token(page), "teller_passphrase": "anything at all"},
    )
    assert early.status_code == 409
    assert (await Round.get(id=round_.id)).phase == Phase.VOTING


async def test_pages_of_a_round_waiting_for_its_tellers_say_so(app, client):
    round_ = await service.open_round(
        spec(),
        services(app).settings.key_directory,
        TELLERS,
        services(app).of(Keyring).secrets.profile,
    )
    proposal = await add_proposal(app, round_, "Housing")
    round_ = await advance_to(app, round_, Phase.COUNTING)
    member, _ = await signed_in_client(app, client, "Amina")
    for path in (f"/rounds/{round_.id}", f"/proposals/{proposal.id}"):
        assert (await member.get(path)).status_code == 200
    for path in (f"/rounds/{round_.id}/ballot", f"/rounds/{round_.id}/propose"):
        answer = await member.get(path)
        assert answer.status_code == 409
        assert "The tellers have not counted the votes yet" in answer.text


async def test_a_ballot_too_long_to_seal_gets_a_clear_error(app, client):
    titles = [f"Option {n}" for n in range(400)]
    await make_person(app, "Amina")
    round_, options = await round_with(app, titles)
    await sign_in(client, "Amina")
    page = await client.get(f"/rounds/{round_.id}")
    answer = await client.post(
        f"/rounds/{round_.id}/ballot/confirm",
        data={"csrf_token": csrf_token(page), "choice": [o.ballot_key for o in options]},
    )
    assert answer.status_code == 400
    assert "This ballot is too long to store" in answer.text
    assert await SealedBallot.filter(round_id=str(round_.id)).count() == 0


# -- The electorate, fixed when voting opens ------------------------------------------------

LATE = "Only people who could vote when this vote opened can vote in it."


async def test_members_invited_after_voting_opened_cannot_vote_and_turnout_counts_the_electorate(
    app, client
):
    await set_charter_value("results_threshold", 3)
    lead, _ = await signed_in_client(app, client, "Lena", Role.LEAD, Role.MEMBER)
    early = [lead] + await voters(app, client, 2)
    round_ = await service.open_round(spec())
    await add_proposal(app, round_, "Housing")
    await add_proposal(app, round_, "Legal help")
    for phase in (Phase.PROPOSING, Phase.COSIGNING):  # the lead moves it on, by hand
        page = await lead.get(f"/rounds/{round_.id}")
        moved = await lead.post(
            f"/rounds/{round_.id}/advance", data={"csrf_token": csrf_token(page), "phase": phase}
        )
        assert moved.status_code == 303
    round_ = await Round.get(id=round_.id)
    assert round_.phase == Phase.VOTING and round_.electorate_fixed
    assert round_.eligible_voters == 3
    assert await Elector.filter(round_id=str(round_.id)).count() == 3
    choice = (await service.ballot_options(round_))[0].ballot_key

    # Mid-round, the lead invites three members; they join and try to vote.
    late = [(await signed_in_client(app, client, f"Late {n}"))[0] for n in range(3)]
    for browser in late:
        ballot = await browser.get(f"/rounds/{round_.id}/ballot")
        review = await browser.post(
            f"/rounds/{round_.id}/ballot", data={"csrf_token": csrf_token(ballot), "choice": choice}
        )
        assert review.status_code == 403
        assert LATE in review.text
        refused = await browser.post(
            f"/rounds/{round_.id}/ballot/confirm",
            data={"csrf_token": csrf_token(ballot), "choice": choice},
        )
        assert refused.status_code == 403
        assert LATE in refused.text and "There is a problem" in refused.text
        assert f'value="{choice}" checked' in refused.text  # what they picked is kept
    assert await Marker.filter(round_id=str(round_.id)).count() == 0  # nothing was written
    assert await SealedBallot.filter(round_id=str(round_.id)).count() == 0
    assert await ReceiptHash.filter(round_id=str(round_.id)).count() == 0

    for browser in early:
        assert (await vote(browser, round_, {"choice": choice})).status_code == 200
    page = await lead.get(f"/rounds/{round_.id}")
    closed = await lead.post(
        f"/rounds/{round_.id}/advance", data={"csrf_token": csrf_token(page), "phase": "voting"}
    )
    assert closed.status_code == 303
    round_ = await Round.get(id=round_.id)
    assert round_.tally["ballots_counted"] == round_.eligible_voters == 3
    # Destroyed with the round's keys: rows and key.
    assert await Elector.filter(round_id=str(round_.id)).count() == 0
    assert not (key_directory(app) / "rounds" / str(round_.id)).exists()
    results = await lead.get(f"/rounds/{round_.id}/results")
    # Six members hold the role at close; three could vote, and all three did.
    assert "3 ballots were counted, from 3 people who could vote (100%)" in results.text


async def test_allies_who_became_allies_after_voting_opened_do_not_advise(app, client):
    ally, _ = await signed_in_client(app, client, "Dara", Role.ALLY)
    round_, options = await round_with(app, ["Housing"], voters=Voters.ADVISORY_ALLIES)
    assert round_.eligible_advisory == 1
    assert await Elector.filter(round_id=f"{round_.id}-advisory").count() == 1
    newcomer, _ = await signed_in_client(app, client, "Eun", Role.ALLY)
    ballot = await newcomer.get(f"/rounds/{round_.id}/ballot")
    refused = await newcomer.post(
        f"/rounds/{round_.id}/ballot/confirm",
        data={"csrf_token": csrf_token(ballot), "choice": options[0].ballot_key},
    )
    assert refused.status_code == 403 and LATE in refused.text
    assert (await vote(ally, round_, {"choice": options[0].ballot_key})).status_code == 200
    round_ = await advance_to(app, round_, Phase.CLOSED)
    assert round_.advisory_tally["ballots_counted"] == 1


async def test_a_round_whose_voting_opened_before_electorates_were_stored_checks_roles_only(
    app, client
):
    round_, options = await round_with(app, ["Housing"])
    await Round.filter(id=round_.id).update(electorate_fixed=False)  # as before this change
    member, _ = await signed_in_client(app, client, "Amina")
    assert (await vote(member, round_, {"choice": options[0].ballot_key})).status_code == 200
