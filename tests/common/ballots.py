"""Ballots of every voting method, drawn at random, for the tests of proposals.methods."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st

from proposals.methods.approval import ApprovalBallot, tally_approval
from proposals.methods.common import TallyResult
from proposals.methods.dots import DotBallot, tally_dots
from proposals.methods.instant_runoff import tally_instant_runoff
from proposals.methods.majority_judgment import GradeBallot, tally_majority_judgment
from proposals.methods.ranked import RankedBallot
from proposals.methods.schulze import tally_schulze

GRADES = 4
DOTS = 5
SEED = "round-7"


@dataclass(frozen=True)
class Method:
    name: str
    tally: Callable[[list[Any], list[str], str], TallyResult]
    ballot: Callable[[list[str]], st.SearchStrategy[Any]]
    abstention: Any
    top_for: Callable[[str, list[str]], Any]
    """A ballot that puts one option at the very top (and nothing else above bottom)."""


def rankings(options: list[str]) -> st.SearchStrategy[RankedBallot]:
    return st.permutations(options).flatmap(
        lambda order: st.integers(0, len(order)).map(lambda n: tuple(order[:n]))
    )


def approvals(options: list[str]) -> st.SearchStrategy[ApprovalBallot]:
    return st.frozensets(st.sampled_from(options))


def gradings(options: list[str]) -> st.SearchStrategy[GradeBallot]:
    return st.dictionaries(st.sampled_from(options), st.integers(0, GRADES - 1))


def dot_ballots(options: list[str]) -> st.SearchStrategy[DotBallot]:
    def within_budget(dots: dict[str, int]) -> dict[str, int]:
        kept: dict[str, int] = {}
        for option, dots_given in dots.items():
            if sum(kept.values()) + dots_given <= DOTS:
                kept[option] = dots_given
        return kept

    return st.dictionaries(st.sampled_from(options), st.integers(0, DOTS)).map(within_budget)


METHODS = [
    Method("approval", tally_approval, approvals, frozenset(), lambda o, _: frozenset({o})),
    Method("schulze", tally_schulze, rankings, (), lambda o, _: (o,)),
    Method("instant-runoff", tally_instant_runoff, rankings, (), lambda o, _: (o,)),
    Method(
        "majority-judgment",
        lambda b, o, s: tally_majority_judgment(b, o, GRADES, s),
        gradings,
        {},
        lambda o, options: {x: (GRADES - 1 if x == o else 0) for x in options},
    ),
    Method(
        "dots", lambda b, o, s: tally_dots(b, o, DOTS, s), dot_ballots, {}, lambda o, _: {o: DOTS}
    ),
]
BY_NAME = {method.name: method for method in METHODS}
EMPTY_BALLOTS: dict[str, list[Any]] = {method.name: [method.abstention] for method in METHODS}


def tallies_of(ballots_by_method: Mapping[str, list[Any]], options: list[str]) -> list[TallyResult]:
    return [m.tally(list(ballots_by_method[m.name]), options, SEED) for m in METHODS]


option_lists = st.lists(
    st.text("abcdefgh", min_size=1, max_size=3), min_size=1, max_size=7, unique=True
)


@st.composite
def elections(
    draw: st.DrawFn, method: Method, max_ballots: int = 40
) -> tuple[list[str], list[Any]]:
    options = draw(option_lists)
    ballots = draw(st.lists(method.ballot(options), max_size=max_ballots))
    return options, ballots


def every_method(test: Callable[..., None]) -> Any:
    return pytest.mark.parametrize("method", METHODS, ids=[m.name for m in METHODS])(
        settings(max_examples=200)(test)
    )
