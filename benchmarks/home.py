"""Requests per second of the home page, next to a bare Starlette page of the same size.

The real app (built by create_app on a migrated SQLite file, its lifespan
running) and a bare Starlette app with one route rendering a plain Jinja
template are called in this process by the same minimal ASGI driver, with
the same request headers. A server and an HTTP client would add the same
cost to both and blur the difference, so neither is used. After a warm-up,
the two apps take turns for several rounds; the median of each is reported.
The bare template is the home page's own HTML, so both send the same number
of bytes before compression. Target: the home page reaches at least 40 % of
the bare rate.

    uv run python benchmarks/home.py [--requests N] [--rounds N] [--warmup N] [--check]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import re
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message

from chorus.app import create_app, migrate
from chorus.keys import init_key_directory
from chorus.settings import Settings

TARGET_PERCENT = 40.0

# What a browser on the home page sends, minus cookies; both apps get exactly these.
REQUEST_HEADERS = [
    (b"host", b"127.0.0.1:8000"),
    (b"user-agent", b"Mozilla/5.0 (X11; Linux x86_64) chorus-benchmark"),
    (b"accept", b"text/html,application/xhtml+xml"),
    (b"accept-encoding", b"gzip"),
    (b"accept-language", b"en"),
    (b"sec-fetch-site", b"same-origin"),
]


# --- A minimal ASGI driver ---------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def html(self) -> str:
        """The page as rendered, whether it was sent compressed or not."""
        if self.headers.get("content-encoding") == "gzip":
            return gzip.decompress(self.body).decode()
        return self.body.decode()


Header = tuple[bytes, bytes]


async def get(
    app: ASGIApp, state: dict[str, Any], path: str = "/", headers: Sequence[Header] = ()
) -> Answer:
    """One GET request, as a server would hand it to the app."""
    return await call(app, state, "GET", path, headers)


async def call(
    app: ASGIApp,
    state: dict[str, Any],
    method: str,
    path: str,
    headers: Sequence[Header] = (),
    body: bytes = b"",
) -> Answer:
    """One request, as a server would hand it to the app: REQUEST_HEADERS, then `headers`."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [*REQUEST_HEADERS, *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": state.copy(),
    }
    response_done = asyncio.Event()
    request_sent = False
    started: dict[str, Any] = {}
    chunks: list[bytes] = []

    async def receive() -> Message:
        nonlocal request_sent
        if not request_sent:
            request_sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await response_done.wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            started.update(message)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                response_done.set()

    await app(scope, receive, send)
    answered = {name.decode(): value.decode() for name, value in started.get("headers", [])}
    return Answer(int(started.get("status", 0)), answered, b"".join(chunks))


@contextlib.asynccontextmanager
async def running(app: ASGIApp) -> AsyncIterator[dict[str, Any]]:
    """The app's lifespan, by the ASGI protocol; yields the state requests start from."""
    state: dict[str, Any] = {}
    to_app: asyncio.Queue[Message] = asyncio.Queue()
    from_app: asyncio.Queue[Message] = asyncio.Queue()
    scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": state}
    lifespan = asyncio.ensure_future(app(scope, to_app.get, from_app.put))
    await to_app.put({"type": "lifespan.startup"})
    await _expect(from_app, lifespan, "lifespan.startup.complete")
    try:
        yield state
    finally:
        await to_app.put({"type": "lifespan.shutdown"})
        await _expect(from_app, lifespan, "lifespan.shutdown.complete")
        await lifespan


async def _expect(
    from_app: asyncio.Queue[Message], lifespan: asyncio.Future[None], wanted: str
) -> None:
    reply = asyncio.ensure_future(from_app.get())
    either: set[asyncio.Future[Any]] = {reply, lifespan}
    await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
    if not reply.done():
        reply.cancel()
        lifespan.result()  # the app's own error, if it raised one
        raise RuntimeError(f"the lifespan ended before {wanted}")
    message = reply.result()
    if message["type"] != wanted:
        raise RuntimeError(f"lifespan: {message.get('message') or message['type']}")


# --- The two apps ------------------------------------------------------------------------------


async def chorus_app(directory: Path, **changes: object) -> Starlette:
    """The real Chorus on a fresh, migrated SQLite file with its own key directory
    (`changes` to these settings: another database, say)."""
    settings = Settings(
        database_url=f"sqlite://{directory / 'chorus.sqlite3'}",
        key_directory=directory / "keys",
        heartbeat_seconds=3600,
    ).with_changes(**changes)
    init_key_directory(settings.key_directory)
    await migrate(settings)
    return create_app(settings)


def csrf_token_in(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    if not found:
        raise RuntimeError("the home page has no CSRF token")
    return found.group(1)


def template_like(html: str, token: str) -> str:
    """A Jinja template that renders `html` again, with the CSRF token as its variable."""
    pieces = [f"{{% raw %}}{piece}{{% endraw %}}" if piece else "" for piece in html.split(token)]
    return "{{ csrf_token }}".join(pieces)


def bare_app(template: str, token: str) -> Starlette:
    """One route, one plain Jinja template, no middleware: the rate to compare with."""
    environment = jinja2.Environment(
        loader=jinja2.DictLoader({"page.html": template}), autoescape=True
    )
    templates = Jinja2Templates(env=environment)

    async def page(request: Request) -> Response:
        return templates.TemplateResponse(request, "page.html", {"csrf_token": token})

    return Starlette(routes=[Route("/", page)])


# --- Measuring ---------------------------------------------------------------------------------


async def rate(
    app: ASGIApp,
    state: dict[str, Any],
    requests: int,
    path: str = "/",
    visitors: Sequence[Sequence[Header]] = ((),),
) -> float:
    """Requests per second over `requests` requests in a row, the visitors taking turns (each
    with their own headers: a session cookie, say); every answer must be a 200."""
    start = time.perf_counter()
    for number in range(requests):
        answer = await get(app, state, path, visitors[number % len(visitors)])
        if answer.status != 200:
            raise RuntimeError(f"the page answered {answer.status}")
    return requests / (time.perf_counter() - start)


@dataclass
class Contender:
    app: ASGIApp
    state: dict[str, Any]
    path: str = "/"
    visitors: Sequence[Sequence[Header]] = ((),)
    rates: list[float] = field(default_factory=list)

    async def run(self, requests: int) -> float:
        return await rate(self.app, self.state, requests, self.path, self.visitors)


@dataclass
class Rates:
    """Rates of Chorus and of its bare baseline, one per round."""

    chorus_rates: list[float]
    bare_rates: list[float]

    @property
    def chorus_rate(self) -> float:
        return statistics.median(self.chorus_rates)

    @property
    def bare_rate(self) -> float:
        return statistics.median(self.bare_rates)

    @property
    def percent(self) -> float:
        return 100 * self.chorus_rate / self.bare_rate


@dataclass
class Result(Rates):
    chorus_bytes: int
    chorus_bytes_sent: int
    chorus_encoding: str
    bare_bytes: int

    @property
    def passed(self) -> bool:
        return self.percent >= TARGET_PERCENT


async def measure(requests: int = 2000, rounds: int = 5, warmup: int = 200) -> Result:
    with tempfile.TemporaryDirectory(prefix="chorus-benchmark-") as directory:
        chorus = await chorus_app(Path(directory))
        async with running(chorus) as chorus_state:
            return await compare(chorus, chorus_state, requests, rounds, warmup)


async def compare(
    chorus: ASGIApp,
    chorus_state: dict[str, Any],
    requests: int,
    rounds: int,
    warmup: int,
    path: str = "/",
    visitors: Sequence[Sequence[Header]] = ((),),
) -> Result:
    """A page of the running Chorus next to a bare app serving its HTML, taking turns.

    Both get the same visitors' headers (session cookies, say) on top of REQUEST_HEADERS,
    the visitors taking turns.
    """
    page = await get(chorus, chorus_state, path, visitors[0])
    html = page.html
    token = csrf_token_in(html)
    bare = bare_app(template_like(html, token), token)
    bare_state: dict[str, Any] = {}
    bare_page = await get(bare, bare_state, "/", visitors[0])

    contenders = [
        Contender(chorus, chorus_state, path, visitors),
        Contender(bare, bare_state, "/", visitors),
    ]
    for contender in contenders:
        await contender.run(warmup)
    for round_number in range(rounds):
        # Alternate who goes first, so neither always runs on a warmer machine.
        order = contenders if round_number % 2 == 0 else contenders[::-1]
        for contender in order:
            contender.rates.append(await contender.run(requests))

    return Result(
        chorus_rates=contenders[0].rates,
        bare_rates=contenders[1].rates,
        chorus_bytes=len(html.encode()),
        chorus_bytes_sent=len(page.body),
        chorus_encoding=page.headers.get("content-encoding", "not compressed"),
        bare_bytes=len(bare_page.html.encode()),
    )


def report(result: Result, requests: int, rounds: int, warmup: int) -> list[str]:
    return [*comparison(result, requests, rounds, warmup), verdict(result.passed)]


def comparison(
    result: Result, requests: int, rounds: int, warmup: int, page: str = "home page"
) -> list[str]:
    """What was measured and the figures, without the verdict."""
    return [
        f"{page} (Chorus): {result.chorus_bytes} bytes of HTML, "
        f"{result.chorus_bytes_sent} bytes sent ({result.chorus_encoding})",
        f"bare Starlette page: {result.bare_bytes} bytes of HTML, sent as is (no middleware)",
        f"requests: {requests} per app per round, {rounds} rounds, {warmup} warm-up",
        f"Chorus {page}: {result.chorus_rate:.0f} req/s ({rates(result.chorus_rates)})",
        f"bare Starlette page: {result.bare_rate:.0f} req/s ({rates(result.bare_rates)})",
        f"ratio: {result.percent:.1f} % of the bare rate (target: at least {TARGET_PERCENT:.0f} %)",
    ]


def rates(values: Sequence[float]) -> str:
    return "median of " + ", ".join(f"{value:.0f}" for value in values)


def verdict(passed: bool) -> str:
    return f"result: {'PASS' if passed else 'FAIL'}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=2000, help="requests per app per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=200, help="requests per app before timing")
    parser.add_argument("--check", action="store_true", help="exit 1 if the target is missed")
    args = parser.parse_args(argv)
    result = asyncio.run(measure(args.requests, args.rounds, args.warmup))
    for line in report(result, args.requests, args.rounds, args.warmup):
        print(line)
    return 1 if args.check and not result.passed else 0


if __name__ == "__main__":
    sys.exit(main())
