"""An opened notice names what it is about and where that stands today; the inbox comes a
page at a time; authors find what became of their own proposals (no notice names them)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from chorus.roles import Role
from governance.models import Notice
from governance.service.inbox import PAGE_SIZE, send_notice
from proposals import service
from proposals.models import Phase, Proposal
from tests.common.forms import csrf_token
from tests.common.people import make_person, sign_in, signed_in_client
from tests.common.rounds import add_proposal, advance_to, round_with, spec, tag_key

pytestmark = pytest.mark.usefixtures("db")

LISTED = re.compile(r'<li class="notice[^"]*" id="notice-(\d+)">')


async def test_the_inbox_comes_ten_notices_a_page_newest_first(app, client):
    joined = await make_person(app, "Bao")
    sent = [
        await Notice.create(
            person=joined.person, kind="news", sent_on=date(2026, 1, 1) + timedelta(days=day)
        )
        for day in range(2 * PAGE_SIZE + 5)
    ]
    newest_first = [str(notice.id) for notice in reversed(sent)]
    await sign_in(client, "Bao")
    first = await client.get("/inbox")
    assert LISTED.findall(first.text) == newest_first[:PAGE_SIZE]
    assert "Page 1 of 3" in first.text and 'href="/inbox?page=2" rel="next"' in first.text
    assert 'rel="prev"' not in first.text
    assert "You have 25 unread notices." in first.text
    last = await client.get("/inbox?page=3")
    assert LISTED.findall(last.text) == newest_first[2 * PAGE_SIZE :]
    assert 'href="/inbox?page=2" rel="prev"' in last.text and 'rel="next"' not in last.text
    # A page beyond the last shows the last; nonsense shows the first.
    assert LISTED.findall((await client.get("/inbox?page=99")).text) == LISTED.findall(last.text)
    assert LISTED.findall((await client.get("/inbox?page=-1")).text) == newest_first[:PAGE_SIZE]
    # Deleting from the third page without JavaScript comes back to the third page.
    token = csrf_token(last)
    answer = await client.post(
        f"/inbox/{newest_first[-1]}/delete?page=3", data={"csrf_token": token}
    )
    assert answer.headers["location"] == "/inbox?done=deleted&page=3"


async def test_an_opened_vote_notice_names_the_vote_and_where_it_stands_now(app, client):
    round_, _ = await round_with(
        app, ["Safe housing", "Legal help"], Phase.VOTING, question="What comes first <this> year?"
    )
    joined = await make_person(app, "Bao")
    notice = await send_notice(joined.person, "voting", f"/rounds/{round_.id}")
    await sign_in(client, "Bao")
    listed = await client.get("/inbox")
    # The list stays neutral: the question is never shown there.
    assert "What comes first" not in listed.text and f'href="/inbox/{notice.id}"' in listed.text
    opened = await client.get(f"/inbox/{notice.id}")
    assert "<title>Chorus — Inbox</title>" in opened.text
    assert "<h1>Voting is open: What comes first &lt;this&gt; year?</h1>" in opened.text
    assert "Voting is open until" in opened.text
    assert f'<a href="/rounds/{round_.id}">Go to the vote</a>' in opened.text
    # Opening writes nothing: it is still new until marked as read.
    assert "New" in opened.text and "Mark as read" in opened.text

    # The round closes: the same notice now says so, and leads to the results.
    await advance_to(app, round_, Phase.CLOSED)
    opened = await client.get(f"/inbox/{notice.id}")
    assert "<h1>Voting is open: What comes first &lt;this&gt; year?</h1>" in opened.text
    assert "This vote is closed. The results are out." in opened.text
    assert f'<a href="/rounds/{round_.id}/results">See the results</a>' in opened.text


async def test_an_opened_notice_speaks_the_readers_language(app, client):
    round_, _ = await round_with(app, ["Safe housing"], Phase.VOTING, question="Quoi d'abord ?")
    joined = await make_person(app, "Bao")
    notice = await send_notice(joined.person, "results", f"/rounds/{round_.id}/results")
    await sign_in(client, "Bao")
    opened = await client.get(f"/inbox/{notice.id}", headers={"accept-language": "fr"})
    assert "Les résultats sont publiés : Quoi d&#39;abord ?" in opened.text
    assert "Le vote est ouvert jusqu’au" in opened.text


async def test_a_notice_that_is_not_yours_or_deleted_or_unknown_is_not_found(app, client):
    ana = await make_person(app, "Ana")
    bao = await make_person(app, "Bao")
    theirs = await send_notice(ana.person, "news", "/charter")
    own = await send_notice(bao.person, "news", "/rounds/00000000-0000-0000-0000-000000000000")
    await sign_in(client, "Bao")
    assert (await client.get(f"/inbox/{theirs.id}")).status_code == 404
    assert (await client.get("/inbox/99999999999999999999")).status_code == 404
    # A link to a round that is gone: the notice opens, with its plain title.
    opened = await client.get(f"/inbox/{own.id}")
    assert opened.status_code == 200 and "<h1>There is news for you</h1>" in opened.text
    token = csrf_token(opened)
    await client.post(f"/inbox/{own.id}/delete", data={"csrf_token": token})
    assert (await client.get(f"/inbox/{own.id}")).status_code == 404
    assert (await Notice.filter(id=own.id).count()) == 1  # only a mark says it is gone


async def test_authors_see_what_became_of_their_own_proposals(app, client):
    round_ = await service.open_round(spec())
    browser, author = await signed_in_client(app, client, "Amina")
    other, _ = await signed_in_client(app, client, "Bao")
    mine = await add_proposal(app, round_, "Safe housing", author.person.id)
    await add_proposal(app, round_, "Legal help")  # someone else's
    page = await browser.get("/proposals/yours")
    assert "Safe housing" in page.text and "Legal help" not in page.text
    assert "Everyone who can see the round sees it." in page.text
    assert "You have no proposals" in (await other.get("/proposals/yours")).text

    await service.hide_proposal(mine, "It names a person.")
    page = await browser.get("/proposals/yours")
    assert "A lead hid it, with the reason shown on it. You can contest this." in page.text
    # No notice was sent to anyone about it.
    assert await Notice.all().count() == 0
    mine = await Proposal.get(id=mine.id)
    await service.contest_hiding(mine, "It does not.", tag_key(app, round_), author.person.id)
    await service.review_contest(mine, restore=True)
    page = await browser.get("/proposals/yours")
    assert "A lead hid it, and the complaints committee showed it again." in page.text
    assert await Notice.all().count() == 0


async def test_a_closed_round_keeps_no_way_to_find_its_authors(app, client):
    round_ = await service.open_round(spec())
    browser, author = await signed_in_client(app, client, "Amina")
    await add_proposal(app, round_, "Safe housing", author.person.id)
    await add_proposal(app, round_, "Legal help")
    assert "Safe housing" in (await browser.get("/proposals/yours")).text
    # At close the round's tag key is destroyed: nobody, the author included, can say
    # any more whose the proposal was.
    await advance_to(app, round_, Phase.CLOSED)
    assert "You have no proposals" in (await browser.get("/proposals/yours")).text


async def test_each_person_sees_their_own_name_on_the_account_page(app, client):
    ana, _ = await signed_in_client(app, client, "Ana & Co")
    bao, _ = await signed_in_client(app, client, "Bao")
    # The page is rendered once for everyone with the same roles, the name spliced in.
    first, second = await ana.get("/account"), await bao.get("/account")
    assert "<dd>Ana &amp; Co</dd>" in first.text and "Bao" not in first.text
    assert "<dd>Bao</dd>" in second.text and "Ana" not in second.text
    assert csrf_token(first) != csrf_token(second)


async def test_an_opened_notice_names_no_round_its_reader_may_not_read(app, client):
    # A members' round: an ally who somehow holds a notice about it learns nothing of it.
    round_, _ = await round_with(app, ["Safe housing"], Phase.VOTING, question="Members only?")
    joined = await make_person(app, "Bao", Role.ALLY)
    notice = await send_notice(joined.person, "voting", f"/rounds/{round_.id}")
    await sign_in(client, "Bao")
    opened = await client.get(f"/inbox/{notice.id}")
    assert opened.status_code == 200 and "Members only?" not in opened.text
    assert "<h1>A vote is open</h1>" in opened.text
