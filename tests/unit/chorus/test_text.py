"""Plain text shown as HTML: nothing typed becomes markup; web addresses become links."""

from __future__ import annotations

import io
import re
from html import unescape
from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup
from starlette.datastructures import FormData, UploadFile

from chorus.text import plain_text_html, text

REL = 'rel="nofollow noopener noreferrer"'


def link(url: str, shown: str | None = None) -> str:
    return f'<a href="{url}" {REL}>{shown or url}</a>'


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def tags_in(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = Tags()
    parser.feed(html)
    parser.close()
    return parser.tags


def test_html_typed_is_shown_as_typed_never_run():
    html = plain_text_html('<script>alert("hi")</script> & <b onclick=x>')
    assert html == Markup(
        "<p>&lt;script&gt;alert(&#34;hi&#34;)&lt;/script&gt; &amp; &lt;b onclick=x&gt;</p>"
    )


def test_the_result_is_markup_so_templates_do_not_escape_it_twice():
    assert isinstance(plain_text_html("a & b"), Markup)


def test_blank_lines_make_paragraphs_and_single_newlines_line_breaks():
    typed = "First line\r\nsecond line\r\n\r\n  \r\nNew paragraph\rafter a lone CR\n\n\n"
    assert plain_text_html(typed) == (
        "<p>First line<br>\nsecond line</p>\n<p>New paragraph<br>\nafter a lone CR</p>"
    )


def test_empty_text_gives_nothing():
    assert plain_text_html("") == ""
    assert plain_text_html("\n \n\n") == ""


def test_web_addresses_become_links_that_pass_no_referrer():
    html = plain_text_html("See https://example.org/plan and http://example.net")
    assert html == (
        f"<p>See {link('https://example.org/plan')} and {link('http://example.net')}</p>"
    )


def test_other_schemes_stay_text():
    typed = "javascript:alert(1) data:text/html,hi ftp://example.org mailto:a@b.org www.x.org"
    assert "<a" not in plain_text_html(typed)


def test_a_scheme_hidden_in_a_word_is_not_linked_from_the_middle():
    assert "<a" not in plain_text_html("xhttps://example.org")


def test_a_scheme_alone_is_no_link():
    assert plain_text_html("https:// and http://.") == "<p>https:// and http://.</p>"


def test_sentence_punctuation_stays_outside_the_link():
    for end in ".,;:!?":
        html = plain_text_html(f"Read https://example.org/a{end}")
        assert html == f"<p>Read {link('https://example.org/a')}{end}</p>"
    html = plain_text_html("Really https://example.org?!")
    assert html == f"<p>Really {link('https://example.org')}?!</p>"


def test_an_unmatched_closing_paren_stays_outside_but_a_matched_one_is_kept():
    html = plain_text_html("(see https://example.org/page).")
    assert html == f"<p>(see {link('https://example.org/page')}).</p>"
    wiki = "https://en.wikipedia.org/wiki/Peonage_(debt)"
    assert plain_text_html(f"({wiki})") == f"<p>({link(wiki)})</p>"


def test_addresses_are_escaped_inside_href_and_cannot_break_out():
    html = plain_text_html("https://example.org/?a=1&b=2 https://x.org/'onmouseover='alert(1)")
    assert link("https://example.org/?a=1&amp;b=2") in html
    assert link("https://x.org/&#39;onmouseover=&#39;alert(1)") in html
    quoted = plain_text_html('"https://example.org/"onclick="x"')
    assert quoted == f"<p>&#34;{link('https://example.org/')}&#34;onclick=&#34;x&#34;</p>"
    assert plain_text_html("https://example.org/<b>") == (
        f"<p>{link('https://example.org/')}&lt;b&gt;</p>"
    )


def test_several_links_on_several_lines():
    html = plain_text_html("https://a.org\nhttps://b.org, then https://c.org.")
    assert html == (
        f"<p>{link('https://a.org')}<br>\n{link('https://b.org')}, then {link('https://c.org')}.</p>"
    )


def visible(html: str) -> str:
    return unescape(re.sub(r"<[^>]*>", "", html))


@given(st.text())
def test_only_paragraphs_breaks_and_web_links_are_ever_emitted(typed):
    for tag, attrs in tags_in(plain_text_html(typed)):
        assert tag in {"p", "br", "a"}
        if tag == "a":
            assert [name for name, _ in attrs] == ["href", "rel"]
            href = dict(attrs)["href"] or ""
            assert re.match(r"https?://.", href, re.IGNORECASE)
            assert dict(attrs)["rel"] == "nofollow noopener noreferrer"
        else:
            assert attrs == []


@given(
    st.lists(
        st.one_of(
            st.text(),
            st.sampled_from(["https://", "http://", "(", ")", ".", "\n", "\n\n", "<", '"', "&"]),
        )
    )
)
def test_every_character_typed_is_still_shown(pieces):
    typed = "".join(pieces)
    shown = visible(plain_text_html(typed))
    assert "".join(shown.split()) == "".join(typed.split())


def test_text_reads_one_field_and_caps_its_length():
    upload = UploadFile(file=io.BytesIO(b"x"), filename="x.txt")
    form = FormData([("name", "abcdef"), ("file", upload)])
    assert text(form, "name") == "abcdef"
    assert text(form, "name", 3) == "abc"
    assert text(form, "missing") == ""
    assert text(form, "file") == ""
