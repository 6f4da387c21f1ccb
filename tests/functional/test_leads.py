"""Leads over HTTP: invites (and members' invites), the people list, suspending, closing."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import httpx
import pytest
from starlette.applications import Starlette

from chorus.roles import Role
from governance.identity.models import Invite, InviteState, Person, Suspension
from governance.identity.service.accounts import join
from governance.service.charter import set_charter_value
from governance.service.suspensions import REASON_MAX
from tests.common.forms import csrf_token
from tests.common.people import (
    PASSPHRASE,
    another_client,
    invite_code,
    make_person,
    secrets_of,
    sign_in,
)

pytestmark = pytest.mark.usefixtures("db")

CODE = re.compile(r"<code>([A-Z2-7]{4}(?:-[A-Z2-7]{4}){3})</code>")
OPTION = re.compile(r'<option value="([^"]*)"( selected)?>([^<]*)</option>')


async def post_form(client: httpx.AsyncClient, path: str, **fields: str) -> httpx.Response:
    token = csrf_token(await client.get("/privacy"))
    return await client.post(path, data={"csrf_token": token, **fields})


async def as_lead(app: Starlette, client: httpx.AsyncClient, name: str = "Lena") -> Person:
    joined = await make_person(app, name, Role.LEAD)
    await sign_in(client, name)
    return joined.person


# Invites ---------------------------------------------------------------------------


async def test_the_role_list_is_alphabetical_with_no_role_chosen(app, client):
    await as_lead(app, client)
    page = await client.get("/lead/invites")
    assert page.status_code == 200
    assert "<title>Chorus — Invites</title>" in page.text
    options = OPTION.findall(page.text)
    assert options[0] == ("", "", "Choose a role")
    names = [name for _, _, name in options[1:]]
    # Leads and the committee come from members' elections; stewards from the command line.
    assert names == sorted(names) == ["Ally", "Member", "Service provider"]
    assert not any(selected for _, selected, _ in options)


async def test_a_new_invite_shows_its_code_once_and_the_code_works(app, client):
    await as_lead(app, client)
    response = await post_form(client, "/lead/invites", role="ally")
    assert response.status_code == 200
    [code] = CODE.findall(response.text)
    assert "Ally" in response.text and "We show it only on this page" in response.text
    assert code not in str(response.url)
    invite = await Invite.get(role=Role.ALLY)
    assert invite.state == InviteState.OPEN
    listing = await client.get("/lead/invites")
    assert code not in listing.text
    assert "Ally" in listing.text and "Open" in listing.text

    visitor = another_client(client)
    token = csrf_token(await visitor.get("/join"))
    joined = await visitor.post(
        "/join",
        data={
            "csrf_token": token,
            "invite_code": code,
            "pseudonym": "Newcomer",
            "passphrase": PASSPHRASE,
            "confirmation": PASSPHRASE,
        },
    )
    await visitor.aclose()
    assert joined.status_code == 200
    after = await client.get("/lead/invites")
    # The used invite is gone from the list; only the count of used ones says it was used.
    assert f'id="invite-{invite.id}"' not in after.text
    assert "Ally: 1 invite used" in after.text and "Newcomer" not in after.text


@pytest.mark.parametrize(
    ("role", "message"),
    [
        ("", "Choose the role the new person will have."),
        ("wizard", "Choose one of the roles in the list."),
        ("steward", "Choose one of the roles in the list."),
        ("committee", "Choose one of the roles in the list."),
        ("lead", "Choose one of the roles in the list."),
    ],
)
@pytest.mark.parametrize("inviter", [Role.LEAD, Role.STEWARD])
async def test_a_bad_role_is_explained_and_creates_nothing(app, client, role, message, inviter):
    await make_person(app, "Lena", inviter)
    await sign_in(client, "Lena")
    before = await Invite.all().count()
    response = await post_form(client, "/lead/invites", role=role)
    assert response.status_code == 400
    assert 'class="error-summary"' in response.text and message in response.text
    assert 'aria-invalid="true"' in response.text
    assert not CODE.findall(response.text)
    assert await Invite.all().count() == before


async def test_the_list_shows_each_state_and_expired_invites_as_expired(app, client):
    await as_lead(app, client)
    await Invite.all().delete()
    await invite_code(app, Role.MEMBER)
    expired = await Invite.get()
    expired.expires_on = datetime.now(UTC).date()  # it no longer works from this day on
    await expired.save()
    await invite_code(app, Role.PROVIDER)
    page = await client.get("/lead/invites")
    rows = re.findall(r'<tr id="invite-[^"]+">(.*?)</tr>', page.text, re.S)
    states = sorted(re.findall(r"<td>\s*(Open|Expired|Used|Cancelled)", "".join(rows)))
    assert states == ["Expired", "Open"]
    # Only the open one can be cancelled.
    assert page.text.count("Cancel invite") == 1


async def test_an_open_invite_can_be_cancelled_and_then_no_longer_works(app, client):
    await as_lead(app, client)
    code = await invite_code(app, Role.MEMBER)
    invite = await Invite.filter(state=InviteState.OPEN).order_by("-expires_on").first()
    assert invite is not None
    response = await post_form(client, f"/lead/invites/{invite.id}/revoke")
    assert response.status_code == 303
    page = await client.get(response.headers["location"])
    assert "The invite is cancelled" in page.text
    await invite.refresh_from_db()
    assert invite.state == InviteState.REVOKED
    visitor = another_client(client)
    token = csrf_token(await visitor.get("/join"))
    refused = await visitor.post(
        "/join",
        data={
            "csrf_token": token,
            "invite_code": code,
            "pseudonym": "Too late",
            "passphrase": PASSPHRASE,
            "confirmation": PASSPHRASE,
        },
    )
    await visitor.aclose()
    assert refused.status_code == 400 and "was cancelled" in refused.text


async def test_cancelling_an_invite_used_meanwhile_says_it_was_used(app, client):
    await as_lead(app, client)
    code = await invite_code(app, Role.MEMBER)
    invite = await Invite.get(state=InviteState.OPEN)
    # Someone joins with it while the lead's list is still on screen: the row is deleted.
    await join(code, "Joiner", PASSPHRASE, PASSPHRASE, secrets_of(app))
    response = await post_form(client, f"/lead/invites/{invite.id}/revoke")
    assert response.status_code == 303
    page = await client.get(response.headers["location"])
    assert "it was used, so there is nothing to cancel" in page.text
    assert not await Invite.exists(id=invite.id)


async def test_cancelling_twice_says_it_is_already_cancelled(app, client):
    await as_lead(app, client)
    await invite_code(app, Role.MEMBER)
    invite = await Invite.get(state=InviteState.OPEN)
    assert (await post_form(client, f"/lead/invites/{invite.id}/revoke")).status_code == 303
    again = await post_form(client, f"/lead/invites/{invite.id}/revoke")
    assert again.status_code == 400 and "This invite was already cancelled." in again.text


async def test_an_unknown_invite_reads_as_gone(app, client):
    await as_lead(app, client)
    response = await post_form(client, f"/lead/invites/{uuid.uuid4()}/revoke")
    assert response.status_code == 303 and response.headers["location"].endswith("done=gone")


async def test_the_list_shows_open_and_cancelled_invites_and_how_many_were_used(app, client):
    await as_lead(app, client)  # joining used a lead invite
    await make_person(app, "Bao")
    await make_person(app, "Cy", Role.ALLY)
    await invite_code(app, Role.PROVIDER)
    await invite_code(app, Role.MEMBER)
    cancelled = await Invite.get(role=Role.MEMBER)
    await post_form(client, f"/lead/invites/{cancelled.id}/revoke")
    page = await client.get("/lead/invites")
    rows = re.findall(r'<tr id="invite-[^"]+">(.*?)</tr>', page.text, re.S)
    states = sorted(re.findall(r"<td>\s*(Open|Expired|Cancelled)", "".join(rows)))
    assert states == ["Cancelled", "Open"]
    for used in ("Member: 1 invite used", "Ally: 1 invite used", "Lead: 1 invite used"):
        assert used in page.text


async def test_stewards_create_invites_but_do_not_manage_people(app, client):
    await make_person(app, "Sam", Role.STEWARD)
    await sign_in(client, "Sam")
    page = await client.get("/lead/invites")
    assert page.status_code == 200
    names = [name for _, _, name in OPTION.findall(page.text)]
    assert names == ["Choose a role", "Ally", "Member", "Service provider"]
    assert (await client.get("/lead/people")).status_code == 403


@pytest.mark.parametrize("path", ["/lead/invites", "/lead/people"])
async def test_members_may_not_use_lead_pages(app, client, path):
    await make_person(app, "Mo")
    await sign_in(client, "Mo")
    assert (await client.get(path)).status_code == 403
    assert (await post_form(client, path, role="member")).status_code in (403, 405)
    assert await Invite.filter(state=InviteState.OPEN).count() == 0


async def test_visitors_are_sent_to_sign_in(client):
    response = await client.get("/lead/invites")
    assert response.status_code == 303 and response.headers["location"] == "/sign-in"


# Members' invites -------------------------------------------------------------------


async def test_members_may_not_invite_unless_the_charter_says_so(app, client):
    await make_person(app, "Mina")
    await sign_in(client, "Mina")
    assert (await client.get("/invites")).status_code == 403
    assert (await post_form(client, "/invites")).status_code == 403
    assert await Invite.filter(state=InviteState.OPEN).count() == 0


async def test_members_invite_members_up_to_the_charters_limit(app, client):
    await set_charter_value("who_may_invite", "members")
    await set_charter_value("invites_per_member", 2)
    joined = await make_person(app, "Mina")
    await sign_in(client, "Mina")
    page = await client.get("/invites")
    assert page.status_code == 200 and "You can create 2 more invites." in page.text
    first = await post_form(client, "/invites")
    assert first.status_code == 200 and len(CODE.findall(first.text)) == 1
    assert [invite.role for invite in await Invite.all()] == [Role.MEMBER]
    assert "You can create 1 more invite." in (await client.get("/invites")).text
    await post_form(client, "/invites")
    page = await client.get("/invites")
    assert "You have used all your invites for now. You can create more from" in page.text
    assert "Create an invite" not in page.text
    refused = await post_form(client, "/invites")
    assert refused.status_code == 400
    assert "You have used all 2 of your invites for now." in refused.text
    assert 'class="error-summary"' in refused.text
    assert await Invite.all().count() == 2
    # Nothing in an invite says who made it.
    assert all(str(joined.person.id) not in str(row) for row in await Invite.all().values())


async def test_leads_asking_for_members_invites_are_sent_to_theirs(app, client):
    await set_charter_value("who_may_invite", "members")
    await as_lead(app, client)
    response = await client.get("/invites")
    assert response.status_code == 303 and response.headers["location"] == "/lead/invites"


async def test_allies_may_not_invite_even_where_members_may(app, client):
    await set_charter_value("who_may_invite", "members")
    await make_person(app, "Ali", Role.ALLY)
    await sign_in(client, "Ali")
    assert (await client.get("/invites")).status_code == 403


# People ----------------------------------------------------------------------------------


async def test_the_people_list_shows_names_and_roles_with_a_way_to_suspend(app, client):
    lead = await as_lead(app, client)
    other = await make_person(app, "Bao", Role.MEMBER, Role.ALLY)
    page = await client.get("/lead/people")
    assert page.status_code == 200
    assert "<title>Chorus — People</title>" in page.text
    assert '<th scope="row">Bao</th>' in page.text and "Ally, Member" in page.text
    assert f'href="/lead/people/{other.person.id}/suspend"' in page.text
    assert f'href="/lead/people/{lead.id}/suspend"' not in page.text
    assert "This is you" in page.text


async def test_a_suspension_needs_a_reason_and_keeps_what_was_typed(app, client):
    await as_lead(app, client)
    other = await make_person(app, "Bao")
    path = f"/lead/people/{other.person.id}/suspend"
    empty = await post_form(client, path, reason="   ")
    assert empty.status_code == 400
    assert "Write why you are suspending this account." in empty.text
    long_reason = "Threats in a message. " * 50
    too_long = await post_form(client, path, reason=long_reason)
    assert too_long.status_code == 400
    assert f"must be {REASON_MAX} characters or fewer" in too_long.text
    assert long_reason.strip() in too_long.text
    assert await Suspension.all().count() == 0


async def test_suspending_ends_every_session_and_the_person_sees_why(app, client):
    await set_charter_value("suspension_review_days", 3)
    await as_lead(app, client)
    other = await make_person(app, "Bao")
    their_browser = another_client(client)
    await sign_in(their_browser, "Bao")
    assert (await their_browser.get("/account")).status_code == 200

    path = f"/lead/people/{other.person.id}/suspend"
    form = await client.get(path)
    assert "must review the suspension within 3 days" in form.text
    response = await post_form(client, path, reason="Sent threats to another member.")
    assert response.status_code == 303
    done = await client.get(response.headers["location"])
    assert "The account is suspended" in done.text
    assert "Suspended, waiting for review" in done.text

    suspension = await Suspension.get(person_id=other.person.id)
    assert suspension.active and suspension.review == "awaiting"
    assert suspension.reason == "Sent threats to another member."
    assert (await Person.get(id=other.person.id)).session_generation == 1
    assert (await their_browser.get("/account")).status_code == 303

    their_browser.cookies.clear()
    refused = await sign_in(their_browser, "Bao")
    await their_browser.aclose()
    assert refused.status_code == 400
    assert "Sent threats to another member." in refused.text
    assert "The complaints committee will review this." in refused.text


async def test_a_lead_cannot_suspend_themselves(app, client):
    lead = await as_lead(app, client)
    path = f"/lead/people/{lead.id}/suspend"
    assert "You cannot suspend your own account." in (await client.get(path)).text
    response = await post_form(client, path, reason="Testing")
    assert response.status_code == 400
    assert 'class="error-summary"' in response.text
    assert await Suspension.all().count() == 0
    assert (await client.get("/lead/people")).status_code == 200  # still signed in


async def test_an_account_is_suspended_only_once(app, client):
    await as_lead(app, client)
    other = await make_person(app, "Bao")
    path = f"/lead/people/{other.person.id}/suspend"
    await post_form(client, path, reason="First reason")
    assert "already suspended" in (await client.get(path)).text
    again = await post_form(client, path, reason="Second reason")
    assert again.status_code == 400 and "already suspended" in again.text
    assert await Suspension.all().count() == 1


async def test_an_unknown_person_is_not_found(app, client):
    await as_lead(app, client)
    assert (await client.get(f"/lead/people/{uuid.uuid4()}/suspend")).status_code == 404


async def test_members_and_stewards_may_not_suspend(app, client):
    other = await make_person(app, "Bao")
    await make_person(app, "Sam", Role.STEWARD)
    await sign_in(client, "Sam")
    path = f"/lead/people/{other.person.id}/suspend"
    assert (await client.get(path)).status_code == 403
    assert (await post_form(client, path, reason="No")).status_code == 403
    assert await Suspension.all().count() == 0


# What waits for the committee's queue ---------------------------------------------------


@pytest.mark.parametrize(
    "roles",
    [(Role.LEAD,), (Role.STEWARD,), (Role.MEMBER, Role.COMMITTEE), (Role.MEMBER, Role.LEAD)],
)
async def test_a_lead_cannot_suspend_a_lead_a_committee_member_or_a_steward(app, client, roles):
    await as_lead(app, client)
    other = await make_person(app, "Carmen", *roles)
    their_browser = another_client(client)
    await sign_in(their_browser, "Carmen")
    people = await client.get("/lead/people")
    assert f'href="/lead/people/{other.person.id}/suspend"' not in people.text
    assert "Only a steward can suspend this account." in people.text
    path = f"/lead/people/{other.person.id}/suspend"
    form = await client.get(path)
    assert "Leads cannot suspend a lead, a committee member or a steward." in form.text
    assert "chorus suspend" in form.text and 'name="reason"' not in form.text
    refused = await post_form(client, path, reason="Sent threats to another member.")
    assert refused.status_code == 400
    assert 'class="error-summary"' in refused.text and "chorus suspend" in refused.text
    assert await Suspension.all().count() == 0
    assert (await Person.get(id=other.person.id)).session_generation == 0
    assert (await their_browser.get("/account")).status_code == 200  # still signed in
    await their_browser.aclose()


@pytest.mark.parametrize("role", [Role.MEMBER, Role.ALLY, Role.PROVIDER])
async def test_a_lead_suspends_members_allies_and_providers(app, client, role):
    await as_lead(app, client)
    other = await make_person(app, "Bao", role)
    path = f"/lead/people/{other.person.id}/suspend"
    assert f'href="{path}"' in (await client.get("/lead/people")).text
    response = await post_form(client, path, reason="Sent threats to another member.")
    assert response.status_code == 303
    assert await Suspension.filter(person_id=other.person.id, active=True).exists()


async def test_a_lead_closes_no_account_and_the_people_page_says_who_does(app, client):
    await as_lead(app, client)
    other = await make_person(app, "Bao", Role.STEWARD)
    page = await client.get("/lead/people")
    assert "/close" not in page.text and "Close account" not in page.text
    assert "chorus suspend and chorus close-account" in page.text
    path = f"/lead/people/{other.person.id}/close"
    assert (await client.get(path)).status_code == 404
    assert (await post_form(client, path, asked="yes")).status_code == 404
    assert await Person.exists(id=other.person.id)
    client.cookies.clear()
    assert (await sign_in(client, "Bao")).status_code == 303


async def test_names_and_reasons_are_shown_as_text_never_as_markup(app, client):
    await as_lead(app, client)
    other = await make_person(app, "<i>Bo</i>")
    path = f"/lead/people/{other.person.id}/suspend"
    for page in (await client.get("/lead/people"), await client.get(path)):
        assert "<i>Bo</i>" not in page.text and "&lt;i&gt;Bo&lt;/i&gt;" in page.text
    response = await post_form(client, path, reason="<script>x</script>" + "y" * REASON_MAX)
    assert "<script>x" not in response.text and "&lt;script&gt;x" in response.text


async def test_identifying_details_in_a_reason_are_shown_first_and_removed_if_chosen(app, client):
    await as_lead(app, client)
    other = await make_person(app, "Bao")
    path = f"/lead/people/{other.person.id}/suspend"
    reason = "Shared a phone number in the chat: 06 12 34 56 78, and amina@example.org too."

    first = await post_form(client, path, reason=reason)
    assert first.status_code == 200
    assert "Check before you send" in first.text
    assert "06 12 34 56 78" in first.text and "amina@example.org" in first.text
    assert await Suspension.filter(person_id=other.person.id).count() == 0
    reviewed = re.search(r'name="reason_reviewed" value="([0-9a-f]+)"', first.text)
    assert reviewed

    # Remove the phone number (finding 0), keep the email address (finding 1 unticked).
    done = await post_form(
        client, path, reason=reason, reason_reviewed=reviewed.group(1), reason_remove="0"
    )
    assert done.status_code == 303
    stored = (await Suspension.get(person_id=other.person.id)).reason
    assert "06 12 34 56 78" not in stored and "[phone number removed]" in stored
    assert "amina@example.org" in stored


async def test_a_reason_changed_after_review_is_checked_again(app, client):
    await as_lead(app, client)
    other = await make_person(app, "Cy")
    path = f"/lead/people/{other.person.id}/suspend"
    first = await post_form(client, path, reason="Call 06 12 34 56 78 now.")
    reviewed = re.search(r'name="reason_reviewed" value="([0-9a-f]+)"', first.text)
    assert reviewed
    again = await post_form(
        client, path, reason="Call 07 98 76 54 32 now.", reason_reviewed=reviewed.group(1)
    )
    assert again.status_code == 200 and "07 98 76 54 32" in again.text
    assert await Suspension.filter(person_id=other.person.id).count() == 0
