"""Keyboard first (SAFE-UI 1, 17): the first Tab shows the skip link, the second reaches
the exit link."""

from playwright.async_api import expect

from tests.browser.fixtures.browser import BROWSER_TESTS

pytestmark = BROWSER_TESTS


async def test_first_tab_reaches_the_skip_link_then_the_exit_link(reading_tab, chorus_page):
    tab = await reading_tab(chorus_page)
    await tab.open()

    await tab.page.keyboard.press("Tab")
    await expect(tab.skip_link).to_be_focused()
    await expect(tab.skip_link).to_be_in_viewport()

    await tab.page.keyboard.press("Tab")
    await expect(tab.exit_link).to_be_focused()
