"""Error pages in the layout, translated, never with a stack trace."""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from anonymity.stretching import Busy
from chorus.rendering import render

logger = logging.getLogger("chorus.errors")

ERROR_PAGES = {
    403: "errors/403.html",
    404: "errors/404.html",
    405: "errors/405.html",
    413: "errors/413.html",
}


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    template = ERROR_PAGES.get(exc.status_code, "errors/400.html")
    headers = dict(exc.headers or {})
    return render(
        request, template, {"status": exc.status_code}, status_code=exc.status_code, headers=headers
    )


async def server_error(request: Request, exc: Exception) -> Response:
    endpoint = request.scope.get("endpoint")
    where = getattr(endpoint, "__qualname__", "unknown endpoint")
    # The type and code locations only (see chorus.logs); never the path or the message.
    logger.error("unhandled error in %s", where, exc_info=exc)
    return render(request, "errors/500.html", status_code=500)


async def forbidden(request: Request) -> Response:
    """A refused cross-site or expired form: explained in the layout."""
    return render(request, "errors/403.html", {"status": 403}, status_code=403)


async def too_large(request: Request) -> Response:
    """A request that sent more than Chorus reads (chorus.bodylimit): explained in the layout."""
    return render(request, "errors/413.html", {"status": 413}, status_code=413)


async def busy(request: Request, exc: Exception) -> Response:
    """Too many passphrases wait to be checked (anonymity.stretching): nothing was done,
    and the person is told to try again in a minute, in the layout. Without a context, so
    that a flood of them is rendered once a second, not once each (Renderer.render_kept)."""
    return render(request, "errors/503.html", status_code=503, headers={"retry-after": "60"})


EXCEPTION_HANDLERS = {HTTPException: http_error, Busy: busy, Exception: server_error}
