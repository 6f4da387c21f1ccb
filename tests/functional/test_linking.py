"""A copy of the database links nobody to what they did: every linking method we know, tried.

DESIGN.md, anonymity points 2 and 12; issue 11, acceptance 11. Sixty members; thirty of
them (and a newcomer) sign in over HTTP, read and dismiss their inbox notice, vote (some
come back to revise), propose or co-sign, and sign out, and the others only sign in and
browse, all in a random interleaving of their visits (tests.common.linking). Staged
among them: a member who changes their passphrase just before voting, one who recovers
their account just before voting, a newcomer who joins through /join just before
proposing, and two leads who do public acts (open a round, hide a proposal, invite
someone) between their own anonymous acts.

Then the test plays the adversary with a copy of the database taken while the round is
open and another after it closed, and tries every linking method (tests.common.linking):
each ranks, for every anonymous row (ballot, marker, receipt; proposal; co-signature),
the sixty candidates. For each method, copy and kind of act, with n the actors of that
kind: (a) actors ranked first on a row of their own are no more than the 99.9th
percentile of Binomial(n, 1/60); (b) the method's n likeliest participants hold no more
actors than the 99.9th percentile of Hypergeometric(60, n, n); (c) no staged actor is
ranked first. A control run (`control=True`) writes a row naming the person at each
sign-in, and must be linked: that shows the linkers work.

Who did what is learnt by the test the only way that survives changes to the app: the
rows of each table that appeared during each act (the steps never run at once).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette
from tortoise import connections

from anonymity import kept
from chorus.app import create_app
from chorus.database import postgres_url
from chorus.roles import Role
from chorus.services import services
from governance.identity.service import invitees
from proposals import service
from proposals.models import Method, Phase, Round
from tests.common import linking
from tests.common.dumps import logged_chorus
from tests.common.forms import csrf_token
from tests.common.linking import COSIGNING, KINDS, PROPOSING, VOTING, Score, Trace
from tests.common.people import PASSPHRASE, invite_code, make_person
from tests.common.postgres import fresh_wal_segment, local_data_directory
from tests.common.rounds import RECEIPT, add_proposal, advance_to, spec
from tests.conftest import BASE_URL

SEED = int(os.environ.get("CHORUS_LINKING_SEED", "20261207"))
MEMBERS = 59  # made before the journey; the sixtieth joins during it
VOTERS = 30
REVISERS = 10
PROPOSERS = 8  # with the newcomer and the second lead
COSIGNERS = 10  # with the first lead
OPTIONS = ["Housing", "Legal help", "Jobs", "Language classes", "Health care"]
NEW_PASSPHRASE = "a second passphrase for the journey"
ROUND_FORM = {
    "question": "What should we ask the city for?",
    "purpose": "priority",
    "method": "approval",
    "voters": "members",
    "cosignatures_needed": "0",
    "allows_revision": "yes",
}
CONTROL_TABLE = "control_signins"


# The people and their browsers ---------------------------------------------------------


@dataclass
class Member:
    name: str
    browser: httpx.AsyncClient
    person_id: str = ""
    passphrase: str = PASSPHRASE
    recovery_code: str = ""
    ranking: tuple[str, ...] = ()
    receipt: str | None = None


@dataclass
class Journey:
    app: Starlette
    backend: str
    control: bool
    rng: random.Random
    members: dict[str, Member]
    rounds: dict[str, str]  # "voting", "proposing", "cosigning" -> round id
    ballot_keys: list[str]
    cosign_targets: list[str]
    hide_target: str
    invite: str
    pk_columns: dict[str, list[str]]
    truth: dict[str, str] = field(default_factory=dict)  # anonymous row -> person
    kind_of: dict[str, str] = field(default_factory=dict)  # anonymous row -> kind
    acted: dict[str, set[str]] = field(default_factory=lambda: {k: set() for k in KINDS})


async def query(sql: str, values: list[Any] | None = None) -> list[dict[str, Any]]:
    _, rows = await connections.get("default").execute_query(sql, values or [])
    return [dict(row) for row in rows]


async def user_tables(backend: str) -> list[str]:
    if backend == "postgres":
        rows = await query(
            "SELECT relname FROM pg_class WHERE relkind = 'r' "
            "AND relnamespace = 'public'::regnamespace ORDER BY relname"
        )
        return [r["relname"] for r in rows]
    rows = await query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    )
    return [r["name"] for r in rows]


async def primary_keys(backend: str, tables: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for table in tables:
        if backend == "postgres":
            rows = await query(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a "
                "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                "WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY a.attnum",
                [f'"{table}"'],
            )
            found[table] = [r["attname"] for r in rows]
        else:
            rows = await query(f'PRAGMA table_info("{table}")')
            found[table] = [r["name"] for r in rows if r["pk"]] or ["rowid"]
    return found


def row_key(table: str, row: dict[str, Any], pk: list[str]) -> str:
    return f"{table}:" + "|".join(str(row.get(column)) for column in pk)


async def keys_of_all(journey: Journey) -> dict[str, dict[str, Any]]:
    """Every row of every table (but the control's), by key: to see what an act wrote."""
    found = {}
    for table, pk in journey.pk_columns.items():
        if table == CONTROL_TABLE:
            continue
        select = "rowid AS rowid, *" if pk == ["rowid"] else "*"
        for row in await query(f'SELECT {select} FROM "{table}"'):
            found[row_key(table, row, pk)] = row
    return found


# Steps, over HTTP only ------------------------------------------------------------------


async def form_post(
    browser: httpx.AsyncClient, page: str, action: str, fields: dict[str, Any]
) -> httpx.Response:
    token = csrf_token(await browser.get(page))
    return await browser.post(action, data={"csrf_token": token, **fields})


async def control_row(journey: Journey, member: Member) -> None:
    """The control: a row naming the person, in a transaction of its own, at sign-in."""
    if journey.control:
        marker = "$1" if journey.backend == "postgres" else "?"
        await query(
            f"INSERT INTO {CONTROL_TABLE} (person_id) VALUES ({marker})",
            [member.person_id],
        )


async def sign_in(journey: Journey, member: Member) -> None:
    response = await form_post(
        member.browser,
        "/sign-in",
        "/sign-in",
        {"pseudonym": member.name, "passphrase": member.passphrase},
    )
    assert response.status_code == 303, (member.name, response.status_code)
    await control_row(journey, member)


async def sign_out(journey: Journey, member: Member) -> None:
    response = await form_post(member.browser, "/account", "/sign-out", {})
    assert response.status_code == 303, response.status_code


async def browse(journey: Journey, member: Member) -> None:
    rounds = journey.rounds
    pages = [
        "/",
        "/rounds",
        "/inbox",
        "/account",
        "/charter",
        f"/rounds/{rounds['voting']}",
        f"/rounds/{rounds['proposing']}",
        f"/rounds/{rounds['cosigning']}",
        f"/rounds/{rounds['voting']}/ballot",
        f"/proposals/{journey.rng.choice(journey.cosign_targets)}",
    ]
    for page in journey.rng.sample(pages, 2):
        response = await member.browser.get(page)
        assert response.status_code == 200, (page, response.status_code)


_NOTICE = {
    "read": re.compile(r'action="/inbox/(\d+)/read"'),
    "delete": re.compile(r'action="/inbox/(\d+)/delete"'),
}


async def inbox(journey: Journey, member: Member, action: str) -> None:
    page = await member.browser.get("/inbox")
    assert page.status_code == 200
    notices = _NOTICE[action].findall(page.text)
    assert notices, f"{member.name} has a notice to {action}"
    response = await member.browser.post(
        f"/inbox/{notices[0]}/{action}", data={"csrf_token": csrf_token(page)}
    )
    assert response.status_code in (200, 303), response.status_code


async def vote(journey: Journey, member: Member) -> None:
    round_id = journey.rounds["voting"]
    taken = {m.ranking for m in journey.members.values()}
    while (ranking := tuple(journey.rng.sample(journey.ballot_keys, 5))) in taken:
        pass  # every ballot different, so that a clear ballot says whose it was
    fields = {f"rank-{key}": str(rank) for rank, key in enumerate(ranking, start=1)}
    ballot = await member.browser.get(f"/rounds/{round_id}/ballot")
    review = await member.browser.post(
        f"/rounds/{round_id}/ballot", data={"csrf_token": csrf_token(ballot), **fields}
    )
    assert review.status_code == 200, review.status_code
    cast = await member.browser.post(
        f"/rounds/{round_id}/ballot/confirm", data={"csrf_token": csrf_token(review), **fields}
    )
    assert cast.status_code == 200, (member.name, cast.status_code)
    found = RECEIPT.search(cast.text)
    if member.receipt is None:
        assert found, "a first ballot gets a receipt"
        member.receipt = found.group(1)
    member.ranking = ranking


async def propose(journey: Journey, member: Member) -> None:
    round_id = journey.rounds["proposing"]
    title = f"Proposal of the journey {journey.rng.randrange(10**6)}"
    response = await form_post(
        member.browser,
        f"/rounds/{round_id}/propose",
        f"/rounds/{round_id}/propose",
        {
            "title": title,
            "description": "Rooms near the bus station for people who just got out.",
            "forms_of_trafficking": ["labour_exploitation"],
            "oppression_categories": ["poverty"],
        },
    )
    assert response.status_code == 303, (response.status_code, response.text[-800:])


async def cosign(journey: Journey, member: Member) -> None:
    target = journey.rng.choice(journey.cosign_targets)
    response = await form_post(
        member.browser, f"/proposals/{target}", f"/proposals/{target}/cosign", {}
    )
    assert response.status_code == 303, response.status_code


async def change_passphrase(journey: Journey, member: Member) -> None:
    response = await form_post(
        member.browser,
        "/account/passphrase",
        "/account/passphrase",
        {
            "current": member.passphrase,
            "passphrase": NEW_PASSPHRASE,
            "confirmation": NEW_PASSPHRASE,
        },
    )
    assert response.status_code == 303, response.status_code
    member.passphrase = NEW_PASSPHRASE
    if (await member.browser.get("/account")).status_code != 200:
        await sign_in(journey, member)  # the change ended this session too


async def recover(journey: Journey, member: Member) -> None:
    response = await form_post(
        member.browser,
        "/recover",
        "/recover",
        {
            "pseudonym": member.name,
            "code": member.recovery_code,
            "passphrase": NEW_PASSPHRASE,
            "confirmation": NEW_PASSPHRASE,
        },
    )
    assert response.status_code == 303, response.status_code
    member.passphrase = NEW_PASSPHRASE
    await control_row(journey, member)


async def join(journey: Journey, member: Member) -> None:
    response = await form_post(
        member.browser,
        "/join",
        "/join",
        {
            "invite_code": journey.invite,
            "pseudonym": member.name,
            "passphrase": PASSPHRASE,
            "confirmation": PASSPHRASE,
        },
    )
    assert response.status_code == 200, response.status_code
    # Joining writes no person row: who joined is known from the key directory alone,
    # which this test, unlike the adversary, may read.
    keys: Path = services(journey.app).settings.key_directory
    (new,) = [
        owner
        for owner in kept.owners(keys, invitees.NAMES)
        if invitees.pseudonym_of(keys, owner) == member.name
    ]
    member.person_id = new
    await control_row(journey, member)


async def open_round(journey: Journey, member: Member) -> None:
    today = datetime.now(UTC).date()
    dates = {
        "proposing_ends": (today + timedelta(days=3)).isoformat(),
        "cosigning_ends": (today + timedelta(days=6)).isoformat(),
        "voting_ends": (today + timedelta(days=9)).isoformat(),
    }
    response = await form_post(member.browser, "/rounds/new", "/rounds/new", ROUND_FORM | dates)
    assert response.status_code == 303, response.status_code


async def hide(journey: Journey, member: Member) -> None:
    target = journey.hide_target
    response = await form_post(
        member.browser,
        f"/proposals/{target}/hide",
        f"/proposals/{target}/hide",
        {"reason": "It repeats another proposal of this round word for word."},
    )
    assert response.status_code == 303, response.status_code


async def invite(journey: Journey, member: Member) -> None:
    response = await form_post(member.browser, "/lead/invites", "/lead/invites", {"role": "member"})
    assert response.status_code == 200, response.status_code


STEPS: dict[str, Callable[[Journey, Member], Awaitable[None]]] = {
    "sign in": sign_in,
    "sign out": sign_out,
    "browse": browse,
    "read": lambda j, m: inbox(j, m, "read"),
    "dismiss": lambda j, m: inbox(j, m, "delete"),
    "vote": vote,
    "propose": propose,
    "co-sign": cosign,
    "change passphrase": change_passphrase,
    "recover": recover,
    "join": join,
    "open a round": open_round,
    "hide a proposal": hide,
    "invite": invite,
}
ACTS = {"vote": VOTING, "propose": PROPOSING, "co-sign": COSIGNING}


async def take_step(journey: Journey, member: Member, step: str) -> None:
    """One step; for an anonymous act, the rows it wrote are noted as that person's."""
    kind = ACTS.get(step)
    before = await keys_of_all(journey) if kind else {}
    await STEPS[step](journey, member)
    if kind:
        after = await keys_of_all(journey)
        names = names_of(journey)
        for key in after.keys() - before.keys():
            # Rows naming a person are traces, not anonymous rows.
            if not linking.persons_named(after[key].values(), names):
                journey.truth[key] = member.person_id
                journey.kind_of[key] = kind
        journey.acted[kind].add(member.person_id)


def visits_of(journey: Journey, roles: dict[str, Any]) -> dict[str, list[list[str]]]:
    """Each person's visits, in their own order."""
    rng = journey.rng
    visits: dict[str, list[list[str]]] = {}
    lead_a, lead_b = roles["leads"]
    changer, recoverer, newcomer = roles["changer"], roles["recoverer"], roles["newcomer"]
    inbox_visit = ["sign in", "read", "dismiss", "sign out"]
    for name in roles["voters"][4:]:
        own: list[list[str]] = [["sign in", "browse", "vote", "sign out"]]
        if name in roles["revisers"]:
            own.append(["sign in", "vote", "sign out"])
        if name in roles["proposers"]:
            own.insert(rng.randrange(len(own) + 1), ["sign in", "browse", "propose", "sign out"])
        if name in roles["cosigners"]:
            own.insert(rng.randrange(len(own) + 1), ["sign in", "browse", "co-sign", "sign out"])
        visits[name] = [inbox_visit, *own]
    # The staged actors: explicit and public acts right next to their anonymous ones.
    visits[lead_a] = [inbox_visit, ["sign in", "vote", "open a round", "co-sign", "sign out"]]
    visits[lead_b] = [
        inbox_visit,
        ["sign in", "propose", "hide a proposal", "vote", "invite", "sign out"],
    ]
    visits[changer] = [inbox_visit, ["sign in", "change passphrase", "vote", "sign out"]]
    visits[recoverer] = [inbox_visit, ["recover", "vote", "sign out"]]
    visits[newcomer] = [["join", "propose", "browse", "sign out"]]
    for name in roles["browsers"]:
        visits[name] = [
            ["sign in", *["browse"] * rng.randint(1, 3), "sign out"]
            for _ in range(rng.randint(1, 2))
        ]
    return visits


# The journey ---------------------------------------------------------------------------------


async def set_up(
    app: Starlette, backend: str, control: bool, rng: random.Random
) -> tuple[Journey, dict[str, Any]]:
    transport = httpx.ASGITransport(app=app)

    def browser() -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=transport, base_url=BASE_URL, headers={"sec-fetch-site": "same-origin"}
        )

    members: dict[str, Member] = {}
    for index in range(MEMBERS):
        name = f"Member {index:02d}"
        granted = (Role.MEMBER, Role.LEAD) if index < 2 else (Role.MEMBER,)
        joined = await make_person(app, name, *granted)
        members[name] = Member(
            name, browser(), str(joined.person.id), recovery_code=joined.recovery_codes[0]
        )
    members["Newcomer"] = Member("Newcomer", browser())

    voting = await service.open_round(spec(Method.SCHULZE))
    for title in OPTIONS:
        await add_proposal(app, voting, title)
    voting = await advance_to(app, voting, Phase.VOTING)  # tells every member: a notice each
    proposing = await service.open_round(spec())
    cosigning = await service.open_round(spec())
    targets = [await add_proposal(app, cosigning, f"To co-sign {i}") for i in range(6)]
    cosigning = await advance_to(app, cosigning, Phase.COSIGNING)

    if control:
        column = "SERIAL" if backend == "postgres" else "INTEGER"
        await query(
            f"CREATE TABLE {CONTROL_TABLE} (id {column} PRIMARY KEY, person_id VARCHAR(40))"
        )
    tables = await user_tables(backend)
    journey = Journey(
        app=app,
        backend=backend,
        control=control,
        rng=rng,
        members=members,
        rounds={
            "voting": str(voting.id),
            "proposing": str(proposing.id),
            "cosigning": str(cosigning.id),
        },
        ballot_keys=[p.ballot_key for p in await service.ballot_options(voting)],
        cosign_targets=[str(p.id) for p in targets[1:]],
        hide_target=str(targets[0].id),
        invite=await invite_code(app),
        pk_columns=await primary_keys(backend, tables),
    )
    names = list(members)
    pre_made = names[:MEMBERS]
    voters = ["Member 00", "Member 01", "Member 02", "Member 03"]
    voters += rng.sample(pre_made[4:], VOTERS - len(voters))
    regular = voters[4:]
    pool = rng.sample(regular, PROPOSERS - 2 + COSIGNERS - 1)
    roles = {
        "leads": ["Member 00", "Member 01"],
        "changer": "Member 02",
        "recoverer": "Member 03",
        "newcomer": "Newcomer",
        "voters": voters,
        "revisers": rng.sample(regular, REVISERS),
        "proposers": pool[: PROPOSERS - 2],
        "cosigners": pool[PROPOSERS - 2 :],
        "browsers": [n for n in pre_made if n not in voters],
    }
    return journey, roles


async def run_journey(journey: Journey, roles: dict[str, Any]) -> list[tuple[str, str]]:
    visits = visits_of(journey, roles)
    order = linking.interleave_visits(visits, journey.rng)
    for name, step in order:
        await take_step(journey, journey.members[name], step)
    return order


def overlapping_sign_ins(order: list[tuple[str, str]]) -> int:
    """Votes with someone else's sign-in between the voter's own sign-in and the vote:
    how much the interleaving hides (the control links at best the others)."""
    last: dict[str, int] = {}
    hidden = 0
    for index, (name, step) in enumerate(order):
        if step in ("sign in", "recover", "join"):
            last[name] = index
        if step == "vote":
            between = order[last[name] + 1 : index]
            hidden += any(s in ("sign in", "recover", "join") for _, s in between)
    return hidden


# The copy -------------------------------------------------------------------------------------


@dataclass
class CopyRow:
    table: str
    key: str
    values: dict[str, Any]
    persons: set[str]
    xmin: int = 0
    xmax: int = 0
    ctid: tuple[int, int] = (0, 0)
    rowid: int = 0


@dataclass
class Copy:
    name: str  # "open" or "closed"
    rows: list[CopyRow]
    truth: dict[str, str]
    kind_of: dict[str, str]
    orders: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # method -> order
    # PostgreSQL
    tuples: list[dict[str, Any]] = field(default_factory=list)  # every heap tuple, dead too
    multis: dict[int, list[int]] = field(default_factory=dict)
    stats: dict[str, list[list[str]]] = field(default_factory=dict)
    wal: list[linking.WalRecord] = field(default_factory=list)
    wal_values: dict[str, list[int]] = field(default_factory=dict)  # row -> xids in the WAL
    log: list[str] = field(default_factory=list)
    # SQLite
    wal_first: dict[str, int] = field(default_factory=dict)
    wal_traces: list[Trace] = field(default_factory=list)
    # Read once per copy
    relfilenodes: dict[int, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # value naming a person -> person
    row_values: dict[str, set[str]] = field(default_factory=dict)  # row -> its own values


def names_of(journey: Journey) -> dict[str, str]:
    """Values that name a person -> the person: their id (as text, without dashes, as
    bytes in hex) and their pseudonym."""
    names = {}
    for member in journey.members.values():
        pid = member.person_id
        if pid:
            for form in (pid, pid.replace("-", ""), member.name):
                names[form] = pid
    return names


def long_values(values: dict[str, Any], shared: set[str]) -> set[str]:
    texts = set()
    for value in values.values():
        text = value.hex() if isinstance(value, bytes) else str(value) if value is not None else ""
        if len(text) >= 16 and text not in shared:
            texts.add(text)
    return texts


async def read_rows(journey: Journey) -> list[CopyRow]:
    names = names_of(journey)
    rows = []
    for table, pk in journey.pk_columns.items():
        if journey.backend == "postgres":
            found = await query(
                f"SELECT ctid::text AS _ctid, xmin::text AS _xmin, xmax::text AS _xmax, "
                f'row_to_json(t)::text AS _json FROM "{table}" t'
            )
            for raw in found:
                values = json.loads(raw["_json"])
                page, item = raw["_ctid"].strip("()").split(",")
                rows.append(
                    CopyRow(
                        table,
                        row_key(table, values, pk),
                        values,
                        linking.persons_named(values.values(), names),
                        xmin=int(raw["_xmin"]),
                        xmax=int(raw["_xmax"]),
                        ctid=(int(page), int(item)),
                    )
                )
        else:
            for values in await query(f'SELECT rowid AS _rowid, * FROM "{table}"'):
                rowid = values.pop("_rowid")
                values.setdefault("rowid", rowid)
                rows.append(
                    CopyRow(
                        table,
                        row_key(table, values, pk),
                        values,
                        linking.persons_named(values.values(), names),
                        rowid=rowid,
                    )
                )
    return rows


async def read_postgres(
    journey: Journey, copy: Copy, pg: asyncpg.Connection, wal: dict[str, Any]
) -> None:
    by_bytes = {
        bytes.fromhex(m.person_id.replace("-", "")): m.person_id for m in journey.members.values()
    }
    by_bytes |= {m.person_id.encode(): m.person_id for m in journey.members.values()}
    # Every tuple in every page, dead ones included: what the data files hold.
    for table in journey.pk_columns:
        found = await pg.fetch(
            f"""SELECT blk, lp, t_xmin::text::bigint AS xmin, t_xmax::text::bigint AS xmax,
                       t_infomask, t_data
                FROM generate_series(0, (pg_relation_size('"{table}"')
                     / current_setting('block_size')::int)::int - 1) AS blk,
                     LATERAL heap_page_items(get_raw_page('"{table}"', blk))
                WHERE lp_flags = 1"""
        )
        for t in found:
            data = bytes(t["t_data"] or b"")
            persons = {p for raw, p in by_bytes.items() if raw in data}
            multi = bool(t["t_infomask"] & 0x1000)
            copy.tuples.append(
                {
                    "table": table,
                    "ctid": (t["blk"], t["lp"]),
                    "xmin": t["xmin"],
                    "xmax": t["xmax"],
                    "multi": multi,
                    "persons": persons,
                }
            )
            if multi and t["xmax"] not in copy.multis:
                members = await pg.fetch(
                    "SELECT xid::text::bigint AS xid FROM pg_get_multixact_members($1::text::xid)",
                    str(t["xmax"]),
                )
                copy.multis[t["xmax"]] = [m["xid"] for m in members]
    # The order of a plain dump.
    url = postgres_url(str(wal["url"]), "postgresql")
    text, _ = run_tool("pg_dump", "--data-only", "--no-owner", url)
    copy.orders["dump order (pg_dump)"] = dump_order(text, journey.pk_columns)
    # pg_statistic, as it is and after ANALYZE.
    for when in ("as is", "after ANALYZE"):
        if when == "after ANALYZE":
            await pg.execute("ANALYZE")
        entries = await pg.fetch(
            "SELECT tablename, attname, most_common_vals::text AS common, "
            "histogram_bounds::text AS bounds FROM pg_stats WHERE schemaname = 'public'"
        )
        copy.stats[when] = [
            [e["tablename"], e["attname"], e["common"] or "", e["bounds"] or ""] for e in entries
        ]
    # The WAL since the journey began.
    end = await pg.fetchval("SELECT pg_current_wal_insert_lsn()::text")
    await pg.execute("SELECT pg_switch_wal()")
    waldump, problems = run_tool(
        "pg_waldump", "-p", str(wal["directory"] / "pg_wal"), "-s", wal["start"], "-e", end
    )
    copy.wal = linking.parse_waldump(waldump)
    print(f"{copy.name} copy: {len(copy.wal)} WAL records {problems.strip()[-120:]}")
    copy.multis |= {
        k: v for k, v in linking.multixact_members(copy.wal).items() if k not in copy.multis
    }
    # Where each anonymous row's own values sit in the WAL's bytes: which transaction wrote them.
    size = int(await pg.fetchval("SELECT setting FROM pg_settings WHERE name = 'wal_segment_size'"))
    segments = sorted(p for p in (wal["directory"] / "pg_wal").iterdir() if len(p.name) == 24)
    first = linking.lsn_number(wal["start"])
    shared = set(journey.rounds.values()) | {
        f"r{r.replace('-', '')[:12]}" for r in journey.rounds.values()
    }
    wanted = {
        row.key: long_values(row.values, shared) for row in copy.rows if row.key in copy.truth
    }
    last = linking.lsn_number(end)
    earliest: dict[str, list[tuple[int, int]]] = {}
    for path in segments:
        start = linking.segment_start(path.name, size)
        if start + size <= first or start > last:
            continue
        data = path.read_bytes()
        for key, values in wanted.items():
            for value in values:
                for match in re.finditer(re.escape(value.encode()), data):
                    if start + match.start() > last:
                        continue
                    record = linking.record_at(copy.wal, start + match.start())
                    if record is not None and record.xid:
                        earliest.setdefault(key, []).append((record.lsn, record.xid))
    # Only where each value was first written: later full-page images repeat it.
    copy.wal_values = {key: [min(found)[1]] for key, found in earliest.items()}


def run_tool(name: str, *arguments: str) -> tuple[str, str]:
    """Run one of PostgreSQL's programs (on PATH or where Debian puts them): its output."""
    found = shutil.which(name) or next(iter(Path("/usr/lib/postgresql").glob(f"*/bin/{name}")))
    done = subprocess.run([str(found), *arguments], capture_output=True, text=True, check=False)
    return done.stdout, done.stderr


def dump_order(text: str, pk_columns: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(table, row) in the order of a plain pg_dump's COPY blocks."""
    order = []
    table, columns = "", []
    for line in text.splitlines():
        head = re.match(r'^COPY public\.("?)(\w+)\1 \((.*)\) FROM stdin;$', line)
        if head:
            table = head.group(2)
            columns = [c.strip().strip('"') for c in head.group(3).split(",")]
            continue
        if line == "\\.":
            table = ""
            continue
        if table and table in pk_columns:
            values = dict(zip(columns, line.split("\t"), strict=False))
            order.append((table, row_key(table, values, pk_columns[table])))
    return order


def read_sqlite(journey: Journey, copy: Copy, folder: Path) -> None:
    """The files as they are: the -wal file first (reading the database may change it)."""
    names = names_of(journey)
    database = next(p for p in folder.iterdir() if p.name.endswith(".sqlite3"))
    wal_file = database.with_name(database.name + "-wal")
    wal_bytes = wal_file.read_bytes() if wal_file.exists() else b""
    main = database.read_bytes()
    shared = set(journey.rounds.values())
    wanted = {
        row.key: long_values(row.values, shared) for row in copy.rows if row.key in copy.truth
    }

    def named(values: list[object]) -> list[str]:
        texts = {v.hex() if isinstance(v, bytes) else str(v) for v in values if v is not None}
        keys = [key for key, mine in wanted.items() if mine and mine <= texts]
        people = linking.persons_named(values, names)
        return keys + [f"person:{p}" for p in people]

    frames = linking.sqlite_wal_frames(wal_bytes)
    first, every = linking.first_seen(frames, named)
    copy.wal_first = {k: v for k, v in first.items() if not k.startswith("person:")}
    copy.wal_traces = [
        Trace(k.removeprefix("person:"), at)
        for k, ats in every.items()
        if k.startswith("person:")
        for at in ats
    ]
    # File order: the cells of the database file, page by page.
    page_size = int.from_bytes(main[16:18], "big") or 65536
    order = []
    rows_by_rowid: dict[int, list[CopyRow]] = {}
    for row in copy.rows:
        rows_by_rowid.setdefault(row.rowid, []).append(row)
    for _, rowid, values in linking.sqlite_page_cells(main, page_size):
        texts = {v.hex() if isinstance(v, bytes) else str(v) for v in values if v is not None}
        for row in rows_by_rowid.get(rowid, []):
            mine = {
                v.hex() if isinstance(v, bytes) else str(v)
                for k, v in row.values.items()
                if v is not None and k != "rowid"
            }
            if mine and len(mine & texts) >= len(mine) - 1:
                order.append((row.table, row.key))
                break
    copy.orders["file order (pages, cells)"] = order
    # The order of a plain dump (.dump), read from a snapshot of the files.
    snapshot = folder / "dump-snapshot.sqlite3"
    snapshot.write_bytes(main)
    if wal_bytes:
        snapshot.with_name(snapshot.name + "-wal").write_bytes(wal_bytes)
    dumped = sqlite3.connect(snapshot)
    try:
        lines = list(dumped.iterdump())
    finally:
        dumped.close()
    keys_by_line = []
    by_table: dict[str, list[CopyRow]] = {}
    for row in copy.rows:
        by_table.setdefault(row.table, []).append(row)
    for line in lines:
        head = re.match(r'^INSERT INTO "?(\w+)"? VALUES\((.*)\);$', line)
        if not head:
            continue
        table = head.group(1)
        for row in by_table.get(table, []):
            pk = journey.pk_columns[table]
            if pk != ["rowid"] and all(
                f"'{row.values.get(c)}'" in line
                or f"({row.values.get(c)}," in line
                or f",{row.values.get(c)}," in line
                for c in pk
            ):
                keys_by_line.append((table, row.key))
                break
    copy.orders["dump order (.dump)"] = keys_by_line


# The linking methods -------------------------------------------------------------------------

Positions = dict[str, list[float]]
Linker = Callable[[Copy], tuple[Positions, list[Trace]]]


def anonymous(copy: Copy) -> list[CopyRow]:
    return [row for row in copy.rows if row.key in copy.truth]


def traced(copy: Copy) -> list[CopyRow]:
    return [row for row in copy.rows if row.persons]


def xids_of(copy: Copy, xmax: int, multi: bool | None, resolve: bool) -> list[int]:
    if not xmax:
        return []
    if multi:
        return copy.multis.get(xmax, []) if resolve else []
    return [xmax]


def multi_flags(copy: Copy) -> dict[tuple[str, tuple[int, int]], bool]:
    return {(t["table"], t["ctid"]): t["multi"] for t in copy.tuples}


def by_xid_live(copy: Copy) -> tuple[Positions, list[Trace]]:
    """xmin and xmax of the live rows, as SELECT shows them."""
    multi = multi_flags(copy)
    positions = {
        row.key: [
            row.xmin,
            *xids_of(copy, row.xmax, multi.get((row.table, row.ctid), False), False),
        ]
        for row in anonymous(copy)
    }
    traces = [
        Trace(p, x)
        for row in traced(copy)
        for x in [
            row.xmin,
            *xids_of(copy, row.xmax, multi.get((row.table, row.ctid), False), False),
        ]
        for p in row.persons
    ]
    return {k: [float(x) for x in v] for k, v in positions.items()}, traces


def by_multixact(copy: Copy) -> tuple[Positions, list[Trace]]:
    """Only what pg_multixact says: the members of every multixact in a person's xmax."""
    positions = {row.key: [float(row.xmin)] for row in anonymous(copy)}
    traces = [
        Trace(p, x)
        for t in copy.tuples
        if t["multi"] and t["persons"]
        for x in copy.multis.get(t["xmax"], [])
        for p in t["persons"]
    ]
    return positions, traces


def by_heap(copy: Copy) -> tuple[Positions, list[Trace]]:
    """Every tuple in the data files, dead ones included (pageinspect), with multixacts
    resolved to their members."""
    positions = {row.key: [float(row.xmin)] for row in anonymous(copy)}
    traces = [
        Trace(p, x)
        for t in copy.tuples
        if t["persons"]
        for x in [t["xmin"], *xids_of(copy, t["xmax"], t["multi"], True)]
        for p in t["persons"]
    ]
    return positions, traces


def wal_person_xids(copy: Copy) -> list[tuple[str, int]]:
    """(person, xid) for every write or lock the WAL shows on a tuple naming someone, and
    every xid that data files show on such tuples."""
    relfilenodes = {t["table"] for t in copy.tuples}
    at = {(t["table"], t["ctid"]): t["persons"] for t in copy.tuples if t["persons"]}
    tables_by_node = copy.relfilenodes
    found = [
        (p, x)
        for t in copy.tuples
        if t["persons"]
        for x in [t["xmin"], *xids_of(copy, t["xmax"], t["multi"], True)]
        for p in t["persons"]
    ]
    for record in copy.wal:
        table = tables_by_node.get(record.relfilenode or 0)
        if table in relfilenodes and record.block is not None and record.offset is not None:
            for person in at.get((table, (record.block, record.offset)), ()):
                found.append((person, record.xid))
    return found


def by_wal_order(copy: Copy) -> tuple[Positions, list[Trace]]:
    """The WAL's commit order (pg_waldump): anonymous rows by the commit of the transaction
    that wrote them or whose record holds their values; persons by every commit that wrote
    or locked a tuple naming them."""
    commits = linking.commit_order(copy.wal)
    positions = {}
    for row in anonymous(copy):
        xids = [row.xmin, *copy.wal_values.get(row.key, [])]
        positions[row.key] = [float(commits[x][0]) for x in xids if x in commits]
    traces = [Trace(p, float(commits[x][0])) for p, x in wal_person_xids(copy) if x in commits]
    return positions, traces


def by_wal_times(copy: Copy) -> tuple[Positions, list[Trace]]:
    """Commit times (pg_waldump) joined to every time the app stores about a person."""
    commits = linking.commit_order(copy.wal)
    positions = {}
    for row in anonymous(copy):
        xids = [row.xmin, *copy.wal_values.get(row.key, [])]
        positions[row.key] = [commits[x][1] for x in xids if x in commits]
    traces = [Trace(p, commits[x][1]) for p, x in wal_person_xids(copy) if x in commits]
    # Stored times, shifted by how far each column's times usually sit from the commit of
    # the transaction that wrote them (an expiry 30 minutes on, rounded...).
    offsets: dict[tuple[str, str], list[float]] = {}
    stored: list[tuple[tuple[str, str], str, float]] = []
    for row in traced(copy):
        for column, value in row.values.items():
            stamp = linking.as_float_time(value)
            if stamp is None:
                continue
            for person in row.persons:
                stored.append(((row.table, column), person, stamp))
            if row.xmin in commits:
                offsets.setdefault((row.table, column), []).append(stamp - commits[row.xmin][1])
    for where, person, stamp in stored:
        traces.append(Trace(person, stamp - linking.median(offsets.get(where, [0.0]))))
    return positions, traces


def by_server_log(copy: Copy) -> tuple[Positions, list[Trace]]:
    """The server's log: lines that hold an anonymous row's values, lines naming a person."""
    positions: Positions = {}
    traces = []
    names, values = copy.names, copy.row_values
    for line in copy.log:
        stamp = linking.log_time(line)
        if stamp is None:
            continue
        for person in linking.persons_named([line], names):
            traces.append(Trace(person, stamp))
        for key, mine in values.items():
            if any(v in line for v in mine):
                positions.setdefault(key, []).append(stamp)
    return positions, traces


def by_statistics(when: str) -> Linker:
    def method(copy: Copy) -> tuple[Positions, list[Trace]]:
        """pg_statistic's samples: an anonymous value and a person in one sample."""
        names, values = copy.names, copy.row_values
        positions: Positions = {}
        traces = []
        for index, entry in enumerate(copy.stats.get(when, [])):
            text = " ".join(entry[2:])
            for person in linking.persons_named([text], names):
                traces.append(Trace(person, float(index)))
            for key, mine in values.items():
                if any(v in text for v in mine):
                    positions.setdefault(key, []).append(float(index))
        return positions, traces

    return method


def by_order(name: str) -> Linker:
    def method(copy: Copy) -> tuple[Positions, list[Trace]]:
        """Order alone: each row's place within its own table, lined up across tables."""
        places = linking.table_positions(copy.orders.get(name, []))
        persons = {row.key: row.persons for row in traced(copy)}
        positions = {row.key: [places[row.key]] for row in anonymous(copy) if row.key in places}
        traces = [Trace(p, at) for key, at in places.items() for p in persons.get(key, ())]
        return positions, traces

    return method


def by_sqlite_wal(copy: Copy) -> tuple[Positions, list[Trace]]:
    """SQLite's -wal file: the commit (frame order) at which each row first appears."""
    positions = {key: [float(at)] for key, at in copy.wal_first.items() if key in copy.truth}
    return positions, copy.wal_traces


def order_by(
    copy: Copy, name: str, key: Callable[[CopyRow], Any], when: Callable[[CopyRow], bool]
) -> None:
    copy.orders[name] = [(row.table, row.key) for row in sorted(filter(when, copy.rows), key=key)]


ORDER_METHODS = {
    "physical order (ctid)",
    "dump order (pg_dump)",
    "sequences (serial ids)",
    "row order (rowid)",
    "dump order (.dump)",
    "file order (pages, cells)",
}


def postgres_methods() -> dict[str, Linker]:
    return {
        "xmin/xmax (live rows)": by_xid_live,
        "pg_multixact members": by_multixact,
        "heap tuples, dead too (pageinspect)": by_heap,
        "physical order (ctid)": by_order("physical order (ctid)"),
        "dump order (pg_dump)": by_order("dump order (pg_dump)"),
        "sequences (serial ids)": by_order("sequences (serial ids)"),
        "pg_statistic as is": by_statistics("as is"),
        "pg_statistic after ANALYZE": by_statistics("after ANALYZE"),
        "WAL commit order (pg_waldump)": by_wal_order,
        "WAL commit times x stored times": by_wal_times,
        "server log": by_server_log,
    }


def sqlite_methods() -> dict[str, Linker]:
    return {
        "row order (rowid)": by_order("row order (rowid)"),
        "sequences (serial ids)": by_order("sequences (serial ids)"),
        "dump order (.dump)": by_order("dump order (.dump)"),
        "file order (pages, cells)": by_order("file order (pages, cells)"),
        "WAL frames (-wal file)": by_sqlite_wal,
    }


def integer_id(row: CopyRow) -> bool:
    return isinstance(row.values.get("id"), int)


async def take_copy(
    journey: Journey,
    name: str,
    truth: dict[str, str],
    kind_of: dict[str, str],
    pg: asyncpg.Connection | None,
    wal: dict[str, Any],
    folder: Path,
) -> Copy:
    copy = Copy(name, await read_rows(journey), truth, kind_of)
    order_by(copy, "sequences (serial ids)", lambda r: (r.table, r.values["id"]), integer_id)
    if pg is not None:
        order_by(copy, "physical order (ctid)", lambda r: (r.table, r.ctid), lambda r: True)
        nodes = await pg.fetch(
            "SELECT relname, pg_relation_filenode(oid) AS node FROM pg_class "
            "WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'"
        )
        copy.relfilenodes = {n["node"]: n["relname"] for n in nodes}
        await read_postgres(journey, copy, pg, wal)
        copy.log = linking.server_log_lines(wal["log"], wal["log_start"])
    else:
        order_by(copy, "row order (rowid)", lambda r: (r.table, r.rowid), lambda r: True)
        read_sqlite(journey, copy, folder)
    shared = set(journey.rounds.values()) | {
        f"r{r.replace('-', '')[:12]}" for r in journey.rounds.values()
    }
    copy.names = names_of(journey)
    copy.row_values = {row.key: long_values(row.values, shared) for row in anonymous(copy)}
    return copy


def closed_truth(journey: Journey, open_copy: Copy, closed_rows: list[CopyRow]) -> dict[str, str]:
    """Whose each row left after close is: a clear ballot by its (unique) ranking, a counted
    receipt by the hash it shared with a receipt row of the open copy."""
    truth = {}
    by_ranking = {
        json.dumps(list(m.ranking)).replace(" ", ""): m.person_id
        for m in journey.members.values()
        if m.ranking
    }
    hashes = {}
    for row in open_copy.rows:
        if row.key in open_copy.truth:
            for value in row.values.values():
                if isinstance(value, str) and len(value) == 64:
                    hashes[value] = open_copy.truth[row.key]
    for row in closed_rows:
        if row.key in open_copy.truth:
            truth[row.key] = open_copy.truth[row.key]
            continue
        for value in row.values.values():
            text = str(value)
            raw = value if isinstance(value, bytes) else None
            if isinstance(value, str) and value.startswith("\\x"):
                with contextlib.suppress(ValueError):
                    raw = bytes.fromhex(value[2:])
            if raw is not None:
                text = raw.decode(errors="replace")
            for ranking, person in by_ranking.items():
                if ranking in text.replace(" ", "") and row.table.endswith("clear_ballot"):
                    truth[row.key] = person
            if isinstance(value, str) and value in hashes and row.table.endswith("receipt"):
                truth[row.key] = hashes[value]
    return truth


def score_copy(
    copy: Copy,
    methods: dict[str, Linker],
    journey: Journey,
    staged: set[str],
) -> list[Score]:
    candidates = sorted(m.person_id for m in journey.members.values())
    scores = []
    for index, (name, method) in enumerate(methods.items()):
        positions, traces = method(copy)
        for kind in KINDS:
            rows = {k: positions.get(k, []) for k, v in copy.kind_of.items() if v == kind}
            rows = {k: v for k, v in rows.items() if k in copy.truth}
            if not rows:
                continue
            # One random order per method, copy and kind breaks every tie.
            rng = random.Random(f"{SEED}/{copy.name}/{index}/{kind}")
            rankings, decided = linking.rank_by_proximity(rows, traces, candidates, rng)
            # Order alone lines up tables on no common clock: every first place there is
            # "decided" but by chance, so only (a) and (b) judge it, not (c).
            checked = set() if name in ORDER_METHODS else staged & journey.acted[kind]
            scores.append(
                linking.score_rankings(
                    name,
                    copy.name,
                    kind,
                    rankings,
                    copy.truth,
                    journey.acted[kind],
                    candidates,
                    checked,
                    rng,
                    decided,
                )
            )
    return scores


# The test ----------------------------------------------------------------------------------


@pytest.mark.parametrize("control", [False, True], ids=["real", "control"])
async def test_a_copy_of_the_database_links_nobody(
    backend: str,
    own_database: tuple[str, Path],
    tmp_path: Path,
    control: bool,
) -> None:
    began = time.monotonic()
    url, folder = own_database
    folder.mkdir(exist_ok=True)
    print(f"\nseed {SEED} (CHORUS_LINKING_SEED), backend {backend}, control {control}")
    settings = await logged_chorus(url, tmp_path / "keys")
    app = create_app(settings)
    rng = random.Random(SEED)
    pg = None
    wal: dict[str, Any] = {"url": url}
    async with LifespanManager(app):
        journey, roles = await set_up(app, backend, control, rng)
        if backend == "postgres":
            pg = await asyncpg.connect(postgres_url(url, "postgresql"))
            await pg.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
            wal["directory"] = await local_data_directory(pg)
            await fresh_wal_segment(pg)
            wal["start"] = await pg.fetchval("SELECT pg_current_wal_insert_lsn()::text")
            wal["database"] = await pg.fetchval("SELECT current_database()")
            wal["log"] = server_log_path(await pg.fetchval("SELECT pg_current_logfile()"))
            wal["log_start"] = wal["log"].stat().st_size
            rollbacks = await rollback_count(pg)
            # A replica or an archive would keep the WAL: so does this slot, for the copy
            # after close (a checkpoint would otherwise recycle the journey's segments).
            wal["slot"] = f"linking_{wal['start'].replace('/', '_').lower()}"
            await pg.execute("SELECT pg_create_physical_replication_slot($1, true)", wal["slot"])
        try:
            order = await run_journey(journey, roles)
            journeyed = time.monotonic() - began
            print(
                f"journey: {len(order)} steps in {journeyed:.1f} s; "
                f"{overlapping_sign_ins(order)} of {len(journey.acted[VOTING])} voters had "
                "someone else sign in between their own sign-in and their vote"
            )
            staged = {
                journey.members[n].person_id
                for n in ("Member 00", "Member 01", "Member 02", "Member 03", "Newcomer")
            }
            if pg is not None:
                lines = linking.server_log_lines(wal["log"], wal["log_start"])
                errors = linking.database_errors(lines, wal["database"])
                rolled_back = await rollback_count(pg) - rollbacks
                print(
                    f"database errors logged during the journey: {len(errors)}; "
                    f"transactions rolled back: {rolled_back}"
                )
            else:
                errors, rolled_back = [], 0

            open_copy = await take_copy(
                journey, "open", dict(journey.truth), dict(journey.kind_of), pg, wal, folder
            )
            methods = postgres_methods() if pg is not None else sqlite_methods()
            scores = score_copy(open_copy, methods, journey, staged)

            voting_round = await Round.get(id=journey.rounds["voting"])
            await advance_to(app, voting_round, Phase.CLOSED)
            closed_rows = await read_rows(journey)
            truth = closed_truth(journey, open_copy, closed_rows)
            kind_of = {k: open_copy.kind_of.get(k, VOTING) for k in truth}
            closed = await take_copy(journey, "closed", truth, kind_of, pg, wal, folder)
            scores += score_copy(closed, methods, journey, staged)
        finally:
            if pg is not None:
                await pg.execute("SELECT pg_drop_replication_slot($1)", wal["slot"])
                await pg.close()
            for member in journey.members.values():
                await member.browser.aclose()

    labels = {m.person_id: m.name for m in journey.members.values()}
    for s in scores:
        s.staged_first = [labels.get(p, p) for p in s.staged_first]
    print(linking.score_table(scores))
    print(f"run time {time.monotonic() - began:.1f} s")
    if control:
        first_method = next(iter(methods))
        linked = max(
            s.linked
            for s in scores
            if s.method == first_method and s.kind == VOTING and s.copy == "open"
        )
        if backend == "postgres":
            assert linked >= 25, f"the control links {linked} of 30 voters by xmin"
        else:
            best = max((s.linked for s in scores if s.kind == VOTING), default=0)
            assert any(not s.passed for s in scores), "the control is linked by some method"
            print(f"the control: at best {best} voters linked on SQLite")
        return
    assert not errors, "no database error during the journey:\n" + "\n".join(errors[:10])
    assert rolled_back == 0, f"{rolled_back} transactions rolled back during the journey"
    failed = [s for s in scores if not s.passed]
    assert not failed, "a copy of the database links people:\n" + linking.score_table(failed)


def server_log_path(current: str | None) -> Path:
    if current:
        return (
            Path(current) if Path(current).is_absolute() else Path("/var/lib/postgresql") / current
        )
    found = sorted(Path("/var/log/postgresql").glob("postgresql-*.log"))
    if not found:
        pytest.skip("the server's log is not readable here")
    return found[-1]


async def rollback_count(pg: asyncpg.Connection) -> int:
    await asyncio.sleep(1.1)  # statistics reach the view at most once a second
    await pg.execute("SELECT pg_stat_clear_snapshot()")
    value = await pg.fetchval(
        "SELECT xact_rollback FROM pg_stat_database WHERE datname = current_database()"
    )
    return int(value)
