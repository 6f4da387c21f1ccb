"""The test command behind `make test`: the suite on SQLite, then again on PostgreSQL.

- unit, functional and browser tests on SQLite, always (browser tests are
  skipped, with a notice, when Chromium is not installed);
- the unit and functional tests again on PostgreSQL when CHORUS_TEST_DATABASE_URL
  is set (for example postgresql://postgres@127.0.0.1:5432/test).
Extra arguments go to pytest on every pass.
"""

from __future__ import annotations

import os
import subprocess
import sys

from tests.browser.chromium import chromium_path


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
    failed = []
    for name, command in passes:
        print(f"\n=== {name} ===", flush=True)
        if subprocess.call(command) != 0:
            failed.append(name)
    if failed:
        print(f"\nFAILED on: {', '.join(failed)}")
        return 1
    print(f"\nAll passes green: {', '.join(name for name, _ in passes)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
