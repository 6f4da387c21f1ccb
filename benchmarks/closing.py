"""The home page's latency while a round of 100,000 ballots closes in the same process.

Closing a round opens every sealed ballot and counts them: seconds of pure Python.
It runs in a worker process (anonymity.offload), so the web process's event loop
keeps serving pages meanwhile. This benchmark checks that it does:

1. The real app (create_app on a migrated SQLite file, its lifespan running) gets
   a Schulze round of 10 proposals in its voting phase (benchmarks.voting), and
   100,000 sealed ballots, markers and receipt hashes, sealed in two processes
   with the same pad, seal and tag functions as `submit()` and written with
   plain multi-row INSERTs: no HTTP, no sign-in.
2. Baseline: home page GETs at 50 a second, open loop (each sent at its time,
   whether or not the one before has been answered), at least 1,000 of them,
   nothing else running. A request's latency runs from the moment it was due,
   so a frozen event loop counts in full.
3. The same load while `proposals.service.close` closes the round, as the job
   does, on the same event loop, from the start of the close until it has ended.
   A round of 100,000 closes faster than 1,000 requests at 50 a second take, so
   rounds of the same size (each filled beforehand, outside the load) close one
   after another until at least 1,000 requests were due during a close.

It prints p50, p99 and the longest latency of each, the close's duration, and
whether p99 stays under 100 ms, during the close and over the whole load.
`--inline` runs the opening and counting on the event loop instead, as closing
did before, for comparison. The requests go through the same minimal ASGI
driver as benchmarks.home, in this process: no server, no sockets.

    uv run python -m benchmarks.closing [--ballots N] [--requests N] [--inline] [--check]
    uv run python -m benchmarks.closing --quick     # a small round, for a first look
"""

from __future__ import annotations

import argparse
import asyncio
import random
import secrets
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from nacl.public import PublicKey, SealedBox
from starlette.applications import Starlette
from tortoise.transactions import in_transaction

from anonymity import offload
from anonymity.ballots import marker_for, pad, revision_tag
from anonymity.codes import new_code, receipt_hash
from anonymity.keystore import load_round_keys
from benchmarks.home import chorus_app, get, running
from benchmarks.voting import voting_round
from chorus.services import services
from proposals import service
from proposals.forms import encode_ballot
from proposals.models import Method, Phase, Round
from proposals.service import ProposalServices

RATE = 50.0  # home page requests a second
TARGET_P99_MS = 100.0
SEAL_PAGE = 5000  # ballots sealed per task, and written per transaction
QUICK_BALLOTS = 300
QUICK_REQUESTS = 30


# --- Filling the round -------------------------------------------------------------------------


def sealed_page(
    public_key: bytes, marker_key: bytes, round_id: str, keys: list[str], count: int
) -> list[tuple[str, bytes, str, str, str]]:
    """`count` ballots ranking `keys` at random, as submit() would have stored them:
    (sealed ballot id, sealed bytes, revision tag, receipt hash, marker). Top-level: it
    runs in the sealing processes."""
    box = SealedBox(PublicKey(public_key))
    rows = []
    for _ in range(count):
        ranking = tuple(random.sample(keys, len(keys)))
        sealed = bytes(box.encrypt(pad(encode_ballot(Method.SCHULZE, ranking))))
        tag = revision_tag(secrets.token_bytes(32), round_id)
        marker = marker_for(marker_key, secrets.token_hex(8))
        rows.append((str(uuid.uuid4()), sealed, tag, receipt_hash(new_code()), marker))
    return rows


async def fill(key_directory: Path, round_id: str, keys: list[str], ballots: int) -> None:
    """Seal `ballots` ballots in two processes and write them a page per transaction."""
    round_keys = load_round_keys(key_directory, round_id)
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(max_workers=2, mp_context=get_context("spawn")) as sealers:
        pages = [
            loop.run_in_executor(
                sealers,
                sealed_page,
                round_keys.public_key,
                round_keys.marker_key,
                round_id,
                keys,
                min(SEAL_PAGE, ballots - start),
            )
            for start in range(0, ballots, SEAL_PAGE)
        ]
        for page in asyncio.as_completed(pages):
            rows = await page
            async with in_transaction() as connection:
                await connection.execute_many(
                    "INSERT INTO anonymity_sealed_ballot (id, round_id, sealed, tag) "
                    "VALUES (?, ?, ?, ?)",
                    [[id_, round_id, sealed, tag] for id_, sealed, tag, _, _ in rows],
                )
                await connection.execute_many(
                    "INSERT INTO anonymity_receipt_hash (id, round_id, tag, hash) "
                    "VALUES (?, ?, ?, ?)",
                    [[str(uuid.uuid4()), round_id, tag, hash_] for _, _, tag, hash_, _ in rows],
                )
                await connection.execute_many(
                    "INSERT INTO anonymity_marker (round_id, value) VALUES (?, ?)",
                    [[round_id, marker] for *_, marker in rows],
                )


# --- The load ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Latency:
    due: float  # when the request was due (time.perf_counter)
    seconds: float  # from then until the whole answer was in


async def load(
    app: Starlette,
    state: dict[str, Any],
    requests: int,
    until: asyncio.Future[Any] | None = None,
    rate: float = RATE,
) -> list[Latency]:
    """Home page GETs at `rate` a second, each sent when due whatever the others do, until
    `requests` were sent and `until` (if given) is done."""
    measured: list[Latency] = []

    async def one(due: float) -> None:
        answer = await get(app, state, "/")
        if answer.status != 200:
            raise RuntimeError(f"the home page answered {answer.status}")
        measured.append(Latency(due, time.perf_counter() - due))

    start = time.perf_counter()
    sent: list[asyncio.Task[None]] = []
    while len(sent) < requests or (until is not None and not until.done()):
        due = start + len(sent) / rate
        wait = due - time.perf_counter()
        if wait > 0:
            await asyncio.sleep(wait)
        sent.append(asyncio.ensure_future(one(due)))
    await asyncio.gather(*sent)
    return measured


@dataclass(frozen=True)
class Figures:
    requests: int
    p50_ms: float
    p99_ms: float
    max_ms: float

    @classmethod
    def of(cls, latencies: Sequence[Latency]) -> Figures:
        ms = sorted(latency.seconds * 1000 for latency in latencies)
        if not ms:
            return cls(0, 0.0, 0.0, 0.0)
        return cls(len(ms), percentile(ms, 50), percentile(ms, 99), ms[-1])

    @property
    def passed(self) -> bool:
        return self.p99_ms < TARGET_P99_MS

    def line(self, label: str) -> str:
        return (
            f"{label}: {self.requests:,} requests, p50 {self.p50_ms:.1f} ms, "
            f"p99 {self.p99_ms:.1f} ms, max {self.max_ms:.1f} ms"
        )


def percentile(ordered: Sequence[float], percent: float) -> float:
    """The nearest-rank percentile of sorted values."""
    rank = max(1, -(-len(ordered) * percent // 100))
    return ordered[int(rank) - 1]


# --- Measuring ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    ballots: int  # in each round closed
    inline: bool
    fill_seconds: float  # filling the first round
    idle: Figures
    whole: Figures  # every request of the loads that ran with the closes
    during: Figures  # those due while a close ran
    close_seconds: list[float]  # each close, one after another
    worker_seconds: float  # starting the worker process, before the first close
    counted: list[int]  # ballots counted, by each close

    @property
    def passed(self) -> bool:
        return (
            self.idle.requests > 0
            and self.whole.passed
            and self.during.passed
            and all(counted == self.ballots for counted in self.counted)
        )


async def close_under_load(
    app: Starlette, state: dict[str, Any], round_: Round, rate: float
) -> tuple[list[Latency], list[Latency], float, int]:
    """Close `round_` as the job does, on this event loop, with the home page asked for at
    `rate` until the close has ended: every latency, those due while it ran, its length,
    and the ballots it counted."""
    ended: list[float] = []
    started = time.perf_counter()
    closing = asyncio.ensure_future(
        service.close(
            round_, services(app).key_directory, services(app).of(ProposalServices).electorate
        )
    )
    closing.add_done_callback(lambda _: ended.append(time.perf_counter()))
    busy = await load(app, state, 0, until=closing, rate=rate)
    await closing
    closed = await Round.get(id=round_.id)
    if closed.phase != Phase.CLOSED or closed.tally is None:
        raise RuntimeError("the round did not close")
    during = [latency for latency in busy if latency.due < ended[0]]
    return busy, during, ended[0] - started, int(closed.tally.get("ballots_counted", 0))


async def measure(
    ballots: int = 100_000, requests: int = 1000, inline: bool = False, rate: float = RATE
) -> Result:
    """Rounds of `ballots` close one after another, each filled beforehand, until at least
    `requests` requests were due while one was closing (a round of 100,000 closes in
    less time than 1,000 requests at 50 a second take)."""
    with tempfile.TemporaryDirectory(prefix="chorus-benchmark-") as directory:
        app = await chorus_app(Path(directory))
        async with running(app) as state:
            round_, keys = await voting_round(app)
            start = time.perf_counter()
            await fill(services(app).key_directory, str(round_.id), keys, ballots)
            fill_seconds = time.perf_counter() - start

            await load(app, state, 20, rate=rate)  # warm-up: templates, the page memo
            idle = await load(app, state, requests, rate=rate)

            offload.inline = inline
            try:
                # The worker process starts once per web process (it imports the app's
                # modules): timed apart, as a process that has closed a round before.
                start = time.perf_counter()
                await offload.start()
                worker_seconds = time.perf_counter() - start
                whole: list[Latency] = []
                during: list[Latency] = []
                lengths: list[float] = []
                counted: list[int] = []
                while True:
                    busy, due, length, count = await close_under_load(app, state, round_, rate)
                    whole += busy
                    during += due
                    lengths.append(length)
                    counted.append(count)
                    if len(during) >= requests:
                        break
                    round_, keys = await voting_round(app)
                    await fill(services(app).key_directory, str(round_.id), keys, ballots)
            finally:
                offload.inline = False
    return Result(
        ballots=ballots,
        inline=inline,
        fill_seconds=fill_seconds,
        idle=Figures.of(idle),
        whole=Figures.of(whole),
        during=Figures.of(during),
        close_seconds=lengths,
        worker_seconds=worker_seconds,
        counted=counted,
    )


def report(result: Result) -> list[str]:
    where = "on the event loop, as before: --inline" if result.inline else "in a worker process"
    return [
        f"SQLite, a Schulze round of {result.ballots:,} sealed ballots over 10 proposals "
        f"(filled in {result.fill_seconds:.1f} s); home page GETs at {RATE:.0f}/s, open loop",
        result.idle.line("no close running (baseline)"),
        f"{len(result.close_seconds)} close(s) one after another (opening and counting "
        f"{where}): "
        + ", ".join(
            f"{seconds:.2f} s for {counted:,} ballots"
            for seconds, counted in zip(result.close_seconds, result.counted, strict=True)
        )
        + (
            ""
            if result.inline
            else f" (the worker process started in {result.worker_seconds:.1f} s before)"
        ),
        result.whole.line("with the closes: whole load"),
        result.during.line("with the closes: due while one ran"),
        f"p99 under {TARGET_P99_MS:.0f} ms during the close: "
        f"{'yes' if result.during.passed else 'no'}; over the whole load: "
        f"{'yes' if result.whole.passed else 'no'}",
        f"result: {'PASS' if result.passed else 'FAIL'}",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--ballots", type=int, default=100_000, help="sealed ballots to close")
    parser.add_argument("--requests", type=int, default=1000, help="at least, per load")
    parser.add_argument("--inline", action="store_true", help="open and count on the event loop")
    parser.add_argument(
        "--quick", action="store_true", help=f"{QUICK_BALLOTS:,} ballots, {QUICK_REQUESTS} requests"
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if the target is missed")
    args = parser.parse_args(argv)
    ballots, requests = (
        (QUICK_BALLOTS, QUICK_REQUESTS) if args.quick else (args.ballots, args.requests)
    )
    result = asyncio.run(measure(ballots, requests, args.inline))
    for line in report(result):
        print(line)
    return 1 if args.check and not result.passed else 0


if __name__ == "__main__":
    sys.exit(main())
