"""Who is signed in, as the shell and every domain see them, and who may reach a route.

The shell knows the signed-in person only through `CurrentPerson`, a protocol of its
own: whichever room keeps sessions (governance.identity) puts an object that fills it
in the request's state. So nothing here, nor in any domain that only guards its
routes, depends on how people and sessions are stored.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Protocol
from uuid import UUID

from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection, Request
from starlette.responses import RedirectResponse, Response

from chorus.roles import Role

# Where the session middleware leaves the signed-in person in the request's state.
PERSON = "person"


class CurrentPerson(Protocol):
    """The signed-in person: who (an id no page shows), what they may do, and their own
    key (for what only they may compute: revision tags, read marks). Their pseudonym
    is what others see when they stand as a candidate."""

    @property
    def id(self) -> UUID: ...

    @property
    def roles(self) -> frozenset[Role]: ...

    @property
    def personal_key(self) -> bytes: ...

    @property
    def pseudonym(self) -> str: ...

    def has(self, *roles: Role | str) -> bool: ...


def current_person(connection: HTTPConnection) -> CurrentPerson | None:
    found: CurrentPerson | None = connection.scope.get("state", {}).get(PERSON)
    return found


def current_roles(connection: HTTPConnection) -> frozenset[Role]:
    """The signed-in person's roles (none for a visitor): all a shared page may know."""
    person = current_person(connection)
    return person.roles if person is not None else frozenset()


Endpoint = Callable[[Request], Awaitable[Response]]
PersonEndpoint = Callable[[Request, CurrentPerson], Awaitable[Response]]


def signed_in(*roles: Role) -> Callable[[PersonEndpoint], Endpoint]:
    """Pass the current person to the route; send others to sign in, refuse wrong roles."""

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
