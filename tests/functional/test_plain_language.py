"""Plain language (SAFE-UI 9): English text at reading grade 8 or lower."""

from __future__ import annotations

import html
import re

import httpx
import pytest

from tests.common.readability import flesch_kincaid_grade

pytestmark = pytest.mark.usefixtures("db")

GRADE_LIMIT = 8.0
PAGES = ["/", "/privacy", "/join", "/sign-in", "/recover", "/charter"]


def main_text(page: str) -> str:
    """The words a person reads in the page's main part, one sentence per line."""
    main = page.split('<main id="main" tabindex="-1">', 1)[1].split("</main>", 1)[0]
    main = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", main, flags=re.S)
    blocks = re.split(r"</(?:p|li|h\d|td|th|dt|dd|caption|label|button|a)>", main)
    lines = [html.unescape(re.sub(r"<[^>]+>", " ", block)).strip() for block in blocks]
    # A heading, a label or a table cell is its own sentence, as it is read.
    return "\n".join(
        line if line.endswith((".", "?", "!")) else line + "." for line in lines if line
    )


@pytest.mark.parametrize("path", PAGES)
async def test_pages_read_at_grade_eight_or_lower(client: httpx.AsyncClient, path: str):
    text = main_text((await client.get(path)).text)
    assert len(text.split()) > 10
    grade = flesch_kincaid_grade(text)
    assert grade <= GRADE_LIMIT, f"{path} reads at grade {grade:.1f}:\n{text}"
