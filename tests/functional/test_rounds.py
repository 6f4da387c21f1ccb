"""Rounds over HTTP: opening, petitions, proposals, co-signing, hiding, phases."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from tortoise import connections

from chorus.i18n import long_date
from chorus.roles import Role
from chorus.services import services
from governance.identity.keyring import Keyring
from governance.identity.models import Person, RecoveryCode, RoleGrant, SignedOut
from governance.service.charter import set_charter_value
from proposals import service
from proposals.models import Contest, Cosignature, Method, Phase, Proposal, Round
from proposals.service import ProposalServices
from tests.common.dumps import rows_of
from tests.common.forms import csrf_token, form_fields
from tests.common.people import make_person, sign_in, signed_in_client
from tests.common.rounds import (
    add_proposal,
    advance_to,
    key_directory,
    round_with,
    spec,
    tag_key,
)

pytestmark = pytest.mark.usefixtures("db")


def dates(start: int = 3) -> dict[str, str]:
    today = datetime.now(UTC).date()
    return {
        "proposing_ends": (today + timedelta(days=start)).isoformat(),
        "cosigning_ends": (today + timedelta(days=start + 3)).isoformat(),
        "voting_ends": (today + timedelta(days=start + 6)).isoformat(),
    }


ROUND_FORM = {
    "question": "What should we work on in the spring?",
    "purpose": "priority",
    "method": "schulze",
    "voters": "members",
    "cosignatures_needed": "2",
    "allows_revision": "yes",
}


# Opening a round -------------------------------------------------------------------------


async def test_a_lead_opens_a_round_that_takes_proposals_at_once(app, client):
    await make_person(app, "Lena", Role.LEAD)
    await sign_in(client, "Lena")
    form = await client.get("/rounds/new")
    assert form.status_code == 200
    answer = await client.post(
        "/rounds/new", data={"csrf_token": csrf_token(form), **ROUND_FORM, **dates()}
    )
    assert answer.status_code == 303
    round_ = await Round.get(question=ROUND_FORM["question"])
    assert round_.phase == Phase.PROPOSING
    assert round_.method == Method.SCHULZE
    assert round_.cosignatures_needed == 2
    assert round_.allows_revision
    page = await client.get(answer.headers["location"])
    assert "The round is open" in page.text
    assert ROUND_FORM["question"] in page.text


async def test_a_round_with_bad_dates_keeps_what_was_typed_and_creates_nothing(app, client):
    await make_person(app, "Lena", Role.LEAD)
    await sign_in(client, "Lena")
    form = await client.get("/rounds/new")
    wrong = dates() | {"voting_ends": dates()["proposing_ends"]}
    answer = await client.post(
        "/rounds/new", data={"csrf_token": csrf_token(form), **ROUND_FORM, **wrong}
    )
    assert answer.status_code == 400
    assert "There is a problem" in answer.text
    assert ROUND_FORM["question"] in answer.text
    assert await Round.all().count() == 0


async def test_a_round_needs_a_method_chosen(app, client):
    await make_person(app, "Lena", Role.LEAD)
    await sign_in(client, "Lena")
    form = await client.get("/rounds/new")
    fields = {k: v for k, v in ROUND_FORM.items() if k != "method"}
    answer = await client.post(
        "/rounds/new", data={"csrf_token": csrf_token(form), **fields, **dates()}
    )
    assert answer.status_code == 400
    assert 'href="#method"' in answer.text
    assert await Round.all().count() == 0


async def test_members_open_a_round_by_petition_with_the_charters_signatures(app, client):
    await set_charter_value("petition_cosignatures", 2)
    await make_person(app, "Amina")
    await sign_in(client, "Amina")
    form = await client.get("/rounds/petition")
    assert "2 members sign it" in form.text
    answer = await client.post(
        "/rounds/petition", data={"csrf_token": csrf_token(form), **ROUND_FORM, **dates()}
    )
    assert answer.status_code == 303
    round_ = await Round.get(question=ROUND_FORM["question"])
    assert round_.phase == Phase.PETITION and round_.by_petition
    # Signing twice changes nothing.
    again = await client.post(f"/rounds/{round_.id}/sign", data={"csrf_token": csrf_token(form)})
    assert again.status_code == 409
    assert "already signed" in again.text
    bao, _ = await signed_in_client(app, client, "Bao")
    page = await bao.get(f"/rounds/{round_.id}")
    assert "1 of 2 signatures" in page.text
    signed = await bao.post(f"/rounds/{round_.id}/sign", data={"csrf_token": csrf_token(page)})
    assert signed.status_code == 303
    assert (await Round.get(id=round_.id)).phase == Phase.PROPOSING


# Phases ----------------------------------------------------------------------------------


async def test_a_lead_moves_a_round_on_by_hand_and_a_stale_page_changes_nothing(app, client):
    round_ = await service.open_round(spec())
    await make_person(app, "Lena", Role.LEAD)
    await sign_in(client, "Lena")
    page = await client.get(f"/rounds/{round_.id}")
    token = csrf_token(page)
    moved = await client.post(
        f"/rounds/{round_.id}/advance", data={"csrf_token": token, "phase": "proposing"}
    )
    assert moved.status_code == 303
    assert (await Round.get(id=round_.id)).phase == Phase.COSIGNING
    stale = await client.post(
        f"/rounds/{round_.id}/advance", data={"csrf_token": token, "phase": "proposing"}
    )
    assert stale.status_code == 409
    assert (await Round.get(id=round_.id)).phase == Phase.COSIGNING


async def test_a_lead_confirms_each_move_on_a_page_saying_what_will_happen(app, client):
    round_ = await service.open_round(spec())
    await add_proposal(app, round_, "Housing")
    await make_person(app, "Lena", Role.LEAD)
    await sign_in(client, "Lena")
    planned = {
        "proposing": long_date(round_.proposing_ends.date() - timedelta(days=1)),
        "cosigning": long_date(round_.cosigning_ends.date() - timedelta(days=1)),
        "voting": long_date(round_.voting_ends.date() - timedelta(days=1)),
    }
    today = long_date(datetime.now(UTC).date())
    expected = {
        "proposing": [f"Taking proposals ends today, not on {planned['proposing']}."],
        "cosigning": [
            f"Co-signing ends today, not on {planned['cosigning']}.",
            "Everything that was not withdrawn or hidden goes on the ballot.",
        ],
        "voting": [
            f"Voting ends today, not on {planned['voting']}.",
            "The votes are counted now, and everyone can see the results.",
        ],
    }
    for phase, sentences in expected.items():
        page = await client.get(f"/rounds/{round_.id}")
        # The round page only leads to the confirm page: it moves nothing itself.
        assert f'href="/rounds/{round_.id}/advance"' in page.text
        assert f'action="/rounds/{round_.id}/advance"' not in page.text
        confirm = await client.get(f"/rounds/{round_.id}/advance")
        assert confirm.status_code == 200
        for sentence in [*sentences, "This cannot be undone."]:
            assert sentence in confirm.text
        assert (await Round.get(id=round_.id)).phase == phase
        moved = await client.post(
            f"/rounds/{round_.id}/advance",
            data={"csrf_token": csrf_token(confirm), "phase": phase},
        )
        assert moved.status_code == 303
    # Closed early, the round and its results show the day it really ended.
    closed = await Round.get(id=round_.id)
    assert closed.phase == Phase.CLOSED
    for ended in (closed.proposing_ends, closed.cosigning_ends, closed.voting_ends):
        assert ended.date() - timedelta(days=1) == datetime.now(UTC).date()
    results = await client.get(f"/rounds/{round_.id}/results")
    assert f"Voting ended on {today}." in results.text
    assert planned["voting"] not in results.text
    page = await client.get(f"/rounds/{round_.id}")
    assert page.text.count(f"until {today}") == 3
    assert (await client.get(f"/rounds/{round_.id}/advance")).status_code == 409


async def test_a_round_in_teller_mode_is_said_to_wait_for_its_tellers(app, client):
    from argon2.profiles import CHEAPEST

    round_ = await service.open_round(
        spec(), key_directory(app), "tellers know this well", profile=CHEAPEST
    )
    await advance_to(app, round_, Phase.VOTING)
    await make_person(app, "Lena", Role.LEAD)
    await sign_in(client, "Lena")
    confirm = await client.get(f"/rounds/{round_.id}/advance")
    assert "Then the round waits for a teller to type the tellers' passphrase." in confirm.text
    assert "This cannot be undone." in confirm.text


async def test_rounds_move_on_their_dates(app):
    round_ = await service.open_round(spec())
    await add_proposal(app, round_, "Housing")
    later = round_.voting_ends + timedelta(minutes=1)
    moves = await service.advance_due_rounds(
        key_directory(app), services(app).of(ProposalServices).electorate, later
    )
    assert moves == 3
    closed = await Round.get(id=round_.id)
    assert closed.phase == Phase.CLOSED
    assert closed.tally is not None and closed.tally["ballots_counted"] == 0
    # Nothing is due before the first date.
    fresh = await service.open_round(spec())
    assert (
        await service.advance_due_rounds(
            key_directory(app), services(app).of(ProposalServices).electorate
        )
        == 0
    )
    assert (await Round.get(id=fresh.id)).phase == Phase.PROPOSING


# Proposals -------------------------------------------------------------------------------


PROPOSAL = {
    "title": "Safe housing first",
    "description": "Find rooms for people leaving a bad job.\n\nSee https://example.org/rooms.",
    "forms_of_trafficking": ["labour_exploitation", "other"],
    "oppression_categories": ["poverty"],
}


async def test_a_member_proposes_and_edits_until_co_signing_starts(app, client):
    round_ = await service.open_round(spec())
    author = await make_person(app, "Amina")
    await sign_in(client, "Amina")
    form = await client.get(f"/rounds/{round_.id}/propose")
    assert form.status_code == 200
    answer = await client.post(
        f"/rounds/{round_.id}/propose", data={"csrf_token": csrf_token(form), **PROPOSAL}
    )
    assert answer.status_code == 303, answer.text
    proposal = await Proposal.get(round=round_)
    assert proposal.forms_of_trafficking == ["labour_exploitation", "other"]
    assert str(author.person.id) not in proposal.author_tag
    page = await client.get(answer.headers["location"])
    assert '<a href="https://example.org/rooms" rel="nofollow noopener noreferrer">' in page.text
    assert "Amina" not in page.text.split("</header>")[1]  # no author name is shown

    edit = await client.get(f"/proposals/{proposal.id}/edit")
    changed = await client.post(
        f"/proposals/{proposal.id}/edit",
        data={"csrf_token": csrf_token(edit), **PROPOSAL, "title": "Safe housing for all"},
    )
    assert changed.status_code == 303
    assert (await Proposal.get(id=proposal.id)).title == "Safe housing for all"

    await advance_to(app, round_, Phase.COSIGNING)
    late = await client.post(
        f"/proposals/{proposal.id}/edit",
        data={"csrf_token": csrf_token(edit), **PROPOSAL, "title": "Too late"},
    )
    assert late.status_code in (400, 409)
    assert (await Proposal.get(id=proposal.id)).title == "Safe housing for all"


async def test_proposals_once_tagged_forced_labour_read_labour_exploitation(app, client):
    migration = importlib.import_module("proposals.migrations.0006_labour_exploitation")
    editor = SimpleNamespace(client=connections.get("default"))
    round_ = await service.open_round(spec())
    stored = {
        "old": ["forced_labour", "peonage"],
        "both": ["forced_labour", "labour_exploitation"],
        "untouched": ["debt_bondage"],
        "none": [],
    }
    ids = {}
    for title, old in stored.items():
        proposal = await add_proposal(app, round_, title)
        await Proposal.filter(id=proposal.id).update(forms_of_trafficking=old)
        ids[title] = proposal.id

    async def forms_now() -> dict[str, list[str]]:
        return {t: (await Proposal.get(id=i)).forms_of_trafficking for t, i in ids.items()}

    await migration.forward(None, editor)
    assert await forms_now() == {
        "old": ["labour_exploitation", "peonage"],
        "both": ["labour_exploitation"],
        "untouched": ["debt_bondage"],
        "none": [],
    }
    await make_person(app, "Amina")
    await sign_in(client, "Amina")
    page = await client.get(f"/proposals/{ids['old']}")
    assert "Labour exploitation" in page.text

    await migration.backward(None, editor)
    assert (await forms_now())["old"] == ["forced_labour", "peonage"]


async def test_a_proposal_never_stores_raw_html(app, client):
    round_ = await service.open_round(spec())
    await make_person(app, "Amina")
    await sign_in(client, "Amina")
    form = await client.get(f"/rounds/{round_.id}/propose")
    answer = await client.post(
        f"/rounds/{round_.id}/propose",
        data={
            "csrf_token": csrf_token(form),
            "title": "Rooms <b>now</b>",
            "description": "<script>alert(1)</script> and <a href='javascript:x'>x</a>",
        },
    )
    page = await client.get(answer.headers["location"])
    assert "<script>alert(1)" not in page.text
    assert "&lt;script&gt;" in page.text
    assert "Rooms &lt;b&gt;now&lt;/b&gt;" in page.text


async def test_an_empty_proposal_gets_errors_and_nothing_is_stored(app, client):
    round_ = await service.open_round(spec())
    await make_person(app, "Amina")
    await sign_in(client, "Amina")
    form = await client.get(f"/rounds/{round_.id}/propose")
    answer = await client.post(
        f"/rounds/{round_.id}/propose",
        data={"csrf_token": csrf_token(form), "title": "", "description": "Kept text here."},
    )
    assert answer.status_code == 400
    assert 'href="#title"' in answer.text
    assert "Kept text here." in answer.text
    assert await Proposal.all().count() == 0


async def test_a_description_with_a_phone_number_is_reviewed_before_it_is_stored(app, client):
    round_ = await service.open_round(spec())
    await make_person(app, "Amina")
    await sign_in(client, "Amina")
    form = await client.get(f"/rounds/{round_.id}/propose")
    fields = PROPOSAL | {"description": "Call me on 0612345678 about the rooms."}
    review = await client.post(
        f"/rounds/{round_.id}/propose", data={"csrf_token": csrf_token(form), **fields}
    )
    assert "Check before you send" in review.text
    assert await Proposal.all().count() == 0
    reviewed = review.text.split('name="description_reviewed" value="')[1].split('"')[0]
    sent = await client.post(
        f"/rounds/{round_.id}/propose",
        data={
            "csrf_token": csrf_token(review),
            **fields,
            "description_reviewed": reviewed,
            "description_remove": "0",
        },
    )
    assert sent.status_code == 303
    stored = await Proposal.get(round=round_)
    assert "0612345678" not in stored.description
    assert "[phone number removed]" in stored.description


async def test_the_review_of_identifying_details_keeps_the_tags_chosen(app, client):
    round_ = await service.open_round(spec())
    await make_person(app, "Amina")
    await sign_in(client, "Amina")
    form = await client.get(f"/rounds/{round_.id}/propose")
    fields = PROPOSAL | {"description": "Maria Lopez found us rooms."}
    review = await client.post(
        f"/rounds/{round_.id}/propose", data={"csrf_token": csrf_token(form), **fields}
    )
    assert "Check before you send" in review.text
    assert "Maria Lopez" in review.text
    # The person sends the review form as it is shown, removing the name.
    shown = form_fields(review, f"/rounds/{round_.id}/propose")
    assert ("forms_of_trafficking", "labour_exploitation") in shown
    assert ("forms_of_trafficking", "other") in shown
    assert ("oppression_categories", "poverty") in shown
    data: dict[str, list[str]] = {"description_remove": ["0"]}
    for name, value in shown:
        data.setdefault(name, []).append(value)
    sent = await client.post(f"/rounds/{round_.id}/propose", data=data)
    assert sent.status_code == 303
    stored = await Proposal.get(round=round_)
    assert stored.description == "[name removed] found us rooms."
    assert stored.forms_of_trafficking == ["labour_exploitation", "other"]
    assert stored.oppression_categories == ["poverty"]


async def test_co_signing_counts_once_and_not_for_the_author(app, client):
    round_ = await service.open_round(spec(cosignatures_needed=1))
    author = await make_person(app, "Amina")
    proposal = await add_proposal(app, round_, "Legal help", author.person.id)
    await advance_to(app, round_, Phase.COSIGNING)
    await sign_in(client, "Amina")
    page = await client.get(f"/proposals/{proposal.id}")
    own = await client.post(
        f"/proposals/{proposal.id}/cosign", data={"csrf_token": csrf_token(page)}
    )
    assert own.status_code == 409
    assert "You wrote this proposal" in own.text
    bao, _ = await signed_in_client(app, client, "Bao")
    page = await bao.get(f"/proposals/{proposal.id}")
    assert "Co-sign this proposal" in page.text
    token = csrf_token(page)
    assert (
        await bao.post(f"/proposals/{proposal.id}/cosign", data={"csrf_token": token})
    ).status_code == 303
    twice = await bao.post(f"/proposals/{proposal.id}/cosign", data={"csrf_token": token})
    assert twice.status_code == 409
    assert await Cosignature.filter(proposal=proposal).count() == 1
    back = await bao.post(
        f"/proposals/{proposal.id}/cosign", data={"csrf_token": token, "action": "take-back"}
    )
    assert back.status_code == 303
    assert await Cosignature.filter(proposal=proposal).count() == 0


async def test_only_proposals_with_enough_co_signatures_reach_the_ballot(app):
    round_ = await service.open_round(spec(cosignatures_needed=1))
    backed = await add_proposal(app, round_, "Backed")
    alone = await add_proposal(app, round_, "Alone")
    gone = await add_proposal(app, round_, "Gone")
    await advance_to(app, round_, Phase.COSIGNING)
    key = tag_key(app, round_)
    bao = await make_person(app, "Bao")
    await service.cosign(backed, key, bao.person.id)
    await service.cosign(gone, key, bao.person.id)
    gone = await Proposal.get(id=gone.id)
    await Proposal.filter(id=gone.id).update(withdrawn=True)
    round_ = await advance_to(app, round_, Phase.VOTING)
    assert [p.title for p in await service.ballot_options(round_)] == ["Backed"]
    assert (await Proposal.get(id=alone.id)).ballot_key == ""


async def test_authors_withdraw_until_voting_starts(app, client):
    round_ = await service.open_round(spec())
    author = await make_person(app, "Amina")
    proposal = await add_proposal(app, round_, "Legal help", author.person.id)
    other = await add_proposal(app, round_, "Other", author.person.id)
    await advance_to(app, round_, Phase.COSIGNING)
    await sign_in(client, "Amina")
    page = await client.get(f"/proposals/{proposal.id}/withdraw")
    done = await client.post(
        f"/proposals/{proposal.id}/withdraw", data={"csrf_token": csrf_token(page)}
    )
    assert done.status_code == 303
    assert (await Proposal.get(id=proposal.id)).withdrawn
    await advance_to(app, round_, Phase.VOTING)
    late = await client.post(
        f"/proposals/{other.id}/withdraw", data={"csrf_token": csrf_token(page)}
    )
    assert late.status_code == 409
    assert not (await Proposal.get(id=other.id)).withdrawn


async def test_someone_else_cannot_edit_or_withdraw_a_proposal(app, client):
    round_ = await service.open_round(spec())
    proposal = await add_proposal(app, round_, "Not yours")
    await make_person(app, "Bao")
    await sign_in(client, "Bao")
    assert (await client.get(f"/proposals/{proposal.id}/edit")).status_code == 403
    page = await client.get(f"/proposals/{proposal.id}")
    refused = await client.post(
        f"/proposals/{proposal.id}/withdraw", data={"csrf_token": csrf_token(page)}
    )
    assert refused.status_code == 403
    assert not (await Proposal.get(id=proposal.id)).withdrawn


async def test_a_lead_hides_with_a_reason_the_author_contests_and_the_committee_decides(
    app, client
):
    round_ = await service.open_round(spec())
    author = await make_person(app, "Amina")
    proposal = await add_proposal(app, round_, "Name the boss", author.person.id)
    lead, _ = await signed_in_client(app, client, "Lena", Role.LEAD)
    page = await lead.get(f"/proposals/{proposal.id}/hide")
    assert page.status_code == 200
    short = await lead.post(
        f"/proposals/{proposal.id}/hide", data={"csrf_token": csrf_token(page), "reason": "no"}
    )
    assert short.status_code == 400
    reason = "It could show who the author works for."
    hidden = await lead.post(
        f"/proposals/{proposal.id}/hide", data={"csrf_token": csrf_token(page), "reason": reason}
    )
    assert hidden.status_code == 303
    stored = await Proposal.get(id=proposal.id)
    assert stored.hidden_reason == reason and stored.title == "Name the boss"

    bao, _ = await signed_in_client(app, client, "Bao")
    seen = await bao.get(f"/proposals/{proposal.id}")
    assert reason in seen.text
    assert "Why Name the boss matters." not in seen.text

    await sign_in(client, "Amina")
    form = await client.get(f"/proposals/{proposal.id}/contest")
    contested = await client.post(
        f"/proposals/{proposal.id}/contest",
        data={"csrf_token": csrf_token(form), "contest": "Nothing here names anyone at all."},
    )
    assert contested.status_code == 303
    assert (await Proposal.get(id=proposal.id)).contest == Contest.AWAITING

    committee, _ = await signed_in_client(app, client, "Carmen", Role.MEMBER, Role.COMMITTEE)
    page = await committee.get(f"/proposals/{proposal.id}")
    decided = await committee.post(
        f"/proposals/{proposal.id}/review",
        data={"csrf_token": csrf_token(page), "decision": "restore"},
    )
    assert decided.status_code == 303
    assert (await Proposal.get(id=proposal.id)).contest == Contest.RESTORED
    assert "Why Name the boss matters." in (await bao.get(f"/proposals/{proposal.id}")).text


async def test_members_stand_as_candidates_in_an_election_once(app, client):
    from proposals.models import Purpose

    round_ = await service.open_round(spec(purpose=Purpose.ELECTION))
    await make_person(app, "Amina")
    await sign_in(client, "Amina")
    form = await client.get(f"/rounds/{round_.id}/propose")
    assert "Your statement" in form.text
    # The page says one thing about the name: it is shown with the statement.
    assert "Your name in Chorus is shown with it." in form.text
    assert "Your name is not shown" not in form.text
    statement = "I have organised our meetings for two years."
    stood = await client.post(
        f"/rounds/{round_.id}/propose",
        data={"csrf_token": csrf_token(form), "description": statement},
    )
    assert stood.status_code == 303
    candidate = await Proposal.get(round=round_)
    assert candidate.title == "Amina" and candidate.description == statement
    again = await client.post(
        f"/rounds/{round_.id}/propose",
        data={"csrf_token": csrf_token(form), "description": statement},
    )
    assert again.status_code == 409
    assert await Proposal.filter(round=round_).count() == 1


async def test_the_rounds_page_lists_rounds_by_phase(app, client):
    open_round, _ = await round_with(app, ["A"], Phase.PROPOSING)
    _, _ = await round_with(app, ["B"], Phase.VOTING, question="Which campaign comes first?")
    await make_person(app, "Amina")
    await sign_in(client, "Amina")
    page = await client.get("/rounds")
    assert page.status_code == 200
    text = page.text
    assert (
        text.index("Voting now")
        < text.index("Which campaign comes first?")
        < text.index("Taking proposals")
    )
    assert f"/rounds/{open_round.id}" in text


async def test_dates_more_than_two_years_ahead_are_refused(app, client):
    await make_person(app, "Lena", Role.LEAD)
    await sign_in(client, "Lena")
    form = await client.get("/rounds/new")
    far = dates() | {"voting_ends": "9999-12-31"}
    answer = await client.post(
        "/rounds/new", data={"csrf_token": csrf_token(form), **ROUND_FORM, **far}
    )
    assert answer.status_code == 400
    assert "Choose a date within two years from today." in answer.text
    assert 'value="9999-12-31"' in answer.text
    assert await Round.all().count() == 0


async def test_a_petition_that_outlived_its_first_date_takes_no_more_signatures(app, client):
    await set_charter_value("petition_cosignatures", 2)
    amina = await make_person(app, "Amina")
    round_ = await service.start_petition(
        spec(), services(app).settings.key_directory, amina.person.id, 2
    )
    await Round.filter(id=round_.id).update(proposing_ends=datetime.now(UTC) - timedelta(minutes=1))
    bao, _ = await signed_in_client(app, client, "Bao")
    page = await bao.get(f"/rounds/{round_.id}")
    assert "without enough signatures" in page.text
    assert "Sign the petition" not in page.text
    late = await bao.post(f"/rounds/{round_.id}/sign", data={"csrf_token": csrf_token(page)})
    assert late.status_code == 409
    assert (await Round.get(id=round_.id)).phase == Phase.PETITION


async def test_proposing_and_co_signing_write_nothing_about_the_person(app, client):
    round_ = await service.open_round(spec())
    proposal = await add_proposal(app, round_, "Housing")
    await make_person(app, "Amina")
    await sign_in(client, "Amina")
    form = await client.get(f"/rounds/{round_.id}/propose")
    people = [Person, RoleGrant, RecoveryCode, SignedOut]
    before = [await rows_of(model) for model in people]
    sent = await client.post(
        f"/rounds/{round_.id}/propose", data={"csrf_token": csrf_token(form), **PROPOSAL}
    )
    assert sent.status_code == 303
    await advance_to(app, round_, Phase.COSIGNING)
    signed = await client.post(
        f"/proposals/{proposal.id}/cosign", data={"csrf_token": csrf_token(form)}
    )
    assert signed.status_code == 303
    assert [await rows_of(model) for model in people] == before


async def test_once_a_round_closes_its_tags_name_nobody_even_with_every_key(app):
    round_ = await service.open_round(spec(cosignatures_needed=0))
    amina, bao = await make_person(app, "Amina"), await make_person(app, "Bao")
    proposal = await add_proposal(app, round_, "Housing", amina.person.id)
    await advance_to(app, round_, Phase.COSIGNING)
    await service.cosign(proposal, tag_key(app, round_), bao.person.id)
    key_file = key_directory(app) / "tags" / str(round_.id)
    assert key_file.exists()
    round_ = await advance_to(app, round_, Phase.CLOSED)
    assert not key_file.exists()
    assert tag_key(app, round_) is None
    proposal = await Proposal.get(id=proposal.id)
    assert not service.is_author(proposal, tag_key(app, round_), amina.person.id)
    # The global secrets do not make these tags either.
    lookup = services(app).of(Keyring).secrets.lookup_key
    assert not service.is_author(proposal, lookup, amina.person.id)
    signatures: list[Any] = await Cosignature.filter(proposal=proposal).values_list(
        "signer_tag", flat=True
    )
    assert len(signatures) == 1
    assert service.person_tag(lookup, "cosign", proposal.id, bao.person.id) not in signatures
