"""The layout: exit, language, error pages, neutral titles."""

import httpx
import pytest

from tests.common.forms import csrf_token

pytestmark = pytest.mark.usefixtures("db")


async def test_exit_clears_the_site_and_leaves_for_a_neutral_page(
    client: httpx.AsyncClient, settings
):
    response = await client.get("/exit")
    assert response.status_code == 303
    assert response.headers["location"] == settings.exit_url
    assert response.headers["clear-site-data"] == '"cache", "cookies", "storage"'


async def test_the_language_choice_is_kept_in_a_cookie_of_its_own(client: httpx.AsyncClient):
    token = csrf_token(await client.get("/privacy"))
    response = await client.post(
        "/language", data={"csrf_token": token, "language": "fr", "next": "/privacy"}
    )
    assert response.headers["location"] == "/privacy"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("__Host-lang=fr;")
    for attribute in ("HttpOnly", "Path=/", "SameSite=strict", "Secure"):
        assert attribute.lower() in cookie.lower()
    page = await client.get("/privacy")
    assert '<html lang="fr" dir="ltr">' in page.text
    assert "Quitter cette page" in page.text
    assert "<title>Chorus — Votre vie privée</title>" in page.text


async def test_the_browser_language_is_used_until_a_choice_is_made(client: httpx.AsyncClient):
    page = await client.get("/", headers={"accept-language": "fr-FR,fr;q=0.9,en;q=0.5"})
    assert '<html lang="fr"' in page.text
    assert "Accueil" in page.text


async def test_the_language_switcher_names_each_language_in_itself(client: httpx.AsyncClient):
    html = (await client.get("/")).text
    assert 'lang="fr" dir="ltr">Français</button>' in html
    assert 'lang="en" dir="ltr" aria-current="true">English</button>' in html


@pytest.mark.parametrize(
    "target", ["https://evil.test/", "//evil.test/x", "/\\evil.test", "javascript:x"]
)
async def test_the_language_form_only_returns_to_this_site(client: httpx.AsyncClient, target: str):
    token = csrf_token(await client.get("/"))
    response = await client.post(
        "/language", data={"csrf_token": token, "language": "fr", "next": target}
    )
    assert response.headers["location"] == "/"


async def test_an_unknown_language_is_a_clear_error_and_changes_nothing(client: httpx.AsyncClient):
    token = csrf_token(await client.get("/"))
    response = await client.post("/language", data={"csrf_token": token, "language": "xx"})
    assert response.status_code == 400
    assert "set-cookie" not in response.headers
    assert "Something in that request was not right." in response.text


@pytest.mark.parametrize(
    ("method", "path", "status", "heading"),
    [
        ("GET", "/no-such-page", 404, "Page not found"),
        ("GET", "/language", 405, "You cannot do that here"),
        ("POST", "/", 403, "You cannot do that here"),
    ],
)
async def test_error_pages_are_in_the_layout(
    client: httpx.AsyncClient, method, path, status, heading
):
    response = await client.request(method, path)
    assert response.status_code == status
    assert f"<h1>{heading}</h1>" in response.text
    assert 'id="exit-this-page"' in response.text
    assert f"<title>Chorus — {heading}</title>" in response.text


async def test_error_pages_are_translated(client: httpx.AsyncClient):
    response = await client.get("/nope", headers={"accept-language": "fr"})
    assert "<h1>Page introuvable</h1>" in response.text


async def test_the_privacy_page_explains_the_three_adversaries(client: httpx.AsyncClient):
    html = (await client.get("/privacy")).text
    assert "If someone gets a copy of our database" in html
    assert "after a vote" in html and "while a vote is open" in html
    assert "Tellers" in html
