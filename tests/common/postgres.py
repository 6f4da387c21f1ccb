"""Creating and dropping throw-away PostgreSQL databases for a test session."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import asyncpg

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
