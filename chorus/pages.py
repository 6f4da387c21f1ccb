"""The shell's own pages: home, privacy, exit, language choice, static files."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from chorus.domain import Domain
from chorus.i18n import LANGUAGE_COOKIE
from chorus.middleware import set_cookie
from chorus.rendering import render
from chorus.services import services

ONE_YEAR = 365 * 24 * 3600


async def home(request: Request) -> Response:
    return render(request, "chorus/home.html")


async def privacy(request: Request) -> Response:
    return render(request, "chorus/privacy.html")


async def choose_language(request: Request) -> Response:
    form = await request.form()
    code = form.get("language")
    renderer = services(request).renderer
    if not isinstance(code, str) or code not in renderer.catalogs.languages:
        raise HTTPException(400)
    response = RedirectResponse(local_path(form.get("next")), status_code=303)
    # The cookie holds the language and nothing else.
    set_cookie(response, LANGUAGE_COOKIE, code, max_age=ONE_YEAR)
    return response


def local_path(value: object) -> str:
    """A path on this site to return to; anything else (another site, a scheme) goes home."""
    if not isinstance(value, str) or not value.startswith("/") or value.startswith("//"):
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or "\\" in value:
        return "/"
    return parts.path or "/"


async def static_file(request: Request) -> Response:
    return await services(request).renderer.assets.serve(request)


routes = [
    Route("/", home, name="home"),
    Route("/privacy", privacy, name="privacy"),
    Route("/language", choose_language, methods=["POST"], name="language"),
    Route("/static/{digest}/{name:path}", static_file, name="static"),
]


shell = Domain(
    name="chorus",
    routes=routes,
    models=["chorus.models"],
    migrations="chorus.migrations",
    templates="chorus",
    routine_routes=frozenset({"home", "privacy", "language", "static"}),
)
