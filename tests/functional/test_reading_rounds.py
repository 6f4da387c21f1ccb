"""Who reads which rounds: members, leads, stewards and the committee read every one;
allies only those that ask for their advice; service providers none, no more than a
visitor. (test_authorization.py holds every route for every role.)"""

from __future__ import annotations

import pytest

from chorus.roles import Role
from proposals.models import Phase, Voters
from tests.common.people import make_person, sign_in
from tests.common.rounds import round_with

pytestmark = pytest.mark.usefixtures("db")

MEMBERS_QUESTION = "Which shelters should we visit first?"
ADVISORY_QUESTION = "Which lawyers should we ask for help?"
# Pages with no parameter that someone signed in reads whatever their role.
EVERYONE_READS = ("/", "/privacy", "/charter", "/account", "/inbox")


async def two_rounds(app, phase: Phase = Phase.VOTING):
    members, _ = await round_with(app, ["Safe housing"], phase, question=MEMBERS_QUESTION)
    advisory, _ = await round_with(
        app, ["Legal aid"], phase, question=ADVISORY_QUESTION, voters=Voters.ADVISORY_ALLIES
    )
    return members, advisory


async def as_(app, client, role: Role) -> None:
    await make_person(app, f"Someone {role}", role)
    await sign_in(client, f"Someone {role}")


async def test_allies_find_only_the_rounds_they_advise_on(app, client):
    await as_(app, client, Role.ALLY)
    members, advisory = await two_rounds(app)
    listed = await client.get("/rounds")
    assert listed.status_code == 200
    assert ADVISORY_QUESTION in listed.text and MEMBERS_QUESTION not in listed.text
    assert f"/rounds/{members.id}" not in listed.text
    assert (await client.get(f"/rounds/{advisory.id}")).status_code == 200
    assert (await client.get(f"/rounds/{members.id}")).status_code == 404


async def test_allies_do_not_read_a_members_rounds_results(app, client):
    await as_(app, client, Role.ALLY)
    members, advisory = await two_rounds(app, Phase.CLOSED)
    assert (await client.get(f"/rounds/{advisory.id}/results")).status_code == 200
    for path in ("/results", "/results.csv", "/results.json"):
        assert (await client.get(f"/rounds/{members.id}{path}")).status_code == 404


@pytest.mark.parametrize("role", [Role.MEMBER, Role.LEAD, Role.STEWARD, Role.COMMITTEE])
async def test_the_other_roles_read_every_round(app, client, role):
    await as_(app, client, role)
    members, advisory = await two_rounds(app)
    listed = await client.get("/rounds")
    assert MEMBERS_QUESTION in listed.text and ADVISORY_QUESTION in listed.text
    assert 'href="/rounds">' in listed.text
    for round_ in (members, advisory):
        assert (await client.get(f"/rounds/{round_.id}")).status_code == 200


async def test_providers_see_no_more_of_rounds_than_a_visitor(app, client):
    members, advisory = await two_rounds(app, Phase.CLOSED)
    for path in EVERYONE_READS:
        seen_by_visitor = (await client.get(path)).text
        assert MEMBERS_QUESTION not in seen_by_visitor and ADVISORY_QUESTION not in seen_by_visitor
    await as_(app, client, Role.PROVIDER)
    for path in EVERYONE_READS:
        page = await client.get(path)
        assert page.status_code == 200, path
        assert 'href="/rounds"' not in page.text, path  # no "Votes" in the menu
        assert MEMBERS_QUESTION not in page.text and ADVISORY_QUESTION not in page.text
    assert (await client.get("/rounds")).status_code == 403
    for round_ in (members, advisory):
        for path in ("", "/results", "/results.csv", "/results.json"):
            assert (await client.get(f"/rounds/{round_.id}{path}")).status_code == 403
