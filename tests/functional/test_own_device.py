"""Nobody can keep a named person out: "This is my own device" (issue 13, point 3).

Ten wrong passphrases lock a name for 15 minutes, five wrong recovery codes for an hour,
whoever typed them. A person who ticked "This is my own device" at sign-in gets a
device cookie bound to their name: tries from it are not held back by the name's lock,
their wrong tries count against the device, and ten void it.
"""

from __future__ import annotations

import httpx
import pytest

from governance.identity.models import Credential, RecoveryCode
from tests.common.forms import csrf_token
from tests.common.people import PASSPHRASE, another_client, make_person, sign_in

pytestmark = pytest.mark.usefixtures("db")

DEVICE = "__Host-device"
WRONG = "not the passphrase at all"


def set_cookies(response: httpx.Response) -> list[str]:
    return response.headers.get_list("set-cookie")


def device_cookie_set(response: httpx.Response) -> str | None:
    """The device cookie this response sets, if it sets one (not one it clears)."""
    for header in set_cookies(response):
        if header.startswith(DEVICE + "=") and "max-age=0" not in header.lower():
            return header
    return None


def device_cookie_cleared(response: httpx.Response) -> bool:
    return any(
        header.startswith(DEVICE + "=") and "max-age=0" in header.lower()
        for header in set_cookies(response)
    )


async def sign_out(browser: httpx.AsyncClient) -> httpx.Response:
    token = csrf_token(await browser.get("/account"))
    return await browser.post("/sign-out", data={"csrf_token": token})


async def lock_out(name: str, client: httpx.AsyncClient, tries: int = 10) -> None:
    """Someone else, on a browser of their own, types wrong passphrases for `name`."""
    async with another_client(client) as stranger:
        for _ in range(tries):
            assert (await sign_in(stranger, name, WRONG)).status_code == 400
        held = await sign_in(stranger, name, PASSPHRASE)
        assert "Too many tries" in held.text, "the name is locked for everyone else"


async def own_device_of(app, client: httpx.AsyncClient, name: str) -> httpx.AsyncClient:
    """`name`'s own browser, with a device cookie, signed out again."""
    await make_person(app, name)
    browser = another_client(client)
    signed = await sign_in(browser, name, own_device=True)
    assert signed.status_code == 303
    assert device_cookie_set(signed)
    out = await sign_out(browser)
    assert not device_cookie_cleared(out), "signing out keeps the device cookie"
    assert browser.cookies.get(DEVICE)
    return browser


async def test_the_device_cookie_is_like_the_session_cookie_and_lasts_30_days(app, client):
    await make_person(app, "Amina")
    page = await client.get("/sign-in")
    assert 'name="own_device"' in page.text and "This is my own device" in page.text
    signed = await sign_in(client, "Amina", own_device=True)
    header = device_cookie_set(signed)
    assert header is not None
    attributes = [part.strip().lower() for part in header.split(";")]
    assert {"httponly", "secure", "samesite=strict", "path=/", "max-age=2592000"} <= set(attributes)
    assert not any(part.startswith("domain=") for part in attributes)  # a __Host- cookie
    assert "amina" not in header.lower()
    # Without the box ticked, no device cookie.
    await sign_out(client)
    assert device_cookie_set(await sign_in(another_client(client), "Amina")) is None


async def test_a_locked_name_still_lets_its_owner_in_from_their_own_device(app, client):
    own = await own_device_of(app, client, "Bao")
    await lock_out("Bao", client)
    assert (await sign_in(own, "Bao")).status_code == 303
    await own.aclose()


async def test_a_wrong_try_from_the_own_device_is_explained_and_not_held_back(app, client):
    own = await own_device_of(app, client, "Carmen")
    await lock_out("Carmen", client)
    wrong = await sign_in(own, "Carmen", WRONG)
    assert wrong.status_code == 400
    assert "The name or passphrase is not right" in wrong.text
    assert 'value="Carmen"' in wrong.text and "checked" not in wrong.text.split("own_device")[1]
    assert (await sign_in(own, "Carmen")).status_code == 303
    await own.aclose()


async def test_ten_wrong_tries_from_a_device_void_it_and_leave_the_name_unlocked(app, client):
    own = await own_device_of(app, client, "Dara")
    kept = own.cookies[DEVICE]
    for number in range(1, 11):
        wrong = await sign_in(own, "Dara", WRONG)
        assert wrong.status_code == 400
        assert device_cookie_cleared(wrong) == (number == 10)
    # Counted against the device, not the name: another browser signs in at once.
    async with another_client(client) as elsewhere:
        assert (await sign_in(elsewhere, "Dara")).status_code == 303
    # A copy of the voided cookie no longer passes the name's lock.
    await lock_out("Dara", client)
    own.cookies.set(DEVICE, kept, domain="chorus.test")
    held = await sign_in(own, "Dara")
    assert held.status_code == 400 and "Too many tries" in held.text
    await own.aclose()


async def test_a_right_passphrase_starts_the_device_count_again(app, client):
    own = await own_device_of(app, client, "Esi")
    for _ in range(9):
        await sign_in(own, "Esi", WRONG)
    assert (await sign_in(own, "Esi")).status_code == 303
    await sign_out(own)
    for _ in range(9):
        assert not device_cookie_cleared(await sign_in(own, "Esi", WRONG))
    assert (await sign_in(own, "Esi")).status_code == 303
    await own.aclose()


async def test_a_device_cookie_is_for_its_own_name_only(app, client):
    own = await own_device_of(app, client, "Farid")
    await make_person(app, "Gus")
    await lock_out("Gus", client)
    held = await sign_in(own, "Gus")
    assert held.status_code == 400 and "Too many tries" in held.text
    await own.aclose()


async def test_a_device_cookie_from_another_key_or_altered_counts_for_nothing(app, client):
    own = await own_device_of(app, client, "Hana")
    value = own.cookies[DEVICE]
    await lock_out("Hana", client)
    for forged in ("A" * len(value), value[:-2] + ("AA" if value[-2:] != "AA" else "BB")):
        own.cookies.set(DEVICE, forged, domain="chorus.test")
        held = await sign_in(own, "Hana")
        assert held.status_code == 400 and "Too many tries" in held.text
    await own.aclose()


async def test_a_locked_recovery_still_lets_its_owner_in_from_their_own_device(app, client):
    joined = await make_person(app, "Ines")
    own = another_client(client)
    await sign_in(own, "Ines", own_device=True)
    await sign_out(own)
    new = "a brand new passphrase"
    async with another_client(client) as stranger:
        for _ in range(5):
            page = await stranger.get("/recover")
            await stranger.post(
                "/recover",
                data={
                    "csrf_token": csrf_token(page),
                    "pseudonym": "Ines",
                    "code": "AAAA-BBBB-CCCC-DDDD",
                    "passphrase": new,
                    "confirmation": new,
                },
            )
        page = await stranger.get("/recover")
        fields = {"pseudonym": "Ines", "passphrase": new, "confirmation": new}
        held = await stranger.post(
            "/recover",
            data={"csrf_token": csrf_token(page), "code": joined.recovery_codes[1], **fields},
        )
        assert "Too many tries" in held.text
    page = await own.get("/recover")
    recovered = await own.post(
        "/recover",
        data={"csrf_token": csrf_token(page), "code": joined.recovery_codes[0], **fields},
    )
    assert recovered.status_code == 303
    assert await RecoveryCode.filter(credential_id=joined.credential.id).count() == 9
    await own.aclose()


async def test_only_exit_removes_the_device_cookie(app, client):
    own = await own_device_of(app, client, "Jo")  # signing out kept it
    await sign_in(own, "Jo")
    token = csrf_token(await own.get("/account"))
    everywhere = await own.post("/sign-out-everywhere", data={"csrf_token": token})
    assert not device_cookie_cleared(everywhere)
    assert own.cookies.get(DEVICE)
    left = await own.get("/exit")
    assert device_cookie_cleared(left)
    assert '"cookies"' in left.headers["clear-site-data"]
    assert not own.cookies.get(DEVICE)
    await own.aclose()


async def test_deleting_the_account_removes_its_device_cookie(app, client):
    own = await own_device_of(app, client, "Kai")
    await sign_in(own, "Kai")
    token = csrf_token(await own.get("/account/delete"))
    done = await own.post("/account/delete", data={"csrf_token": token, "current": PASSPHRASE})
    assert done.status_code == 200 and device_cookie_cleared(done)
    assert not await Credential.all().exists()
    await own.aclose()
