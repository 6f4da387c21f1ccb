"""Seconds to send one notice to every member, with 100,000 members, on PostgreSQL.

The script creates its own database on the server named by
CHORUS_BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test),
migrates it, and fills it straight with SQL: 100,000 people (a person row is
only an id), each with the member role. It then times
`governance.service.inbox.send_to_role(Role.MEMBER, "news")` (one INSERT ... SELECT),
emptying the notices between rounds, and drops the database at the end.
Target: one send to every member within 10 seconds.

    uv run python benchmarks/inbox_fanout.py [--members N] [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

from tortoise import connections
from tortoise.context import TortoiseContext

from chorus.app import tortoise_config
from chorus.roles import Role
from chorus.settings import Settings
from governance.service.inbox import send_to_role
from tests.common.postgres import scratch_database

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/test"
TARGET_SECONDS = 10.0
BATCH = 20_000  # rows per INSERT while filling


def server_url() -> str:
    return os.environ.get("CHORUS_BENCH_DATABASE_URL", DEFAULT_SERVER)


async def fill(members: int) -> None:
    """`members` people holding the member role, written in batches by the database itself."""
    connection = connections.get("default")
    for start in range(1, members + 1, BATCH):
        end = min(start + BATCH - 1, members)
        await connection.execute_query(
            "INSERT INTO governance_person (id, session_generation) "
            "SELECT gen_random_uuid(), 0 FROM generate_series($1::int, $2::int) AS n",
            [start, end],
        )
    await connection.execute_query(
        "INSERT INTO governance_role_grant (person_id, role) "
        "SELECT id, 'member' FROM governance_person"
    )
    await connection.execute_script("ANALYZE governance_person; ANALYZE governance_role_grant")


@dataclass
class Result:
    members: int
    seconds: list[float]
    sent: list[int]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def passed(self) -> bool:
        return self.median < TARGET_SECONDS and all(sent == self.members for sent in self.sent)


async def measure(members: int = 100_000, rounds: int = 3, server: str | None = None) -> Result:
    async with scratch_database(server or server_url(), "chorus_bench", migrated=True) as url:
        settings = Settings(database_url=url)
        async with TortoiseContext() as context:
            await context.init(config=tortoise_config(settings))
            await fill(members)
            seconds, sent = [], []
            for _ in range(rounds):
                await connections.get("default").execute_script("TRUNCATE governance_notice")
                start = time.perf_counter()
                sent.append(await send_to_role(Role.MEMBER, "news", link="/charter"))
                seconds.append(time.perf_counter() - start)
    return Result(members, seconds, sent)


def report(result: Result) -> list[str]:
    each = ", ".join(f"{value:.3f}" for value in result.seconds)
    rate = result.members / result.median if result.median else float("inf")
    return [
        f"members: {result.members:,} (one member role grant each)",
        f"notices sent per round: {', '.join(f'{sent:,}' for sent in result.sent)}",
        f"send_to_role: {result.median:.3f} s median ({each} s), {rate:,.0f} notices/s",
        f"target: under {TARGET_SECONDS:.0f} s in one statement",
        f"result: {'PASS' if result.passed else 'FAIL'}",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    result = asyncio.run(measure(args.members, args.rounds))
    for line in report(result):
        print(line)
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(main())
