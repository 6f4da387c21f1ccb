"""Seconds to tally 100,000 and 1,000,000 ballots over 10 options, per method.

The ballots are made by a seeded random generator, so every run counts the
same ones. Each voter ranks some of the 10 options (Plackett-Luce: options
have popularities, drawn once, and a voter picks their first choice, then the
next among those left, in proportion to them), stops after 1 to 10 places
(most rank 2 to 5) or, now and then, leaves the ballot blank. So rankings are
partial and most of them differ, as in a real round. The same voters' approval
sets (the first half of their ranking), grades (best to their first choice,
one less each place after, the unranked left ungraded) and dots (5, spread
over their first choices) feed the other methods.

Each voting method of `proposals/methods/` is timed on the whole list of ballots,
as `close()` hands it over, the median of a few runs (making the ballots is
not timed). The bare baseline measured in the same run is the least any count
does: `Counter` over the rankings, grouping identical ones. For information,
the ranked methods are also timed on their worst case: every voter ranks all
10 options, in uniformly random order, so that nearly no two rankings are the
same (their work grows with the number of different rankings).

Target (issue 6): each method under 2 s for 100,000 ballots; goal: under 5 s
for 1,000,000.

    uv run python -m benchmarks.tally [--quick] [--repeats N] [--check]

--quick stops at 100,000 ballots (10,000 and 100,000, one run each).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from proposals.methods.approval import tally_approval
from proposals.methods.dots import tally_dots
from proposals.methods.instant_runoff import tally_instant_runoff
from proposals.methods.majority_judgment import GRADE_COUNT, tally_majority_judgment
from proposals.methods.schulze import tally_schulze

TARGET_BALLOTS, TARGET_SECONDS = 100_000, 2.0
GOAL_BALLOTS, GOAL_SECONDS = 1_000_000, 5.0
OPTIONS = tuple(str(key) for key in range(1, 11))  # ballot keys, as the app numbers them
SEED = 6
BLANK = 0.01  # share of blank ballots
# How many places a ranking has (1 to 10), in proportion: most voters rank a few options.
PLACES_WEIGHTS = (14, 18, 17, 14, 10, 7, 5, 4, 3, 8)
DOTS_PER_BALLOT = 5
TIE_BREAK_SEED = "benchmark-round"


# --- Ballots -----------------------------------------------------------------------------------


def rankings(
    count: int, options: Sequence[str] = OPTIONS, seed: int = SEED
) -> list[tuple[str, ...]]:
    """`count` partial rankings, best first, from a generator seeded with `seed`."""
    rng = random.Random(seed)
    popularity = {option: rng.lognormvariate(0, 0.7) for option in options}
    places = rng.choices(range(1, len(options) + 1), weights=PLACES_WEIGHTS, k=count)
    blank = [rng.random() < BLANK for _ in range(count)]
    expovariate = rng.expovariate
    made: list[tuple[str, ...]] = []
    for length, empty in zip(places, blank, strict=True):
        if empty:
            made.append(())
            continue
        # Exponential clocks, fastest first: a Plackett-Luce draw of the whole order.
        clocks = sorted((expovariate(weight), option) for option, weight in popularity.items())
        made.append(tuple(option for _, option in clocks[:length]))
    return made


def complete_rankings(count: int, seed: int = SEED) -> list[tuple[str, ...]]:
    """The worst case for ranked counts: every option ranked, in uniformly random order, so
    that nearly every ranking differs from every other."""
    rng = random.Random(seed)
    return [tuple(rng.sample(OPTIONS, len(OPTIONS))) for _ in range(count)]


def approval_of(ranking: tuple[str, ...]) -> frozenset[str]:
    """The first half of the ranking (rounded up)."""
    return frozenset(ranking[: (len(ranking) + 1) // 2])


def grades_of(ranking: tuple[str, ...]) -> dict[str, int]:
    """The best grade to the first choice, one less each place after, never reject."""
    return {option: max(GRADE_COUNT - 1 - place, 1) for place, option in enumerate(ranking)}


def dots_of(ranking: tuple[str, ...]) -> dict[str, int]:
    """All the dots on a single choice, 3 and 2 on two, 2, 2 and 1 on three or more."""
    spread = {0: (), 1: (5,), 2: (3, 2)}.get(len(ranking), (2, 2, 1))
    return dict(zip(ranking, spread, strict=False))


# --- Methods -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ballots:
    ranked: list[tuple[str, ...]]
    approval: list[frozenset[str]]
    grades: list[dict[str, int]]
    dots: list[dict[str, int]]

    @classmethod
    def made(cls, count: int, seed: int = SEED) -> Ballots:
        ranked = rankings(count, seed=seed)
        return cls(
            ranked,
            [approval_of(ranking) for ranking in ranked],
            [grades_of(ranking) for ranking in ranked],
            [dots_of(ranking) for ranking in ranked],
        )

    @property
    def distinct(self) -> int:
        return len(set(self.ranked))


Count = Callable[[Ballots], object]

METHODS: dict[str, Count] = {
    "approval": lambda b: tally_approval(b.approval, OPTIONS, TIE_BREAK_SEED),
    "Schulze": lambda b: tally_schulze(b.ranked, OPTIONS, TIE_BREAK_SEED),
    "instant-runoff": lambda b: tally_instant_runoff(b.ranked, OPTIONS, TIE_BREAK_SEED),
    "majority judgment": lambda b: tally_majority_judgment(
        b.grades, OPTIONS, GRADE_COUNT, TIE_BREAK_SEED
    ),
    "dots": lambda b: tally_dots(b.dots, OPTIONS, DOTS_PER_BALLOT, TIE_BREAK_SEED),
}
BARE = "bare: Counter of identical rankings"
RANKED = ("Schulze", "instant-runoff")


def bare_count(ballots: Ballots) -> object:
    return Counter(ballots.ranked)


# --- Measuring ---------------------------------------------------------------------------------


def seconds(count: Count, ballots: Ballots, repeats: int) -> list[float]:
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        count(ballots)
        timings.append(time.perf_counter() - start)
    return timings


@dataclass
class Size:
    ballots: int
    distinct: int
    made_seconds: float
    bare_seconds: list[float]
    method_seconds: dict[str, list[float]] = field(default_factory=dict)
    # The worst case, for information: complete rankings in uniformly random order.
    worst_distinct: int = 0
    worst_seconds: dict[str, list[float]] = field(default_factory=dict)

    @property
    def limit(self) -> float:
        """What each method must beat at this size: the target up to 100,000, else the goal."""
        return TARGET_SECONDS if self.ballots <= TARGET_BALLOTS else GOAL_SECONDS

    def median(self, method: str) -> float:
        return statistics.median(self.method_seconds[method])

    @property
    def within(self) -> bool:
        return all(self.median(method) < self.limit for method in self.method_seconds)


@dataclass
class Result:
    sizes: list[Size]
    repeats: int
    seed: int

    @property
    def passed(self) -> bool:
        """Every method under 2 s at every size up to 100,000 (the goal above is reported)."""
        return all(size.within for size in self.sizes if size.ballots <= TARGET_BALLOTS)


def measure(
    sizes: Sequence[int] = (TARGET_BALLOTS, GOAL_BALLOTS), repeats: int = 3, seed: int = SEED
) -> Result:
    measured = []
    for count in sizes:
        start = time.perf_counter()
        ballots = Ballots.made(count, seed)
        made = time.perf_counter() - start
        size = Size(count, ballots.distinct, made, seconds(bare_count, ballots, repeats))
        for name, method in METHODS.items():
            size.method_seconds[name] = seconds(method, ballots, repeats)
        worst = Ballots(complete_rankings(count, seed), [], [], [])
        size.worst_distinct = worst.distinct
        for name in RANKED:
            size.worst_seconds[name] = seconds(METHODS[name], worst, repeats)
        measured.append(size)
    return Result(measured, repeats, seed)


def report(result: Result) -> list[str]:
    lines = [
        f"ballots: {len(OPTIONS)} options, seeded random (seed {result.seed}): partial "
        f"rankings of 1 to {len(OPTIONS)} places, {BLANK:.0%} blank; approval, grades "
        f"({GRADE_COUNT}) and dots ({DOTS_PER_BALLOT}) from the same voters",
        f"each count timed on the whole list, median of {result.repeats} run(s); "
        "making the ballots is not timed",
    ]
    for size in result.sizes:
        is_target = size.ballots <= TARGET_BALLOTS
        lines += [
            f"{size.ballots:,} ballots ({size.distinct:,} different rankings, "
            f"made in {size.made_seconds:.1f} s):",
            f"  {BARE}: {statistics.median(size.bare_seconds):.3f} s",
            *(f"  {name}: {size.median(name):.3f} s" for name in size.method_seconds),
            f"  worst case, for information: complete rankings in random order "
            f"({size.worst_distinct:,} different): "
            + ", ".join(
                f"{name} {statistics.median(runs):.3f} s"
                for name, runs in size.worst_seconds.items()
            ),
            f"  {'target' if is_target else 'goal'}: each under {size.limit:.0f} s → "
            + (
                ("PASS" if size.within else "FAIL")
                if is_target
                else ("met" if size.within else "missed")
            ),
        ]
    lines.append(f"result: {'PASS' if result.passed else 'FAIL'}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="10,000 and 100,000 ballots, 1 run")
    parser.add_argument("--repeats", type=int, default=None, help="runs per method (median)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--check", action="store_true", help="exit 1 if the target is missed")
    args = parser.parse_args(argv)
    sizes = (10_000, TARGET_BALLOTS) if args.quick else (TARGET_BALLOTS, GOAL_BALLOTS)
    repeats = args.repeats or (1 if args.quick else 3)
    result = measure(sizes, repeats, args.seed)
    for line in report(result):
        print(line)
    return 1 if args.check and not result.passed else 0


if __name__ == "__main__":
    sys.exit(main())
