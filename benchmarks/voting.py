"""Ballots cast per second over HTTP on PostgreSQL; the ballot and results pages next to bare
pages of the same size.

Three measurements, each next to a bare baseline measured in the same run:

1. Casting, on PostgreSQL. The real app (create_app) on a new, migrated
   database on the server given by --database-url, else CHORUS_BENCH_DATABASE_URL,
   else CHORUS_TEST_DATABASE_URL (none of them: this part is skipped, and says
   so), with a round in its voting phase: 10 proposals, ranked (Schulze).
   Members join and sign in through /sign-in, then each opens the ballot page
   for its CSRF token; passphrases are stretched with argon2id's "test" cost
   profile, for this setting up only (nothing measured stretches one). Then the
   confirm step, POST /rounds/{id}/ballot/confirm, which seals and stores the
   ballot, is sent once for every member: several in flight at a time
   (--concurrency), in this one process, by the minimal ASGI driver of
   benchmarks/home.py (no server, no HTTP client), each with the member's
   session cookie and token and a ranking from benchmarks/tally.py's seeded
   generator. Every answer must be a 200 showing a ballot receipt, and every
   ballot must be stored. The bare baseline: a bare Starlette endpoint that
   reads the same form and does one INSERT into a scratch table of the same
   database, through an asyncpg pool as large as the app's (5 connections),
   driven the same way. After a warm-up the two take turns for several rounds
   (new members each round); the medians are reported.
   Target: at least 300 ballots per second.
2. The ballot page (GET /rounds/{id}/ballot, signed in, not voted yet) and
3. the results page (GET /rounds/{id}/results, signed in) of a closed round of
   30 ballots, on SQLite (a temporary file), exactly as benchmarks/home.py
   measures the home page: next to a bare Starlette+Jinja page whose template is
   the page's own HTML. The 30 members who voted take turns, each with their own
   session cookie. Target: at least 40 % of the bare rate. Pages are reused
   from the app's memo (chorus/memo.py: read and rendered at most once a second
   for everyone with the same roles); for information, the same page is also
   timed with the memo off (CHORUS_MEMO_SECONDS=0: every request reads its
   session and data and renders the page), which is what the first request
   after any change costs.

    uv run python -m benchmarks.voting [--database-url URL] [--quick] [--in-flight N] [--check]

--quick: fewer ballots and requests (half a minute's less waiting, rougher figures).
Without a PostgreSQL server the casting part is skipped: the exit code is 0 unless --check.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp
from tortoise.backends.base.executor import EXECUTOR_CACHE

from anonymity.models import SealedBallot
from benchmarks.anonymity import scratch_postgres
from benchmarks.home import (
    Header,
    Rates,
    Result,
    call,
    chorus_app,
    compare,
    comparison,
    csrf_token_in,
    get,
    rate,
    rates,
    running,
    verdict,
)
from benchmarks.tally import rankings
from chorus.database import postgres_url
from chorus.memo import Memo, changed
from chorus.roles import Role
from chorus.services import services
from governance.identity.cookies import COOKIE
from governance.identity.keyring import Keyring
from governance.identity.service.accounts import Secrets, join
from governance.identity.service.invites import create_invite
from governance.service.charter import Charter
from proposals import service
from proposals.models import Method, Phase, Purpose, Round, Voters
from proposals.service import ProposalServices

TARGET_BALLOTS_PER_SECOND = 300.0
PASSPHRASE = "a benchmark passphrase"  # every member's, on a throw-away database
QUESTION = "What should the network work on first?"
PRIORITIES = (
    "Safe housing",
    "Legal help",
    "Jobs with fair pay",
    "Wages paid on time",
    "Papers kept by the worker",
    "Language classes",
    "Health care without questions",
    "Childcare during meetings",
    "Peer support groups",
    "Transport to appointments",
)
RESULTS_BALLOTS = 30  # in the closed round whose results page is measured
BARE_POOL_SIZE = 5  # Tortoise's default pool for asyncpg, which the app uses
FORM = (b"content-type", b"application/x-www-form-urlencoded")
RECEIPT = 'id="ballot-receipt"'
DATABASE_VARIABLES = ("CHORUS_BENCH_DATABASE_URL", "CHORUS_TEST_DATABASE_URL")


def database_server(given: str | None = None) -> str | None:
    """The PostgreSQL server to make the casting database on, if one is given."""
    return given or next(filter(None, map(os.environ.get, DATABASE_VARIABLES)), None)


@contextlib.contextmanager
def fresh_sql() -> Iterator[None]:
    """Tortoise keeps each model's INSERT and DELETE statements per connection name for
    the whole process, and the app always names its connection "default": what it
    wrote for SQLite must not reach PostgreSQL, nor the other way round."""
    EXECUTOR_CACHE.clear()
    try:
        yield
    finally:
        EXECUTOR_CACHE.clear()


# --- Setting up: a round in its voting phase, members signed in --------------------------------


async def voting_round(app: Starlette) -> tuple[Round, list[str]]:
    """A ranked round of 10 proposals, moved on by hand to voting; its ballot keys."""
    today = datetime.now(UTC).date()
    ends = (today + timedelta(weeks=week) for week in (1, 2, 3))
    spec = service.RoundSpec(
        QUESTION, Purpose.PRIORITY, "", Method.SCHULZE, 0, Voters.MEMBERS, 0, True, *ends
    )
    round_ = await service.open_round(spec)
    lookup_key = services(app).of(Keyring).secrets.lookup_key
    for title in PRIORITIES:
        why = f"{title}: several of us asked for it this year. It would change our lives."
        text = service.ProposalText(title, why, [], [])
        await service.submit_proposal(round_, text, lookup_key, uuid.uuid4())
    while round_.phase != Phase.VOTING:
        await service.advance(
            round_,
            services(app).settings.key_directory,
            services(app).of(ProposalServices).electorate,
        )
    return round_, [proposal.ballot_key for proposal in await service.ballot_options(round_)]


async def sign_in(app: ASGIApp, state: dict[str, Any], pseudonym: str) -> Header:
    """Sign in through /sign-in, as a browser would; the session cookie to send back."""
    page = await get(app, state, "/sign-in")
    form = {"csrf_token": csrf_token_in(page.html), "pseudonym": pseudonym}
    body = urlencode(form | {"passphrase": PASSPHRASE}).encode()
    answer = await call(app, state, "POST", "/sign-in", [FORM], body)
    cookie = answer.headers.get("set-cookie", "").split(";", 1)[0]
    if answer.status != 303 or not cookie.startswith(f"{COOKIE}="):
        raise RuntimeError(f"{pseudonym} could not sign in ({answer.status})")
    return (b"cookie", cookie.encode())


async def members(app: Starlette, state: dict[str, Any], count: int, name: str) -> list[Header]:
    """`count` new members, each signed in: their session cookies."""
    secrets: Secrets = services(app).of(Keyring).secrets
    cookies = []
    for index in range(count):
        pseudonym = f"{name} {index}"
        invite = await create_invite(
            None, Role.MEMBER, Charter(), secrets.lookup_key, key_directory=secrets.key_directory
        )
        await join(invite.code, pseudonym, PASSPHRASE, PASSPHRASE, secrets)
        cookies.append(await sign_in(app, state, pseudonym))
    return cookies


@dataclass(frozen=True)
class Post:
    path: str
    headers: list[Header]
    body: bytes


async def confirms(
    app: ASGIApp, state: dict[str, Any], round_: Round, keys: list[str], cookies: list[Header]
) -> list[Post]:
    """Each member's confirm step: their token from the ballot page, and a ranking, every
    rank field sent (empty when unranked) as the browser sends the form."""
    ballot = f"/rounds/{round_.id}/ballot"
    posts = []
    for cookie, ranking in zip(cookies, rankings(len(cookies), keys), strict=True):
        page = await get(app, state, ballot, [cookie])
        if page.status != 200:
            raise RuntimeError(f"the ballot page answered {page.status}")
        places = {key: str(place) for place, key in enumerate(ranking, start=1)}
        fields = [("csrf_token", csrf_token_in(page.html))]
        fields += [(f"rank-{key}", places.get(key, "")) for key in keys]
        posts.append(Post(f"{ballot}/confirm", [FORM, cookie], urlencode(fields).encode()))
    return posts


async def send(app: ASGIApp, state: dict[str, Any], posts: Sequence[Post], in_flight: int) -> float:
    """Requests per second: every post sent, `in_flight` at a time; each answer must be a 200
    showing a ballot receipt."""
    waiting = iter(posts)

    async def sender() -> None:
        for post in waiting:  # shared: each post is taken by one sender
            answer = await call(app, state, "POST", post.path, post.headers, post.body)
            if answer.status != 200 or RECEIPT not in answer.html:
                raise RuntimeError(f"{post.path} answered {answer.status} without a receipt")

    start = time.perf_counter()
    await asyncio.gather(*(sender() for _ in range(in_flight)))
    return len(posts) / (time.perf_counter() - start)


# --- 1. Casting on PostgreSQL, next to one bare INSERT -----------------------------------------


@contextlib.asynccontextmanager
async def bare_insert_app(url: str) -> AsyncIterator[tuple[Starlette, Any]]:
    """One route that reads the form and INSERTs one row; no middleware. And its pool."""
    pool = await asyncpg.create_pool(
        postgres_url(url, "postgresql"), min_size=1, max_size=BARE_POOL_SIZE
    )
    try:
        await pool.execute("CREATE TABLE bench_ballot (id uuid PRIMARY KEY, content bytea)")

        async def store(request: Request) -> Response:
            form = await request.form()
            content = json.dumps(sorted(form.multi_items())).encode()
            await pool.execute(
                "INSERT INTO bench_ballot (id, content) VALUES ($1, $2)", uuid.uuid4(), content
            )
            return HTMLResponse(f"<code {RECEIPT}>stored</code>")

        yield Starlette(routes=[Route("/", store, methods=["POST"])]), pool
    finally:
        await pool.close()


@dataclass
class Casting(Rates):
    server: str
    ballots: int  # per round
    rounds: int
    warmup: int
    in_flight: int
    setup_seconds: float
    stored: int = 0
    bare_stored: int = 0

    @property
    def members(self) -> int:
        return self.warmup + self.rounds * self.ballots

    @property
    def passed(self) -> bool:
        stored = self.stored == self.bare_stored == self.members
        return stored and self.chorus_rate >= TARGET_BALLOTS_PER_SECOND


@dataclass
class Sender:
    app: ASGIApp
    state: dict[str, Any]
    posts: list[Post]
    rates: list[float]

    async def run(self, batch: slice, in_flight: int) -> float:
        return await send(self.app, self.state, self.posts[batch], in_flight)


async def casting(
    server: str, ballots: int = 200, rounds: int = 3, warmup: int = 40, in_flight: int = 16
) -> Casting:
    start = time.perf_counter()
    async with scratch_postgres(server) as url:
        with tempfile.TemporaryDirectory(prefix="chorus-benchmark-") as directory, fresh_sql():
            chorus = await chorus_app(Path(directory), database_url=url, passphrase_profile="test")
            async with running(chorus) as state, bare_insert_app(url) as (bare, pool):
                # Members first: who may vote is fixed when voting opens.
                cookies = await members(chorus, state, warmup + rounds * ballots, "Member")
                round_, keys = await voting_round(chorus)
                posts = await confirms(chorus, state, round_, keys, cookies)
                run = Casting(
                    chorus_rates=[],
                    bare_rates=[],
                    server=urlsplit(server).netloc.rsplit("@", 1)[-1],
                    ballots=ballots,
                    rounds=rounds,
                    warmup=warmup,
                    in_flight=in_flight,
                    setup_seconds=time.perf_counter() - start,
                )
                senders = [
                    Sender(chorus, state, posts, run.chorus_rates),
                    Sender(bare, {}, [Post("/", p.headers, p.body) for p in posts], run.bare_rates),
                ]
                for sender in senders:
                    await sender.run(slice(0, warmup), in_flight)
                for number in range(rounds):
                    batch = slice(warmup + number * ballots, warmup + (number + 1) * ballots)
                    # Alternate who goes first, so neither always runs on a warmer machine.
                    for sender in senders if number % 2 == 0 else senders[::-1]:
                        sender.rates.append(await sender.run(batch, in_flight))
                run.stored = await SealedBallot.filter(round_id=str(round_.id)).count()
                run.bare_stored = await pool.fetchval("SELECT count(*) FROM bench_ballot")
    return run


def casting_report(run: Casting | None) -> list[str]:
    if run is None:
        return [
            "casting on PostgreSQL: skipped, no server given (--database-url, "
            f"or {' or '.join(DATABASE_VARIABLES)})",
        ]
    return [
        f"casting on PostgreSQL ({run.server}, a new database): {run.members} members signed "
        f"in, one round ranked by Schulze over {len(PRIORITIES)} options "
        f"(set up in {run.setup_seconds:.0f} s)",
        f"  confirm step (POST /rounds/{{id}}/ballot/confirm), one process, {run.in_flight} "
        f"in flight: {run.ballots} ballots per round, {run.rounds} rounds, {run.warmup} warm-up",
        f"  Chorus: {run.chorus_rate:.0f} ballots/s ({rates(run.chorus_rates)})",
        f"  bare Starlette endpoint, form + one INSERT (asyncpg, pool of {BARE_POOL_SIZE}): "
        f"{run.bare_rate:.0f} req/s ({rates(run.bare_rates)})",
        f"  ratio: {run.percent:.1f} % of the bare rate (for information)",
        f"  every answer a 200 with a receipt; stored: {run.stored} sealed ballots, "
        f"{run.bare_stored} bare rows, of {run.members}",
        f"  target: at least {TARGET_BALLOTS_PER_SECOND:.0f} ballots/s → "
        + ("PASS" if run.passed else "FAIL"),
    ]


# --- 2 and 3. The ballot and results pages, on SQLite ------------------------------------------


@dataclass
class Pages:
    ballot: Result
    results: Result
    ballot_unremembered: float  # requests per second with the memo off
    results_unremembered: float
    requests: int
    rounds: int
    warmup: int
    ballots: int  # in the closed round

    @property
    def passed(self) -> bool:
        return self.ballot.passed and self.results.passed


async def pages(
    requests: int = 1000, rounds: int = 5, warmup: int = 100, ballots: int = RESULTS_BALLOTS
) -> Pages:
    with tempfile.TemporaryDirectory(prefix="chorus-benchmark-") as directory, fresh_sql():
        chorus = await chorus_app(Path(directory), passphrase_profile="test")
        async with running(chorus) as state:
            # Members first: who may vote is fixed when voting opens.
            cookies = await members(chorus, state, ballots, "Voter")
            open_, _ = await voting_round(chorus)
            closed, keys = await voting_round(chorus)
            await send(chorus, state, await confirms(chorus, state, closed, keys, cookies), 1)
            await service.advance(
                closed,
                services(chorus).key_directory,
                services(chorus).of(ProposalServices).electorate,
            )
            readers = [[cookie] for cookie in cookies]
            paths = f"/rounds/{open_.id}/ballot", f"/rounds/{closed.id}/results"
            ballot_page, results_page = [
                await compare(chorus, state, requests, rounds, warmup, path, readers)
                for path in paths
            ]
            with memo_off(chorus):
                unremembered = [
                    statistics.median(
                        [
                            await rate(chorus, state, max(requests // 10, 1), path, readers)
                            for _ in range(rounds)
                        ]
                    )
                    for path in paths
                ]
    return Pages(
        ballot_page,
        results_page,
        unremembered[0],
        unremembered[1],
        requests,
        rounds,
        warmup,
        ballots,
    )


@contextlib.contextmanager
def memo_off(app: Starlette) -> Iterator[None]:
    """As with CHORUS_MEMO_SECONDS=0: every request reads and renders everything."""
    kept: Memo = services(app).memo
    lifetime, kept.lifetime = kept.lifetime, 0
    changed()
    try:
        yield
    finally:
        kept.lifetime = lifetime


def pages_report(run: Pages) -> list[str]:
    lines = []
    for page, result, unremembered, what in (
        (
            "ballot page",
            run.ballot,
            run.ballot_unremembered,
            "members who have not voted, ranking 10 options",
        ),
        (
            "results page",
            run.results,
            run.results_unremembered,
            f"a closed round of {run.ballots} ranked ballots",
        ),
    ):
        lines.append(f"{page}, on SQLite (signed in, {run.ballots} members taking turns; {what}):")
        lines += [
            f"  {line}" for line in comparison(result, run.requests, run.rounds, run.warmup, page)
        ]
        lines.append(
            f"  with the memo off (CHORUS_MEMO_SECONDS=0), for information: {unremembered:.0f} "
            f"req/s, {100 * unremembered / result.bare_rate:.1f} % of the bare rate"
        )
        lines.append(f"  → {'PASS' if result.passed else 'FAIL'}")
    return lines


# --- All together ------------------------------------------------------------------------------


@dataclass
class Measured:
    casting: Casting | None  # None: no PostgreSQL server was given
    pages: Pages

    @property
    def passed(self) -> bool:
        return (self.casting is None or self.casting.passed) and self.pages.passed


@dataclass(frozen=True)
class Sizes:
    ballots: int = 200  # confirm steps per app per round
    rounds: int = 3
    warmup: int = 40  # confirm steps per app before timing
    requests: int = 1000  # page requests per app per round
    page_rounds: int = 5
    page_warmup: int = 100


FULL, QUICK = Sizes(), Sizes(100, 3, 20, 300, 3, 30)


async def measure(server: str | None, sizes: Sizes = FULL, in_flight: int = 16) -> Measured:
    cast = None
    if server:
        cast = await casting(server, sizes.ballots, sizes.rounds, sizes.warmup, in_flight)
    return Measured(cast, await pages(sizes.requests, sizes.page_rounds, sizes.page_warmup))


def report(result: Measured) -> list[str]:
    return [*casting_report(result.casting), *pages_report(result.pages), verdict(result.passed)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database-url", help="PostgreSQL server to make a new database on")
    parser.add_argument("--quick", action="store_true", help="fewer ballots and requests")
    parser.add_argument("--in-flight", type=int, default=16, help="confirm steps at a time")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    result = asyncio.run(measure(database_server(args.database_url), sizes, args.in_flight))
    for line in report(result):
        print(line)
    missed = not result.passed or result.casting is None
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
