"""Phone screens, 360 CSS px wide and 800 high (the commonest phone size; SAFE-UI 17):
the header takes at most a fifth of the first screen, every box and radio stays a 44 px
target, the lead's table of people shows its actions without scrolling sideways, a
round's "Go to the ballot" comes before its details, and the grades of a scale read in
order. Each page is also saved as a screenshot, 360 px wide, in var/screenshots/360/
(kept out of git), to look at after a run."""

from __future__ import annotations

import re
from itertools import pairwise

from playwright.async_api import expect

from tests.browser.fixtures.browser import BROWSER_TESTS, PHONE_HEIGHT
from tests.browser.fixtures.pages import PAGES, ChorusPage
from tests.browser.fixtures.servers import REPO_ROOT
from tests.browser.fixtures.tabs import Tab

pytestmark = BROWSER_TESTS

PHONE_WIDTH = 360
SCREENSHOTS = REPO_ROOT / "var" / "screenshots" / str(PHONE_WIDTH)
TARGET = 44  # CSS px
VOTING_BY_GRADES = "How good is each place for our meetings?"


def page_named(name: str) -> ChorusPage:
    return next(page for page in PAGES if page.name == name)


async def screenshot(tab: Tab, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    file_name = re.sub(r"[^\w-]+", "_", name) + ".png"
    await tab.page.screenshot(path=SCREENSHOTS / file_name, full_page=True)


async def test_page_on_a_phone(reading_tab, chorus_page, language):
    tab = await reading_tab(chorus_page, language, width=PHONE_WIDTH)
    await tab.open()
    await screenshot(tab, f"{language}-{chorus_page.name}")

    header_end = await tab.page.evaluate(
        "document.querySelector('.site-header').getBoundingClientRect().bottom"
    )
    assert header_end <= PHONE_HEIGHT / 5, f"the header ends {header_end} px down"
    too_small = []
    for choice in await tab.page.locator("input[type=checkbox], input[type=radio]").all():
        box = await choice.bounding_box()
        if box and (box["width"] < TARGET or box["height"] < TARGET):
            label = await choice.evaluate("c => c.labels[0] ? c.labels[0].innerText : c.name")
            too_small.append(f"{label}: {box['width']:.0f} x {box['height']:.0f}")
    assert too_small == [], f"boxes and radios under {TARGET} px"


async def test_the_leads_table_of_people_shows_every_action_on_a_phone(reading_tab):
    tab = await reading_tab(page_named("lead/people"), width=PHONE_WIDTH)
    await tab.open()
    actions = tab.page.locator(".table-actions a")
    assert await actions.count() >= 2

    for action in await actions.all():
        box = await action.bounding_box()
        assert box is not None
        assert 0 <= box["x"] and box["x"] + box["width"] <= PHONE_WIDTH, (
            f"{await action.inner_text()} is out of sight, at {box['x']:.0f} px"
        )
        assert box["height"] >= TARGET


async def rounds_page_of(tab: Tab, question: str) -> None:
    await tab.page.goto("/rounds")
    await tab.page.get_by_role("link", name=question, exact=True).click()
    await expect(tab.page.get_by_role("heading", level=1)).to_have_text(question)


async def test_go_to_the_ballot_comes_before_the_rounds_details_on_a_phone(fresh_tab):
    tab = await fresh_tab(person="Bao", width=PHONE_WIDTH)
    await rounds_page_of(tab, VOTING_BY_GRADES)
    await screenshot(tab, "round-voting-by-grades")

    to_the_ballot = tab.page.get_by_role("link", name="Go to the ballot", exact=True)
    details = tab.page.locator("dl.summary")
    ballot_box, details_box = await to_the_ballot.bounding_box(), await details.bounding_box()
    assert ballot_box is not None and details_box is not None
    assert ballot_box["y"] + ballot_box["height"] <= details_box["y"]
    assert ballot_box["y"] + ballot_box["height"] <= PHONE_HEIGHT  # on the first screen


async def test_the_grades_of_a_scale_read_in_order_on_a_phone(fresh_tab):
    tab = await fresh_tab(person="Bao", width=PHONE_WIDTH)
    await rounds_page_of(tab, VOTING_BY_GRADES)
    await tab.page.get_by_role("link", name="Go to the ballot", exact=True).click()
    await expect(tab.page.locator("fieldset.grade-fieldset").first).to_be_visible()
    await screenshot(tab, "ballot-by-grades")

    for scale in await tab.page.locator("fieldset.grade-fieldset").all():
        grades = await scale.locator("input[type=radio]").all()
        assert len(grades) >= 3
        tops = [box["y"] for box in [await grade.bounding_box() for grade in grades] if box]
        assert len(tops) == len(grades)
        # The scale in its order, each grade below the one before: one reading order.
        values = [int(await grade.get_attribute("value") or "") for grade in grades]
        assert values in (sorted(values), sorted(values, reverse=True)), values
        assert all(above < below for above, below in pairwise(tops)), tops
