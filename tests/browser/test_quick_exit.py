"""Quick exit with JavaScript (SAFE-UI 1): the exit link or Shift pressed three times
replaces the page with the neutral site; typing capitals never leaves; moving between
pages leaves no trail in the history. Without JavaScript, plain words on clearing it."""

from urllib.parse import urlsplit

from playwright.async_api import expect

from governance.demo import DEMO_PASSPHRASE
from governance.identity.cookies import COOKIE as SESSION_COOKIE
from tests.browser.fixtures.browser import BROWSER_TESTS
from tests.browser.fixtures.pages import PAGES
from tests.browser.fixtures.servers import NEUTRAL_TITLE, ask
from tests.browser.fixtures.tabs import Tab, origin

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


async def history_length(tab: Tab) -> int:
    return int(await tab.page.evaluate("history.length"))


async def test_moving_between_pages_keeps_one_history_entry_so_back_leaves_chorus(fresh_tab):
    """With scripts on, each Chorus page replaces the last in the history, so after "Exit
    this page" the Back button shows the page before Chorus, never a page of Chorus."""
    tab = await fresh_tab()
    before = f"{tab.neutral_url}?before-chorus"
    await tab.page.goto(before)
    await tab.page.goto("/")
    entries = await history_length(tab)  # the new tab's blank page, the one before, Chorus
    page = tab.page
    main_menu = page.get_by_role("navigation", name="Main")

    visited: list[str] = []
    for link in ("Your privacy", "Sign in"):
        await main_menu.get_by_role("link", name=link, exact=True).click()
        await expect(page.get_by_role("heading", level=1)).not_to_have_text(visited[-1:] or "")
        visited.append(await page.get_by_role("heading", level=1).inner_text())
        assert await history_length(tab) == entries, f"a new history entry after {link}"
    await page.get_by_label("Your name in Chorus", exact=True).fill("Amina")
    await page.get_by_label("Passphrase", exact=True).fill(DEMO_PASSPHRASE)
    await page.get_by_role("button", name="Sign in", exact=True).click()  # a form, sent
    await expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    assert await history_length(tab) == entries, "a new history entry after signing in"
    await main_menu.get_by_role("link", name="Votes", exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Votes")
    assert await history_length(tab) == entries, "a new history entry after Votes"
    assert urlsplit(page.url).path == "/rounds"  # the address follows the page

    await tab.exit_link.click()
    await tab.wait_until_left()
    assert await history_length(tab) == entries

    await page.go_back()
    assert page.url == before
    assert await page.title() == NEUTRAL_TITLE


async def test_without_javascript_the_exit_bar_says_how_to_clear_the_history(fresh_tab):
    """Without scripts every page is a new entry in the history: the exit bar links to
    plain words on clearing it."""
    tab = await fresh_tab(javascript=False)
    await tab.page.goto("/")

    await (
        tab.page.locator(".exit-bar").get_by_role("link", name="How to clear your history").click()
    )

    assert urlsplit(tab.page.url).path == "/privacy"
    section = tab.page.locator("#clear-history")
    await expect(section).to_be_visible()
    await expect(section.get_by_role("heading")).to_have_text("Clear your browsing history")
    await expect(section).to_contain_text("Back button")
    await expect(section).to_contain_text("private")
