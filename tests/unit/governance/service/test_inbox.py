"""Sending a notice to everyone holding a role: one notice each, in one statement."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from tortoise import connections

from chorus.roles import Role
from governance.identity.models import RoleGrant
from governance.models import Notice
from governance.service.inbox import send_to_role
from tests.common.people import make_person

pytestmark = pytest.mark.usefixtures("db")

STATEMENTS = ("execute_query", "execute_insert", "execute_many", "execute_script")


def count_statements(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every statement the default connection runs from now on."""
    seen: list[str] = []
    client_class = type(connections.get("default"))

    def spy(name: str) -> Callable[..., Any]:
        original = getattr(client_class, name)

        async def counted(self: Any, query: str, *args: Any, **kwargs: Any) -> Any:
            seen.append(" ".join(query.split()))
            return await original(self, query, *args, **kwargs)

        return counted

    for name in STATEMENTS:
        monkeypatch.setattr(client_class, name, spy(name))
    return seen


async def test_each_member_gets_one_notice_in_a_single_statement(orm, monkeypatch):
    members = [
        (await make_person(orm, name, *roles)).person
        for name, roles in [
            ("Ana", (Role.MEMBER,)),
            ("Bao", (Role.MEMBER, Role.LEAD)),
            ("Cy", (Role.MEMBER,)),
        ]
    ]
    ally = (await make_person(orm, "Dee", Role.ALLY)).person

    statements = count_statements(monkeypatch)
    sent = await send_to_role(Role.MEMBER, "news", link="/charter")
    monkeypatch.undo()

    # Everyone holding the role, people made ahead for invites included: a newcomer finds
    # the news of the last 90 days in their inbox.
    holders = await RoleGrant.filter(role=Role.MEMBER).count()
    assert sent == holders >= 3
    [statement] = statements
    assert "INSERT INTO governance_notice" in statement
    for member in members:
        notices = await Notice.filter(person=member)
        assert [(n.kind, n.link) for n in notices] == [("news", "/charter")]
    assert await Notice.filter(person=ally).count() == 0


async def test_an_unknown_kind_sends_nothing(orm):
    await make_person(orm, "Ana")
    before = await Notice.all().count()
    with pytest.raises(ValueError, match="unknown notice kind"):
        await send_to_role(Role.MEMBER, "secret")
    assert await Notice.all().count() == before


@pytest.mark.postgres_only
async def test_the_fanout_benchmark_runs_and_counts_every_notice(database_url: str):
    from benchmarks import inbox_fanout
    from tests.common.postgres import with_database

    server = with_database(database_url, "postgres")
    result = await inbox_fanout.measure(members=300, rounds=2, server=server)
    assert result.sent == [300, 300]
    assert all(seconds > 0 for seconds in result.seconds)
    assert inbox_fanout.report(result)[-1] in ("result: PASS", "result: FAIL")
