"""Quick exit with JavaScript (SAFE-UI 1): the exit link or Shift pressed three times
replaces the page with the neutral site; typing capitals never leaves."""

from governance.identity.cookies import COOKIE as SESSION_COOKIE
from tests.browser.fixtures.browser import BROWSER_TESTS
from tests.browser.fixtures.pages import PAGES
from tests.browser.fixtures.servers import ask
from tests.browser.fixtures.tabs import origin

pytestmark = BROWSER_TESTS


async def test_shift_three_times_leaves_and_back_does_not_return(fresh_tab, chorus_page):
    tab = await fresh_tab(chorus_page)
    await tab.page.goto(tab.neutral_url)  # where the person was before opening Chorus
    await tab.open()
    left_from = tab.page.url

    await tab.press_shift(3)
    await tab.wait_until_left()

    await tab.page.go_back()
    assert tab.page.url != left_from
    if chorus_page.reached_by_address:
        assert tab.page.url == tab.neutral_url


async def test_typing_capitals_never_leaves(fresh_tab):
    tab = await fresh_tab()
    await tab.page.goto("/")
    home = tab.page.url

    await tab.page.keyboard.type("Hello World ABC")
    for _ in range(3):
        await tab.page.keyboard.down("Shift")
        await tab.page.keyboard.press("A")
        await tab.page.keyboard.press("B")
        await tab.page.keyboard.up("Shift")
    await tab.page.wait_for_timeout(500)  # time enough for a wrong exit to begin

    assert tab.page.url == home
    await tab.press_shift(3)  # while Shift on its own still leaves
    await tab.wait_until_left()


async def test_exit_link_leaves_and_forgets_the_visit(fresh_tab):
    tab = await fresh_tab()
    await tab.remember_language("fr")  # a cookie for the exit to clear
    await tab.page.goto("/")

    await tab.exit_link.click()
    await tab.wait_until_left()

    assert await tab.wait_for_no_cookies() == []  # the background request to /exit
    assert {origin(url) for url in tab.other_origins_requested} == {origin(tab.neutral_url)}


async def test_exit_link_ends_the_session_of_someone_signed_in(fresh_tab, visits):
    behind_sign_in = next(
        page for page in PAGES if page.name in visits and visits[page.name].person
    )
    tab = await fresh_tab(behind_sign_in)
    await tab.open()

    await tab.exit_link.click()
    await tab.wait_until_left()

    assert await tab.wait_for_no_cookies() == []
    # Even a copy of the old session cookie no longer opens the page.
    stale = ask(tab.chorus_url, tab.address, cookie=f"{SESSION_COOKIE}={tab.session}")
    assert stale.status == 303
    assert stale.headers["location"] == "/sign-in"
