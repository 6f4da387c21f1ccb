"""The account journeys as a person makes them, in Chromium with JavaScript on and off
(SAFE-UI 11, 15): join with an invite code, sign in and out, get back in with a recovery
code, delete the account.

Fields are filled by their labels and buttons pressed by their names; the cookies are the
ones Chorus sets, kept by the browser itself. That the browser keeps the `__Host-session`
cookie at all shows a Secure cookie works over http://127.0.0.1 in Chromium. Every
journey starts from an invite made with `chorus invite` and a name of its own, since the
demo server (and its rate limits, counted per name) is shared by the whole run.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from secrets import token_hex

import pytest
from playwright.async_api import Cookie, Locator, Page, Response, expect

from governance.identity.cookies import COOKIE as SESSION_COOKIE
from governance.identity.devices import COOKIE as DEVICE_COOKIE
from tests.browser.fixtures.browser import BROWSER_TESTS
from tests.browser.fixtures.people import INVITE_CODE
from tests.browser.fixtures.tabs import Tab, TabMaker, answer_to, open_home

pytestmark = [
    *BROWSER_TESTS,
    pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"]),
]

PASSPHRASE = "seven quiet river stones"  # at least 12 characters
NEW_PASSPHRASE = "lanterns over the harbour"
RECOVERY_CODE_COUNT = 10
SUMMARY_TITLE = "There is a problem"
WRONG_NAME_OR_PASSPHRASE = "The name or passphrase is not right. Check both and try again."
WRONG_NAME_OR_CODE = "The name or recovery code is not right. Check both and try again."


@dataclass
class Account:
    pseudonym: str
    passphrase: str
    recovery_codes: list[str]


def new_pseudonym() -> str:
    return f"Journey {token_hex(3)}"


# ---------------------------------------------------------------------------
# What a person does


async def open_chorus(fresh_tab: TabMaker, javascript: bool) -> Tab:
    """A tab of its own (no cookie yet) on the home page, with scripts on or off."""
    tab = await open_home(fresh_tab, javascript)
    assert await session_cookie(tab.page) is None
    return tab


def field(page: Page, label: str) -> Locator:
    return page.get_by_label(label, exact=True)


def main_nav_link(page: Page, name: str) -> Locator:
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True)


async def press(page: Page, button: str) -> Response:
    """Press a button that sends a form; wait for the page that comes back."""
    return await answer_to(page, page.get_by_role("button", name=button, exact=True))


async def follow(page: Page, link: str | Locator) -> None:
    locator = page.get_by_role("link", name=link, exact=True) if isinstance(link, str) else link
    await answer_to(page, locator)


def path_of(page: Page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url)


async def session_cookie(page: Page) -> Cookie | None:
    for cookie in await page.context.cookies():
        if cookie.get("name") == SESSION_COOKIE:
            return cookie
    return None


async def assert_signed_in_cookie(page: Page) -> None:
    cookie = await session_cookie(page)
    assert cookie is not None, f"no {SESSION_COOKIE} cookie kept by the browser"
    assert cookie.get("httpOnly") is True
    assert cookie.get("secure") is True
    assert cookie.get("sameSite") == "Strict"
    assert cookie.get("path") == "/"
    assert cookie.get("expires") == -1, "a session cookie: no Max-Age, no Expires"


async def assert_no_session_cookie(page: Page) -> None:
    assert await session_cookie(page) is None


async def assert_error(page: Page, javascript: bool, field_label: str, message: str) -> None:
    """The error summary at the top names the problem (and has focus when scripts run);
    the field it belongs to says it again and is marked invalid."""
    summary = page.get_by_role("alert").filter(has_text=SUMMARY_TITLE)
    await expect(summary).to_be_visible()
    await expect(summary.get_by_role("link", name=message)).to_be_visible()
    if javascript:
        await expect(summary).to_be_focused()
        assert await summary.evaluate("summary => summary === document.activeElement")
    await expect(field(page, field_label)).to_have_attribute("aria-invalid", "true")
    await expect(page.locator(".field-error", has_text=message)).to_be_visible()


async def assert_on_account_page(page: Page, pseudonym: str) -> None:
    assert path_of(page).startswith("/account")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    await expect(summary_value(page, "Your name in Chorus")).to_have_text(pseudonym)


def summary_value(page: Page, term: str) -> Locator:
    """What the account page's summary list says for `term`."""
    return page.locator("dl.summary dt", has_text=term).locator("xpath=following-sibling::dd[1]")


async def join(page: Page, invite_code: str, pseudonym: str | None = None) -> Account:
    """Join from the home page's menu, keep the recovery codes, go on to the account."""
    account = Account(pseudonym or new_pseudonym(), PASSPHRASE, [])
    await follow(page, main_nav_link(page, "Join"))
    await field(page, "Invite code").fill(invite_code)
    await field(page, "A name to be known by").fill(account.pseudonym)
    await field(page, "Passphrase").fill(account.passphrase)
    await field(page, "Type the passphrase again").fill(account.passphrase)
    response = await press(page, "Join")
    assert response is not None and response.status == 200
    account.recovery_codes = await saved_codes(page, account.pseudonym)
    await follow(page, "I have saved my codes")
    await assert_on_account_page(page, account.pseudonym)
    return account


async def saved_codes(page: Page, pseudonym: str) -> list[str]:
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {pseudonym}")
    await expect(page.get_by_role("heading", name="Save these recovery codes")).to_be_visible()
    codes = [code.strip() for code in await page.locator("ol.codes li").all_inner_texts()]
    assert len(codes) == RECOVERY_CODE_COUNT
    assert len(set(codes)) == RECOVERY_CODE_COUNT
    assert all(INVITE_CODE.fullmatch(code) for code in codes), codes
    return codes


async def sign_out(page: Page) -> None:
    """The "Sign out" button in the header; the home page comes back, with no session."""
    sign_out_form = page.locator("header form.sign-out")
    response = await press_in(sign_out_form, "Sign out")
    assert response is not None and response.status == 200
    assert path_of(page) == "/"
    await expect(main_nav_link(page, "Sign in")).to_be_visible()
    await assert_no_session_cookie(page)


async def press_in(scope: Locator, button: str) -> Response:
    return await answer_to(scope.page, scope.get_by_role("button", name=button, exact=True))


async def sign_in(page: Page, pseudonym: str, passphrase: str) -> Response | None:
    """From any page a visitor sees: "Sign in" in the menu, name, passphrase, the button."""
    await follow(page, main_nav_link(page, "Sign in"))
    await field(page, "Your name in Chorus").fill(pseudonym)
    await field(page, "Passphrase").fill(passphrase)
    return await press(page, "Sign in")


async def assert_sign_in_refused(page: Page, javascript: bool, pseudonym: str) -> None:
    assert path_of(page) == "/sign-in"
    await assert_error(page, javascript, "Your name in Chorus", WRONG_NAME_OR_PASSPHRASE)
    await expect(field(page, "Your name in Chorus")).to_have_value(pseudonym)
    await expect(field(page, "Passphrase")).to_have_value("")
    await assert_no_session_cookie(page)


async def recover(page: Page, pseudonym: str, code: str, passphrase: str) -> Response | None:
    """From the sign-in page: "Forgot your passphrase?", then the recovery form."""
    await follow(page, main_nav_link(page, "Sign in"))
    await follow(page, "Forgot your passphrase? Use a recovery code")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Recover your account")
    await field(page, "Your name in Chorus").fill(pseudonym)
    await field(page, "Recovery code").fill(code)
    await field(page, "New passphrase").fill(passphrase)
    await field(page, "Type the new passphrase again").fill(passphrase)
    return await press(page, "Recover my account")


def assert_quiet(tab: Tab) -> None:
    """No error logged and no Content-Security-Policy rule broken on the way."""
    assert tab.console_errors == []
    assert tab.other_origins_requested == []


# ---------------------------------------------------------------------------
# The journeys


async def test_join_with_an_invite(fresh_tab, invite_code, javascript):
    tab = await open_chorus(fresh_tab, javascript)
    page = tab.page
    pseudonym = new_pseudonym()

    await follow(page, main_nav_link(page, "Join"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Join Chorus")
    await field(page, "Invite code").fill(invite_code)
    await field(page, "A name to be known by").fill(pseudonym)
    await field(page, "Passphrase").fill(PASSPHRASE)
    await field(page, "Type the passphrase again").fill(PASSPHRASE + " oops")
    response = await press(page, "Join")

    assert response is not None and response.status == 400
    await assert_error(
        page,
        javascript,
        "Type the passphrase again",
        "The two passphrases are not the same. Type them again.",
    )
    await expect(field(page, "Invite code")).to_have_value(invite_code)
    await expect(field(page, "A name to be known by")).to_have_value(pseudonym)
    await expect(field(page, "Passphrase")).to_have_value("")
    await expect(field(page, "Type the passphrase again")).to_have_value("")
    await assert_no_session_cookie(page)

    await field(page, "Passphrase").fill(PASSPHRASE)
    await field(page, "Type the passphrase again").fill(PASSPHRASE)
    response = await press(page, "Join")

    assert response is not None and response.status == 200
    await saved_codes(page, pseudonym)
    await assert_signed_in_cookie(page)
    await follow(page, "I have saved my codes")
    await assert_on_account_page(page, pseudonym)
    await expect(summary_value(page, "Recovery codes left")).to_have_text(str(RECOVERY_CODE_COUNT))
    assert_quiet(tab)


async def test_sign_out_and_in_again(fresh_tab, invite_code, javascript):
    tab = await open_chorus(fresh_tab, javascript)
    page = tab.page
    account = await join(page, invite_code)
    await sign_out(page)

    await sign_in(page, account.pseudonym, "not my passphrase at all")
    await assert_sign_in_refused(page, javascript, account.pseudonym)

    await field(page, "Passphrase").fill(account.passphrase)
    await press(page, "Sign in")

    assert path_of(page) == "/account"
    await assert_on_account_page(page, account.pseudonym)
    await assert_signed_in_cookie(page)

    await sign_out(page)
    await page.goto("/account")  # the old session opens nothing any more
    assert path_of(page) == "/sign-in"
    assert_quiet(tab)


async def test_recover_with_a_saved_code(fresh_tab, invite_code, javascript):
    tab = await open_chorus(fresh_tab, javascript)
    page = tab.page
    account = await join(page, invite_code)
    code = account.recovery_codes[3]
    await sign_out(page)

    await recover(page, account.pseudonym, code, NEW_PASSPHRASE)

    assert path_of(page) == "/account?recovered=1"
    await expect(page.get_by_role("status")).to_have_text(
        "You are back in, with your new passphrase. "
        "Any other place you were signed in has been signed out."
    )
    await assert_on_account_page(page, account.pseudonym)
    await expect(summary_value(page, "Recovery codes left")).to_have_text(
        str(RECOVERY_CODE_COUNT - 1)
    )
    await assert_signed_in_cookie(page)
    await sign_out(page)

    await sign_in(page, account.pseudonym, account.passphrase)  # the old passphrase
    await assert_sign_in_refused(page, javascript, account.pseudonym)
    await field(page, "Passphrase").fill(NEW_PASSPHRASE)
    await press(page, "Sign in")
    await assert_on_account_page(page, account.pseudonym)
    await sign_out(page)

    response = await recover(page, account.pseudonym, code, "another passphrase again")

    assert response is not None and response.status == 400
    assert path_of(page) == "/recover"
    await assert_error(page, javascript, "Recovery code", WRONG_NAME_OR_CODE)
    await expect(field(page, "Your name in Chorus")).to_have_value(account.pseudonym)
    await expect(field(page, "Recovery code")).to_have_value("")
    await expect(field(page, "New passphrase")).to_have_value("")
    await assert_no_session_cookie(page)
    assert_quiet(tab)


async def test_delete_the_account(fresh_tab, invite_code, javascript):
    tab = await open_chorus(fresh_tab, javascript)
    page = tab.page
    account = await join(page, invite_code)

    await follow(page, "Delete your account")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Delete your account")
    await expect(page.get_by_role("heading", name="What we remove")).to_be_visible()
    await expect(page.locator("main")).to_contain_text(
        "Your name in Chorus, your passphrase and your recovery codes."
    )
    await expect(page.get_by_role("heading", name="What stays")).to_be_visible()
    await expect(page.locator("main")).to_contain_text(
        "Your votes and anonymous feedback stay counted."
    )
    await expect(page.locator("main")).to_contain_text("This cannot be undone.")

    await field(page, "Type your passphrase to confirm").fill("not my passphrase at all")
    response = await press(page, "Delete my account")

    assert response is not None and response.status == 400
    await assert_error(
        page,
        javascript,
        "Type your passphrase to confirm",
        "That is not your current passphrase. Try again.",
    )
    await expect(field(page, "Type your passphrase to confirm")).to_have_value("")
    await assert_signed_in_cookie(page)
    await follow(page, "Keep my account")  # nothing was deleted
    await assert_on_account_page(page, account.pseudonym)

    await follow(page, "Delete your account")
    await field(page, "Type your passphrase to confirm").fill(account.passphrase)
    response = await press(page, "Delete my account")

    assert response is not None and response.status == 200
    await expect(page.get_by_role("heading", level=1)).to_have_text("Your account is deleted")
    await expect(main_nav_link(page, "Sign in")).to_be_visible()
    await assert_no_session_cookie(page)

    await sign_in(page, account.pseudonym, account.passphrase)
    await assert_sign_in_refused(page, javascript, account.pseudonym)
    assert_quiet(tab)


async def test_new_recovery_codes_ask_for_the_passphrase(fresh_tab, invite_code, javascript):
    tab = await open_chorus(fresh_tab, javascript)
    page = tab.page
    account = await join(page, invite_code)

    await follow(page, "Get new recovery codes")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Get new recovery codes")
    await field(page, "Type your passphrase to confirm").fill("not my passphrase at all")
    response = await press(page, "Get new codes")

    assert response is not None and response.status == 400
    await assert_error(
        page,
        javascript,
        "Type your passphrase to confirm",
        "That is not your current passphrase. Try again.",
    )
    await expect(page.locator("ol.codes")).to_have_count(0)
    await field(page, "Type your passphrase to confirm").fill(account.passphrase)
    response = await press(page, "Get new codes")

    assert response is not None and response.status == 200
    await expect(page.get_by_role("heading", level=1)).to_have_text("Your new recovery codes")
    codes = [code.strip() for code in await page.locator("ol.codes li").all_inner_texts()]
    assert len(codes) == RECOVERY_CODE_COUNT and not set(codes) & set(account.recovery_codes)
    assert_quiet(tab)


async def device_cookie(page: Page) -> Cookie | None:
    for cookie in await page.context.cookies():
        if cookie.get("name") == DEVICE_COOKIE:
            return cookie
    return None


async def test_this_is_my_own_device_until_exit(fresh_tab, invite_code, javascript):
    tab = await open_chorus(fresh_tab, javascript)
    page = tab.page
    account = await join(page, invite_code)
    await sign_out(page)
    assert await device_cookie(page) is None

    await follow(page, main_nav_link(page, "Sign in"))
    await field(page, "Your name in Chorus").fill(account.pseudonym)
    await field(page, "Passphrase").fill(account.passphrase)
    await page.get_by_label("This is my own device", exact=True).check()
    await press(page, "Sign in")

    await assert_on_account_page(page, account.pseudonym)
    cookie = await device_cookie(page)
    assert cookie is not None, f"no {DEVICE_COOKIE} cookie kept by the browser"
    assert cookie.get("httpOnly") is True
    assert cookie.get("secure") is True
    assert cookie.get("sameSite") == "Strict"
    assert cookie.get("path") == "/"
    days = (cookie.get("expires", 0) - time.time()) / 86400
    assert 29.9 < days <= 30, "kept for 30 days, closing the browser or not"

    await sign_out(page)
    assert await device_cookie(page) is not None, "signing out keeps it"
    await tab.exit_link.click()
    await tab.wait_until_left()
    for _ in range(50):  # with JavaScript, /exit is asked in the background
        if await device_cookie(page) is None:
            break
        await page.wait_for_timeout(100)
    assert await device_cookie(page) is None, "Exit this page removes it"
