"""The public charter page: every rule in force, in words anyone can read."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from chorus.rendering import render
from governance.service.charter import current_charter, settings_of


async def charter(request: Request) -> Response:
    return render(
        request, "governance/charter.html", {"settings": settings_of(await current_charter())}
    )


routes = [Route("/charter", charter, name="charter")]
