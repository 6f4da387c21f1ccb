"""The inbox: short, discreet notices inside Chorus (no email, no push).

A notice has a kind, whose title is translated when shown and never names
anything sensitive, and a link to read more inside Chorus. Sending to every
eligible member is one INSERT ... SELECT, so 100,000 members take one statement.

Notices that name a person are written only by jobs and public acts (a round
opening or closing, an election's result). Reading and dismissing never touch
the notice row: they insert (or upgrade) a mark, HMAC(personal key, notice id),
in a table of its own with no foreign key, so a copy of the database cannot tell
whose mark it is, nor line it up with anything its owner did. Notices and marks
are deleted by a job 90 days after the notice was sent.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from tortoise import connections

from chorus.database import placeholders
from chorus.i18n import N_
from chorus.roles import Role
from governance.identity.models import Person
from governance.models import Notice, NoticeMark

# Titles are deliberately plain: they may show on a screen someone else can see.
TITLES = {
    "news": N_("There is news for you"),
    "account": N_("A change to your account"),
    "voting": N_("A vote is open"),
    "results": N_("The results of a vote are out"),
}

# What an opened notice says it is about: its kind's words, then the topic's own name.
ABOUT = {
    "news": N_("News: %(topic)s"),
    "account": N_("About your account: %(topic)s"),
    "voting": N_("Voting is open: %(topic)s"),
    "results": N_("The results are out: %(topic)s"),
}

KEPT_DAYS = 90
PAGE_SIZE = 10


@dataclass(frozen=True)
class Mark:
    read: bool
    dismissed: bool


UNREAD = Mark(read=False, dismissed=False)


@dataclass(frozen=True)
class InboxNotice:
    id: int
    kind: str
    link: str
    sent_on: date
    read: bool


@dataclass(frozen=True)
class InboxPage:
    """One page of a person's inbox, newest first: `number` of `pages` (at least 1)."""

    notices: list[InboxNotice]
    number: int
    pages: int
    unread: int  # in the whole inbox


def today() -> date:
    return datetime.now(UTC).date()


def expires_on(sent_on: date) -> date:
    """The day a notice and its mark are deleted."""
    return sent_on + timedelta(days=KEPT_DAYS)


def mark_of(personal_key: bytes, notice_id: int) -> str:
    """What says "this notice was read or dismissed": only its owner can compute it."""
    return hmac.digest(personal_key, f"chorus:notice-mark:{notice_id}".encode(), "sha256").hex()


# Sending: jobs and public acts only ---------------------------------------------------


async def send_notice(person: Person, kind: str, link: str = "") -> Notice:
    """One notice to one person. Callers: jobs and public acts only (seating an elected
    member), never a path a person takes for themselves."""
    if kind not in TITLES:
        raise ValueError(f"unknown notice kind {kind!r}")
    return await Notice.create(person=person, kind=kind, link=link, sent_on=today())


async def send_to_role(role: Role, kind: str, link: str = "") -> int:
    """Send one notice to everyone holding `role`, in a single statement. People made
    ahead for invites (identity.service.invitees) get it too: whoever joins finds the
    news of the last 90 days in their inbox."""
    if kind not in TITLES:
        raise ValueError(f"unknown notice kind {kind!r}")
    connection = connections.get("default")
    postgres = connection.capabilities.dialect == "postgres"
    kind_, link_, sent_, role_ = placeholders(connection, 4)
    # Only placeholders are interpolated; every value is a parameter.
    query = (
        "INSERT INTO governance_notice (person_id, kind, link, sent_on) "  # noqa: S608
        f"SELECT person_id, {kind_}, {link_}, {sent_} "
        f"FROM governance_role_grant WHERE role = {role_}"
    )
    values = [kind, link, today(), role.value]
    if postgres:
        # Tortoise reads an INSERT's row count from the wrong word of PostgreSQL's status
        # ("INSERT 0 <count>"), so the statement counts its own rows: still one statement.
        counted = f"WITH sent AS ({query} RETURNING 1) SELECT count(*) AS sent FROM sent"  # noqa: S608
        _, found = await connection.execute_query(counted, values)
        return int(found[0]["sent"])
    rows, _ = await connection.execute_query(query, values)
    return int(rows)


# Reading: a person's own notices, with their marks -------------------------------------


async def marks_for(personal_key: bytes, notice_ids: Iterable[int]) -> dict[int, Mark]:
    """The marks of these notices, in one query; notices without a mark are left out."""
    by_mark = {mark_of(personal_key, notice_id): notice_id for notice_id in notice_ids}
    if not by_mark:
        return {}
    connection = connections.get("default")
    # Written out rather than built by the ORM: an inbox asks for 50 marks on every visit.
    slots = ", ".join(placeholders(connection, len(by_mark)))
    query = f"SELECT mark, dismissed FROM governance_notice_mark WHERE mark IN ({slots})"  # noqa: S608
    _, rows = await connection.execute_query(query, list(by_mark))
    return {
        by_mark[str(row["mark"])]: Mark(read=True, dismissed=bool(row["dismissed"])) for row in rows
    }


async def inbox_of(person_id: UUID, personal_key: bytes) -> list[InboxNotice]:
    """The notices a person has not dismissed, newest first: one query for the notices,
    one for their marks."""
    connection = connections.get("default")
    (person,) = placeholders(connection, 1)
    _, rows = await connection.execute_query(
        "SELECT id, kind, link, sent_on FROM governance_notice "  # noqa: S608
        f"WHERE person_id = {person} ORDER BY sent_on DESC, id DESC",
        [str(person_id)],
    )
    marks = await marks_for(personal_key, (row["id"] for row in rows))
    return [
        InboxNotice(row["id"], row["kind"], row["link"], as_date(row["sent_on"]), mark.read)
        for row in rows
        if not (mark := marks.get(row["id"], UNREAD)).dismissed
    ]


def as_date(value: date | str) -> date:
    """A date column as read: PostgreSQL gives a date, SQLite its ISO text."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def page_count(notices: int) -> int:
    return max(1, -(-notices // PAGE_SIZE))


async def inbox_page(person_id: UUID, personal_key: bytes, number: int) -> InboxPage:
    """Page `number` of the inbox (the last one if there are fewer), PAGE_SIZE notices."""
    notices = await inbox_of(person_id, personal_key)
    pages = page_count(len(notices))
    number = min(max(number, 1), pages)
    unread = sum(not notice.read for notice in notices)
    shown = notices[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    return InboxPage(shown, number, pages, unread)


async def unread_count(person_id: UUID, personal_key: bytes) -> int:
    return sum(not shown.read for shown in await inbox_of(person_id, personal_key))


async def notice_of(person_id: UUID, personal_key: bytes, notice_id: int) -> InboxNotice | None:
    """One of the person's own notices, unless they deleted it (someone else's: None)."""
    notice = await _own_notice(person_id, notice_id)
    if notice is None:
        return None
    mark = (await marks_for(personal_key, [notice.id])).get(notice.id, UNREAD)
    if mark.dismissed:
        return None
    return InboxNotice(notice.id, notice.kind, notice.link, notice.sent_on, mark.read)


async def _own_notice(person_id: UUID, notice_id: int) -> Notice | None:
    return await Notice.get_or_none(id=notice_id, person_id=person_id)


async def _write_mark(notice: Notice, personal_key: bytes, *, dismissed: bool) -> None:
    """Insert the mark, or upgrade it to dismissed: a write to the mark row alone (never
    the notice), and no error when it is already there."""
    connection = connections.get("default")
    mark_, dismissed_, expires_ = placeholders(connection, 3)
    upgrade = "DO UPDATE SET dismissed = TRUE" if dismissed else "DO NOTHING"
    await connection.execute_query(
        "INSERT INTO governance_notice_mark (mark, dismissed, expires_on) "  # noqa: S608
        f"VALUES ({mark_}, {dismissed_}, {expires_}) ON CONFLICT (mark) {upgrade}",
        [mark_of(personal_key, notice.id), dismissed, mark_expires_on(today())],
    )


def mark_expires_on(written_on: date) -> date:
    """When a mark goes: 90 days after it was written, rounded up to a Monday. Never the
    notice's own date, which would say which notice (and so whose) it is; never before
    the notice goes, since a mark is written on or after the day its notice was sent."""
    later = written_on + timedelta(days=KEPT_DAYS)
    return later + timedelta(days=-later.weekday() % 7)


async def mark_read(person_id: UUID, personal_key: bytes, notice_id: int) -> bool:
    """False if the person has no such notice (someone else's is "not found" too)."""
    notice = await _own_notice(person_id, notice_id)
    if notice is None:
        return False
    await _write_mark(notice, personal_key, dismissed=False)
    return True


async def dismiss(person_id: UUID, personal_key: bytes, notice_id: int) -> bool:
    """Take a notice out of the person's inbox; the row itself goes with the expiry job."""
    notice = await _own_notice(person_id, notice_id)
    if notice is None:
        return False
    await _write_mark(notice, personal_key, dismissed=True)
    return True


# Expiry: a job --------------------------------------------------------------------------


async def delete_expired(day: date | None = None) -> tuple[int, int]:
    """Delete notices sent 90 days ago or more, and their marks. Returns both counts."""
    day = day or today()
    notices = await Notice.filter(sent_on__lte=day - timedelta(days=KEPT_DAYS)).delete()
    marks = await NoticeMark.filter(expires_on__lte=day).delete()
    return notices, marks


def title_of(kind: str) -> str:
    """The untranslated title of a kind of notice; a kind no longer known reads as plain news."""
    return TITLES.get(kind, TITLES["news"])


def about_of(kind: str) -> str:
    """The untranslated words an opened notice of this kind starts with (%(topic)s)."""
    return ABOUT.get(kind, ABOUT["news"])
