"""What secret ballots cost: sealing plus marker per submission, and closing a big round.

Three measurements, in this order:

1. Sealing in Python, no database: padding a ballot to BALLOT_BYTES, sealing it
   to the round's public key, the participation marker's HMAC and the revision
   tag's HMAC, timed one submission at a time (median).
2. `submit()` end to end, on a new PostgreSQL database (and, for information,
   on a temporary SQLite file), next to a bare baseline measured in the same
   run: one plain Tortoise INSERT of a row of the same size into the same table,
   with no crypto and no marker. The two take turns, one call each, after a
   warm-up; the medians per call are compared. What `submit()` costs above the
   bare insert is what anonymity adds (reading the round's keys, the crypto,
   the marker's transaction, the receipt). Target: it adds under 2 ms.
3. `close_round()` on a PostgreSQL round of 100,000 sealed ballots. The round
   is filled fast: ballots are sealed in Python with the same pad, seal, tag
   and marker functions as `submit()` and written with bulk inserts (then the
   tables are analysed, as autovacuum would have done over a real round).
   The close is timed end to end, with its steps (through its `checkpoint`).
   Target: under 30 s.

The PostgreSQL databases are created on the server named by
CHORUS_BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test),
migrated, and dropped at the end whatever happens.

    uv run python -m benchmarks.anonymity [--samples N] [--members N] [--ballots N] [--check]

(As a module: run as a file, its name would hide the `anonymity` package.)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nacl.bindings import crypto_box_SEALBYTES
from nacl.public import SealedBox
from tortoise import connections
from tortoise.context import TortoiseContext

from anonymity.ballots import (
    BALLOT_BYTES,
    close_round,
    marker_for,
    open_round,
    pad,
    revision_tag,
    submit,
)
from anonymity.codes import new_code, receipt_hash
from anonymity.keystore import create_round_keys, load_round_keys, public_key
from anonymity.models import Marker, ReceiptHash, SealedBallot
from chorus.app import migrate, tortoise_config
from chorus.settings import Settings
from tests.common.postgres import scratch_database

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/test"
TARGET_ADDED_MS = 2.0
TARGET_CLOSE_SECONDS = 30.0
SEALED_BYTES = BALLOT_BYTES + crypto_box_SEALBYTES  # what a sealed ballot weighs
BATCH = 2000  # rows per bulk insert while filling a round
# What members vote: short, as real ballots are; padding makes every one BALLOT_BYTES anyway.
CHOICES = (b'{"choice": "yes"}', b'{"choice": "no"}', b'{"choice": "abstain"}')
# Close's steps, named by the checkpoint that ends each, in order.
CLOSE_STEPS = (
    ("read", "read the sealed ballots"),
    ("opened", "open them"),
    ("shuffled", "shuffle"),
    ("inserted", "look up receipts, insert clear ballots"),
    ("deleted", "insert counted receipts, delete sealed traces"),
    ("destroyed", "mark counted, commit, destroy keys"),
)


def server_url() -> str:
    return os.environ.get("CHORUS_BENCH_DATABASE_URL", DEFAULT_SERVER)


@contextlib.asynccontextmanager
async def scratch_postgres(server: str) -> AsyncIterator[str]:
    """A new, migrated database on `server`, dropped afterwards whatever happens."""
    async with scratch_database(server, "chorus_bench", migrated=True) as url:
        yield url


@contextlib.asynccontextmanager
async def scratch_sqlite() -> AsyncIterator[str]:
    """A new, migrated SQLite file, deleted afterwards."""
    with tempfile.TemporaryDirectory(prefix="chorus-benchmark-") as directory:
        url = f"sqlite://{Path(directory) / 'chorus.sqlite3'}"
        await migrate(Settings(database_url=url))
        yield url


def connection_name(url: str) -> str:
    # Tortoise caches each model's SQL by connection name for the whole process: one name
    # per kind of database keeps SQLite's SQL away from PostgreSQL (and from the app's).
    return "bench_postgres" if Settings(database_url=url).uses_postgres else "bench_sqlite"


@contextlib.asynccontextmanager
async def orm(url: str) -> AsyncIterator[None]:
    """The models bound to `url` in this task, connections closed afterwards."""
    config = tortoise_config(Settings(database_url=url))
    name = connection_name(url)
    config["connections"] = {name: config["connections"]["default"]}
    for app in config["apps"].values():
        app["default_connection"] = name
    async with TortoiseContext() as context:
        await context.init(config=config)
        yield


def new_round_id() -> str:
    return "bench_" + secrets.token_hex(6)


def ms(seconds: float) -> float:
    return seconds * 1000


# --- 1. Sealing in Python ----------------------------------------------------------------------


@dataclass
class Sealing:
    samples: int
    seal_seconds: list[float]  # pad + SealedBox + marker + tag, one submission each
    keys_seconds: list[float]  # reading the round's keys, as submit() does each time

    @property
    def seal_us(self) -> float:
        return statistics.median(self.seal_seconds) * 1e6

    @property
    def keys_us(self) -> float:
        return statistics.median(self.keys_seconds) * 1e6


def sealing(samples: int = 20_000) -> Sealing:
    with tempfile.TemporaryDirectory(prefix="chorus-benchmark-") as directory:
        keys_directory = Path(directory)
        round_id = new_round_id()
        create_round_keys(keys_directory, round_id)
        people = [(secrets.token_hex(8), secrets.token_bytes(32)) for _ in range(samples)]
        seal_seconds, keys_seconds = [], []
        for index, (member_id, personal_key) in enumerate(people):
            start = time.perf_counter()
            keys = load_round_keys(keys_directory, round_id)
            loaded = time.perf_counter()
            sealed = bytes(SealedBox(public_key(keys)).encrypt(pad(CHOICES[index % 3])))
            marker_for(keys.marker_key, member_id)
            revision_tag(personal_key, round_id)
            done = time.perf_counter()
            keys_seconds.append(loaded - start)
            seal_seconds.append(done - loaded)
            if len(sealed) != SEALED_BYTES:
                raise RuntimeError(f"a sealed ballot has {len(sealed)} bytes")
    return Sealing(samples, seal_seconds, keys_seconds)


# --- 2. submit() end to end, next to a bare insert ---------------------------------------------


@dataclass
class Submissions:
    database: str
    members: int
    submit_seconds: list[float]
    insert_seconds: list[float]

    @property
    def submit_ms(self) -> float:
        return ms(statistics.median(self.submit_seconds))

    @property
    def insert_ms(self) -> float:
        return ms(statistics.median(self.insert_seconds))

    @property
    def submit_mean_ms(self) -> float:
        return ms(statistics.fmean(self.submit_seconds))

    @property
    def insert_mean_ms(self) -> float:
        return ms(statistics.fmean(self.insert_seconds))

    @property
    def added_ms(self) -> float:
        return self.submit_ms - self.insert_ms

    @property
    def passed(self) -> bool:
        return self.added_ms < TARGET_ADDED_MS


async def timed(call: Awaitable[object]) -> float:
    start = time.perf_counter()
    await call
    return time.perf_counter() - start


async def submit_first(
    keys_directory: Path, round_id: str, member_id: str, personal_key: bytes, content: bytes
) -> None:
    cast = await submit(keys_directory, round_id, member_id, personal_key, content)
    if cast.receipt is None:
        raise RuntimeError("a first submission got no receipt")


async def submissions(url: str, members: int = 2000, warmup: int = 100) -> Submissions:
    """`members` first submissions to one round, taking turns with as many bare inserts."""
    with tempfile.TemporaryDirectory(prefix="chorus-benchmark-") as directory:
        keys_directory = Path(directory)
        async with orm(url):
            round_id, bare_round = new_round_id(), new_round_id()
            await open_round(keys_directory, round_id)
            total = warmup + members
            people = [(secrets.token_hex(8), secrets.token_bytes(32)) for _ in range(total)]
            bare_rows = [(os.urandom(SEALED_BYTES), secrets.token_hex(32)) for _ in range(total)]
            submit_seconds, insert_seconds = [], []
            for index in range(total):
                member_id, personal_key = people[index]
                sealed, tag = bare_rows[index]
                content = CHOICES[index % 3]

                first = submit_first(keys_directory, round_id, member_id, personal_key, content)
                plain = SealedBallot.create(
                    id=uuid.uuid4(), round_id=bare_round, sealed=sealed, tag=tag
                )
                # Take turns going first, so that neither always follows the other.
                if index % 2 == 0:
                    submit_time, insert_time = await timed(first), await timed(plain)
                else:
                    insert_time, submit_time = await timed(plain), await timed(first)
                if index >= warmup:
                    submit_seconds.append(submit_time)
                    insert_seconds.append(insert_time)

            stored = await SealedBallot.filter(round_id=round_id).count()
            receipts = await ReceiptHash.filter(round_id=round_id).count()
            markers = await Marker.filter(round_id=round_id).count()
            bare_stored = await SealedBallot.filter(round_id=bare_round).count()
            if not stored == receipts == markers == bare_stored == total:
                raise RuntimeError(
                    f"expected {total} of each, found {stored} ballots, {receipts} receipts, "
                    f"{markers} markers, {bare_stored} bare rows"
                )
    database = "PostgreSQL" if Settings(database_url=url).uses_postgres else "SQLite"
    return Submissions(database, members, submit_seconds, insert_seconds)


# --- 3. close_round() on a big round -----------------------------------------------------------


@dataclass
class Closing:
    ballots: int
    fill_seconds: float
    seconds: float
    # (checkpoint, seconds since close_round() was called)
    steps: list[tuple[str, float]] = field(default_factory=list)
    counted: int = 0
    receipts: int = 0

    @property
    def step_seconds(self) -> list[tuple[str, float]]:
        """Each step's own duration, and whatever close_round() did after its last checkpoint."""
        reached = dict(self.steps)
        found, previous = [], 0.0
        for name, label in CLOSE_STEPS:
            if name in reached:
                found.append((label, reached[name] - previous))
                previous = reached[name]
        found.append(("mark closed, read the result back", self.seconds - previous))
        return found

    @property
    def passed(self) -> bool:
        return (
            self.seconds < TARGET_CLOSE_SECONDS
            and self.counted == self.ballots
            and self.receipts == self.ballots
        )


async def fill(keys_directory: Path, round_id: str, ballots: int) -> Counter[bytes]:
    """`ballots` sealed ballots, markers and receipt hashes, as submit() would have left them."""
    keys = load_round_keys(keys_directory, round_id)
    box = SealedBox(public_key(keys))
    cast: Counter[bytes] = Counter()
    for start in range(0, ballots, BATCH):
        sealed_rows, receipt_rows, marker_rows = [], [], []
        for index in range(start, min(start + BATCH, ballots)):
            content = CHOICES[index % 3]
            cast[content] += 1
            tag = revision_tag(secrets.token_bytes(32), round_id)
            sealed = bytes(box.encrypt(pad(content)))
            sealed_rows.append(
                SealedBallot(id=uuid.uuid4(), round_id=round_id, sealed=sealed, tag=tag)
            )
            receipt_rows.append(
                ReceiptHash(
                    id=uuid.uuid4(), round_id=round_id, tag=tag, hash=receipt_hash(new_code())
                )
            )
            marker_rows.append(
                Marker(round_id=round_id, value=marker_for(keys.marker_key, secrets.token_hex(8)))
            )
        await Marker.bulk_create(marker_rows)
        await SealedBallot.bulk_create(sealed_rows)
        await ReceiptHash.bulk_create(receipt_rows)
    return cast


async def closing(url: str, ballots: int = 100_000) -> Closing:
    with tempfile.TemporaryDirectory(prefix="chorus-benchmark-") as directory:
        keys_directory = Path(directory)
        async with orm(url):
            round_id = new_round_id()
            await open_round(keys_directory, round_id)
            start = time.perf_counter()
            cast = await fill(keys_directory, round_id, ballots)
            analyse = (
                "ANALYZE anonymity_sealed_ballot; ANALYZE anonymity_receipt_hash; "
                "ANALYZE anonymity_marker"
            )
            await connections.get(connection_name(url)).execute_script(analyse)
            fill_seconds = time.perf_counter() - start

            steps: list[tuple[str, float]] = []
            start = time.perf_counter()
            closed = await close_round(
                keys_directory,
                round_id,
                checkpoint=lambda step: steps.append((step, time.perf_counter() - start)),
            )
            seconds = time.perf_counter() - start
    if Counter(closed.contents) != cast:
        raise RuntimeError("the opened ballots are not the ones that were cast")
    return Closing(
        ballots=ballots,
        fill_seconds=fill_seconds,
        seconds=seconds,
        steps=steps,
        counted=len(closed.contents),
        receipts=len(closed.counted_receipts),
    )


# --- All together ------------------------------------------------------------------------------


@dataclass
class Result:
    sealing: Sealing
    postgres: Submissions
    sqlite: Submissions
    closing: Closing

    @property
    def passed(self) -> bool:
        return self.postgres.passed and self.closing.passed


async def measure(
    samples: int = 20_000,
    members: int = 2000,
    ballots: int = 100_000,
    warmup: int = 100,
    server: str | None = None,
) -> Result:
    server = server or server_url()
    cpu = sealing(samples)
    async with scratch_postgres(server) as url:
        postgres = await submissions(url, members, warmup)
    async with scratch_sqlite() as url:
        sqlite = await submissions(url, members, warmup)
    async with scratch_postgres(server) as url:
        closed = await closing(url, ballots)
    return Result(cpu, postgres, sqlite, closed)


def report(result: Result) -> list[str]:
    cpu, closed = result.sealing, result.closing
    lines = [
        f"sealing, no database ({cpu.samples:,} submissions, median): "
        f"{cpu.seal_us:.0f} µs for pad to {BALLOT_BYTES} bytes + seal + marker + revision tag; "
        f"reading the round's keys: {cpu.keys_us:.0f} µs more",
    ]
    for run in (result.postgres, result.sqlite):
        verdict = "" if run.database == "SQLite" else f" → {'PASS' if run.passed else 'FAIL'}"
        lines += [
            f"{run.database}, {run.members:,} members, median per call (mean):",
            f"  submit(): {run.submit_ms:.3f} ms ({run.submit_mean_ms:.3f} ms)",
            f"  bare INSERT of a row of the same size: {run.insert_ms:.3f} ms "
            f"({run.insert_mean_ms:.3f} ms)",
            f"  anonymity adds {run.added_ms:.3f} ms per submission "
            f"(target: under {TARGET_ADDED_MS:.0f} ms{', for information' if not verdict else ''})"
            + verdict,
        ]
    lines += [
        f"PostgreSQL, close_round() of {closed.ballots:,} sealed ballots "
        f"(filled in {closed.fill_seconds:.1f} s): {closed.seconds:.2f} s "
        f"(target: under {TARGET_CLOSE_SECONDS:.0f} s) → {'PASS' if closed.passed else 'FAIL'}",
        *(f"  {label}: {seconds:.2f} s" for label, seconds in closed.step_seconds),
        f"  counted {closed.counted:,} ballots, {closed.receipts:,} receipts",
        f"result: {'PASS' if result.passed else 'FAIL'}",
    ]
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--samples", type=int, default=20_000, help="sealings timed, no database")
    parser.add_argument("--members", type=int, default=2000, help="submissions timed per database")
    parser.add_argument("--warmup", type=int, default=100, help="submissions before timing")
    parser.add_argument("--ballots", type=int, default=100_000, help="sealed ballots to close")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    result = asyncio.run(measure(args.samples, args.members, args.ballots, args.warmup))
    for line in report(result):
        print(line)
    return 1 if args.check and not result.passed else 0


if __name__ == "__main__":
    sys.exit(main())
