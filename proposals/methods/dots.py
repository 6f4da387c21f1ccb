"""Dot voting: a member spreads up to N dots (the round's `dots_per_ballot`) over the
options; the option with most dots wins. A ballot giving no dot abstains.

Form: number inputs named `dots-<id>`, "" = 0.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from chorus.i18n import N_, _, ngettext
from chorus.text import FieldErrors
from proposals.methods.base import CsvRow, Params
from proposals.methods.common import (
    Chart,
    InvalidBallot,
    TallyResult,
    bars,
    counts,
    option_list,
    rank_by_score,
    validate_mapping,
)
from proposals.methods.numbered import NumberedBallot, NumberedMethod
from proposals.models import Method

DotBallot = NumberedBallot
"""Option -> dots given, at most dots_per_ballot in all; no dots is an abstention."""

PREFIX = "dots-"


class NegativeDots(InvalidBallot):
    def __init__(self, option: str, dots: int) -> None:
        super().__init__(f"{dots} dots for {option!r}: dots cannot be negative")
        self.option = option
        self.dots = dots


class TooManyDots(InvalidBallot):
    def __init__(self, given: int, allowed: int) -> None:
        super().__init__(f"{given} dots given, at most {allowed} allowed")
        self.given = given
        self.allowed = allowed


def validate_dots(ballot: object, options: Collection[str], dots_per_ballot: int) -> dict[str, int]:
    """`ballot` as option -> dots (options given no dot left out), or a named InvalidBallot."""
    dots = validate_mapping(ballot, options)
    for option, given in dots.items():
        if given < 0:
            raise NegativeDots(option, given)
    total = sum(dots.values())
    if total > dots_per_ballot:
        raise TooManyDots(total, dots_per_ballot)
    return {option: given for option, given in dots.items() if given}


@dataclass(frozen=True)
class DotsResult(TallyResult):
    dots_per_ballot: int
    totals: dict[str, int]
    """Option -> dots given to it by all ballots together."""


def tally_dots(
    ballots: Iterable[DotBallot],
    options: Sequence[str],
    dots_per_ballot: int,
    tie_break_seed: str,
) -> DotsResult:
    """Count dots: most dots first. A ballot giving no dot abstains. Raises InvalidBallot."""
    listed = option_list(options)
    if dots_per_ballot < 1:
        raise ValueError("a ballot needs at least one dot to give")
    known = frozenset(listed)
    ranked, totals = rank_by_score(
        Counter(tuple(sorted(ballot.items())) for ballot in ballots),
        lambda items: validate_dots(dict(items), known, dots_per_ballot),
        listed,
        tie_break_seed,
    )
    return DotsResult(**ranked.tally_fields(), dots_per_ballot=dots_per_ballot, totals=totals)


def _dot_words(n: int) -> str:
    return ngettext("%(count)s dot", "%(count)s dots", n) % {"count": n}


class Dots(NumberedMethod[DotsResult]):
    key = Method.DOTS
    name = N_("Dots: share a number of dots between options")
    prefix = PREFIX
    not_a_number = N_("Enter a whole number of dots, like 2, or leave it empty.")
    letter = "d"
    keys = frozenset({"dots_per_ballot", "totals"})
    ballot_template = "proposals/methods/dots_ballot.html"
    result_type = DotsResult

    def validate(self, ballot: object, options: Collection[str], params: Params) -> DotBallot:
        return validate_dots(ballot, options, params.dots_per_ballot)

    def tally(
        self, ballots: Iterable[DotBallot], options: Sequence[str], params: Params, seed: str
    ) -> DotsResult:
        return tally_dots(ballots, options, params.dots_per_ballot, seed)

    def to_json(self, ballot: object) -> object:
        if not isinstance(ballot, Mapping):
            raise TypeError(f"not a {self.key} ballot: {ballot!r}")
        return {option: dots for option, dots in ballot.items() if dots}

    def ballot_errors(self, error: InvalidBallot) -> FieldErrors:
        if isinstance(error, NegativeDots):
            return {f"{PREFIX}{error.option}": _("Dots cannot be below 0. Enter 0 or more.")}
        if isinstance(error, TooManyDots):
            return {
                "ballot": _(
                    "You used %(used)s dots. You have %(allowed)s. Take some away.",
                    used=error.given,
                    allowed=error.allowed,
                )
            }
        return super().ballot_errors(error)

    def describe(
        self, ballot: DotBallot, order: list[str], name: Callable[[str], str]
    ) -> list[str]:
        if not isinstance(ballot, Mapping):
            raise TypeError(f"not a {self.key} ballot: {ballot!r}")
        return [
            _("Dots for %(option)s: %(count)s", option=name(o), count=ballot[o])
            for o in order
            if ballot.get(o)
        ]

    def tables(self, result: DotsResult) -> dict[str, Any]:
        return {"dots_per_ballot": result.dots_per_ballot, "totals": counts(result.totals)}

    def result_of(self, common: dict[str, Any], data: Mapping[str, Any]) -> DotsResult:
        return DotsResult(
            **common,
            dots_per_ballot=int(data["dots_per_ballot"]),
            totals=counts(data["totals"]),
        )

    def csv_rows(self, clean: Mapping[str, Any]) -> list[CsvRow]:
        rows: list[CsvRow] = [("dots_per_ballot", "", "", clean["dots_per_ballot"])]
        return rows + [("dots", option, "", clean["totals"][option]) for option in clean["options"]]

    def charts(self, clean: Mapping[str, Any], labels: Mapping[str, str]) -> list[Chart]:
        totals = clean["totals"]
        return [
            Chart(
                caption=_("Dots for each option"),
                unit=_("Dots"),
                bars=bars(clean["ranking"], labels, totals, _dot_words),
                maximum=max(totals.values(), default=0),
            )
        ]


METHOD = Dots()
