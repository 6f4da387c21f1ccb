"""What the adversaries of DESIGN.md get: every row of a table, every database file."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from tortoise.models import Model

from chorus.app import migrate
from chorus.keys import init_key_directory
from chorus.logs import configure_logging
from chorus.settings import Settings


async def logged_chorus(url: str, keys: Path) -> Settings:
    """Settings for a Chorus on this database, migrated, with its key directory and every
    log line of Chorus written (debug), to be searched afterwards."""
    settings = Settings(
        database_url=url,
        key_directory=keys,
        passphrase_profile="test",
        log_level="debug",
        heartbeat_seconds=3600,
    )
    init_key_directory(settings.key_directory)
    configure_logging(settings)
    logging.getLogger("chorus.test").debug("logging is on")
    await migrate(settings)
    return settings


async def rows_of(model: type[Model]) -> list[dict[str, Any]]:
    return list(await model.all().values())


def long_values(rows: list[dict[str, Any]], skip: set[str]) -> set[str]:
    """Every identifier-like value (8 characters or more), as text."""
    found = set()
    for row in rows:
        for column, value in row.items():
            if column in skip or value is None or isinstance(value, bool | int):
                continue
            text = value.hex() if isinstance(value, bytes) else str(value)
            if len(text) >= 8:
                found.add(text)
    return found


def read_files(folder: Path) -> bytes:
    return b"".join(path.read_bytes() for path in folder.rglob("*") if path.is_file())
