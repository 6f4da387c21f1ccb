"""A visit to any page, in any language: axe-core finds no serious or critical problem
(SAFE-UI 14), the page logs no error and breaks no Content-Security-Policy rule, and
nothing is asked of another site: no fonts, scripts, images or beacons (SAFE-UI 5)."""

from playwright.async_api import expect

from tests.browser.fixtures.axe import describe_violations
from tests.browser.fixtures.browser import BROWSER_TESTS

pytestmark = BROWSER_TESTS


async def test_page_is_accessible_quiet_and_self_contained(reading_tab, chorus_page, language):
    tab = await reading_tab(chorus_page, language)
    await tab.open()
    await expect(tab.page.locator("html")).to_have_attribute("lang", language)

    violations = await tab.serious_accessibility_violations()

    assert not violations, describe_violations(violations)
    assert tab.console_errors == []
    assert tab.requested, "the page made no request at all"
    assert tab.other_origins_requested == []
