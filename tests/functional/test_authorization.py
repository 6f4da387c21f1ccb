"""The authorization matrix: every route, every role, what each may do.

A route added without its row here fails `test_every_route_has_a_row`.
Roles join the matrix as they arrive (member, ally, lead, provider, steward).
"""

from __future__ import annotations

import httpx
import pytest
from starlette.routing import BaseRoute, Mount, Route

from chorus.app import all_routes

ROLES = ("anonymous",)

# (method, path template) -> {role: status}; the example URL fills the template.
MATRIX: dict[tuple[str, str], dict[str, int]] = {
    ("GET", "/"): {"anonymous": 200},
    ("GET", "/privacy"): {"anonymous": 200},
    ("GET", "/exit"): {"anonymous": 303},
    ("POST", "/language"): {"anonymous": 303},
    ("GET", "/static/{digest}/{name:path}"): {"anonymous": 200},
}


def enumerate_routes(routes: list[BaseRoute], prefix: str = "") -> set[tuple[str, str]]:
    found = set()
    for route in routes:
        if isinstance(route, Mount):
            found |= enumerate_routes(list(route.routes), prefix + route.path)
        elif isinstance(route, Route):
            for method in route.methods or ():
                if method != "HEAD":
                    found.add((method, prefix + route.path))
    return found


def test_every_route_has_a_row():
    routes = enumerate_routes(all_routes())
    assert routes - MATRIX.keys() == set(), "add the new routes to MATRIX"
    assert MATRIX.keys() - routes == set(), "remove rows of routes that are gone"
    for row in MATRIX.values():
        assert set(row) == set(ROLES), "every row names every role"


async def example_request(client: httpx.AsyncClient, method: str, template: str) -> httpx.Response:
    page = await client.get("/")
    token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    if template == "/static/{digest}/{name:path}":
        css = page.text.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
        return await client.get(css)
    if method == "POST":
        return await client.post(template, data={"csrf_token": token, "language": "fr"})
    return await client.request(method, template)


@pytest.mark.usefixtures("db")
@pytest.mark.parametrize(("method", "template"), sorted(MATRIX))
@pytest.mark.parametrize("role", ROLES)
async def test_each_role_gets_what_the_matrix_says(
    client: httpx.AsyncClient, role: str, method: str, template: str
):
    response = await example_request(client, method, template)
    assert response.status_code == MATRIX[(method, template)][role]
