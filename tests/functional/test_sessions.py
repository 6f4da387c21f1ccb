"""Sessions live in the browser's cookie: signing in and browsing write nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tortoise import Tortoise

from chorus.services import services
from governance.identity.cookies import COOKIE, CookieKeys, open_ticket, seal_ticket
from governance.identity.keyring import Keyring
from governance.identity.models import SignedOut
from governance.identity.service.sessions import new_ticket
from tests.common.dumps import rows_of
from tests.common.forms import csrf_token
from tests.common.people import make_person, sign_in


async def every_row() -> dict[str, list[dict[str, object]]]:
    models = [m for app in Tortoise.apps.values() for m in app.values()]
    return {m._meta.db_table: await rows_of(m) for m in models}


async def test_signing_in_browsing_and_signing_out_write_only_a_keyed_hash(app, client):
    await make_person(app, "Amina")
    before = await every_row()
    assert (await sign_in(client, "Amina")).status_code == 303
    for path in ("/account", "/rounds", "/inbox", "/charter", "/privacy"):
        assert (await client.get(path)).status_code == 200, path
    assert await every_row() == before
    token = csrf_token(await client.get("/account"))
    await client.post("/sign-out", data={"csrf_token": token})
    after = await every_row()
    written = {table for table in after if after[table] != before[table]}
    assert written == {"governance_signed_out"}
    (row,) = after["governance_signed_out"]
    assert set(row) == {"id_hash", "expires_at"}
    expires = row["expires_at"]
    assert isinstance(expires, datetime) and expires.minute % 10 == 0 and expires.second == 0


async def test_an_idle_end_moved_on_comes_back_as_a_fresh_cookie(app, client):
    joined = await make_person(app, "Bao")
    keys: CookieKeys = services(app).of(Keyring).cookies
    earlier = datetime.now(UTC) - timedelta(minutes=15)
    ticket = new_ticket(joined.person, joined.credential, joined.personal_key, "Bao", now=earlier)
    client.cookies.set(COOKIE, seal_ticket(keys.seal, ticket), domain="chorus.test")
    page = await client.get("/account")
    assert page.status_code == 200 and "Bao" in page.text
    fresh = open_ticket(keys.seal, client.cookies.get(COOKIE) or "")
    assert fresh is not None and fresh.idle_expires_at > ticket.idle_expires_at
    assert fresh.session_id == ticket.session_id and fresh.expires_at == ticket.expires_at
    # Within the same 10 minutes, no new cookie at all.
    again = await client.get("/account")
    assert COOKIE not in again.headers.get("set-cookie", "")


async def test_an_ended_or_altered_ticket_is_no_session(app, client):
    joined = await make_person(app, "Carmen")
    keys: CookieKeys = services(app).of(Keyring).cookies
    earlier = datetime.now(UTC) - timedelta(hours=1)
    old = new_ticket(joined.person, joined.credential, joined.personal_key, "Carmen", now=earlier)
    client.cookies.set(COOKIE, seal_ticket(keys.seal, old), domain="chorus.test")
    assert (await client.get("/account")).status_code == 303
    live = seal_ticket(
        keys.seal, new_ticket(joined.person, joined.credential, joined.personal_key, "Carmen")
    )
    altered = live[:40] + ("A" if live[40] != "A" else "B") + live[41:]
    client.cookies.set(COOKIE, altered, domain="chorus.test")
    assert (await client.get("/account")).status_code == 303
    assert await SignedOut.all().count() == 0
