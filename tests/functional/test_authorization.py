"""The authorization matrix: every route of the app, every role, what each may do.

The routes come from the app itself, so a route added anywhere fails
`test_every_route_has_a_row` until its row says what each role gets. Every role
is a column, the complaints committee and visitors (nobody signed in) included,
each alone. Each request is the plainest one a person in that role could send: a
GET, or a POST with a valid CSRF token and no other field.

Addresses naming a round or a proposal are tried twice, on real rounds in their
voting phase, each with one proposal: a members' round, and a round asking
allies for their advice. Allies find only the second (a members' round is not
found, 404, as if it did not exist); service providers read nothing of rounds,
no more than a visitor. Other parameters name nothing that exists.

Statuses: 200 shown, 303 sent on (303 to /sign-in for visitors on members'
pages), 400 the form's own error (so the route was reached), 403 refused for the
role, 404 not found, 409 not in this phase of the round.
"""

from __future__ import annotations

from collections.abc import Iterable

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount, Route

from chorus.roles import Role
from proposals.models import Voters
from tests.common.forms import csrf_token
from tests.common.people import make_person, sign_in
from tests.common.rounds import round_with

VISITOR = "visitor"
ROLES: tuple[str, ...] = (VISITOR, *Role)
SIGNED_IN: tuple[str, ...] = tuple(Role)
# The roles that read every round (proposals.service.READ_EVERY_ROUND).
READERS = (Role.MEMBER, Role.LEAD, Role.STEWARD, Role.COMMITTEE)

Row = dict[str, int]


def everyone(status: int) -> Row:
    return dict.fromkeys(ROLES, status)


def signed_in(status: int, visitors: int) -> Row:
    return {VISITOR: visitors, **dict.fromkeys(SIGNED_IN, status)}


def only(status: int, *roles: str, visitors: int) -> Row:
    """Reserved to `roles`; every other signed-in role is refused."""
    row = {role: (status if role in roles else 403) for role in SIGNED_IN}
    return {VISITOR: visitors, **row}


# Addresses without a round: (method, path template) -> {role: status}.
MATRIX: dict[tuple[str, str], Row] = {
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
    ("GET", "/lead/invites"): only(200, Role.LEAD, Role.STEWARD, visitors=303),
    ("POST", "/lead/invites"): only(400, Role.LEAD, Role.STEWARD, visitors=403),
    ("POST", "/lead/invites/{invite_id:uuid}/revoke"): only(
        303, Role.LEAD, Role.STEWARD, visitors=403
    ),
    ("GET", "/invites"): only(303, Role.LEAD, Role.STEWARD, visitors=303),
    ("POST", "/invites"): only(303, Role.LEAD, Role.STEWARD, visitors=403),
    ("GET", "/lead/people"): only(200, Role.LEAD, visitors=303),
    ("GET", "/lead/people/{person_id:uuid}/suspend"): only(404, Role.LEAD, visitors=303),
    ("POST", "/lead/people/{person_id:uuid}/suspend"): only(404, Role.LEAD, visitors=403),
    ("GET", "/inbox"): signed_in(200, visitors=303),
    ("GET", "/inbox/{notice_id:int}"): signed_in(404, visitors=303),
    ("POST", "/inbox/{notice_id:int}/read"): signed_in(404, visitors=403),
    ("POST", "/inbox/{notice_id:int}/delete"): signed_in(404, visitors=403),
    ("GET", "/charter"): everyone(200),
    ("GET", "/rounds"): only(200, *READERS, Role.ALLY, visitors=303),
    ("GET", "/rounds/new"): only(200, Role.LEAD, visitors=303),
    ("POST", "/rounds/new"): only(400, Role.LEAD, visitors=403),
    ("GET", "/rounds/petition"): only(200, Role.MEMBER, visitors=303),
    ("POST", "/rounds/petition"): only(400, Role.MEMBER, visitors=403),
    ("GET", "/proposals/yours"): only(200, Role.MEMBER, visitors=303),
}

MEMBERS_ROUND = "members' round"
ADVISORY_ROUND = "advisory round"


def on_rounds(row: Row, ally: tuple[int, int] = (403, 403)) -> dict[str, Row]:
    """The same row on both rounds but for allies: `ally` is what they get on the
    members' round, then on the round asking for their advice."""
    return {
        MEMBERS_ROUND: row | {Role.ALLY: ally[0]},
        ADVISORY_ROUND: row | {Role.ALLY: ally[1]},
    }


def read(status: int, *, ally: tuple[int, int], visitors: int) -> dict[str, Row]:
    """A page that reads a round: every reader gets `status`, providers are refused."""
    return on_rounds(only(status, *READERS, visitors=visitors), ally)


# Addresses naming a round or a proposal: (method, path template) -> {round: {role: status}}.
ROUND_MATRIX: dict[tuple[str, str], dict[str, Row]] = {
    ("GET", "/rounds/{round_id:uuid}"): read(200, ally=(404, 200), visitors=303),
    # A petition is signed only while it is a petition.
    ("POST", "/rounds/{round_id:uuid}/sign"): on_rounds(only(409, Role.MEMBER, visitors=403)),
    # Without the phase it moves on from, the page is taken as out of date.
    ("GET", "/rounds/{round_id:uuid}/advance"): on_rounds(only(200, Role.LEAD, visitors=303)),
    ("POST", "/rounds/{round_id:uuid}/advance"): on_rounds(only(409, Role.LEAD, visitors=403)),
    ("GET", "/rounds/{round_id:uuid}/extend"): on_rounds(only(200, Role.LEAD, visitors=303)),
    ("POST", "/rounds/{round_id:uuid}/extend"): on_rounds(only(400, Role.LEAD, visitors=403)),
    # No tellers in these rounds: there is nothing to count before voting ends.
    ("POST", "/rounds/{round_id:uuid}/count"): on_rounds(
        only(409, Role.MEMBER, Role.LEAD, Role.COMMITTEE, visitors=403)
    ),
    ("GET", "/rounds/{round_id:uuid}/propose"): on_rounds(only(409, Role.MEMBER, visitors=303)),
    ("POST", "/rounds/{round_id:uuid}/propose"): on_rounds(only(409, Role.MEMBER, visitors=403)),
    ("GET", "/rounds/{round_id:uuid}/ballot"): on_rounds(
        only(200, Role.MEMBER, visitors=303), ally=(404, 200)
    ),
    # An empty approval ballot is a ballot: it is shown back for review.
    ("POST", "/rounds/{round_id:uuid}/ballot"): on_rounds(
        only(200, Role.MEMBER, visitors=403), ally=(404, 200)
    ),
    ("POST", "/rounds/{round_id:uuid}/ballot/confirm"): on_rounds(
        only(200, Role.MEMBER, visitors=403), ally=(404, 200)
    ),
    # Results exist only once a round closed: until then the page says when they come.
    ("GET", "/rounds/{round_id:uuid}/results"): read(200, ally=(404, 200), visitors=303),
    ("POST", "/rounds/{round_id:uuid}/results/check"): read(404, ally=(404, 404), visitors=403),
    ("GET", "/rounds/{round_id:uuid}/results.csv"): read(404, ally=(404, 404), visitors=303),
    ("GET", "/rounds/{round_id:uuid}/results.json"): read(404, ally=(404, 404), visitors=303),
    ("GET", "/proposals/{proposal_id:uuid}"): read(200, ally=(404, 200), visitors=303),
    # Only its author changes or withdraws a proposal (these people wrote none).
    ("GET", "/proposals/{proposal_id:uuid}/edit"): on_rounds(only(403, visitors=303)),
    ("POST", "/proposals/{proposal_id:uuid}/edit"): on_rounds(only(403, visitors=403)),
    ("GET", "/proposals/{proposal_id:uuid}/withdraw"): on_rounds(only(403, visitors=303)),
    ("POST", "/proposals/{proposal_id:uuid}/withdraw"): on_rounds(only(403, visitors=403)),
    ("POST", "/proposals/{proposal_id:uuid}/cosign"): on_rounds(
        only(409, Role.MEMBER, visitors=403)
    ),
    ("GET", "/proposals/{proposal_id:uuid}/hide"): on_rounds(only(200, Role.LEAD, visitors=303)),
    ("POST", "/proposals/{proposal_id:uuid}/hide"): on_rounds(only(400, Role.LEAD, visitors=403)),
    # Only its author contests the hiding of a proposal.
    ("GET", "/proposals/{proposal_id:uuid}/contest"): on_rounds(only(403, visitors=303)),
    ("POST", "/proposals/{proposal_id:uuid}/contest"): on_rounds(only(403, visitors=403)),
    # The committee's decision is missing from the form.
    ("POST", "/proposals/{proposal_id:uuid}/review"): on_rounds(
        only(400, Role.COMMITTEE, visitors=403)
    ),
}

# Requests that change what the others read: sent after every other one.
REQUESTS_LAST = {("POST", "/rounds/{round_id:uuid}/advance")}

# Concrete addresses for parameters other than rounds': well-formed, naming nothing.
EXAMPLES = {
    "{invite_id:uuid}": "0b6f7f1e-8d0c-4f5e-9a51-3c2f6b7d9e10",
    "{person_id:uuid}": "5d1c2a3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
    "{notice_id:int}": "999999",
}
ROUND_PARAMETERS = ("{round_id:uuid}", "{proposal_id:uuid}")

# Form fields a POST needs to get past its first check (the token is always sent).
FIELDS: dict[str, dict[str, str]] = {"/language": {"language": "fr"}}


def enumerate_routes(routes: Iterable[BaseRoute], prefix: str = "") -> set[tuple[str, str]]:
    found = set()
    for route in routes:
        if isinstance(route, Mount):
            found |= enumerate_routes(route.routes, prefix + route.path)
        elif isinstance(route, Route):
            for method in route.methods or ():
                if method != "HEAD":
                    found.add((method, prefix + route.path))
    return found


def names_a_round(template: str) -> bool:
    return any(parameter in template for parameter in ROUND_PARAMETERS)


def test_every_route_has_a_row(app: Starlette):
    routes = enumerate_routes(app.routes)
    assert len(routes) > 60, "the app's routes were not all found"
    rows = MATRIX.keys() | ROUND_MATRIX.keys()
    assert routes - rows == set(), "add the new routes to MATRIX or ROUND_MATRIX"
    assert rows - routes == set(), "remove rows of routes that are gone"
    assert not any(names_a_round(template) for _, template in MATRIX)
    assert all(names_a_round(template) for _, template in ROUND_MATRIX)
    for row in MATRIX.values():
        assert set(row) == set(ROLES), "every row names every role"
    for rounds in ROUND_MATRIX.values():
        assert set(rounds) == {MEMBERS_ROUND, ADVISORY_ROUND}
        assert all(set(row) == set(ROLES) for row in rounds.values())


def test_the_matrix_holds_every_role_and_what_allies_and_providers_may_read():
    assert set(ROLES) == {VISITOR, *Role}
    for (_, template), rounds in ROUND_MATRIX.items():
        for row in rounds.values():
            # Providers read nothing of rounds; nothing of a round reaches a visitor.
            assert row[Role.PROVIDER] == 403, template
            assert row[VISITOR] in (303, 403), template
        # An ally learns nothing of a members' round, not even that it exists.
        assert rounds[MEMBERS_ROUND][Role.ALLY] in (403, 404), template


async def example_request(
    client: httpx.AsyncClient, method: str, template: str, ids: dict[str, str]
) -> httpx.Response:
    page = await client.get("/privacy")
    if template == "/static/{digest}/{name:path}":
        css = page.text.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
        return await client.get(css)
    path = template
    for parameter, value in (EXAMPLES | ids).items():
        path = path.replace(parameter, value)
    if method == "POST":
        data = {"csrf_token": csrf_token(page), **FIELDS.get(template, {})}
        return await client.post(path, data=data)
    return await client.request(method, path)


async def round_ids(app: Starlette, voters: Voters) -> dict[str, str]:
    round_, [proposal] = await round_with(app, ["Safe housing"], voters=voters)
    return {"{round_id:uuid}": str(round_.id), "{proposal_id:uuid}": str(proposal.id)}


@pytest.mark.usefixtures("db")
@pytest.mark.parametrize("role", ROLES)
async def test_each_role_gets_what_the_matrix_says(app, client: httpx.AsyncClient, role: str):
    if role != VISITOR:
        await make_person(app, f"Someone {role}", Role(role))
    # Opened after the person joined, so that they are among those who may vote.
    rounds = {
        MEMBERS_ROUND: await round_ids(app, Voters.MEMBERS),
        ADVISORY_ROUND: await round_ids(app, Voters.ADVISORY_ALLIES),
    }
    cells = [(method, template, "", row[role]) for (method, template), row in MATRIX.items()]
    cells += [
        (method, template, kind, row[role])
        for (method, template), by_round in ROUND_MATRIX.items()
        for kind, row in by_round.items()
    ]
    cells.sort(key=lambda cell: ((cell[0], cell[1]) in REQUESTS_LAST, cell))
    failures = []
    for method, template, kind, expected in cells:
        if role != VISITOR:
            client.cookies.clear()
            await sign_in(client, f"Someone {role}")
        response = await example_request(client, method, template, rounds.get(kind, {}))
        if response.status_code != expected:
            where = f" on the {kind}" if kind else ""
            failures.append(
                f"{method} {template}{where}: {response.status_code}, expected {expected}"
            )
    assert not failures, "\n".join(failures)
