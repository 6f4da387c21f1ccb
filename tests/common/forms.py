"""Reading what a page offers, as a browser would."""

from __future__ import annotations

import re

import httpx

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(page: httpx.Response) -> str:
    match = _TOKEN.search(page.text)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)
