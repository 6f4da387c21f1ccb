"""Creating and dropping throw-away PostgreSQL databases for a test session."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import secrets
import sys
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
from tortoise import connections

from chorus.app import migrate
from chorus.database import postgres_url
from chorus.settings import Settings


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


async def create_database(server_url: str, name: str) -> str:
    connection = await asyncpg.connect(postgres_url(server_url, "postgresql"))
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return with_database(server_url, name)


async def drop_database(server_url: str, name: str) -> None:
    connection = await asyncpg.connect(postgres_url(server_url, "postgresql"))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


@contextlib.asynccontextmanager
async def scratch_database(server_url: str, prefix: str, *, migrated: bool) -> AsyncIterator[str]:
    """A new database on the server (migrated, or empty), dropped afterwards whatever happens."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    url = await create_database(server_url, name)
    try:
        if migrated:
            await migrate(Settings(database_url=url))
        yield url
    finally:
        await drop_database(server_url, name)


async def local_data_directory(pg: Any) -> Path:
    """The server's data directory if this test can read it; skips (saying why) otherwise."""
    try:
        directory = Path(await pg.fetchval("SHOW data_directory"))
        identifier = await pg.fetchval("SELECT system_identifier FROM pg_control_system()")
    except asyncpg.InsufficientPrivilegeError:
        pytest.skip("the test role may not see the data directory: database files unchecked")
    try:
        control = (directory / "global" / "pg_control").read_bytes()
    except OSError:
        pytest.skip(f"{directory} is not readable here: PostgreSQL's WAL files unchecked")
    if int.from_bytes(control[:8], sys.byteorder) != identifier:
        pytest.skip(f"{directory} here belongs to another server: its WAL files unchecked")
    return directory


XLP_LONG_HEADER = 0x0002  # xlp_info: the first page of a segment has a longer header


async def fresh_wal_segment(pg: Any) -> str:
    """Start a new WAL segment and name it, so that what `wal_since` reads from it holds
    only what was written afterwards (when nothing else writes to the same server)."""
    await pg.execute("SELECT pg_switch_wal()")
    # The insert position is past the new segment's header; the write position can sit
    # exactly on the boundary, which pg_walfile_name names the old segment by.
    name: str = await pg.fetchval("SELECT pg_walfile_name(pg_current_wal_insert_lsn())")
    return name


async def transaction_ids(*tables: str) -> set[str]:
    """The xmin (id of the writing transaction) of every row of these tables."""
    found: set[str] = set()
    connection = connections.get("default")
    for table in tables:
        _, rows = await connection.execute_query(f"SELECT xmin::text AS x FROM {table}")
        found |= {row["x"] for row in rows}
    return found


async def wal_since(pg: Any, directory: Path, first: str) -> tuple[bytes, bytes]:
    """The WAL segments written since segment `first`: as they are, and without page headers.

    A record that crosses a WAL page boundary is cut by the next page's header;
    removing the headers joins it up again, so that a row is found whole.
    """
    page_size = int(await pg.fetchval("SHOW wal_block_size"))
    last, offset = await pg.fetchrow(
        "SELECT file_name, file_offset FROM pg_walfile_name_offset(pg_current_wal_lsn())"
    )
    names = sorted(p.name for p in (directory / "pg_wal").iterdir() if len(p.name) == 24)
    segments = [(directory / "pg_wal" / n).read_bytes() for n in names if first <= n <= last]
    if segments:
        # A recycled segment file still holds older WAL past the point written so far.
        end = -(-offset // page_size) * page_size
        segments[-1] = segments[-1][:end]
    pages = []
    for segment in segments:
        for start in range(0, len(segment), page_size):
            info = int.from_bytes(segment[start + 2 : start + 4], sys.byteorder)
            header = 40 if info & XLP_LONG_HEADER else 24
            pages.append(segment[start + header : start + page_size])
    return b"".join(segments), b"".join(pages)


# The server's own log --------------------------------------------------------------
#
# PostgreSQL writes each error to its log with the statement's DETAIL, and a unique
# violation's DETAIL echoes the key: `Key (round_id, value)=(…, <marker>) already
# exists`. A copy of the server's log is a copy of the database (DESIGN, anonymity 2),
# so tests read what the server logged while they ran and look for values in it.


class ServerLogUnavailable(Exception):
    """This test process cannot read the server's log; the message says why."""


@dataclass(frozen=True)
class LogMark:
    """A point in the server's log: the file and how long it was."""

    path: Path
    size: int


@dataclass(frozen=True)
class ServerLog:
    """The log of the PostgreSQL server behind a URL, as this process can read it."""

    server_url: str
    path: Path

    def mark(self) -> LogMark:
        """Where the log ends now: `since(mark)` later reads only what came after."""
        return LogMark(self.path, self.path.stat().st_size)

    def since(self, mark: LogMark) -> list[str]:
        """Every line the server logged after `mark` (lines of other clients included)."""
        return _read_from(mark.path, mark.size).splitlines()


async def server_log(server_url: str) -> ServerLog:
    """Find the log of the server at `server_url` and prove it is that server's and is
    being written to; ServerLogUnavailable (saying why) when this process cannot read it.

    The file is `pg_current_logfile()` when the server runs a logging collector, else
    Debian's default (/var/log/postgresql/postgresql-<version>-<cluster>.log), or
    CHORUS_TEST_SERVER_LOG when set. A random probe raised at LOG level must show up in it.
    """
    connection = await asyncpg.connect(postgres_url(server_url, "postgresql"))
    try:
        path = await _log_path(connection)
        try:
            start = path.stat().st_size
            path.open("rb").close()
        except OSError as error:
            raise ServerLogUnavailable(f"{path} is not readable here ({error.strerror})") from None
        probe = f"chorus-log-probe-{secrets.token_hex(8)}"
        await connection.execute(f"DO $$ BEGIN RAISE LOG '{probe}'; END $$")
        for _ in range(40):
            if probe in _read_from(path, start):
                return ServerLog(server_url, path)
            await asyncio.sleep(0.05)
        raise ServerLogUnavailable(f"{path} does not receive this server's messages")
    finally:
        await connection.close()


async def server_log_since(server_url: str, mark: LogMark) -> list[str]:
    """Every line the server logged after `mark` (for tests: see `server_log_or_skip`)."""
    return (await server_log(server_url)).since(mark)


async def server_log_or_skip(server_url: str) -> ServerLog:
    """The server's log, or skip the test saying why it could not be read."""
    try:
        return await server_log(server_url)
    except ServerLogUnavailable as why:
        pytest.skip(f"the server's log is unchecked: {why}")


async def _log_path(connection: Any) -> Path:
    explicit = os.environ.get("CHORUS_TEST_SERVER_LOG")
    if explicit:
        return Path(explicit)
    current = None
    with contextlib.suppress(asyncpg.InsufficientPrivilegeError):
        current = await connection.fetchval("SELECT pg_current_logfile()")
    if current:
        path = Path(current)
        if not path.is_absolute():
            try:
                path = Path(await connection.fetchval("SHOW data_directory")) / path
            except asyncpg.InsufficientPrivilegeError:
                raise ServerLogUnavailable(
                    "the test role may not see the data directory the log is in"
                ) from None
        return path
    cluster = await connection.fetchval("SHOW cluster_name")  # Debian: "15/main"
    if not cluster or "/" not in cluster:
        raise ServerLogUnavailable(
            "no logging collector and no Debian cluster name: set CHORUS_TEST_SERVER_LOG"
        )
    version, name = cluster.split("/", 1)
    return Path("/var/log/postgresql") / f"postgresql-{version}-{name}.log"


def _read_from(path: Path, offset: int) -> str:
    with path.open("rb") as log:
        log.seek(0, os.SEEK_END)
        if log.tell() < offset:  # rotated or truncated since: all of it is new
            offset = 0
        log.seek(offset)
        return log.read().decode("utf-8", errors="replace")


# What must never be in it: a key's values, and anything that looks like a marker, tag,
# receipt hash (64 hex digits), a person's id (a UUID) or a sealed or encoded value.
VALUE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("key values", re.compile(r"DETAIL:\s+Key \((?P<columns>[^)]*)\)=\((?P<value>.*?)\)")),
    ("failing row", re.compile(r"DETAIL:\s+Failing row contains \((?P<value>.*)\)")),
    (
        "uuid",
        re.compile(
            r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"
        ),
    ),
    ("64 hex", re.compile(r"(?<![0-9a-fA-F])[0-9a-fA-F]{64}(?![0-9a-fA-F])")),
    ("hex blob", re.compile(r"(?<![0-9a-fA-F])(?:\\x)?[0-9a-fA-F]{41,}(?![0-9a-fA-F])")),
    ("base64 blob", re.compile(r"(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{41,}={0,2}")),
)


def _looks_random(blob: str) -> bool:
    """Base64 of random bytes mixes digits, capitals and small letters; names and paths
    of the server's own messages (`procrastinate_unlink_periodic_defers_v1`) do not."""
    return (
        any(c.isdigit() for c in blob)
        and any(c.isupper() for c in blob)
        and any(c.islower() for c in blob)
    )


@dataclass(frozen=True)
class LogLeak:
    kind: str
    line: str  # masked: the values replaced by what they are

    def __str__(self) -> str:
        return f"[{self.kind}] {self.line}"


def log_leaks(lines: Iterable[str]) -> list[LogLeak]:
    """The lines that carry a value, each masked; an empty list when the log is clean."""
    leaks = []
    for line in lines:
        kinds = []
        masked = line
        for kind, pattern in VALUE_PATTERNS:
            found = [
                m for m in pattern.finditer(masked) if kind != "base64 blob" or _looks_random(m[0])
            ]
            if not found:
                continue
            kinds.append(kind)
            for match in reversed(found):
                start, end = match.span("value") if "value" in pattern.groupindex else match.span()
                masked = f"{masked[:start]}<{kind} masked>{masked[end:]}"
        if kinds:
            leaks.append(LogLeak(", ".join(kinds), masked))
    return leaks


def error_kinds(lines: Iterable[str]) -> Counter[str]:
    """How many ERROR lines of each kind (the message without the log prefix, masked)."""
    kinds: Counter[str] = Counter()
    for line in lines:
        _, marker, message = line.partition(" ERROR:  ")
        if marker:
            kinds[_mask_all(message)] += 1
    return kinds


def _mask_all(text: str) -> str:
    leaks = log_leaks([text])
    return leaks[0].line if leaks else text
