"""Who may reach a route: signed in, and holding one of the roles it names."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from chorus.sessions import CurrentPerson, current_person
from governance.models import Role

Endpoint = Callable[[Request], Awaitable[Response]]
PersonEndpoint = Callable[[Request, CurrentPerson], Awaitable[Response]]


def signed_in(*roles: Role | str) -> Callable[[PersonEndpoint], Endpoint]:
    """Pass the current person to the route; send others to sign in, refuse wrong roles.

    Roles may be given by name ("member"), so domains that know nothing of governance
    can guard their routes too."""

    def decorate(endpoint: PersonEndpoint) -> Endpoint:
        @functools.wraps(endpoint)
        async def guarded(request: Request) -> Response:
            person = current_person(request)
            if person is None:
                if request.method in ("GET", "HEAD"):
                    return RedirectResponse("/sign-in", status_code=303)
                raise HTTPException(403)
            if roles and not person.has(*roles):
                raise HTTPException(403)
            return await endpoint(request, person)

        return guarded

    return decorate
