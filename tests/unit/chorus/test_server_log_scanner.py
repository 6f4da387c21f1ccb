"""The scanner of PostgreSQL's server log (tests/common/postgres.py) finds every line
that carries a value, masks the values in what it reports, and leaves the server's own
chatter alone; reading "what was logged since" returns only the new lines."""

import asyncio
import os
import secrets
import uuid
from pathlib import Path

import asyncpg
import pytest

from chorus.database import postgres_url
from tests.common.postgres import (
    LogMark,
    ServerLog,
    error_kinds,
    log_leaks,
    server_log_or_skip,
)

PREFIX = "2026-12-07 19:49:49.286 UTC [19241] postgres@chorus_test_863353b6 "
MARKER = secrets.token_hex(32)
PERSON = str(uuid.uuid4())
SEALED = "k3Jd9QmZ" + secrets.token_urlsafe(40)

LEAKING = [
    f"{PREFIX}DETAIL:  Key (round_id, value)=(r85a3a14153b2, {MARKER}) already exists.",
    f'{PREFIX}DETAIL:  Key (person_id)=(42) is still referenced from table "x".',
    f"{PREFIX}DETAIL:  Key (pseudonym_lookup)=(ana) already exists.",
    f"{PREFIX}DETAIL:  Failing row contains (7, null, ana).",
    f"{PREFIX}LOG:  statement: SELECT 1 WHERE id = '{PERSON}'",
    f"{PREFIX}STATEMENT:  INSERT INTO receipt VALUES ('{MARKER}')",
    f"{PREFIX}LOG:  sealed {SEALED}",
    f"{PREFIX}LOG:  bytes \\x{secrets.token_hex(24)}",
]

CLEAN = [
    f'{PREFIX}ERROR:  duplicate key value violates unique constraint "uid_anonymity_m_round_i"',
    f'{PREFIX}STATEMENT:  INSERT INTO "anonymity_marker" ("round_id","value") VALUES ($1,$2)',
    f'{PREFIX}ERROR:  relation "tortoise_migrations" does not exist at character 27',
    "2026-12-07 19:43:56.956 UTC [2230] LOG:  starting PostgreSQL 15.20 (Debian 15.20-0+deb12u1)"
    " on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14+deb12u1) 12.2.0, 64-bit",
    "2026-12-07 19:43:56.958 UTC [2230] LOG:  listening on Unix socket "
    '"/var/run/postgresql/.s.PGSQL.5432"',
    f"{PREFIX}CONTEXT:  PL/pgSQL function procrastinate_unlink_periodic_defers_v1() line 3",
    f"{PREFIX}LOG:  checkpoint complete: wrote 3 buffers (0.0%); 0 WAL file(s) added",
    f"{PREFIX}LOG:  chorus-log-probe-{secrets.token_hex(8)}",
]


@pytest.mark.parametrize("line", LEAKING)
def test_a_line_with_a_value_is_found_and_masked(line: str):
    [leak] = log_leaks([line])
    for value in (MARKER, PERSON, SEALED, "ana", "(42)", "r85a3a14153b2"):
        assert value not in leak.line
    assert "masked>" in leak.line
    assert leak.line.startswith(PREFIX)


def test_the_columns_of_a_key_stay_readable():
    [leak] = log_leaks([LEAKING[0]])
    assert "Key (round_id, value)=(<key values masked>) already exists." in leak.line


@pytest.mark.parametrize("line", CLEAN)
def test_the_servers_own_lines_are_not_leaks(line: str):
    assert log_leaks([line]) == []


def test_error_kinds_count_each_message_once_per_kind():
    lines = [*CLEAN, *LEAKING, CLEAN[0], f"{PREFIX}ERROR:  value {MARKER} is odd"]
    kinds = error_kinds(lines)
    assert kinds[CLEAN[0].partition(" ERROR:  ")[2]] == 2
    assert kinds["value <64 hex masked> is odd"] == 1
    assert sum(kinds.values()) == 4


def test_since_reads_only_what_was_appended(tmp_path: Path):
    path = tmp_path / "postgresql.log"
    path.write_text("old line\n")
    log = ServerLog("postgresql://unused", path)
    mark = log.mark()
    with path.open("a") as out:
        out.write("new one\nnew two\n")
    assert log.since(mark) == ["new one", "new two"]
    path.write_text("rotated\n")  # shorter than the mark: a new file, read it all
    assert log.since(mark) == ["rotated"]
    assert ServerLog("postgresql://unused", path).since(LogMark(path, 0)) == ["rotated"]


@pytest.mark.postgres_only
async def test_the_real_server_log_shows_what_this_test_raised():
    log = await server_log_or_skip(os.environ["CHORUS_TEST_DATABASE_URL"])
    mark = log.mark()
    probe = f"probe-{secrets.token_hex(4)}"
    connection = await asyncpg.connect(postgres_url(log.server_url, "postgresql"))
    try:
        await connection.execute(f"DO $$ BEGIN RAISE LOG '{probe}'; END $$")
    finally:
        await connection.close()
    for _ in range(40):
        if any(probe in line for line in log.since(mark)):
            break
        await asyncio.sleep(0.05)
    assert any(probe in line for line in log.since(mark))
