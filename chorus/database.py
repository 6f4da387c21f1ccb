"""Database set-up: the Tortoise configuration, migrations, and the start-up check."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import asyncpg
from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.context import TortoiseContext
from tortoise.migrations.executor import MigrationExecutor

from chorus.settings import POSTGRES_SCHEMES, Settings

if TYPE_CHECKING:
    from chorus.domain import Domain


class DatabaseNotMigrated(RuntimeError):
    """The database lacks migrations this version of Chorus needs."""


def tortoise_config(settings: Settings, domains: Sequence[Domain]) -> dict[str, Any]:
    """Every domain that owns tables is a Tortoise app, with its committed migrations."""
    return {
        "connections": {"default": connection_settings(settings.database_url)},
        "apps": {
            domain.name: {
                "models": list(domain.models),
                "migrations": domain.migrations,
                "default_connection": "default",
            }
            for domain in domains
            if domain.models
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def _roll_back_only(connection: asyncpg.Connection) -> None:
    """What a connection going back to the pool needs: asyncpg has already rolled back any
    open transaction. Its default also resets session settings, advisory locks and
    listeners, which Chorus never uses: one statement fewer per request."""


def connection_settings(url: str) -> str | dict[str, Any]:
    """How Tortoise connects: SQLite by URL; PostgreSQL by its parts, with the pool's reset."""
    url = connection_url(url)
    if not url.startswith("asyncpg://"):
        return url
    expanded: dict[str, Any] = expand_db_url(url)
    expanded["credentials"]["reset"] = _roll_back_only
    return expanded


def connection_url(url: str) -> str:
    """The URL Tortoise connects with. SQLite overwrites what is deleted (secure_delete),
    so that a deleted account's pseudonym does not linger in free pages of the file."""
    if url.startswith("sqlite://") and "secure_delete" not in url:
        return url + ("&" if "?" in url else "?") + "secure_delete=ON"
    return postgres_url(url, "asyncpg")


async def forget_deleted_rows() -> None:
    """Push deleted rows out of SQLite's write-ahead log too (PostgreSQL: VACUUM's job).

    Only once the deletion is committed: inside a transaction there is nothing to push yet.
    """
    connection = connections.get("default")
    if connection.capabilities.dialect == "sqlite" and not isinstance(
        connection, TransactionalDBClient
    ):
        await connection.execute_query("PRAGMA wal_checkpoint(TRUNCATE)")


def placeholders(connection: BaseDBAsyncClient, count: int) -> list[str]:
    """The dialect's placeholders for a statement's `count` values: $1... or ?."""
    postgres = connection.capabilities.dialect == "postgres"
    return [f"${i}" if postgres else "?" for i in range(1, count + 1)]


def postgres_url(url: str, scheme: str) -> str:
    """The same PostgreSQL address under the scheme a client wants; other URLs unchanged.

    Tortoise calls the driver "asyncpg://", psycopg and asyncpg itself "postgresql://".
    """
    for prefix in POSTGRES_SCHEMES:
        if url.startswith(prefix):
            return f"{scheme}://{url[len(prefix) :]}"
    return url


async def table_exists(connection: BaseDBAsyncClient, name: str) -> bool:
    """Whether the database has this table, asked in a way that cannot fail."""
    if connection.capabilities.dialect == "postgres":
        _, rows = await connection.execute_query("SELECT to_regclass($1) AS found", [name])
        return rows[0]["found"] is not None
    query = "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?"
    _, rows = await connection.execute_query(query, [name])
    return bool(rows)


def quiet_executor(connection: BaseDBAsyncClient, apps: dict[str, Any]) -> MigrationExecutor:
    """Tortoise's migration executor, asking whether its own table exists before reading
    it: on a new database its plain SELECT fails, and PostgreSQL writes each such failure
    to the server's log as an ERROR (harmless, but noise in the log an operator reads)."""
    executor = MigrationExecutor(connection, apps)
    recorder = executor.recorder
    read = recorder.applied_migrations

    async def applied_migrations() -> Any:
        if not await table_exists(connection, recorder.table_name):
            return []
        return await read()

    recorder.applied_migrations = applied_migrations  # type: ignore[method-assign]
    return executor


async def pending_migrations(settings: Settings, domains: Sequence[Domain]) -> list[str]:
    """Names of the migrations not yet applied, in the order they would run."""
    config = tortoise_config(settings, domains)
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        executor = quiet_executor(ctx.db("default"), config["apps"])
        plan = await executor.plan()
        return [f"{step.migration.app_label}.{step.migration.name}" for step in plan]


async def migrate(settings: Settings, domains: Sequence[Domain]) -> list[str]:
    """Apply every pending migration; returns the names applied."""
    config = tortoise_config(settings, domains)
    async with TortoiseContext() as ctx:
        await ctx.init(config=config, _create_db=False)
        executor = quiet_executor(ctx.db("default"), config["apps"])
        plan = await executor.plan()
        await executor.migrate()
    if settings.uses_postgres:
        from chorus.jobs import apply_queue_schema

        await apply_queue_schema(settings)
    return [f"{step.migration.app_label}.{step.migration.name}" for step in plan]


async def check_migrated(settings: Settings, domains: Sequence[Domain]) -> None:
    pending = await pending_migrations(settings, domains)
    if pending:
        raise DatabaseNotMigrated(
            f"The database is missing {len(pending)} migration(s) ({', '.join(pending)}). "
            "Run `chorus migrate`, then start Chorus again."
        )
    if settings.uses_postgres:
        from chorus.jobs import queue_schema_present

        if not await queue_schema_present(settings):
            raise DatabaseNotMigrated(
                "The job queue's tables are missing. Run `chorus migrate`, then start Chorus again."
            )
