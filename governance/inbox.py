"""The inbox: short, discreet notices inside Chorus (no email, no push).

A notice has a kind, whose title is translated when shown and never names
anything sensitive, and a link to read more inside Chorus. Sending to every
eligible member is one INSERT ... SELECT, so 100,000 members take one statement.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from tortoise import connections

from chorus.i18n import N_
from governance.models import Notice, Person, Role

# Titles are deliberately plain: they may show on a screen someone else can see.
TITLES = {
    "news": N_("There is news for you"),
    "account": N_("A change to your account"),
    "voting": N_("A vote is open"),
    "results": N_("The results of a vote are out"),
}


def today() -> date:
    return datetime.now(UTC).date()


async def send_notice(person: Person, kind: str, link: str = "") -> Notice:
    if kind not in TITLES:
        raise ValueError(f"unknown notice kind {kind!r}")
    return await Notice.create(person=person, kind=kind, link=link, sent_on=today())


async def send_to_role(role: Role, kind: str, link: str = "") -> int:
    """Send one notice to everyone holding `role`, in a single statement."""
    if kind not in TITLES:
        raise ValueError(f"unknown notice kind {kind!r}")
    connection = connections.get("default")
    postgres = connection.capabilities.dialect == "postgres"
    kind_, link_, read_, sent_, role_ = (f"${i}" if postgres else "?" for i in range(1, 6))
    # Only placeholders are interpolated; every value is a parameter.
    query = (
        "INSERT INTO governance_notice (person_id, kind, link, is_read, sent_on) "  # noqa: S608
        f"SELECT person_id, {kind_}, {link_}, {read_}, {sent_} "
        f"FROM governance_role_grant WHERE role = {role_}"
    )
    values = [kind, link, False, today(), role.value]
    if postgres:
        # Tortoise reads an INSERT's row count from the wrong word of PostgreSQL's status
        # ("INSERT 0 <count>"), so the statement counts its own rows: still one statement.
        counted = f"WITH sent AS ({query} RETURNING 1) SELECT count(*) AS sent FROM sent"  # noqa: S608
        _, found = await connection.execute_query(counted, values)
        return int(found[0]["sent"])
    rows, _ = await connection.execute_query(query, values)
    return int(rows)


async def notices_for(person: Person) -> list[Notice]:
    return await Notice.filter(person=person).order_by("-sent_on", "-id")


async def unread_count(person: Person) -> int:
    return await Notice.filter(person=person, is_read=False).count()


async def mark_read(person: Person, notice_id: int) -> bool:
    return await Notice.filter(person=person, id=notice_id).update(is_read=True) == 1


async def delete_notice(person: Person, notice_id: int) -> bool:
    return await Notice.filter(person=person, id=notice_id).delete() == 1


def title_of(kind: str) -> str:
    """The untranslated title of a kind of notice; a kind no longer known reads as plain news."""
    return TITLES.get(kind, TITLES["news"])
