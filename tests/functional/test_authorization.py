"""The authorization matrix: every route, every role, what each may do.

A route added without its row here fails `test_every_route_has_a_row`. Each
request is the plainest one a person in that role could send: a GET, or a
POST with a valid CSRF token and no other field. Statuses: 200 shown, 303 sent
on (303 to /sign-in for visitors on members' pages), 400 the form's own error
(so the route was reached), 403 refused.
"""

from __future__ import annotations

import httpx
import pytest
from starlette.routing import BaseRoute, Mount, Route

from chorus.app import DOMAINS
from chorus.assembly import all_routes
from chorus.roles import Role
from tests.common.forms import csrf_token
from tests.common.people import make_person, sign_in

ROLES = ("anonymous", "member", "ally", "lead", "provider", "steward")
SIGNED_IN = ROLES[1:]


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def signed_in(status: int, visitors: int) -> dict[str, int]:
    return {"anonymous": visitors, **dict.fromkeys(SIGNED_IN, status)}


def only(status: int, *roles: str, visitors: int) -> dict[str, int]:
    """Reserved to `roles`; every other signed-in role is refused."""
    row = {role: (status if role in roles else 403) for role in SIGNED_IN}
    return {"anonymous": visitors, **row}


# (method, path template) -> {role: status}
MATRIX: dict[tuple[str, str], dict[str, int]] = {
    ("GET", "/"): everyone(200),
    ("GET", "/privacy"): everyone(200),
    ("GET", "/exit"): everyone(303),
    ("POST", "/language"): everyone(303),
    ("GET", "/static/{digest}/{name:path}"): everyone(200),
    ("GET", "/join"): everyone(200),
    ("POST", "/join"): everyone(400),
    ("GET", "/sign-in"): signed_in(303, visitors=200),
    ("POST", "/sign-in"): everyone(400),
    ("POST", "/sign-out"): everyone(303),
    ("POST", "/sign-out-everywhere"): signed_in(303, visitors=403),
    ("POST", "/stay-signed-in"): signed_in(303, visitors=403),
    ("GET", "/recover"): everyone(200),
    ("POST", "/recover"): everyone(400),
    ("GET", "/account"): signed_in(200, visitors=303),
    ("GET", "/account/passphrase"): signed_in(200, visitors=303),
    ("POST", "/account/passphrase"): signed_in(400, visitors=403),
    ("GET", "/account/recovery-codes"): signed_in(200, visitors=303),
    ("POST", "/account/recovery-codes"): signed_in(400, visitors=403),
    ("GET", "/account/delete"): signed_in(200, visitors=303),
    ("POST", "/account/delete"): signed_in(400, visitors=403),
    ("GET", "/lead/invites"): only(200, "lead", "steward", visitors=303),
    ("POST", "/lead/invites"): only(400, "lead", "steward", visitors=403),
    ("POST", "/lead/invites/{invite_id:uuid}/revoke"): only(303, "lead", "steward", visitors=403),
    ("GET", "/invites"): only(303, "lead", "steward", visitors=303),
    ("POST", "/invites"): only(303, "lead", "steward", visitors=403),
    ("GET", "/lead/people"): only(200, "lead", visitors=303),
    ("GET", "/lead/people/{person_id:uuid}/suspend"): only(404, "lead", visitors=303),
    ("POST", "/lead/people/{person_id:uuid}/suspend"): only(404, "lead", visitors=403),
    ("GET", "/lead/people/{person_id:uuid}/close"): only(404, "lead", visitors=303),
    ("POST", "/lead/people/{person_id:uuid}/close"): only(404, "lead", visitors=403),
    ("GET", "/inbox"): signed_in(200, visitors=303),
    ("POST", "/inbox/{notice_id:int}/read"): signed_in(404, visitors=403),
    ("POST", "/inbox/{notice_id:int}/delete"): signed_in(404, visitors=403),
    ("GET", "/charter"): everyone(200),
    ("GET", "/rounds"): signed_in(200, visitors=303),
    ("GET", "/rounds/new"): only(200, "lead", visitors=303),
    ("POST", "/rounds/new"): only(400, "lead", visitors=403),
    ("GET", "/rounds/petition"): only(200, "member", visitors=303),
    ("POST", "/rounds/petition"): only(400, "member", visitors=403),
    ("GET", "/rounds/{round_id:uuid}"): signed_in(404, visitors=303),
    ("POST", "/rounds/{round_id:uuid}/sign"): only(404, "member", visitors=403),
    ("POST", "/rounds/{round_id:uuid}/advance"): only(404, "lead", visitors=403),
    ("GET", "/rounds/{round_id:uuid}/extend"): only(404, "lead", visitors=303),
    ("POST", "/rounds/{round_id:uuid}/extend"): only(404, "lead", visitors=403),
    ("POST", "/rounds/{round_id:uuid}/count"): only(404, "member", "lead", visitors=403),
    ("GET", "/rounds/{round_id:uuid}/propose"): only(404, "member", visitors=303),
    ("POST", "/rounds/{round_id:uuid}/propose"): only(404, "member", visitors=403),
    ("GET", "/rounds/{round_id:uuid}/ballot"): only(404, "member", "ally", visitors=303),
    ("POST", "/rounds/{round_id:uuid}/ballot"): only(404, "member", "ally", visitors=403),
    ("POST", "/rounds/{round_id:uuid}/ballot/confirm"): only(404, "member", "ally", visitors=403),
    ("GET", "/rounds/{round_id:uuid}/results"): signed_in(404, visitors=303),
    ("POST", "/rounds/{round_id:uuid}/results/check"): signed_in(404, visitors=403),
    ("GET", "/rounds/{round_id:uuid}/results.csv"): signed_in(404, visitors=303),
    ("GET", "/rounds/{round_id:uuid}/results.json"): signed_in(404, visitors=303),
    ("GET", "/proposals/{proposal_id:uuid}"): signed_in(404, visitors=303),
    ("GET", "/proposals/{proposal_id:uuid}/edit"): only(404, "member", visitors=303),
    ("POST", "/proposals/{proposal_id:uuid}/edit"): only(404, "member", visitors=403),
    ("GET", "/proposals/{proposal_id:uuid}/withdraw"): only(404, "member", visitors=303),
    ("POST", "/proposals/{proposal_id:uuid}/withdraw"): only(404, "member", visitors=403),
    ("POST", "/proposals/{proposal_id:uuid}/cosign"): only(404, "member", visitors=403),
    ("GET", "/proposals/{proposal_id:uuid}/hide"): only(404, "lead", visitors=303),
    ("POST", "/proposals/{proposal_id:uuid}/hide"): only(404, "lead", visitors=403),
    ("GET", "/proposals/{proposal_id:uuid}/contest"): only(404, "member", visitors=303),
    ("POST", "/proposals/{proposal_id:uuid}/contest"): only(404, "member", visitors=403),
    # Only the complaints committee decides on a contest (no role of this matrix holds it).
    ("POST", "/proposals/{proposal_id:uuid}/review"): only(404, visitors=403),
}

# Concrete addresses for templates with parameters: well-formed, naming nothing that exists.
EXAMPLES = {
    "{invite_id:uuid}": "0b6f7f1e-8d0c-4f5e-9a51-3c2f6b7d9e10",
    "{person_id:uuid}": "5d1c2a3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
    "{notice_id:int}": "999999",
    "{round_id:uuid}": "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4e",
    "{proposal_id:uuid}": "8b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5f",
}

# Form fields a POST needs to get past its first check (the token is always sent).
FIELDS: dict[str, dict[str, str]] = {"/language": {"language": "fr"}}


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
    routes = enumerate_routes(all_routes(DOMAINS))
    assert routes - MATRIX.keys() == set(), "add the new routes to MATRIX"
    assert MATRIX.keys() - routes == set(), "remove rows of routes that are gone"
    for row in MATRIX.values():
        assert set(row) == set(ROLES), "every row names every role"


async def example_request(client: httpx.AsyncClient, method: str, template: str) -> httpx.Response:
    page = await client.get("/privacy")
    if template == "/static/{digest}/{name:path}":
        css = page.text.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
        return await client.get(css)
    path = template
    for parameter, value in EXAMPLES.items():
        path = path.replace(parameter, value)
    if method == "POST":
        data = {"csrf_token": csrf_token(page), **FIELDS.get(template, {})}
        return await client.post(path, data=data)
    return await client.request(method, path)


@pytest.mark.usefixtures("db")
@pytest.mark.parametrize("role", ROLES)
async def test_each_role_gets_what_the_matrix_says(app, client: httpx.AsyncClient, role: str):
    if role != "anonymous":
        await make_person(app, f"Someone {role}", Role(role))
    failures = []
    for method, template in sorted(MATRIX):
        if role != "anonymous":
            client.cookies.clear()
            await sign_in(client, f"Someone {role}")
        response = await example_request(client, method, template)
        expected = MATRIX[(method, template)][role]
        if response.status_code != expected:
            failures.append(f"{method} {template}: {response.status_code}, expected {expected}")
    assert failures == []
