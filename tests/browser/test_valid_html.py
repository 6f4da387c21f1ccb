"""Valid HTML: the W3C Nu Html Checker (vnu) finds no error in any page the browser tests
saw, as Chorus sent it (every page for everyone who may open it, in both languages, on
every step of the journeys, the pages htmx fetched included). It runs after every other
test (tests/browser/conftest.py), once over all the pages, since vnu is slow to start."""

import pytest

from tests.browser.fixtures.browser import BROWSER_TESTS
from tests.browser.fixtures.html import PageSources, check_html, html_checker_missing

pytestmark = [
    *BROWSER_TESTS,
    pytest.mark.skipif(html_checker_missing() is not None, reason=str(html_checker_missing())),
]


def test_every_page_seen_is_valid_html(visits, page_sources: PageSources, tmp_path):
    assert visits, "no page was found"  # `visits` fetched every page, so there is HTML to check
    assert page_sources.pages

    errors = check_html(page_sources.pages, tmp_path)

    shown = "\n".join(str(error) for error in errors[:40])
    more = f"\n... and {len(errors) - 40} more" if len(errors) > 40 else ""
    assert errors == [], (
        f"{len(errors)} HTML errors in {len({e.page for e in errors})} of "
        f"{len(page_sources.pages)} pages (the pages are in {tmp_path}):\n{shown}{more}"
    )
