"""Every page works with JavaScript off (SAFE-UI 15): it reads, it switches language,
and its exit link ends the visit on the neutral site with no cookie left (SAFE-UI 1, 3)."""

import re
from urllib.parse import urlsplit

from playwright.async_api import expect

from tests.browser.fixtures.browser import BROWSER_TESTS
from tests.browser.fixtures.tabs import LANGUAGE_COOKIE

pytestmark = BROWSER_TESTS

SOME_WORDS = re.compile(r"\w+")


async def test_page_reads_switches_language_and_exits_without_javascript(fresh_tab, chorus_page):
    tab = await fresh_tab(chorus_page, javascript=False)
    await tab.open()
    await expect(tab.heading).to_have_text(SOME_WORDS)
    assert await tab.page.evaluate("typeof window.htmx") == "undefined", "scripts ran"

    await tab.choose_language("fr")
    await expect(tab.page.locator("html")).to_have_attribute("lang", "fr")
    await expect(tab.heading).to_have_text(SOME_WORDS)
    if chorus_page.reached_by_address:
        assert urlsplit(tab.page.url).path == tab.address  # the same page, in French
    assert LANGUAGE_COOKIE in await tab.cookie_names()

    await tab.page.get_by_role("link", name="Quitter cette page").click()
    await tab.wait_until_left()

    assert f"{tab.chorus_url}/exit" in tab.requested
    assert await tab.cookie_names() == []  # Clear-Site-Data on the /exit redirect
