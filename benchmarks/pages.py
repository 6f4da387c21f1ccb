"""Every page a signed-in member reaches, over real HTTP, on PostgreSQL, alone and while
other members cast 20 ballots a second; each next to a bare page of the same size.

A new, migrated database on the server given by --database-url (else
CHORUS_BENCH_DATABASE_URL, else CHORUS_TEST_DATABASE_URL), filled as a network in use:
500 members (joined and signed in through the app, passphrases stretched with argon2id's
"test" profile for this setting up only), 20 rounds of 10 proposals each (200 proposals:
4 proposing, 4 co-signing, 8 voting, 4 closed, one of them with 30 ballots counted) and
50 notices in each member's inbox. Then one app process, `chorus serve` (uvicorn, one
worker), and one bare process, uvicorn serving a bare Starlette app with one route per
page, each a plain Jinja template that is that page's own HTML (the same bytes before
compression). Both get the same requests from this process: an HTTP/1.1 client of a few
lines, --connections kept-alive connections, each sending its next request as soon as an
answer comes; every answer must be a 200.

For each page (the rounds list, a round in voting, its ballot, a closed round's results,
the inbox, the account), a member who has not voted yet asks again and again, and the
two processes take turns for several rounds, the medians are reported: first alone, then
while 100 other members cast a ballot in the round measured, 20 a second, on connections
of their own (voting revises: each cast is a full confirm step, sealed and stored; its
pace is kept during the bare rounds too, so both run on an equally busy machine).
Target: every page at least 40 % of the bare rate, alone and under load. Casting itself
is measured by benchmarks.voting in the same run (the confirm step next to a bare form +
one INSERT endpoint; target here: at least 40 % of it).

    uv run python -m benchmarks.pages [--database-url URL] [--quick] [--check]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from starlette.applications import Starlette

from benchmarks import voting
from benchmarks.anonymity import scratch_postgres
from benchmarks.home import (
    REQUEST_HEADERS,
    Answer,
    Header,
    bare_app,
    chorus_app,
    running,
    template_like,
)
from chorus.services import services
from chorus.settings import Settings
from governance.identity.keyring import Keyring
from proposals import service
from proposals.models import Method, Phase, Purpose, Round, Voters
from proposals.service import ProposalServices

TARGET_PERCENT = 40.0
CASTS_PER_SECOND = 20.0
MEMBERS, ROUNDS, PROPOSALS, NOTICES = 500, 20, 10, 50
CASTERS = 100  # members who cast, in turn, during the load
RESULTS_BALLOTS = 30
PHASES = (Phase.PROPOSING,) * 4 + (Phase.COSIGNING,) * 4 + (Phase.VOTING,) * 8 + (Phase.CLOSED,) * 4
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class Sizes:
    members: int = MEMBERS
    rounds: int = ROUNDS
    notices: int = NOTICES
    seconds: float = 2.0  # per measurement
    turns: int = 3  # rounds of Chorus then bare (alternating who goes first)
    connections: int = 8
    casting_ballots: int = 200  # benchmarks.voting's casting, per round
    casting_rounds: int = 3


FULL = Sizes()
QUICK = Sizes(members=60, rounds=5, notices=10, seconds=0.3, turns=1, casting_ballots=20)


# --- Filling the database ----------------------------------------------------------------------


@dataclass
class Network:
    """What was made: the member measured, the pages, the other members' confirm steps."""

    member: Header
    pages: dict[str, str]
    casts: list[voting.Post]
    seconds: float = 0.0


async def open_round(app: Starlette, number: int, phase: Phase) -> Round:
    today = datetime.now(UTC).date()
    ends = (today + timedelta(weeks=week) for week in (1, 2, 3))
    question = f"Round {number}: what should the network work on first?"
    spec = service.RoundSpec(
        question, Purpose.PRIORITY, "", Method.SCHULZE, 0, Voters.MEMBERS, 0, True, *ends
    )
    round_ = await service.open_round(spec)
    lookup_key = services(app).of(Keyring).secrets.lookup_key
    for title in voting.PRIORITIES[:PROPOSALS]:
        why = f"{title}: several of us asked for it this year. It would change our lives."
        text = service.ProposalText(title, why, [], [])
        await service.submit_proposal(round_, text, lookup_key, _author(number, title))
    while round_.phase != phase and round_.phase != Phase.VOTING:
        await service.advance(
            round_,
            services(app).settings.key_directory,
            services(app).of(ProposalServices).electorate,
        )
    return round_


def _author(number: int, title: str) -> Any:
    import uuid

    return uuid.uuid5(uuid.NAMESPACE_URL, f"{number}/{title}")


async def fill(app: Starlette, state: dict[str, Any], sizes: Sizes) -> Network:
    start = time.perf_counter()
    cookies = await voting.members(app, state, sizes.members, "Member")
    member, voters = cookies[0], cookies[1 : 1 + min(CASTERS, sizes.members - 1)]
    phases = [PHASES[index * len(PHASES) // sizes.rounds] for index in range(sizes.rounds)]
    rounds = [await open_round(app, number, phase) for number, phase in enumerate(phases)]
    keys_of = {
        r.id: [p.ballot_key for p in await service.ballot_options(r)]
        for r in rounds
        if r.phase == Phase.VOTING
    }
    closing = [r for r, phase in zip(rounds, phases, strict=True) if phase == Phase.CLOSED]
    for index, round_ in enumerate(closing):
        ballots = cookies[1 : 1 + (RESULTS_BALLOTS if index == 0 else 3)]
        posts = await voting.confirms(app, state, round_, keys_of[round_.id], ballots)
        await voting.send(app, state, posts, 4)
        await service.advance(
            round_,
            services(app).settings.key_directory,
            services(app).of(ProposalServices).electorate,
        )
    voted_in = next(r for r, phase in zip(rounds, phases, strict=True) if phase == Phase.VOTING)
    casts = await voting.confirms(app, state, voted_in, keys_of[voted_in.id], voters)
    await inbox_notices(sizes.notices)
    results = closing[0] if closing else voted_in
    pages = {
        "rounds list": "/rounds",
        "round": f"/rounds/{voted_in.id}",
        "ballot": f"/rounds/{voted_in.id}/ballot",
        "results": f"/rounds/{results.id}/results",
        "inbox": "/inbox",
        "account": "/account",
    }
    return Network(member, pages, casts, time.perf_counter() - start)


async def inbox_notices(count: int) -> None:
    """`count` notices for every member, written by the database itself."""
    from tortoise import connections

    await connections.get("default").execute_query(
        "INSERT INTO governance_notice (person_id, kind, link, sent_on) "
        "SELECT p.id, 'results', '/rounds', CURRENT_DATE - (n % 30) "
        "FROM governance_person p, generate_series(1, $1::int) AS n",
        [count],
    )
    await connections.get("default").execute_script("ANALYZE")


# --- Processes ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        port: int = listening.getsockname()[1]
        return port


def chorus_environ(settings: Settings) -> dict[str, str]:
    """What `chorus serve` reads for these settings."""
    return {
        **os.environ,
        "CHORUS_DATABASE_URL": settings.database_url,
        "CHORUS_KEY_DIRECTORY": str(settings.key_directory),
        "CHORUS_HEARTBEAT_SECONDS": str(settings.heartbeat_seconds),
        "CHORUS_MEMO_SECONDS": str(settings.memo_seconds),
        "CHORUS_LOG_LEVEL": "warning",
    }


@contextlib.contextmanager
def process(command: Sequence[str], port: int, environ: dict[str, str]) -> Iterator[int]:
    """A server process, ready when its port answers; stopped afterwards."""
    server = subprocess.Popen(command, env=environ, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"{command[2]} stopped ({server.returncode})")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{command[2]} did not start") from None
                time.sleep(0.05)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def chorus_server(settings: Settings) -> contextlib.AbstractContextManager[int]:
    port = free_port()
    command = [sys.executable, "-m", "chorus", "serve", "--port", str(port), "--workers", "1"]
    return process(command, port, chorus_environ(settings))


def bare_server(directory: Path) -> contextlib.AbstractContextManager[int]:
    """uvicorn with the same options as `chorus serve`, serving page_<n>.html at /<n>."""
    port = free_port()
    command = [sys.executable, "-m", "benchmarks.pages", "--serve-bare", str(directory)]
    return process([*command, "--port", str(port)], port, dict(os.environ))


def serve_bare(directory: Path, port: int) -> None:
    import uvicorn
    from starlette.routing import Mount

    routes = []
    for path in sorted(directory.glob("page_*.html")):
        token = (directory / f"{path.stem}.token").read_text()
        routes.append(Mount(f"/{path.stem}", bare_app(path.read_text(), token)))
    uvicorn.run(
        Starlette(routes=routes),
        host="127.0.0.1",
        port=port,
        log_config=None,
        access_log=False,
        server_header=False,
        date_header=False,
        ws="none",
    )


# --- A small HTTP/1.1 client -------------------------------------------------------------------


def raw_request(method: str, path: str, headers: Sequence[Header] = (), body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1".encode()]
    lines += [name + b": " + value for name, value in [*REQUEST_HEADERS, *headers]]
    if body:
        lines.append(b"content-length: " + str(len(body)).encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def to(cls, port: int) -> Connection:
        return cls(*await asyncio.open_connection("127.0.0.1", port))

    async def send(self, request: bytes) -> Answer:
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        else:
            chunks = []
            while size := int((await self.reader.readuntil(b"\r\n")).strip(), 16):
                chunks.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            await self.reader.readexactly(2)
            body = b"".join(chunks)
        return Answer(int(status_line.split()[1]), headers, body)

    def close(self) -> None:
        self.writer.close()


async def fetch(port: int, request: bytes) -> Answer:
    connection = await Connection.to(port)
    try:
        return await connection.send(request)
    finally:
        connection.close()


async def rate(port: int, request: bytes, seconds: float, connections: int) -> float:
    """Answers per second: each connection sends its next request once answered."""
    opened = [await Connection.to(port) for _ in range(connections)]
    answered = 0
    deadline = time.perf_counter() + seconds

    async def asking(connection: Connection) -> None:
        nonlocal answered
        while time.perf_counter() < deadline:
            answer = await connection.send(request)
            if answer.status != 200:
                raise RuntimeError(f"answered {answer.status}")
            answered += 1

    start = time.perf_counter()
    try:
        await asyncio.gather(*(asking(connection) for connection in opened))
    finally:
        for connection in opened:
            connection.close()
    return answered / (time.perf_counter() - start)


@dataclass
class Caster:
    """Other members' confirm steps, CASTS_PER_SECOND, each on a connection of its own."""

    port: int
    casts: list[voting.Post]
    sent: int = 0
    failed: int = 0
    late: float = 0.0  # the longest a cast waited for its turn
    _task: asyncio.Task[None] | None = None
    _pending: set[asyncio.Task[None]] = field(default_factory=set)

    async def _cast(self, post: voting.Post) -> None:
        answer = await fetch(self.port, raw_request("POST", post.path, post.headers, post.body))
        if answer.status != 200 or "Vote received" not in answer.html:
            self.failed += 1
        self.sent += 1

    async def _run(self) -> None:
        start, number = time.perf_counter(), 0
        while True:
            due = start + number / CASTS_PER_SECOND
            await asyncio.sleep(max(due - time.perf_counter(), 0))
            self.late = max(self.late, time.perf_counter() - due)
            task = asyncio.create_task(self._cast(self.casts[number % len(self.casts)]))
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)
            number += 1

    @contextlib.asynccontextmanager
    async def casting(self) -> AsyncIterator[None]:
        self._task = asyncio.create_task(self._run())
        try:
            yield
        finally:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            await asyncio.gather(*self._pending, return_exceptions=True)


# --- Measuring ---------------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    path: str
    bytes: int
    alone: tuple[list[float], list[float]] = field(default_factory=lambda: ([], []))
    loaded: tuple[list[float], list[float]] = field(default_factory=lambda: ([], []))

    @staticmethod
    def percent(rates: tuple[list[float], list[float]]) -> float:
        return 100 * statistics.median(rates[0]) / statistics.median(rates[1])

    @property
    def passed(self) -> bool:
        return min(self.percent(self.alone), self.percent(self.loaded)) >= TARGET_PERCENT


@dataclass
class Measured:
    server: str
    sizes: Sizes
    setup_seconds: float
    pages: list[Page]
    casts_sent: int
    casts_failed: int
    cast_seconds: float  # of measuring under load
    casting: voting.Casting | None

    @property
    def casting_percent(self) -> float:
        return self.casting.percent if self.casting else 0.0

    @property
    def passed(self) -> bool:
        pages = all(page.passed for page in self.pages) and self.casts_failed == 0
        return pages and self.casting_percent >= TARGET_PERCENT


async def turns(
    page: Page,
    into: tuple[list[float], list[float]],
    requests: tuple[tuple[int, bytes], tuple[int, bytes]],
    sizes: Sizes,
) -> None:
    for turn in range(sizes.turns):
        order = [0, 1] if turn % 2 == 0 else [1, 0]
        for which in order:
            port, request = requests[which]
            into[which].append(await rate(port, request, sizes.seconds, sizes.connections))


async def measure(server: str, sizes: Sizes = FULL) -> Measured:
    async with scratch_postgres(server) as url:
        with (
            tempfile.TemporaryDirectory(prefix="chorus-benchmark-") as directory,
            voting.fresh_sql(),
        ):
            root = Path(directory)
            app = await chorus_app(root, database_url=url, passphrase_profile="test")
            settings: Settings = services(app).settings
            async with running(app) as state:
                network = await fill(app, state, sizes)
            bare_directory = root / "bare"
            bare_directory.mkdir()
            with chorus_server(settings) as port:
                pages = []
                for number, (name, path) in enumerate(network.pages.items()):
                    answer = await fetch(port, raw_request("GET", path, [network.member]))
                    if answer.status != 200:
                        raise RuntimeError(f"{path} answered {answer.status}")
                    html = answer.html
                    token = TOKEN.search(html)
                    value = token.group(1) if token else "no-token"
                    (bare_directory / f"page_{number}.html").write_text(template_like(html, value))
                    (bare_directory / f"page_{number}.token").write_text(value)
                    pages.append(Page(name, path, len(html.encode())))
                caster = Caster(port, network.casts)
                cast_start = 0.0
                with bare_server(bare_directory) as bare_port:
                    for number, page in enumerate(pages):
                        requests = (
                            (port, raw_request("GET", page.path, [network.member])),
                            (bare_port, raw_request("GET", f"/page_{number}/", [network.member])),
                        )
                        await rate(port, requests[0][1], sizes.seconds / 4, sizes.connections)
                        await rate(bare_port, requests[1][1], sizes.seconds / 4, sizes.connections)
                        await turns(page, page.alone, requests, sizes)
                        started = time.perf_counter()
                        async with caster.casting():
                            await turns(page, page.loaded, requests, sizes)
                        cast_start += time.perf_counter() - started
        casting = await voting.casting(
            server, sizes.casting_ballots, sizes.casting_rounds, warmup=20, in_flight=16
        )
    return Measured(
        server=urlsplit(server).netloc.rsplit("@", 1)[-1],
        sizes=sizes,
        setup_seconds=network.seconds,
        pages=pages,
        casts_sent=caster.sent,
        casts_failed=caster.failed,
        cast_seconds=cast_start,
        casting=casting,
    )


def report(result: Measured) -> list[str]:
    sizes = result.sizes
    lines = [
        f"PostgreSQL ({result.server}, a new database): {sizes.members} members, "
        f"{sizes.rounds} rounds of {PROPOSALS} proposals, {sizes.notices} notices each "
        f"(filled in {result.setup_seconds:.0f} s)",
        f"one app process (chorus serve, uvicorn, 1 worker) next to one bare process "
        f"(uvicorn, Starlette + Jinja, each page's own HTML); {sizes.connections} "
        f"connections, {sizes.seconds:g} s per measurement, {sizes.turns} turns, medians",
        f"under load: {CASTS_PER_SECOND:.0f} ballots/s cast by other members in the round "
        f"measured ({result.casts_sent} cast in {result.cast_seconds:.0f} s, "
        f"{result.casts_failed} failed)",
        f"{'page':<12} {'bytes':>6} | {'alone: Chorus':>13} {'bare':>6} {'ratio':>6} | "
        f"{'loaded: Chorus':>14} {'bare':>6} {'ratio':>6} | target {TARGET_PERCENT:.0f} %",
    ]
    for page in result.pages:
        figures = []
        for rates in (page.alone, page.loaded):
            chorus, bare = (statistics.median(values) for values in rates)
            figures.append(f"{chorus:>13.0f} {bare:>6.0f} {Page.percent(rates):>5.1f}%")
        lines.append(
            f"{page.name:<12} {page.bytes:>6} | {figures[0]} | {' ' + figures[1]} | "
            + ("PASS" if page.passed else "FAIL")
        )
    if result.casting is not None:
        lines += [f"  {line}" for line in voting.casting_report(result.casting)[:-1]]
        lines.append(
            f"casting: {result.casting_percent:.1f} % of the bare form + one INSERT "
            f"(target: at least {TARGET_PERCENT:.0f} %) → "
            + ("PASS" if result.casting_percent >= TARGET_PERCENT else "FAIL")
        )
    lines.append(f"result: {'PASS' if result.passed else 'FAIL'}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database-url", help="PostgreSQL server to make a new database on")
    parser.add_argument("--quick", action="store_true", help="a smaller network, shorter runs")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--serve-bare", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_bare:
        serve_bare(args.serve_bare, args.port)
        return 0
    server = voting.database_server(args.database_url)
    if not server:
        print(
            f"skipped: no PostgreSQL server given (--database-url, or {voting.DATABASE_VARIABLES})"
        )
        return 1 if args.check else 0
    result = asyncio.run(measure(server, QUICK if args.quick else FULL))
    for line in report(result):
        print(line)
    return 1 if args.check and not result.passed else 0


if __name__ == "__main__":
    sys.exit(main())
