"""Scheduled work of the proposals domain: rounds move on their dates."""

from __future__ import annotations

import functools
from pathlib import Path

from chorus.jobs import PeriodicJob
from proposals.service import Electorate, advance_due_rounds


async def advance_rounds(key_directory: Path, electorate: Electorate) -> None:
    await advance_due_rounds(key_directory, electorate)


def jobs(key_directory: Path, electorate: Electorate) -> list[PeriodicJob]:
    return [
        PeriodicJob(
            "advance-rounds", 60, functools.partial(advance_rounds, key_directory, electorate)
        )
    ]
