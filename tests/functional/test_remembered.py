"""What an app process remembers for a moment (chorus/memo.py): a page shared by people
with the same roles carries nothing of any one of them, and what someone does through
this process shows at once; a change made elsewhere shows within the memo's lifetime."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from starlette.applications import Starlette

from chorus.roles import Role
from chorus.services import services
from governance.identity.cookies import CookieKeys, SessionMiddleware
from governance.identity.models import Person
from proposals.models import Phase, Round
from tests.common.forms import csrf_token
from tests.common.people import signed_in_client
from tests.common.rounds import RECEIPT, advance_to, round_with

pytestmark = pytest.mark.usefixtures("db")

PEOPLE_LINK = 'href="/lead/people"'


async def ballot_of(app: Starlette, client: httpx.AsyncClient) -> tuple[Round, str, str]:
    round_, options = await round_with(app, ["Housing", "Legal help"])
    return round_, f"/rounds/{round_.id}/ballot", options[0].ballot_key


async def test_a_shared_ballot_page_carries_nothing_of_another_person(app, client):
    lead, _ = await signed_in_client(app, client, "Lin", Role.MEMBER, Role.LEAD)
    first, _ = await signed_in_client(app, client, "Mo")
    second, _ = await signed_in_client(app, client, "Ny")
    _, ballot, choice = await ballot_of(app, client)  # voting opens with all three members

    lead_page, first_page = await lead.get(ballot), await first.get(ballot)
    second_page = await second.get(ballot)
    assert PEOPLE_LINK in lead_page.text
    assert PEOPLE_LINK not in first_page.text and PEOPLE_LINK not in second_page.text
    # The same page for both members, each with a token of their own session only.
    assert csrf_token(first_page) != csrf_token(second_page)
    stolen = await second.post(
        ballot, data={"csrf_token": csrf_token(first_page), "choice": choice}
    )
    assert stolen.status_code == 403
    own = await second.post(ballot, data={"csrf_token": csrf_token(second_page), "choice": choice})
    assert own.status_code == 200 and "Check your vote" in own.text


async def test_after_voting_the_ballot_page_says_so_at_once(app, client):
    member, _ = await signed_in_client(app, client, "Mo")
    other, _ = await signed_in_client(app, client, "Ny")
    _, ballot, choice = await ballot_of(app, client)
    page = await member.get(ballot)
    assert "You have voted already" not in page.text
    await other.get(ballot)  # the page everyone who has not voted shares

    review = await member.post(ballot, data={"csrf_token": csrf_token(page), "choice": choice})
    cast = await member.post(
        f"{ballot}/confirm", data={"csrf_token": csrf_token(review), "choice": choice}
    )
    assert cast.status_code == 200

    assert "You have voted already" in (await member.get(ballot)).text
    assert "You have voted already" not in (await other.get(ballot)).text


@pytest.mark.parametrize("how", ["sign out", "quick exit", "sign out everywhere"])
async def test_an_ended_session_is_refused_on_the_very_next_request(app, client, how):
    _, ballot, _ = await ballot_of(app, client)
    member, _ = await signed_in_client(app, client, "Mo")
    page = await member.get(ballot)
    assert page.status_code == 200
    assert (await member.get(ballot)).status_code == 200  # remembered by now

    if how == "quick exit":
        await member.get("/exit")  # a GET: it must not wait for the memo to expire
    else:
        path = "/sign-out" if how == "sign out" else "/sign-out-everywhere"
        await member.post(path, data={"csrf_token": csrf_token(page)})
    refused = await member.get(ballot)
    assert refused.status_code == 303
    assert refused.headers["location"] == "/sign-in"


async def test_a_suspended_member_is_refused_on_the_very_next_request(app, client):
    _, ballot, _ = await ballot_of(app, client)
    member, joined = await signed_in_client(app, client, "Mo")
    lead, _ = await signed_in_client(app, client, "Lin", Role.LEAD)
    assert (await member.get(ballot)).status_code == 200

    path = f"/lead/people/{joined.person.id}/suspend"
    token = csrf_token(await lead.get(path))
    suspended = await lead.post(path, data={"csrf_token": token, "reason": "Threats."})
    assert suspended.status_code == 303
    assert (await member.get(ballot)).status_code == 303


async def test_a_lead_moving_the_round_on_closes_the_ballot_at_once(app, client):
    round_, ballot, _ = await ballot_of(app, client)
    member, _ = await signed_in_client(app, client, "Mo")
    lead, _ = await signed_in_client(app, client, "Lin", Role.LEAD)
    assert (await member.get(ballot)).status_code == 200

    token = csrf_token(await lead.get(f"/rounds/{round_.id}"))
    moved = await lead.post(
        f"/rounds/{round_.id}/advance", data={"csrf_token": token, "phase": "voting"}
    )
    assert moved.status_code == 303
    closed = await member.get(ballot)
    assert closed.status_code == 409
    assert "This round is closed." in closed.text
    assert (await member.get(f"/rounds/{round_.id}/results")).status_code == 200


async def test_a_change_made_by_another_process_shows_within_the_memo_lifetime(app, client):
    round_, ballot, _ = await ballot_of(app, client)
    member, joined = await signed_in_client(app, client, "Mo")
    assert (await member.get(ballot)).status_code == 200

    # As `chorus` on another machine would: straight to the database, not through this app.
    await advance_to(app, round_, Phase.CLOSED)
    await Person.filter(id=joined.person.id).update(session_generation=7)
    await asyncio.sleep(services(app).settings.memo_seconds + 0.05)

    assert (await member.get(ballot)).status_code == 303


async def test_each_voter_sees_only_their_own_receipt(app, client):
    browsers = [(await signed_in_client(app, client, name))[0] for name in ("Mo", "Ny")]
    _, ballot, choice = await ballot_of(app, client)
    receipts = []
    for browser in browsers:
        page = await browser.get(ballot)
        review = await browser.post(ballot, data={"csrf_token": csrf_token(page), "choice": choice})
        cast = await browser.post(
            f"{ballot}/confirm", data={"csrf_token": csrf_token(review), "choice": choice}
        )
        found = RECEIPT.search(cast.text)
        assert cast.status_code == 200 and found
        receipts.append((found.group(1), cast.text))
    (first, first_page), (second, second_page) = receipts
    assert first != second
    assert second not in first_page and first not in second_page


async def test_rotating_the_keys_signs_everyone_out(app, client):
    _, ballot, _ = await ballot_of(app, client)
    member, _ = await signed_in_client(app, client, "Mo")
    assert (await member.get(ballot)).status_code == 200
    # `chorus keys rotate`, then a restart: a new app secret, so a new cookie key.
    sessions = next(layer for layer in layers(app) if isinstance(layer, SessionMiddleware))
    sessions.keys = CookieKeys(seal=bytes(32), sign_out=bytes(32), device=bytes(32))
    services(app).memo.clear()
    assert (await member.get(ballot)).status_code == 303


async def test_a_refused_request_does_not_make_the_app_forget(app, client):
    _, ballot, choice = await ballot_of(app, client)
    member, _ = await signed_in_client(app, client, "Mo")
    await member.get(ballot)
    kept = len(services(app).memo)
    assert kept > 0
    refused = await member.post(ballot, data={"csrf_token": "forged", "choice": choice})
    assert refused.status_code == 403
    assert len(services(app).memo) == kept


def layers(app: Starlette) -> Iterator[object]:
    layer = app.middleware_stack
    while layer is not None:
        yield layer
        layer = getattr(layer, "app", None)
