"""The inbox over HTTP: one's own notices, newest first, read and deleted with or without htmx."""

from __future__ import annotations

import re
from datetime import date

import httpx
import pytest

from governance.models import Notice, NoticeMark
from governance.service import inbox
from governance.service.inbox import send_notice
from tests.common.forms import csrf_token
from tests.common.people import PASSPHRASE, invite_code, make_person, sign_in

pytestmark = pytest.mark.usefixtures("db")

TITLE = re.compile(r'<h2 class="notice-title"><a href="/inbox/\d+">([^<]+)<span')


async def post_form(
    client: httpx.AsyncClient, path: str, headers: dict[str, str] | None = None
) -> httpx.Response:
    token = csrf_token(await client.get("/privacy"))
    return await client.post(path, data={"csrf_token": token}, headers=headers)


async def test_joining_leaves_no_dated_trace_in_the_inbox(app, client):
    # A notice sent at joining would carry the day this person joined.
    token = csrf_token(await client.get("/join"))
    await client.post(
        "/join",
        data={
            "csrf_token": token,
            "invite_code": await invite_code(app),
            "pseudonym": "Amina",
            "passphrase": PASSPHRASE,
            "confirmation": PASSPHRASE,
        },
    )
    page = await client.get("/inbox")
    assert page.status_code == 200
    assert "<title>Chorus — Inbox</title>" in page.text
    assert TITLE.findall(page.text) == []
    assert await Notice.all().count() == 0


async def test_notices_are_listed_newest_first_with_their_date(app, client):
    joined = await make_person(app, "Bao")
    await Notice.create(person=joined.person, kind="news", sent_on=date(2025, 1, 5))
    await Notice.create(person=joined.person, kind="account", sent_on=date(2025, 3, 9))
    await sign_in(client, "Bao")
    page = await client.get("/inbox")
    assert TITLE.findall(page.text) == ["A change to your account", "There is news for you"]
    assert '<time datetime="2025-03-09">March 9, 2025</time>' in page.text


async def test_a_read_more_link_is_shown_only_for_links_inside_chorus(app, client):
    joined = await make_person(app, "Bao")
    inside = await send_notice(joined.person, "news", link="/charter")
    outside = await send_notice(joined.person, "account", link="https://elsewhere.test/x")
    await sign_in(client, "Bao")
    page = await client.get(f"/inbox/{inside.id}")
    assert page.text.count("Read more") == 1 and 'href="/charter"' in page.text
    page = await client.get(f"/inbox/{outside.id}")
    assert "Read more" not in page.text and "elsewhere.test" not in page.text


async def test_marking_as_read_works_without_javascript(app, client):
    joined = await make_person(app, "Bao")
    notice = await send_notice(joined.person, "news")
    await sign_in(client, "Bao")
    response = await post_form(client, f"/inbox/{notice.id}/read")
    assert response.status_code == 303 and response.headers["location"] == "/inbox?done=read"
    page = await client.get(response.headers["location"])
    assert "The notice is marked as read." in page.text
    assert '<span class="notice-state">Read</span>' in page.text
    assert "Mark as read" not in page.text
    assert await inbox.marks_for(joined.personal_key, [notice.id]) == {
        notice.id: inbox.Mark(read=True, dismissed=False)
    }


async def test_deleting_works_without_javascript(app, client):
    joined = await make_person(app, "Bao")
    notice = await send_notice(joined.person, "news")
    await sign_in(client, "Bao")
    response = await post_form(client, f"/inbox/{notice.id}/delete")
    assert response.status_code == 303
    page = await client.get(response.headers["location"])
    assert "The notice is removed from your inbox." in page.text
    assert "Your inbox is empty." in page.text
    # The notice row stays, untouched, until the expiry job: only a mark says it is gone.
    assert await Notice.exists(id=notice.id)
    assert (await NoticeMark.get()).dismissed


@pytest.mark.parametrize("action", ["read", "delete"])
async def test_htmx_gets_the_list_alone_with_a_message_that_takes_focus(app, client, action):
    joined = await make_person(app, "Bao")
    notice = await send_notice(joined.person, "news")
    await sign_in(client, "Bao")
    response = await post_form(
        client, f"/inbox/{notice.id}/{action}", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="notices">')
    assert "<html" not in response.text and "<h1>" not in response.text
    assert re.search(
        r'<p class="notice-banner" role="status" tabindex="-1" autofocus>', response.text
    )


@pytest.mark.parametrize("action", ["read", "delete"])
async def test_another_persons_notice_is_not_found_and_stays_as_it_was(app, client, action):
    owner = await make_person(app, "Owner")
    theirs = await send_notice(owner.person, "news")
    await make_person(app, "Nosy")
    await sign_in(client, "Nosy")
    response = await post_form(client, f"/inbox/{theirs.id}/{action}")
    assert response.status_code == 404
    assert await NoticeMark.all().count() == 0
    page = await client.get("/inbox")
    assert f"/inbox/{theirs.id}/" not in page.text


async def test_a_notice_number_beyond_any_is_not_found(app, client):
    await make_person(app, "Bao")
    await sign_in(client, "Bao")
    assert (await post_form(client, "/inbox/99999999999999999999/read")).status_code == 404


async def test_visitors_are_sent_to_sign_in_or_refused(client):
    assert (await client.get("/inbox")).headers["location"] == "/sign-in"
    assert (await post_form(client, "/inbox/1/read")).status_code == 403
