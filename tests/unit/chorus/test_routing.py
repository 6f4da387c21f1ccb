"""The indexed router picks the very route Starlette's own search would pick."""

import re

import pytest
from starlette.routing import BaseRoute, Match, Route, Router

from chorus.app import DOMAINS
from chorus.assembly import all_routes
from chorus.routing import IndexedRouter

SAMPLE = {
    "uuid": "6f1c2c9e-3b7a-4d2e-9a1b-0c4d5e6f7a8b",
    "path": "a/b.css",
    "str": "abc",
    "int": "3",
}


def sample_path(route: Route) -> str:
    def value(found: re.Match[str]) -> str:
        return SAMPLE[(found.group(2) or ":str")[1:]]

    return re.sub(r"{([a-z_]+)(:[a-z]+)?}", value, route.path)


def first_match(routes: list[BaseRoute], path: str, method: str) -> tuple[object, Match]:
    scope = {"type": "http", "path": path, "method": method, "root_path": ""}
    partial = None
    for route in routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return route, match
        if match is Match.PARTIAL and partial is None:
            partial = route
    return partial, Match.PARTIAL if partial else Match.NONE


ROUTES = all_routes(DOMAINS)
PATHS = [sample_path(route) for route in ROUTES if isinstance(route, Route)] + [
    "/",
    "/nowhere",
    "/rounds/",
    "/rounds/not-a-uuid/ballot",
    "/static/",
    "//rounds",
    "",
]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_the_same_route_wins_as_with_a_search_of_every_route(path: str, method: str):
    indexed = IndexedRouter(ROUTES)
    candidates = indexed.candidates(path)
    found = first_match(candidates, path, method)
    expected = first_match(ROUTES, path, method)
    # Where no candidate matches, Starlette's own search runs: only a miss may differ.
    assert found == expected or (found[1] is Match.NONE and expected[1] is Match.NONE)
    assert Router(ROUTES).routes == indexed.routes
