"""Finding a request's route without trying every route in turn.

Starlette's router tries each route's pattern in order, so a page near the end of
a long list pays for every pattern before it. This router first tries only the
routes that could match a path of the request's shape (its first and last
segments and how many there are), in the same order: the same route wins.
Whatever none of them takes (a 404, a slash to redirect, the lifespan) goes
through Starlette's own search of every route.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Match, Route, Router
from starlette.types import Receive, Scope, Send

Shape = tuple[str, int, str]  # first segment, number of segments, last segment
KEPT_SHAPES = 1024


def shape_of(path: str) -> Shape:
    segments = path.split("/")
    return segments[1] if len(segments) > 1 else "", len(segments), segments[-1]


def may_match(route: BaseRoute, shape: Shape) -> bool:
    """False only when no path of this shape can match the route."""
    if not isinstance(route, Route) or ":path}" in route.path:
        return True  # mounts, hosts and paths of any length: always tried
    first, count, last = shape
    segments = route.path.split("/")

    def fits(pattern: str, segment: str) -> bool:
        return "{" in pattern or pattern == segment

    return (
        len(segments) == count
        and (count < 2 or fits(segments[1], first))
        and fits(segments[-1], last)
    )


class IndexedRouter(Router):
    _candidates: dict[Shape, list[BaseRoute]] | None = None

    def candidates(self, path: str) -> list[BaseRoute]:
        """The routes that may match `path`, in their order."""
        if self._candidates is None or len(self._candidates) >= KEPT_SHAPES:
            self._candidates = {}  # bounded: a shape's last segment may be an id
        shape = shape_of(path)
        found = self._candidates.get(shape)
        if found is None:
            found = self._candidates[shape] = [r for r in self.routes if may_match(r, shape)]
        return found

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
