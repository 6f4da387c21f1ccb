"""No routine route of any domain writes or locks a row that names a person (DESIGN.md,
anonymity point 2), proved on PostgreSQL with triggers.

Every domain names its person tables and its routine routes (chorus.domain.Domain).
Triggers on every person table log each row written; before and after each request
the test also reads every person row's xmin and xmax, which a lock (SELECT ... FOR
UPDATE, or the KEY SHARE lock a foreign key takes) would change. Then one member
drives every routine route of every domain, one after another, each with input that
really does what the route is for. A routine route without a driver here fails the
test, so a domain cannot add one unchecked.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from asgi_lifespan import LifespanManager

from chorus.app import DOMAINS, create_app
from chorus.database import postgres_url
from chorus.roles import Role
from governance.service.charter import set_charter_value
from governance.service.inbox import send_notice
from proposals import service
from proposals.models import Method, Phase, Proposal, Round
from tests.common.dumps import logged_chorus
from tests.common.forms import csrf_token
from tests.common.people import make_person, sign_in
from tests.common.rounds import RECEIPT, add_proposal, advance_to, spec
from tests.conftest import BASE_URL

PERSON_TABLES = sorted({table for domain in DOMAINS for table in domain.person_tables})
ROUTINE = {name for domain in DOMAINS for name in domain.routine_routes}

PETITION_FORM = {
    "question": "Should the network open a night shelter?",
    "purpose": "priority",
    "method": "approval",
    "voters": "members",
    "cosignatures_needed": "0",
    "allows_revision": "yes",
}


@dataclass
class Stage:
    """What the member's routine acts work on, set up beforehand."""

    browser: httpx.AsyncClient
    proposing: Round
    voting: Round
    closed: Round
    petition: Round
    others: Proposal  # someone else's proposal, in a round that takes co-signatures
    notices: list[int]
    ballot_key: str
    receipt: str = ""
    mine: str = ""  # the member's own proposal, once made
    page: str = ""  # the last page, for its links


def client_of(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url=BASE_URL,
        headers={"sec-fetch-site": "same-origin"},
    )


async def post_form(browser: httpx.AsyncClient, page: str, action: str, **fields: Any) -> int:
    token = csrf_token(await browser.get(page))
    answer = await browser.post(action, data={"csrf_token": token, **fields})
    return answer.status_code


async def get(browser: httpx.AsyncClient, path: str) -> int:
    return (await browser.get(path)).status_code


def days(start: int) -> dict[str, str]:
    today = datetime.now(UTC).date()
    return {
        "proposing_ends": (today + timedelta(days=start)).isoformat(),
        "cosigning_ends": (today + timedelta(days=start + 3)).isoformat(),
        "voting_ends": (today + timedelta(days=start + 6)).isoformat(),
    }


async def propose(stage: Stage) -> int:
    round_id = stage.proposing.id
    status = await post_form(
        stage.browser,
        f"/rounds/{round_id}/propose",
        f"/rounds/{round_id}/propose",
        title="Rooms near the bus station",
        description="For people who just got out.",
        forms_of_trafficking=["labour_exploitation"],
        oppression_categories=["poverty"],
    )
    stage.mine = str((await Proposal.get(title="Rooms near the bus station")).id)
    return status


async def vote(stage: Stage) -> int:
    path = f"/rounds/{stage.voting.id}/ballot"
    ballot = await stage.browser.get(path)
    fields = {"choice": stage.ballot_key, "csrf_token": csrf_token(ballot)}
    review = await stage.browser.post(path, data=fields)
    assert review.status_code == 200, review.text
    return review.status_code


async def confirm(stage: Stage) -> int:
    path = f"/rounds/{stage.voting.id}/ballot"
    review = await stage.browser.post(
        path,
        data={"choice": stage.ballot_key, "csrf_token": csrf_token(await stage.browser.get(path))},
    )
    cast = await stage.browser.post(
        f"{path}/confirm", data={"choice": stage.ballot_key, "csrf_token": csrf_token(review)}
    )
    found = RECEIPT.search(cast.text)
    assert found, cast.text[-600:]
    stage.receipt = found.group(1)
    return cast.status_code


async def static_file(stage: Stage) -> int:
    home = await stage.browser.get("/")
    found = re.search(r'(/static/[0-9a-f]+/[^"]+)"', home.text)
    assert found, "the home page links a static file"
    return await get(stage.browser, found.group(1))


async def sign_in_again(stage: Stage) -> int:
    return (await sign_in(stage.browser, "Amina")).status_code


async def sign_in_on_own_device(stage: Stage) -> int:
    """Signing in with "This is my own device" ticked, then a wrong try and a right one
    from that device (counted in the rate limiter, written nowhere)."""
    assert (await sign_in(stage.browser, "Amina", own_device=True)).status_code == 303
    assert stage.browser.cookies.get("__Host-device")
    assert await post_form(stage.browser, "/account", "/sign-out") == 303
    assert (await sign_in(stage.browser, "Amina", "not the passphrase")).status_code == 400
    return await sign_in_again(stage)


async def leave(stage: Stage) -> int:
    """Quick exit, signed in again first (signing out came just before)."""
    assert await sign_in_again(stage) == 303
    return await get(stage.browser, "/exit")


# In the order a member might use them: signing in first, leaving last.
DRIVERS: list[tuple[str, Callable[[Stage], Awaitable[int]]]] = [
    ("sign_in", sign_in_on_own_device),
    ("home", lambda s: get(s.browser, "/")),
    ("privacy", lambda s: get(s.browser, "/privacy")),
    ("static", static_file),
    ("language", lambda s: post_form(s.browser, "/", "/language", language="fr", next="/")),
    ("account", lambda s: get(s.browser, "/account")),
    ("charter", lambda s: get(s.browser, "/charter")),
    ("inbox", lambda s: get(s.browser, "/inbox")),
    ("notice", lambda s: get(s.browser, f"/inbox/{s.notices[0]}")),
    ("notice_read", lambda s: post_form(s.browser, "/inbox", f"/inbox/{s.notices[0]}/read")),
    ("notice_delete", lambda s: post_form(s.browser, "/inbox", f"/inbox/{s.notices[1]}/delete")),
    ("rounds", lambda s: get(s.browser, "/rounds")),
    ("round", lambda s: get(s.browser, f"/rounds/{s.proposing.id}")),
    (
        "petition_new",
        lambda s: post_form(
            s.browser, "/rounds/petition", "/rounds/petition", **PETITION_FORM, **days(5)
        ),
    ),
    (
        "petition_sign",
        lambda s: post_form(s.browser, f"/rounds/{s.petition.id}", f"/rounds/{s.petition.id}/sign"),
    ),
    ("propose", propose),
    ("proposal", lambda s: get(s.browser, f"/proposals/{s.others.id}")),
    ("your_proposals", lambda s: get(s.browser, "/proposals/yours")),
    (
        "edit",
        lambda s: post_form(
            s.browser,
            f"/proposals/{s.mine}/edit",
            f"/proposals/{s.mine}/edit",
            title="Rooms near the train station",
            description="For people who just got out, and their children.",
        ),
    ),
    (
        "withdraw",
        lambda s: post_form(
            s.browser, f"/proposals/{s.mine}/withdraw", f"/proposals/{s.mine}/withdraw"
        ),
    ),
    (
        "cosign",
        lambda s: post_form(
            s.browser, f"/proposals/{s.others.id}", f"/proposals/{s.others.id}/cosign"
        ),
    ),
    ("ballot", vote),
    ("ballot_confirm", confirm),
    ("results", lambda s: get(s.browser, f"/rounds/{s.closed.id}/results")),
    ("results_csv", lambda s: get(s.browser, f"/rounds/{s.closed.id}/results.csv")),
    ("results_json", lambda s: get(s.browser, f"/rounds/{s.closed.id}/results.json")),
    (
        "results_check",
        lambda s: post_form(
            s.browser,
            f"/rounds/{s.closed.id}/results",
            f"/rounds/{s.closed.id}/results/check",
            receipt="no such receipt",
        ),
    ),
    ("stay_signed_in", lambda s: post_form(s.browser, "/account", "/stay-signed-in")),
    ("sign_out", lambda s: post_form(s.browser, "/account", "/sign-out")),
    ("exit", leave),
]


def test_every_routine_route_has_a_driver():
    assert {name for name, _ in DRIVERS} == ROUTINE


def test_every_domain_names_its_person_tables_and_they_exist():
    assert "governance_person" in PERSON_TABLES
    assert "governance_credential" in PERSON_TABLES


@dataclass
class Watch:
    """The triggers' log, and every person row's transaction ids, read on a connection of
    the test's own (outside the app's pool)."""

    pg: asyncpg.Connection
    rows: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)

    async def install(self) -> None:
        await self.pg.execute(
            """
            CREATE TABLE routine_write_log (tbl text, op text);
            CREATE FUNCTION routine_write() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO routine_write_log VALUES (TG_TABLE_NAME, TG_OP);
                RETURN NULL;
            END $$;
            """
        )
        for table in PERSON_TABLES:
            await self.pg.execute(
                f"CREATE TRIGGER routine_write AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION routine_write();"
                f"CREATE TRIGGER routine_truncate AFTER TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION routine_write();"
            )

    async def person_rows(self) -> dict[str, list[tuple[str, str, str]]]:
        found = {}
        for table in PERSON_TABLES:
            rows = await self.pg.fetch(
                f"SELECT ctid::text, xmin::text, xmax::text FROM {table} ORDER BY ctid"
            )
            found[table] = [(row[0], row[1], row[2]) for row in rows]
        return found

    async def writes(self) -> list[tuple[str, str]]:
        rows = await self.pg.fetch("SELECT tbl, op FROM routine_write_log")
        await self.pg.execute("DELETE FROM routine_write_log")
        return [(row[0], row[1]) for row in rows]


async def test_no_routine_route_writes_or_locks_a_person_row(
    backend: str, own_database: tuple[str, Path], tmp_path: Path
):
    if backend != "postgres":
        pytest.skip("triggers and xmax: PostgreSQL only (SQLite has neither)")
    url, _ = own_database
    settings = await logged_chorus(url, tmp_path / "keys")
    app = create_app(settings)
    async with LifespanManager(app):
        amina = await make_person(app, "Amina")
        bao = await make_person(app, "Bao")
        await make_person(app, "Lena", Role.LEAD)
        notices = [(await send_notice(amina.person, "account", "/account")).id for _ in range(2)]
        proposing = await service.open_round(spec(Method.APPROVAL))
        await add_proposal(app, proposing, "Legal help", author=bao.person.id)
        cosigning = await service.open_round(spec(Method.APPROVAL, question="What else?"))
        others = await add_proposal(app, cosigning, "Language classes", author=bao.person.id)
        await advance_to(app, cosigning, Phase.COSIGNING)
        voting = await service.open_round(spec(Method.APPROVAL, question="Which first?"))
        option = await add_proposal(app, voting, "Housing")
        await add_proposal(app, voting, "Jobs")
        voting = await advance_to(app, voting, Phase.VOTING)
        # A round with one ballot (Bao's), and a charter that shows counts from one.
        await set_charter_value("results_threshold", 1)
        closed = await service.open_round(spec(Method.APPROVAL, question="Which before?"))
        counted = await add_proposal(app, closed, "Health care")
        closed = await advance_to(app, closed, Phase.VOTING)
        async with client_of(app) as bao_browser:
            await sign_in(bao_browser, "Bao")
            path = f"/rounds/{closed.id}/ballot"
            review = await bao_browser.post(
                path,
                data={
                    "choice": (await Proposal.get(id=counted.id)).ballot_key,
                    "csrf_token": csrf_token(await bao_browser.get(path)),
                },
            )
            fields = {"choice": (await Proposal.get(id=counted.id)).ballot_key}
            cast = await bao_browser.post(
                f"{path}/confirm", data={"csrf_token": csrf_token(review), **fields}
            )
            assert RECEIPT.search(cast.text), "Bao's ballot was cast"
        closed = await advance_to(app, closed, Phase.CLOSED)
        petition = await service.start_petition(
            spec(Method.APPROVAL, question="A petition of Bao's"),
            settings.key_directory,
            bao.person.id,
            5,
        )
        browser = client_of(app)
        stage = Stage(
            browser,
            proposing,
            voting,
            closed,
            petition,
            others,
            notices,
            (await Proposal.get(id=option.id)).ballot_key,
        )
        pg = await asyncpg.connect(postgres_url(url, "postgresql"))
        try:
            watch = Watch(pg)
            await watch.install()
            before = await watch.person_rows()
            assert before["governance_person"], "there are people to watch"
            for name, drive in DRIVERS:
                status = await drive(stage)
                assert status < 400, f"{name} answered {status}"
                assert await watch.writes() == [], f"{name} wrote a person row"
                after = await watch.person_rows()
                assert after == before, f"{name} wrote or locked a person row"
            assert stage.receipt, "the member's ballot was cast"

            # The controls: the watch sees a write (signing out everywhere, a rare
            # explicit act, moves the credentials' counter) and a lock (a foreign key's).
            assert await sign_in_again(stage) == 303
            everywhere = await post_form(stage.browser, "/account", "/sign-out-everywhere")
            assert everywhere < 400
            assert ("governance_credential", "UPDATE") in await watch.writes()
            before = await watch.person_rows()
            async with pg.transaction():
                await pg.execute("SELECT 1 FROM governance_person LIMIT 1 FOR KEY SHARE")
            assert await watch.person_rows() != before, "a lock changes a row's xmax"
        finally:
            await pg.close()
            await browser.aclose()
