"""Plain language (SAFE-UI 9): English text at reading grade 8 or lower."""

from __future__ import annotations

import html
import re

import httpx
import pytest

from governance.service.charter import set_charter_value
from proposals.models import Method, Phase
from tests.common.forms import csrf_token
from tests.common.people import make_person, sign_in
from tests.common.readability import flesch_kincaid_grade
from tests.common.rounds import advance_to, round_with

pytestmark = pytest.mark.usefixtures("db")

GRADE_LIMIT = 8.0
# Method names, fingerprints and hashes: for those who open "How it is counted".
TECHNICAL = re.compile(
    r"Schulze|instant-runoff|majority judgment|SHA-256|fingerprint", re.IGNORECASE
)
DISCLOSURE = re.compile(r"<details\b.*?</details>", re.S)
PAGES = ["/", "/privacy", "/join", "/sign-in", "/recover", "/charter"]


def main_text(page: str) -> str:
    """The words a person reads in the page's main part, one sentence per line."""
    main = page.split('<main id="main" tabindex="-1">', 1)[1].split("</main>", 1)[0]
    main = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", main, flags=re.S)
    # The names of forms of trafficking and kinds of oppression are the framework's own
    # terms (seeds/), listed for choosing; the page's sentences around them are measured.
    main = re.sub(r'<div class="choice-columns">.*?</fieldset>', " ", main, flags=re.S)
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


async def test_voting_pages_read_at_grade_eight_or_lower(app, client: httpx.AsyncClient):
    await set_charter_value("results_threshold", 1)
    await make_person(app, "Amina")
    await sign_in(client, "Amina")
    proposing, proposals = await round_with(app, ["Housing", "Jobs"], Phase.PROPOSING)
    pages = ["/rounds", f"/rounds/{proposing.id}", f"/rounds/{proposing.id}/propose"]
    pages.append(f"/proposals/{proposals[0].id}")
    for method in Method:
        voting, _ = await round_with(app, ["Housing", "Jobs", "Health"], method=method)
        pages += [f"/rounds/{voting.id}", f"/rounds/{voting.id}/ballot"]
        ballot = await client.get(f"/rounds/{voting.id}/ballot")
        review = await client.post(
            f"/rounds/{voting.id}/ballot", data={"csrf_token": csrf_token(ballot)}
        )
        cast = await client.post(
            f"/rounds/{voting.id}/ballot/confirm", data={"csrf_token": csrf_token(review)}
        )
        assert cast.status_code == 200
        await advance_to(app, voting, Phase.CLOSED)
        pages.append(f"/rounds/{voting.id}/results")
    for path in pages:
        page = (await client.get(path)).text
        text = main_text(page)
        grade = flesch_kincaid_grade(text)
        assert grade <= GRADE_LIMIT, f"{path} reads at grade {grade:.1f}:\n{text}"
        # The technical words wait behind "How it is counted"; the rest reads plainly too.
        plain = main_text(DISCLOSURE.sub(" ", page))
        assert TECHNICAL.findall(plain) == [], f"{path} says outside a disclosure:\n{plain}"
        plain_grade = flesch_kincaid_grade(plain)
        assert plain_grade <= GRADE_LIMIT, f"{path} reads at grade {plain_grade:.1f}:\n{plain}"
        if "/results" in path or (path.count("/") == 2 and path.startswith("/rounds/")):
            assert "<summary>How it is counted</summary>" in page, path
