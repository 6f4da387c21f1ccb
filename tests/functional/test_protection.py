"""Headers, CSRF and compression on every response."""

import httpx
import pytest
from starlette.routing import Route

from chorus.middleware import CONTENT_SECURITY_POLICY
from chorus.services import services
from tests.common.forms import csrf_token

pytestmark = pytest.mark.usefixtures("db")


async def test_pages_carry_every_protective_header(client: httpx.AsyncClient):
    response = await client.get("/")
    headers = response.headers
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "default-src 'self'" in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "unsafe-eval" not in CONTENT_SECURITY_POLICY
    assert headers["cache-control"] == "no-store"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-content-type-options"] == "nosniff"
    assert "camera=()" in headers["permissions-policy"]
    assert "server" not in headers


async def test_error_pages_carry_the_headers_too(client: httpx.AsyncClient):
    for path in ("/missing", "/language"):
        response = await client.get(path)
        assert response.status_code in (404, 405)
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


async def test_pages_have_no_inline_script_or_style(client: httpx.AsyncClient):
    for path in ("/", "/privacy", "/missing"):
        html = (await client.get(path)).text
        assert "<script>" not in html and "<style" not in html
        assert " style=" not in html and " on" + "click=" not in html
        assert "hx-on" not in html


async def test_htmx_is_configured_for_the_csp(client: httpx.AsyncClient):
    html = (await client.get("/")).text
    for setting in (
        '"includeIndicatorStyles": false',
        '"historyCacheSize": 0',
        '"allowEval": false',
        '"selfRequestsOnly": true',
    ):
        assert setting in html


async def test_responses_are_compressed(client: httpx.AsyncClient):
    response = await client.get("/privacy", headers={"accept-encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"


async def test_shared_pages_carry_a_fresh_valid_token_each_time(client: httpx.AsyncClient, app):
    from chorus.csrf import token_is_valid

    first = await client.get("/", headers={"accept-encoding": "gzip"})
    second = await client.get("/", headers={"accept-encoding": "gzip"})
    tokens = {csrf_token(first), csrf_token(second)}
    assert len(tokens) == 2
    assert all(token_is_valid(services(app).renderer.csrf_key, token) for token in tokens)
    assert first.headers["content-encoding"] == "gzip"
    plain = await client.get("/", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers and csrf_token(plain) not in tokens


async def test_static_text_files_are_sent_precompressed(client: httpx.AsyncClient):
    html = (await client.get("/")).text
    script = html.split('<script src="', 1)[1].split('"', 1)[0]
    packed = await client.get(script, headers={"accept-encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip"
    assert packed.headers["content-type"].startswith(("text/javascript", "application/javascript"))
    plain = await client.get(script, headers={"accept-encoding": "identity"})
    assert packed.content == plain.content


async def test_static_files_have_hashed_names_and_may_be_cached(client: httpx.AsyncClient):
    html = (await client.get("/")).text
    css = html.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
    response = await client.get(css)
    assert response.status_code == 200
    assert "immutable" in response.headers["cache-control"]
    stale = await client.get(css.replace(css.split("/")[2], "000000000000"))
    assert stale.status_code == 404
    assert stale.headers["cache-control"] == "no-store"


async def test_a_form_post_with_its_token_goes_through(client: httpx.AsyncClient):
    token = csrf_token(await client.get("/"))
    response = await client.post("/language", data={"csrf_token": token, "language": "fr"})
    assert response.status_code == 303


async def test_htmx_requests_send_the_token_in_a_header(client: httpx.AsyncClient):
    html = (await client.get("/")).text
    token = html.split('"X-CSRF-Token": "', 1)[1].split('"', 1)[0]
    response = await client.post(
        "/language", data={"language": "fr"}, headers={"x-csrf-token": token, "hx-request": "true"}
    )
    assert response.status_code == 303


async def test_a_post_without_a_token_is_refused_in_the_layout(client: httpx.AsyncClient):
    response = await client.post("/language", data={"language": "fr"})
    assert response.status_code == 403
    assert "Exit this page" in response.text
    assert "__Host-lang" not in response.headers.get("set-cookie", "")


async def test_a_cross_site_post_is_refused_even_with_a_token(client: httpx.AsyncClient):
    token = csrf_token(await client.get("/"))
    for headers in ({"sec-fetch-site": "cross-site"}, {"origin": "https://evil.test"}):
        response = await client.post(
            "/language", data={"csrf_token": token, "language": "fr"}, headers=headers
        )
        assert response.status_code == 403


async def test_an_unhandled_error_shows_a_page_without_a_trace(app):
    async def broken(request):
        raise RuntimeError("secret detail 8c1f")

    app.router.routes.append(Route("/broken", broken))
    # As a server would: the error is answered with a page, not raised to the client.
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="https://chorus.test") as client:
        response = await client.get("/broken")
    assert response.status_code == 500
    assert "Sorry, something went wrong on our side" in response.text
    assert "secret detail" not in response.text and "Traceback" not in response.text
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
