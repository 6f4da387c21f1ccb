"""Finding a request's route without trying every route in turn.

Starlette's router tries each route's pattern in order, so a page near the end of
a long list pays for every pattern before it. This router first tries only the
routes whose path begins with the request's first path segment (and any whose
path begins with a parameter), in the same order: the same route wins. Whatever
none of them takes (a 404, a slash to redirect, the lifespan) goes through
Starlette's own search of every route.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Match, Router
from starlette.types import Receive, Scope, Send

ANY = "{"  # the index's entry for routes that begin with a parameter


def first_segment(path: str) -> str:
    segment = path.split("/", 2)[1] if path.startswith("/") else ANY
    return ANY if "{" in segment else segment


class IndexedRouter(Router):
    _index: dict[str, list[BaseRoute]] | None = None

    def candidates(self, path: str) -> list[BaseRoute]:
        """The routes that may match `path`, in their order."""
        if self._index is None:
            segments = {first_segment(getattr(route, "path", "{")) for route in self.routes}
            self._index = {
                segment: [
                    route
                    for route in self.routes
                    if first_segment(getattr(route, "path", "{")) in (segment, ANY)
                ]
                for segment in segments
            }
        segment = first_segment(path)
        return self._index.get(segment) or self._index.get(ANY, [])

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope.setdefault("router", self)
            partial: tuple[BaseRoute, Scope] | None = None
            for route in self.candidates(scope["path"]):
                match, child_scope = route.matches(scope)
                if match is Match.FULL:
                    scope["route"] = route
                    scope.update(child_scope)
                    await route.handle(scope, receive, send)
                    return
                if match is Match.PARTIAL and partial is None:
                    partial = route, child_scope
            if partial is not None:  # the path is known, the method is not (405)
                scope["route"] = partial[0]
                scope.update(partial[1])
                await partial[0].handle(scope, receive, send)
                return
        await super().app(scope, receive, send)
