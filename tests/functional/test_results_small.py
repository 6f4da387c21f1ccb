"""Small numbers (DESIGN anonymity 7): below the charter's threshold a result publishes
no count, chart or order; an election shows only who was elected; the allies' advice
shows nothing. Leads can give more time to vote while voting is open."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from starlette.applications import Starlette

from chorus.roles import Role
from governance.service.charter import set_charter_value
from proposals import service
from proposals.errors import EndNotLater, WrongPhase
from proposals.models import Kind, Phase, Purpose, Round, Voters
from tests.common.forms import csrf_token
from tests.common.people import make_person, signed_in_client
from tests.common.rounds import advance_to, round_with, spec, tag_key
from tests.functional.test_voting import vote

pytestmark = pytest.mark.usefixtures("db")

TOO_FEW = "Too few ballots to publish a result."


async def browsers(app: Starlette, client: httpx.AsyncClient, count: int, *roles: Role):
    return [
        (await signed_in_client(app, client, f"Voter {n}", *(roles or (Role.MEMBER,))))[0]
        for n in range(count)
    ]


async def test_a_priorities_round_below_the_threshold_publishes_no_count_and_no_order(app, client):
    await set_charter_value("results_threshold", 10)
    people = await browsers(app, client, 2)
    round_, options = await round_with(app, ["Housing", "Legal help"])
    for browser in people:
        await vote(browser, round_, {"choice": options[1].ballot_key})
    round_ = await advance_to(app, round_, Phase.CLOSED)
    page = await people[0].get(f"/rounds/{round_.id}/results")
    assert page.status_code == 200
    assert TOO_FEW in page.text and "Fewer than 10 people voted" in page.text
    assert "leads could have given more time to vote" in page.text
    # No order, no chart, no table, no number of ballots, no recount file, no receipts list.
    assert "Housing" not in page.text and "Legal help" not in page.text
    assert "<svg" not in page.text and "<table" not in page.text and "<ol" not in page.text
    assert "2 ballots" not in page.text and "counted receipts" not in page.text
    for kind in ("csv", "json"):
        assert (await people[0].get(f"/rounds/{round_.id}/results.{kind}")).status_code == 404
    # Checking one's own receipt still works.
    assert 'action="/rounds/' in page.text and "/results/check" in page.text


async def test_an_election_below_the_threshold_shows_only_who_was_elected(app, client):
    await set_charter_value("results_threshold", 10)
    people = await browsers(app, client, 3)
    round_ = await service.open_round(spec(purpose=Purpose.ELECTION))
    for name in ("Carmen", "Dmitri"):
        joined = await make_person(app, name)
        await service.submit_proposal(
            round_,
            service.ProposalText(name, "I will listen.", [], []),
            tag_key(app, round_),
            joined.person.id,
            Kind.CANDIDATE,
        )
    round_ = await advance_to(app, round_, Phase.VOTING)
    carmen = next(o for o in await service.ballot_options(round_) if o.title == "Carmen")
    for browser in people:
        await vote(browser, round_, {"choice": carmen.ballot_key})
    round_ = await advance_to(app, round_, Phase.CLOSED)
    page = await people[0].get(f"/rounds/{round_.id}/results")
    assert "Who was elected" in page.text and "Carmen" in page.text
    assert "Dmitri" not in page.text  # not the others, nor their order
    assert "<svg" not in page.text and "<ol" not in page.text
    assert "we show only who was elected" in page.text
    assert (await people[0].get(f"/rounds/{round_.id}/results.csv")).status_code == 404


async def test_one_allys_advice_is_not_published_even_when_the_members_vote_is(app, client):
    await set_charter_value("results_threshold", 3)
    members = await browsers(app, client, 3)
    (ally,) = [(await signed_in_client(app, client, "Dara", Role.ALLY))[0]]
    round_, options = await round_with(
        app, ["Housing", "Legal help"], voters=Voters.ADVISORY_ALLIES
    )
    for browser in members:
        await vote(browser, round_, {"choice": options[0].ballot_key})
    await vote(ally, round_, {"choice": options[1].ballot_key})
    round_ = await advance_to(app, round_, Phase.CLOSED)
    page = await members[0].get(f"/rounds/{round_.id}/results")
    members_part, advice = page.text.split("Allies' advice, counted apart", 1)
    assert "<ol" in members_part and "<svg" in members_part  # 3 ballots: published
    advice = advice.split("How ties are broken", 1)[0]
    # Before, the one ally's order was shown here: it told how that ally chose.
    assert "<ol" not in advice and "<svg" not in advice and "Legal help" not in advice
    assert "Too few allies gave advice to publish it." in advice
    assert "Allies' receipts" not in page.text
    advisory_csv = await members[0].get(f"/rounds/{round_.id}/results.csv?count=advisory")
    assert advisory_csv.status_code == 404


# -- More time to vote ----------------------------------------------------------------------


async def test_a_lead_gives_more_time_to_vote_after_a_confirm_step(app, client):
    lead, _ = await signed_in_client(app, client, "Lena", Role.LEAD, Role.MEMBER)
    round_, _ = await round_with(app, ["Housing"])
    page = await lead.get(f"/rounds/{round_.id}")
    assert "Give more time to vote" in page.text
    form = await lead.get(f"/rounds/{round_.id}/extend")
    assert form.status_code == 200 and "Give more time to vote?" in form.text
    last_day = (round_.voting_ends - timedelta(days=1)).date()
    earlier = await lead.post(
        f"/rounds/{round_.id}/extend",
        data={"csrf_token": csrf_token(form), "voting_ends": last_day.isoformat()},
    )
    assert earlier.status_code == 400
    assert "Choose a day after the last day voting has now." in earlier.text
    assert f'value="{last_day.isoformat()}"' in earlier.text  # what was typed is kept
    assert (await Round.get(id=round_.id)).voting_ends == round_.voting_ends
    later = last_day + timedelta(days=5)
    moved = await lead.post(
        f"/rounds/{round_.id}/extend",
        data={"csrf_token": csrf_token(form), "voting_ends": later.isoformat()},
    )
    assert moved.status_code == 303
    assert (await Round.get(id=round_.id)).voting_ends == service.end_of(later)
    done = await lead.get(moved.headers["location"])
    assert "Voting now ends later." in done.text


async def test_only_a_lead_and_only_while_voting_is_open_gives_more_time(app, client):
    member, _ = await signed_in_client(app, client, "Amina")
    lead, _ = await signed_in_client(app, client, "Lena", Role.LEAD)
    round_, _ = await round_with(app, ["Housing"])
    assert (await member.get(f"/rounds/{round_.id}/extend")).status_code == 403
    assert "Give more time to vote" not in (await member.get(f"/rounds/{round_.id}")).text
    form = await lead.get(f"/rounds/{round_.id}/extend")
    await Round.filter(id=round_.id).update(voting_ends=datetime.now(UTC) - timedelta(seconds=1))
    late = await lead.post(
        f"/rounds/{round_.id}/extend",
        data={
            "csrf_token": csrf_token(form),
            "voting_ends": (datetime.now(UTC).date() + timedelta(days=3)).isoformat(),
        },
    )
    assert late.status_code == 409
    closed = await advance_to(app, await Round.get(id=round_.id), Phase.CLOSED)
    assert (await lead.get(f"/rounds/{closed.id}/extend")).status_code == 409


async def test_voting_cannot_be_moved_earlier_by_the_service_either(app):
    round_, _ = await round_with(app, ["Housing"])
    last_day = (round_.voting_ends - timedelta(days=1)).date()
    with pytest.raises(EndNotLater):
        await service.extend_voting(round_, last_day - timedelta(days=1))
    proposing = await service.open_round(spec())
    with pytest.raises(WrongPhase):
        await service.extend_voting(proposing, last_day + timedelta(days=1))
