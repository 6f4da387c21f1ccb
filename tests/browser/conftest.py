"""Browser tests: a real Chorus, started the way the README does it, seen through Chromium.

What the tests are given lives in tests/browser/fixtures/, a module for each thing:

- servers.py: `chorus demo` (`chorus_url`, in `demo_directory`) and the neutral site the
  exit leads to (`neutral_url`), on 127.0.0.1; `ask`, plain HTTP to Chorus;
- browser.py: Chromium (`browser`) and `BROWSER_TESTS`, the marks of every test module;
- people.py: the demo's people signed in over HTTP (`demo_sessions`), and `invite_code`;
- pages.py: every page (`chorus_page`) and language (`language`) the tests run for, and
  who opens each page (`visits`);
- tabs.py: `Tab`, and the fixtures that open one (`fresh_tab`, `reading_tab`);
- axe.py: axe-core's serious problems on a page, described for an assertion;
- html.py: the HTML of every page seen (`page_sources`) and the Nu Html Checker, which
  tests/browser/test_valid_html.py runs over it after every other test.

This file registers their fixtures and hooks for tests/browser/ alone. (A conftest.py
below the rootdir may not name plugins in `pytest_plugins`, which would also reach the
whole suite; so they are imported here.)
"""

import pytest

# Before the imports below: their asserts report as the tests' own do.
pytest.register_assert_rewrite("tests.browser.fixtures")

from tests.browser.fixtures.browser import browser  # noqa: E402
from tests.browser.fixtures.html import page_sources  # noqa: E402
from tests.browser.fixtures.pages import (  # noqa: E402
    _skip_pages_nobody_can_open,
    pytest_generate_tests,
    visits,
)
from tests.browser.fixtures.people import demo_sessions, invite_code  # noqa: E402
from tests.browser.fixtures.servers import chorus_url, demo_directory, neutral_url  # noqa: E402
from tests.browser.fixtures.tabs import fresh_tab, reading_tab, shared_pages  # noqa: E402

__all__ = [
    "_skip_pages_nobody_can_open",
    "browser",
    "chorus_url",
    "demo_directory",
    "demo_sessions",
    "fresh_tab",
    "invite_code",
    "neutral_url",
    "page_sources",
    "pytest_generate_tests",
    "reading_tab",
    "shared_pages",
    "visits",
]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The HTML check reads what every other test saw: it runs last."""
    last = [item for item in items if item.path.name == "test_valid_html.py"]
    items[:] = [item for item in items if item not in last] + last
