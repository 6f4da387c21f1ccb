"""The test command behind `make test`: the suite on SQLite, then again on PostgreSQL.

- unit, functional and browser tests on SQLite, always (browser tests are
  skipped, with a notice, when Chromium is not installed, and their HTML check when
  Java or the Nu Html Checker is missing);
- the unit and functional tests again on PostgreSQL when CHORUS_TEST_DATABASE_URL
  is set (for example postgresql://postgres@127.0.0.1:5432/test); then what the
  server wrote to its own log meanwhile must hold no value (no key in a DETAIL
  line, no marker, tag, receipt hash, person id or encoded blob), or the run
  fails (skipped, with a notice, when this process cannot read the server's log).
Extra arguments go to pytest on every pass.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import asyncpg

from tests.browser.chromium import chromium_path
from tests.browser.fixtures.html import html_checker_missing
from tests.common.postgres import (
    LogMark,
    ServerLog,
    ServerLogUnavailable,
    error_kinds,
    log_leaks,
    server_log,
)

SHOWN = 20  # leaking lines printed, at most


def log_mark(server_url: str) -> tuple[ServerLog, LogMark] | None:
    try:
        log = asyncio.run(server_log(server_url))
    except ServerLogUnavailable as why:
        print(f"notice: the PostgreSQL server's log is not checked: {why}.")
        return None
    except (OSError, asyncpg.PostgresError) as error:  # the pass itself will say more
        print(f"notice: the PostgreSQL server's log is not checked: {error}.")
        return None
    return log, log.mark()


def server_log_is_clean(log: ServerLog, mark: LogMark) -> bool:
    """Report what the server logged during the pass; False when a line carries a value."""
    lines = log.since(mark)
    kinds = error_kinds(lines)
    if kinds:
        print(f"\nThe PostgreSQL server logged {sum(kinds.values())} errors ({log.path}):")
        for message, count in kinds.most_common():
            print(f"  {count:5}  {message}")
    leaks = log_leaks(lines)
    if not leaks:
        print(f"The server's log holds no values ({len(lines)} lines read from {log.path}).")
        return True
    print(
        f"\nThe server's log holds values in {len(leaks)} lines ({log.path}; values masked"
        " here; lines of other clients of the same server are read too):"
    )
    for leak in leaks[:SHOWN]:
        print(f"  {leak}")
    if len(leaks) > SHOWN:
        print(f"  ... and {len(leaks) - SHOWN} more")
    return False


def main(argv: list[str]) -> int:
    pytest = [sys.executable, "-m", "pytest", *argv]
    passes = [("SQLite", [*pytest, "--backend", "sqlite"])]
    if os.environ.get("CHORUS_TEST_DATABASE_URL"):
        passes.append(
            ("PostgreSQL", [*pytest, "--backend", "postgres", "tests/unit", "tests/functional"])
        )
    else:
        print("notice: CHORUS_TEST_DATABASE_URL is not set; the PostgreSQL pass is skipped.")
    if chromium_path() is None:
        print(
            "notice: Chromium is not installed; the browser tests are skipped "
            "(apt-get install chromium, or set CHORUS_CHROMIUM)."
        )
    elif (why := html_checker_missing()) is not None:
        print(f"notice: the browser tests' HTML check is skipped: {why}.")
    failed = []
    for name, command in passes:
        print(f"\n=== {name} ===", flush=True)
        watched = log_mark(os.environ["CHORUS_TEST_DATABASE_URL"]) if name == "PostgreSQL" else None
        if subprocess.call(command) != 0:
            failed.append(name)
        if watched is not None and not server_log_is_clean(*watched):
            failed.append(f"{name} (server log)")
    if failed:
        print(f"\nFAILED on: {', '.join(failed)}")
        return 1
    print(f"\nAll passes green: {', '.join(name for name, _ in passes)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
