"""Text people type: read from forms, and shown back as safe HTML.

`text` and `FieldErrors` are shared by the forms of every domain (proposals may
not import governance, so they live here). `plain_text_html` shows plain text
as paragraphs: nothing typed ever becomes markup, only web addresses become links.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape
from starlette.datastructures import FormData

FieldErrors = dict[str, str]
"""Field id (the HTML name, which the error summary links to) -> translated message."""


def text(form: FormData, name: str, limit: int = 500) -> str:
    """The text of one field, at most `limit` characters; "" when absent or a file."""
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


# A blank line (maybe with spaces or tabs on it) ends a paragraph.
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
# Only web addresses become links: never javascript:, data: or anything else.
# Stops at spaces, quotes, angle brackets and control characters.
_URL = re.compile(r"(?<![A-Za-z0-9])https?://[^\s<>\"\x00-\x1f\x7f]+", re.IGNORECASE)
_TRAILING = ".,;:!?"
_LINK = '<a href="{href}" rel="nofollow noopener noreferrer">{text}</a>'


def _trim_url(url: str) -> str:
    """The address without what ends the sentence around it: "(see https://x.org)." -> x.org."""
    while True:
        if url[-1] in _TRAILING:
            url = url[:-1]
        elif url.endswith(")") and url.count(")") > url.count("("):
            url = url[:-1]
        else:
            return url


def _line_html(line: str) -> str:
    pieces: list[str] = []
    position = 0
    for match in _URL.finditer(line):
        url = _trim_url(match.group())
        if not url.partition("://")[2]:
            continue  # a scheme with nothing after it is no address
        pieces.append(escape(line[position : match.start()]))
        pieces.append(_LINK.format(href=escape(url), text=escape(url)))
        position = match.start() + len(url)
    pieces.append(escape(line[position:]))
    return "".join(pieces)


def plain_text_html(text: str) -> Markup:
    """Plain text as HTML: paragraphs on blank lines, <br> on single newlines, web links.

    Everything typed is escaped, so the result holds no tag but p, br and a.
    """
    normalised = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    paragraphs = [part for part in _PARAGRAPH_BREAK.split(normalised) if part.strip()]
    html = "\n".join(
        "<p>" + "<br>\n".join(_line_html(line) for line in paragraph.rstrip().split("\n")) + "</p>"
        for paragraph in paragraphs
    )
    return Markup(html)  # noqa: S704 (every piece of typed text above went through escape)
