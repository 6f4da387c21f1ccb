"""Every page works 320 CSS pixels wide without scrolling sideways (SAFE-UI 17)."""

from tests.browser.fixtures.browser import BROWSER_TESTS

pytestmark = BROWSER_TESTS


async def test_page_fits_320_pixels_wide(reading_tab, chorus_page, language):
    tab = await reading_tab(chorus_page, language, width=320)
    await tab.open()

    assert await tab.scroll_width() <= 320
