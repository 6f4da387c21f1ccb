"""The priorities journeys as a person makes them, in Chromium with JavaScript on and off
(SAFE-UI 10, 15, 16): propose, co-sign, vote and revise, read the results.

They run against the demo network (proposals/demo.py): a round taking proposals, one in
co-signing, one voting by dots, one closed. Each journey leaves the demo as a later
journey can find it (a co-signature is taken back; a vote can always be changed).
"""

from __future__ import annotations

from secrets import token_hex

import pytest
from playwright.async_api import Page, expect

from tests.browser.fixtures.browser import BROWSER_TESTS
from tests.browser.fixtures.tabs import Tab, open_home

pytestmark = [
    *BROWSER_TESTS,
    pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"]),
]

TAKING_PROPOSALS = "Which service should we review first?"
COSIGNING = "What should the network campaign on this year?"
VOTING = "Which language classes should we fund?"
CLOSED = "What should we work on first?"


async def click_link(page: Page, name: str) -> None:
    await page.get_by_role("link", name=name, exact=True).first.click()
    await page.wait_for_load_state()


async def press(page: Page, button: str) -> None:
    """Press a button; with htmx the page may be swapped in place rather than loaded."""
    await page.get_by_role("button", name=button, exact=True).click()
    await page.wait_for_load_state()


async def open_round(page: Page, question: str) -> None:
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Votes").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Votes")
    await click_link(page, question)
    await expect(page.get_by_role("heading", level=1)).to_have_text(question)


# With JavaScript, htmx sends a refused ballot in the background and shows the answer;
# Chromium notes its status as it does for any request. Nothing else may be logged.
REFUSED_IN_PLACE = "Failed to load resource: the server responded with a status of 400"


def assert_quiet(tab: Tab) -> None:
    assert [e for e in tab.console_errors if not e.startswith(REFUSED_IN_PLACE)] == []
    assert tab.other_origins_requested == []


async def test_propose(fresh_tab, javascript):
    tab = await open_home(fresh_tab, javascript, person="Bao")
    page = tab.page
    await open_round(page, TAKING_PROPOSALS)
    await click_link(page, "Send a proposal")
    title = f"Review the food bank {token_hex(2)}"
    # An empty title is refused, with what was typed kept.
    await page.get_by_label("Description", exact=True).fill("Ask people who used it.")
    await press(page, "Send the proposal")
    await expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    await expect(page.get_by_label("Description", exact=True)).to_have_value(
        "Ask people who used it."
    )
    await page.get_by_label("Title", exact=True).fill(title)
    await page.get_by_label("Labour exploitation", exact=True).check()
    await press(page, "Send the proposal")
    await expect(page.get_by_role("heading", level=1)).to_have_text(title)
    await expect(page.get_by_role("status")).to_contain_text("Your proposal is sent")
    tag = page.get_by_role("listitem").filter(has_text="Labour exploitation")
    await expect(tag).to_be_visible()
    assert_quiet(tab)


async def test_cosign_and_take_it_back(fresh_tab, javascript):
    tab = await open_home(fresh_tab, javascript, person="Amina")
    page = tab.page
    await open_round(page, COSIGNING)
    await click_link(page, "Wages paid on time")
    await press(page, "Co-sign this proposal")
    await expect(page.get_by_role("status")).to_contain_text("You co-signed this proposal.")
    await press(page, "Take back my co-signature")
    await expect(page.get_by_role("status")).to_contain_text("You took back your co-signature.")
    await expect(page.get_by_role("button", name="Co-sign this proposal")).to_be_visible()
    assert_quiet(tab)


async def test_vote_then_change_the_vote(fresh_tab, javascript):
    tab = await open_home(fresh_tab, javascript, person="Carmen" if javascript else "Esi")
    page = tab.page
    await open_round(page, VOTING)
    link = page.get_by_role("link", name="Go to the ballot").or_(
        page.get_by_role("link", name="Change your vote")
    )
    await link.click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Your ballot")
    await expect(page.get_by_role("group", name=VOTING)).to_be_visible()  # fieldset + legend

    # Too many dots: refused, the numbers typed kept.
    await page.get_by_label("Evening classes", exact=True).fill("4")
    await page.get_by_label("Weekend classes", exact=True).fill("3")
    await press(page, "Check my vote")
    await expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    await expect(page.get_by_text("You used 7 dots. You have 5.").first).to_be_visible()
    await expect(page.get_by_label("Evening classes", exact=True)).to_have_value("4")

    await page.get_by_label("Weekend classes", exact=True).fill("1")
    await press(page, "Check my vote")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Check your vote")
    await expect(page.get_by_text("Evening classes").first).to_be_visible()
    await press(page, "Send my vote")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Your vote is received")
    receipt = await page.locator("#ballot-receipt").inner_text()
    assert len(receipt) >= 16
    assert receipt not in page.url

    # Change it: the new vote replaces the old one, the receipt stays the same.
    await click_link(page, "Back to the round")
    await click_link(page, "Change your vote")
    await page.get_by_label("Classes online", exact=True).fill("5")
    await page.get_by_label("Evening classes", exact=True).fill("")
    await page.get_by_label("Weekend classes", exact=True).fill("")
    await press(page, "Check my vote")
    await press(page, "Change my choices")
    await expect(page.get_by_label("Classes online", exact=True)).to_have_value("5")
    await press(page, "Check my vote")
    await press(page, "Send my vote")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Your vote is changed")
    await expect(page.locator("#ballot-receipt")).to_have_count(0)
    assert_quiet(tab)


async def test_read_the_results(fresh_tab, javascript):
    tab = await open_home(fresh_tab, javascript, person="Amina")
    page = tab.page
    await open_round(page, CLOSED)
    await click_link(page, "See the results")
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"Results: {CLOSED}")
    order = page.locator("ol.result-order li")
    await expect(order.first).to_contain_text("Safe housing")
    chart = page.locator("svg[role=img]").first
    await expect(chart).to_be_visible()
    await expect(page.locator("table").first).to_be_visible()
    ties = page.get_by_role("heading", name="How ties are broken")
    await expect(ties).to_be_hidden()  # behind "How it is counted", which opens without script
    await page.locator("summary", has_text="How it is counted").last.click()
    await expect(ties).to_be_visible()
    await page.get_by_label("Your ballot receipt", exact=True).fill("NOT-A-RECEIPT")
    await press(page, "Check")
    await expect(page.get_by_role("status")).to_contain_text("We did not find this receipt")
    assert_quiet(tab)
