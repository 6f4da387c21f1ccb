"""Creating and dropping throw-away PostgreSQL databases for a test session."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import asyncpg

from chorus.database import postgres_url


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
