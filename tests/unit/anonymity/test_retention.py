"""Retention by crypto-shredding: content sealed per month, unreadable once its key is shredded.

The file checks store sealed content in real database files (SQLite in WAL
mode; PostgreSQL's WAL segments and table files when the data directory is
readable from here) and show that the plain text is never in them, while the
ciphertext is, and that this ciphertext no longer opens after shredding.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import sqlite3
import stat
import threading
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from anonymity.retention import (
    ContentExpired,
    RetainedText,
    expired_periods,
    expires_at,
    open_retained,
    period_of,
    retention_directory,
    retention_job,
    run_retention,
    seal_for_retention,
    shred_expired,
)
from chorus.database import postgres_url
from tests.common.postgres import local_data_directory, wal_since

NOVEMBER_2026 = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    return tmp_path / "keys"


def plain_marker() -> str:
    return "plain-" + secrets.token_hex(16)


def test_sealed_content_opens_with_its_period_key(keys: Path):
    blob = seal_for_retention(keys, b"what happened at the farm", NOVEMBER_2026)
    assert blob.startswith(b"2026-11:")
    assert b"farm" not in blob
    assert open_retained(keys, blob) == b"what happened at the farm"
    assert seal_for_retention(keys, b"what happened at the farm", NOVEMBER_2026) != blob


def test_periods_are_utc_months_kept_whole_months_after_they_end():
    assert period_of(datetime(2026, 11, 30, 23, 30, tzinfo=timezone(timedelta(hours=-2)))) == (
        "2026-12"
    )
    assert expires_at("2026-11", 24) == datetime(2028, 12, 1, tzinfo=UTC)
    assert expires_at("2026-11", 0) == datetime(2026, 12, 1, tzinfo=UTC)
    assert expires_at("2026-12", 1) == datetime(2027, 2, 1, tzinfo=UTC)
    with pytest.raises(ValueError, match="time zone"):
        period_of(datetime(2026, 11, 15))  # naive: refused
    with pytest.raises(ValueError, match="YYYY-MM"):
        expires_at("2026-13", 1)
    with pytest.raises(ValueError, match="0 or more"):
        expires_at("2026-11", -1)


def test_a_period_expires_exactly_keep_months_after_its_end(keys: Path):
    for month in ("2024-01", "2024-11", "2025-06"):
        seal_for_retention(keys, b"x", datetime.fromisoformat(f"{month}-10T00:00:00+00:00"))
    assert expired_periods(keys, datetime(2026, 11, 30, 23, 59, tzinfo=UTC), 24) == ["2024-01"]
    assert expired_periods(keys, datetime(2026, 12, 1, tzinfo=UTC), 24) == ["2024-01", "2024-11"]
    assert expired_periods(keys, NOVEMBER_2026, 0) == ["2024-01", "2024-11", "2025-06"]
    assert expired_periods(keys / "nowhere", NOVEMBER_2026, 0) == []


def test_shredding_an_expired_period_makes_its_content_unreadable_for_good(keys: Path):
    old = [
        seal_for_retention(keys, b"old 1", datetime(2024, 3, 1, tzinfo=UTC)),
        seal_for_retention(keys, b"old 2", datetime(2024, 3, 31, 23, 59, tzinfo=UTC)),
    ]
    current = seal_for_retention(keys, b"current", NOVEMBER_2026)
    key_file = retention_directory(keys) / "2024-03"
    # A second name for the same file: after shredding it shows what was left on the disk.
    second_name = keys / "second-name"
    os.link(key_file, second_name)
    key = key_file.read_bytes()

    assert shred_expired(keys, NOVEMBER_2026, keep=24) == ["2024-03"]
    for blob in old:
        with pytest.raises(ContentExpired, match="2024-03"):
            open_retained(keys, blob)
    assert open_retained(keys, current) == b"current"
    assert not key_file.exists()
    assert second_name.read_bytes() != key  # overwritten in place before removal
    assert len(second_name.read_bytes()) == len(key)


def test_shredding_is_idempotent(keys: Path):
    old = seal_for_retention(keys, b"old", datetime(2020, 1, 1, tzinfo=UTC))
    seal_for_retention(keys, b"current", NOVEMBER_2026)
    assert shred_expired(keys, NOVEMBER_2026, keep=24) == ["2020-01"]
    assert shred_expired(keys, NOVEMBER_2026, keep=24) == []
    assert run_retention(keys, NOVEMBER_2026, keep=24) == []
    assert sorted(p.name for p in retention_directory(keys).iterdir()) == ["2026-11"]
    with pytest.raises(ContentExpired):
        open_retained(keys, old)


def test_keys_are_readable_by_their_owner_only(keys: Path):
    seal_for_retention(keys, b"x", NOVEMBER_2026)
    folder = retention_directory(keys)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "2026-11").stat().st_mode) == 0o600
    assert len((folder / "2026-11").read_bytes()) == 32


def test_processes_sealing_at_once_agree_on_one_key(keys: Path):
    start = threading.Barrier(16)

    def seal(i: int) -> bytes:
        start.wait()
        return seal_for_retention(keys, f"message {i}".encode(), NOVEMBER_2026)

    with ThreadPoolExecutor(16) as pool:
        blobs = list(pool.map(seal, range(16)))
    assert [open_retained(keys, b) for b in blobs] == [f"message {i}".encode() for i in range(16)]
    assert [p.name for p in retention_directory(keys).iterdir()] == ["2026-11"]


def test_a_leftover_copy_of_an_expired_key_is_shredded_with_it(keys: Path):
    old = seal_for_retention(keys, b"old", datetime(2020, 1, 1, tzinfo=UTC))
    folder = retention_directory(keys)
    # What a crash between publishing a key and removing its temporary name leaves.
    os.link(folder / "2020-01", folder / ".2020-01.0123456789abcdef.tmp")
    (folder / "2020-01").unlink()
    assert expired_periods(keys, NOVEMBER_2026, 24) == ["2020-01"]
    assert shred_expired(keys, NOVEMBER_2026, 24) == ["2020-01"]
    assert list(folder.iterdir()) == []
    with pytest.raises(ContentExpired):
        open_retained(keys, old)


def test_damage_is_not_mistaken_for_expiry(keys: Path):
    blob = seal_for_retention(keys, b"content", NOVEMBER_2026)
    with pytest.raises(ValueError, match="does not open"):
        open_retained(keys, blob[:-1] + bytes([blob[-1] ^ 1]))
    for not_a_blob in (b"", b"content", b"2026-11", b"26-11:abc", b"2026-13:abc"):
        with pytest.raises(ValueError, match="not a retained blob"):
            open_retained(keys, not_a_blob)


def test_retained_text_reveals_nothing_once_expired(keys: Path):
    retained = RetainedText(keys)
    old = retained.protect("an old complaint", datetime(2023, 5, 5, tzinfo=UTC))
    new = retained.protect("a new complaint")
    assert retained.reveal(old) == "an old complaint"
    run_retention(keys, datetime.now(UTC), keep=12)
    assert retained.reveal(old) is None
    assert retained.reveal(new) == "a new complaint"


async def test_the_scheduled_job_shreds_what_expired_by_now(keys: Path):
    old = seal_for_retention(keys, b"old", datetime(2000, 1, 1, tzinfo=UTC))
    new = seal_for_retention(keys, b"new", datetime.now(UTC))
    await retention_job(keys, 24)
    with pytest.raises(ContentExpired):
        open_retained(keys, old)
    assert open_retained(keys, new) == b"new"


# The database files ---------------------------------------------------------------------


def read_every_file(directory: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in directory.rglob("*")
        if path.is_file()
    }


def test_sqlite_files_wal_included_hold_ciphertext_never_plain_text(tmp_path: Path):
    keys, data = tmp_path / "keys", tmp_path / "data"
    data.mkdir()
    database = data / "content.sqlite3"
    marker = plain_marker()
    texts = [f"{marker} {i}: what I saw at the farm".encode() for i in range(25)]
    written = datetime(2024, 3, 10, tzinfo=UTC)

    connection = sqlite3.connect(database)
    try:
        assert connection.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal"
        connection.execute("PRAGMA wal_autocheckpoint=0")  # the rows stay in the WAL file
        connection.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
        with connection:
            connection.executemany(
                "INSERT INTO note (body) VALUES (?)",
                [(seal_for_retention(keys, text, written),) for text in texts],
            )
        stored = [bytes(row[0]) for row in connection.execute("SELECT body FROM note ORDER BY id")]

        files = read_every_file(data)
        assert set(files) == {"content.sqlite3", "content.sqlite3-wal", "content.sqlite3-shm"}
        # The check looks where the rows are: every sealed row is in the WAL file...
        assert all(blob in files["content.sqlite3-wal"] for blob in stored)
        # ...and the plain text is in no file at all, keys included.
        assert not [
            name
            for name, content in read_every_file(tmp_path).items()
            if marker.encode() in content
        ]
        assert [open_retained(keys, blob) for blob in stored] == texts

        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        files = read_every_file(data)
        assert all(blob in files["content.sqlite3"] for blob in stored)
        assert not [name for name, content in files.items() if marker.encode() in content]
    finally:
        connection.close()

    assert shred_expired(keys, datetime(2026, 4, 1, tzinfo=UTC), keep=24) == ["2024-03"]
    connection = sqlite3.connect(database)
    try:
        again = [bytes(row[0]) for row in connection.execute("SELECT body FROM note ORDER BY id")]
    finally:
        connection.close()
    assert again == stored
    everything = b"".join(read_every_file(data).values())
    assert all(blob in everything for blob in stored)  # still on the disk, and yet:
    for blob in again:
        with pytest.raises(ContentExpired):
            open_retained(keys, blob)
    assert marker.encode() not in b"".join(read_every_file(tmp_path).values())


@pytest.fixture
async def pg(database_url: str) -> AsyncIterator[Any]:
    connection = await asyncpg.connect(postgres_url(database_url, "postgresql"))
    try:
        yield connection
    finally:
        await connection.close()


async def store_rows(pg: Any, keys: Path, texts: list[bytes], written: datetime) -> str:
    """A real (logged, not temporary) table of sealed rows; returns its name."""
    table = "retention_probe_" + secrets.token_hex(4)
    await pg.execute(f"CREATE TABLE {table} (id serial PRIMARY KEY, body bytea NOT NULL)")
    await pg.executemany(
        f"INSERT INTO {table} (body) VALUES ($1)",
        [(seal_for_retention(keys, text, written),) for text in texts],
    )
    return table


async def stored_rows(pg: Any, table: str) -> list[bytes]:
    rows = await pg.fetch(f"SELECT body FROM {table} ORDER BY id")
    return [bytes(row["body"]) for row in rows]


@pytest.mark.postgres_only
async def test_postgres_stores_ciphertext_that_shredding_makes_unreadable(pg: Any, keys: Path):
    marker = plain_marker()
    texts = [f"{marker} {i}".encode() for i in range(10)]
    table = await store_rows(pg, keys, texts, datetime(2024, 3, 10, tzinfo=UTC))
    try:
        stored = await stored_rows(pg, table)
        assert not any(marker.encode() in blob for blob in stored)
        assert [open_retained(keys, blob) for blob in stored] == texts
        assert shred_expired(keys, datetime(2026, 4, 1, tzinfo=UTC), keep=24) == ["2024-03"]
        for blob in await stored_rows(pg, table):
            with pytest.raises(ContentExpired):
                open_retained(keys, blob)
    finally:
        await pg.execute(f"DROP TABLE {table}")


@pytest.mark.postgres_only
async def test_postgres_wal_holds_ciphertext_never_plain_text(pg: Any, keys: Path):
    directory = await local_data_directory(pg)
    first = await pg.fetchval("SELECT pg_walfile_name(pg_current_wal_lsn())")
    marker = plain_marker()
    texts = [f"{marker} {i}: what I saw at the farm".encode() for i in range(25)]
    table = await store_rows(pg, keys, texts, datetime(2024, 3, 10, tzinfo=UTC))
    try:
        stored = await stored_rows(pg, table)
        raw, records = await wal_since(pg, directory, first)
        for _ in range(50):  # a commit flushes the WAL, unless synchronous_commit is off
            if all(blob in records for blob in stored):
                break
            await asyncio.sleep(0.1)
            raw, records = await wal_since(pg, directory, first)
        # The check looks where the rows are: every sealed row is in the WAL...
        assert all(blob in records for blob in stored)
        # ...and the plain text is not, neither whole nor across a page boundary.
        assert marker.encode() not in raw
        assert marker.encode() not in records

        assert shred_expired(keys, datetime(2026, 4, 1, tzinfo=UTC), keep=24) == ["2024-03"]
        raw, records = await wal_since(pg, directory, first)
        assert all(blob in records for blob in stored)  # still in the WAL, and yet:
        for blob in stored:
            with pytest.raises(ContentExpired):
                open_retained(keys, blob)
    finally:
        await pg.execute(f"DROP TABLE {table}")


@pytest.mark.postgres_only
async def test_postgres_table_file_holds_ciphertext_never_plain_text(pg: Any, keys: Path):
    directory = await local_data_directory(pg)
    marker = plain_marker()
    texts = [f"{marker} {i}".encode() for i in range(25)]
    table = await store_rows(pg, keys, texts, NOVEMBER_2026)
    try:
        try:
            await pg.execute("CHECKPOINT")  # writes the table's pages to its file
        except asyncpg.InsufficientPrivilegeError:
            pytest.skip("CHECKPOINT needs pg_checkpoint: the table file is unchecked")
        relation = await pg.fetchval("SELECT pg_relation_filepath($1::regclass)", table)
        content = b"".join(
            path.read_bytes()
            for path in (directory / relation).parent.iterdir()
            if path.name == Path(relation).name or path.name.startswith(Path(relation).name + ".")
        )
        stored = await stored_rows(pg, table)
        assert all(blob in content for blob in stored)
        assert marker.encode() not in content
    finally:
        await pg.execute(f"DROP TABLE {table}")
