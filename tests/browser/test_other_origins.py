"""No page asks anything of another site: no fonts, scripts, images or analytics (SAFE-UI 5)."""

from tests.browser.conftest import BROWSER_TESTS

pytestmark = BROWSER_TESTS


async def test_page_asks_nothing_of_other_sites(fresh_tab, chorus_page):
    tab = await fresh_tab(chorus_page)  # nothing cached: every request the page makes is seen
    await tab.open(chorus_page)
    await tab.page.wait_for_load_state("networkidle")

    assert tab.requested, "the page made no request at all"
    assert tab.other_origins_requested == []
