import gzip
import subprocess
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from chorus.compression import GzipMiddleware, SplicedPage, gzip_bytes

SLOT = "\x00slot\x00"
text = st.text(
    alphabet=st.characters(exclude_characters="\x00", exclude_categories=["Cs"]), max_size=3000
)


@given(st.lists(text, min_size=1, max_size=5), st.text(alphabet="ABCdef-_0189", max_size=80))
def test_a_spliced_page_decompresses_to_the_page_with_the_value(parts, value):
    html = SLOT.join(parts)
    page = SplicedPage(html, SLOT)
    expected = html.replace(SLOT, value).encode()
    assert page.plain(value) == expected
    assert gzip.decompress(page.gzipped(value)) == expected


OTHER = "\x00other\x00"


@given(
    st.lists(st.tuples(text, st.booleans()), min_size=1, max_size=6),
    st.text(alphabet="ABCdef-_0189", max_size=80),
    st.text(alphabet="XYZ 0123", max_size=40),
)
def test_each_slot_of_a_spliced_page_gets_its_own_value(pieces, value, other):
    html = "".join(part + (SLOT if first else OTHER) for part, first in pieces)
    page = SplicedPage(html, SLOT, OTHER)
    expected = html.replace(SLOT, value).replace(OTHER, other).encode()
    assert page.plain(value, other) == expected
    assert gzip.decompress(page.gzipped(value, other)) == expected


def test_gzip_itself_accepts_a_spliced_page(tmp_path: Path):
    page = SplicedPage(f"<p>{'a' * 5000}</p>{SLOT}<p>{'b' * 700}</p>{SLOT}", SLOT)
    archive = tmp_path / "page.gz"
    archive.write_bytes(page.gzipped("token-123"))
    assert subprocess.run(["gzip", "-t", str(archive)], check=False).returncode == 0


@given(st.binary(max_size=70000))
def test_whole_bodies_round_trip(body: bytes):
    assert gzip.decompress(gzip_bytes(body)) == body


async def call(
    middleware: GzipMiddleware, accept: bytes = b"gzip"
) -> tuple[dict[bytes, bytes], bytes]:
    sent: list[dict[str, Any]] = []

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "headers": [(b"accept-encoding", accept)]}
    await middleware(scope, receive, send)
    start = sent[0]
    return dict(start["headers"]), b"".join(m.get("body", b"") for m in sent[1:])


def app_sending(content_type: bytes, *chunks: bytes, extra: list[Any] | None = None):
    async def app(scope, receive, send):
        headers = [(b"content-type", content_type), *(extra or [])]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        for index, chunk in enumerate(chunks):
            more = index < len(chunks) - 1
            await send({"type": "http.response.body", "body": chunk, "more_body": more})

    return app


async def test_streamed_text_is_compressed_as_a_whole():
    middleware = GzipMiddleware(app_sending(b"text/html", b"a" * 800, b"b" * 800, b""))
    headers, body = await call(middleware)
    assert headers[b"content-encoding"] == b"gzip" and b"content-length" not in headers
    assert gzip.decompress(body) == b"a" * 800 + b"b" * 800


async def test_small_bodies_images_and_encoded_bodies_pass_untouched():
    for app in (
        app_sending(b"text/html", b"short"),
        app_sending(b"image/png", b"x" * 2000),
        app_sending(b"text/css", b"packed" * 200, extra=[(b"content-encoding", b"gzip")]),
    ):
        headers, body = await call(GzipMiddleware(app))
        assert headers.get(b"content-encoding", b"") != b"gzip" or b"packed" in body
        assert body in (b"short", b"x" * 2000, b"packed" * 200)


async def test_clients_that_do_not_ask_get_plain_bodies():
    headers, body = await call(GzipMiddleware(app_sending(b"text/html", b"z" * 900)), b"")
    assert b"content-encoding" not in headers and body == b"z" * 900
