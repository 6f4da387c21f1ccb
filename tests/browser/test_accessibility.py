"""axe-core finds no serious or critical problem on any page, in any language (SAFE-UI 14),
and no page logs an error or a Content-Security-Policy violation."""

from playwright.async_api import expect

from tests.browser.conftest import (
    BROWSER_TESTS,
    LANGUAGES,
    PAGES,
    UNMAPPED_ROUTES,
    describe_violations,
)

pytestmark = BROWSER_TESTS


async def test_page_has_no_serious_accessibility_problem(reading_tab, chorus_page, language):
    tab = await reading_tab(chorus_page, language)
    await tab.open(chorus_page)
    await expect(tab.page.locator("html")).to_have_attribute("lang", language)

    violations = await tab.serious_accessibility_violations()

    assert not violations, describe_violations(violations)
    assert tab.console_errors == []


async def test_every_language_on_offer_is_checked(fresh_tab):
    tab = await fresh_tab()
    await tab.page.goto("/")

    offered = await tab.page.locator(".language-switcher button").all_inner_texts()

    assert sorted(name.strip() for name in offered) == sorted(LANGUAGES.values())


def test_the_pages_checked_include_the_known_ones():
    # Discovery reads the app's routes; make sure it did not quietly find nothing.
    paths = {page.path for page in PAGES if page.status == 200}
    assert {"/", "/privacy"} <= paths
    assert {page.status for page in PAGES} >= {200, 403, 404, 405}


def test_every_route_is_a_page_or_explained():
    assert UNMAPPED_ROUTES == [], (
        "these routes need an example address: teach discover_pages "
        "(tests/browser/conftest.py) to fill one in, or list them in NOT_PAGES"
    )
