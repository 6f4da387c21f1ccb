"""Creating and dropping throw-away PostgreSQL databases for a test session."""

from __future__ import annotations

import contextlib
import secrets
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
from tortoise import connections

from chorus.database import migrate, postgres_url
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
