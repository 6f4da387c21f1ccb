"""The browser tests cover every page: found from the app's routes, each one opened."""

from tests.browser.fixtures.browser import BROWSER_TESTS
from tests.browser.fixtures.pages import LANGUAGES, PAGES

pytestmark = BROWSER_TESTS


def test_the_pages_found_include_the_known_ones():
    # Discovery reads the app's routes; make sure it did not quietly find nothing.
    paths = {page.path for page in PAGES if page.status == 200}
    assert {"/", "/privacy"} <= paths
    assert {page.status for page in PAGES} >= {200, 403, 404, 405}


def test_every_page_can_be_opened(visits):
    unopened = [page.path for page in PAGES if page.name not in visits]
    assert unopened == [], (
        "no visitor and no demo person could open these (for an address with a parameter: "
        "no page links to one); list them in NOT_PAGES (tests/browser/fixtures/pages.py) with "
        "the reason, or give the demo what they need"
    )


async def test_every_language_on_offer_is_checked(fresh_tab):
    tab = await fresh_tab()
    await tab.page.goto("/")

    offered = await tab.page.locator(".language-switcher button").all_inner_texts()

    assert sorted(name.strip() for name in offered) == sorted(LANGUAGES.values())
