"""Reading and dismissing notices leaves nothing a copy of the database can tie to anyone.

Only a mark is written, HMAC(personal key, notice id), in a table of its own: the
notice row is never updated, deleted or locked, and no row names the person. Notices
and marks go 90 days after the notice was sent, by a job.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from tortoise import connections

from governance.jobs import expire_notices
from governance.models import Notice, NoticeMark
from governance.service import inbox
from governance.service.inbox import send_notice
from tests.common.all_rows import (
    every_row,
    forms_of,
    gone_rows,
    mentioning,
    new_rows,
    system_columns,
)
from tests.common.forms import csrf_token
from tests.common.people import make_person, sign_in

pytestmark = pytest.mark.usefixtures("db")


async def post_form(client: httpx.AsyncClient, path: str) -> httpx.Response:
    token = csrf_token(await client.get("/privacy"))
    return await client.post(path, data={"csrf_token": token})


def postgres() -> bool:
    return bool(connections.get("default").capabilities.dialect == "postgres")


async def test_reading_then_dismissing_writes_only_an_unnamed_mark(app, client):
    joined = await make_person(app, "Bao")
    notice = await send_notice(joined.person, "news")
    kept = await send_notice(joined.person, "results")
    await sign_in(client, "Bao")
    await client.get("/inbox")
    before = await every_row()
    system_before = await system_columns("governance_notice") if postgres() else None

    assert (await post_form(client, f"/inbox/{notice.id}/read")).status_code == 303
    assert (await post_form(client, f"/inbox/{notice.id}/delete")).status_code == 303
    page = await client.get("/inbox")

    after = await every_row()
    written = new_rows(before, after)
    # One mark row, in its own table, and nothing else written, changed or removed.
    assert list(written) == ["governance_notice_mark"]
    assert gone_rows(before, after) == {}
    [mark] = written["governance_notice_mark"]
    values = dict(mark)
    assert values["mark"] == inbox.mark_of(joined.personal_key, notice.id)
    # The day it goes says nothing of the notice: 90 days after writing, on a Monday.
    assert values["expires_on"] == str(inbox.mark_expires_on(inbox.today()))
    # Neither the person's id nor the notice's id is in it, in any form.
    assert not mentioning(written, forms_of(joined.person.id))
    # Its only columns: the keyed mark, whether dismissed, the day it goes. No notice id.
    assert set(values) == {"mark", "dismissed", "expires_on"}
    if system_before is not None:
        # No UPDATE (a new ctid and xmin), DELETE or row lock (xmax) on any notice.
        assert await system_columns("governance_notice") == system_before
    assert f"notice-{notice.id}" not in page.text and f"notice-{kept.id}" in page.text
    assert await Notice.exists(id=notice.id)


@pytest.mark.postgres_only
async def test_the_system_column_check_sees_a_foreign_key_lock(app):
    # The control for the check above: a KEY SHARE lock, as a foreign key's insert takes,
    # does change what system_columns shows.
    joined = await make_person(app, "Bao")
    notice = await send_notice(joined.person, "news")
    before = await system_columns("governance_notice")
    await connections.get("default").execute_query(
        "SELECT 1 FROM governance_notice WHERE id = $1 FOR KEY SHARE", [notice.id]
    )
    assert await system_columns("governance_notice") != before


async def test_reading_twice_and_dismissing_twice_raise_no_error(app, client):
    joined = await make_person(app, "Bao")
    notice = await send_notice(joined.person, "news")
    await sign_in(client, "Bao")
    for action in ("read", "read", "delete", "delete", "read"):
        assert (await post_form(client, f"/inbox/{notice.id}/{action}")).status_code == 303
    [mark] = await NoticeMark.all()
    assert mark.dismissed  # reading again does not bring a dismissed notice back


async def test_marks_are_per_person_and_only_their_owner_can_compute_them(app):
    ana = await make_person(app, "Ana")
    bao = await make_person(app, "Bao")
    ana_notice = await send_notice(ana.person, "news")
    bao_notice = await send_notice(bao.person, "news")
    assert await inbox.mark_read(ana.person.id, ana.personal_key, ana_notice.id)
    # Bao cannot mark Ana's notice, even knowing its number: nothing is written.
    assert not await inbox.dismiss(bao.person.id, bao.personal_key, ana_notice.id)
    assert await NoticeMark.all().count() == 1
    ana_inbox = await inbox.inbox_of(ana.person.id, ana.personal_key)
    bao_inbox = await inbox.inbox_of(bao.person.id, bao.personal_key)
    assert [(shown.id, shown.read) for shown in ana_inbox] == [(ana_notice.id, True)]
    assert [(shown.id, shown.read) for shown in bao_inbox] == [(bao_notice.id, False)]
    # With another key (someone else's, or none), Ana's mark is not found.
    assert await inbox.marks_for(bao.personal_key, [ana_notice.id]) == {}
    assert await inbox.unread_count(ana.person.id, ana.personal_key) == 0
    assert await inbox.unread_count(bao.person.id, bao.personal_key) == 1


async def test_the_inbox_reads_notices_and_marks_in_two_queries(app, monkeypatch):
    joined = await make_person(app, "Bao")
    for _ in range(5):
        await send_notice(joined.person, "news")
    client_class = type(connections.get("default"))
    original = client_class.execute_query
    seen: list[str] = []

    async def counted(self: Any, query: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(query)
        return await original(self, query, *args, **kwargs)

    monkeypatch.setattr(client_class, "execute_query", counted)
    shown = await inbox.inbox_of(joined.person.id, joined.personal_key)
    monkeypatch.undo()
    assert len(shown) == 5
    assert len(seen) == 2


async def test_notices_and_marks_expire_90_days_after_sending(app):
    joined = await make_person(app, "Bao")
    today = inbox.today()
    old = await Notice.create(person=joined.person, kind="news", sent_on=today - timedelta(90))
    young = await Notice.create(person=joined.person, kind="news", sent_on=today - timedelta(89))
    for notice in (old, young):
        assert await inbox.mark_read(joined.person.id, joined.personal_key, notice.id)
    await expire_notices()
    assert [notice.id for notice in await Notice.all()] == [young.id]
    # Marks go on their own date, never before their notice: whichever notice it was.
    for mark in await NoticeMark.all():
        assert mark.expires_on >= young.sent_on + timedelta(days=90)
        assert mark.expires_on.weekday() == 0
    # The day after, the young notice goes; its mark by its own date at the latest.
    assert (await inbox.delete_expired(today + timedelta(days=1)))[0] == 1
    assert await inbox.delete_expired(today + timedelta(days=97)) == (0, 2)
    assert await Notice.all().count() == 0 and await NoticeMark.all().count() == 0


def test_a_mark_depends_on_the_key_and_the_notice():
    key, other = b"k" * 32, b"o" * 32
    assert inbox.mark_of(key, 1) != inbox.mark_of(key, 2)
    assert inbox.mark_of(key, 1) != inbox.mark_of(other, 1)
    assert len(inbox.mark_of(key, 1)) == 64
    assert inbox.expires_on(date(2025, 1, 1)) == date(2025, 4, 1)
    # 2025-04-01 is a Tuesday: a mark written on 2025-01-01 goes on Monday 2025-04-07.
    assert inbox.mark_expires_on(date(2025, 1, 1)) == date(2025, 4, 7)
    for day in range(366):
        written = date(2025, 1, 1) + timedelta(days=day)
        assert 90 <= (inbox.mark_expires_on(written) - written).days < 97
