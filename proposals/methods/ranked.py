"""Ranked ballots, which Schulze and instant-runoff share: the ballot, its check, its
form and its review lines. Not a method itself: `RankedMethod` is their common base.

A ranking may be partial: options left out rank below every ranked option and level
with each other. Form: one select per option named `rank-<id>`, value "" (not ranked)
or "1" .. "<number of options>". Gaps are allowed (only the order counts); the same
rank twice is an error.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from chorus.i18n import _
from chorus.text import FieldErrors
from proposals.methods.base import OptionFieldsMethod, Params
from proposals.methods.common import (
    MalformedBallot,
    TallyResult,
    check_options,
    integer,
)

RankedBallot = tuple[str, ...]
"""Options in preference order, best first; partial allowed; empty is an abstention."""

PREFIX = "rank-"


def validate_ranking(ballot: object, options: Collection[str]) -> RankedBallot:
    """`ballot` as a ranking (best first), or a named InvalidBallot."""
    if isinstance(ballot, str | bytes) or not isinstance(ballot, Sequence):
        raise MalformedBallot  # a set has no order, so it is no ranking
    return tuple(check_options(list(ballot), options, distinct=True))


def count_rankings(
    ballots: Iterable[RankedBallot], known: frozenset[str]
) -> tuple[Counter[RankedBallot], int]:
    """Identical rankings counted together (abstentions left out), and the abstentions."""
    distinct: Counter[RankedBallot] = Counter(ballots)
    abstentions = distinct.pop((), 0)
    for ballot in distinct:
        # The quick test passes every good ballot; the full one names what is wrong.
        if not (
            type(ballot) is tuple and len(set(ballot)) == len(ballot) and known.issuperset(ballot)
        ):
            validate_ranking(ballot, known)
    return distinct, abstentions


def _ranking(found: Mapping[str, str], listed: Sequence[str], errors: FieldErrors) -> list[str]:
    """Options in rank order; an error on each bad rank and on the first of each shared one."""
    ranks: dict[str, int] = {}
    strays: list[str] = []
    for option, value in found.items():
        if option not in listed:
            strays.append(option)  # kept, so the tally's check names the tampering
        elif value.strip():
            chosen = integer(value)
            if chosen is not None and 1 <= chosen <= len(listed):
                ranks[option] = chosen
            else:
                errors[f"{PREFIX}{option}"] = _(
                    "Choose a rank from 1 to %(count)s, or leave this option unranked.",
                    count=len(listed),
                )
    holders: dict[int, list[str]] = {}
    for option in listed:
        if option in ranks:
            holders.setdefault(ranks[option], []).append(option)
    for shared, sharing in sorted(holders.items()):
        if len(sharing) > 1:
            errors[f"{PREFIX}{sharing[0]}"] = _(
                "You gave rank %(rank)s to more than one option. Give each rank once.",
                rank=shared,
            )
    order = {option: position for position, option in enumerate(listed)}
    return sorted(ranks, key=lambda option: (ranks[option], order[option])) + strays


_R = TypeVar("_R", bound=TallyResult)


class RankedMethod(OptionFieldsMethod[RankedBallot, _R]):
    """What a method counting rankings does like every other one."""

    letter = "r"
    prefix = PREFIX
    ballot_template = "proposals/methods/ranking_ballot.html"

    def validate(self, ballot: object, options: Collection[str], params: Params) -> RankedBallot:
        return validate_ranking(ballot, options)

    def to_json(self, ballot: object) -> object:
        if not isinstance(ballot, tuple):
            raise TypeError(f"not a {self.key} ballot: {ballot!r}")
        return list(ballot)

    def from_json(self, value: object) -> RankedBallot:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise MalformedBallot
        return tuple(value)

    def read_values(
        self, found: Mapping[str, str], options: Sequence[str], errors: FieldErrors
    ) -> object:
        return _ranking(found, options, errors)

    def ballot_context(self, option_count: int) -> dict[str, Any]:
        # Each label once, not once per option (a ballot of 10 options has 100 of them).
        return {
            "ranks": [
                (place, _("Rank %(rank)s", rank=place)) for place in range(1, option_count + 1)
            ]
        }

    def describe(
        self, ballot: RankedBallot, order: list[str], name: Callable[[str], str]
    ) -> list[str]:
        lines = [
            _("Choice %(rank)s: %(option)s", rank=place, option=name(option))
            for place, option in enumerate(ballot, start=1)
        ]
        return lines + [
            _("Not ranked: %(option)s", option=name(o)) for o in order if o not in ballot
        ]
