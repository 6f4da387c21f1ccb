"""Reading what a page offers, as a browser would."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import httpx

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(page: httpx.Response) -> str:
    match = _TOKEN.search(page.text)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def form_fields(page: httpx.Response, action: str) -> list[tuple[str, str]]:
    """What a browser sends when the form posting to `action` is submitted as shown:
    text inputs, hidden fields and text areas with their values, ticked boxes only."""

    class Reader(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.inside = False
            self.fields: list[tuple[str, str]] = []
            self.area: str | None = None
            self.area_text: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            values = {key: value or "" for key, value in attrs}
            if tag == "form":
                self.inside = values.get("action") == action
            elif self.inside and tag == "input" and "name" in values:
                kind = values.get("type", "text")
                if kind in ("checkbox", "radio") and "checked" not in values:
                    return
                if kind not in ("submit", "button"):
                    self.fields.append((values["name"], values.get("value", "")))
            elif self.inside and tag == "textarea":
                self.area, self.area_text = values["name"], []

        def handle_data(self, data: str) -> None:
            if self.area is not None:
                self.area_text.append(data)

        def handle_endtag(self, tag: str) -> None:
            if tag == "textarea" and self.area is not None:
                self.fields.append((self.area, "".join(self.area_text).removeprefix("\n")))
                self.area = None
            elif tag == "form":
                self.inside = False

    reader = Reader()
    reader.feed(page.text)
    return reader.fields
