"""`VotingMethod`: what every voting method provides, and the steps they all take alike.

A method is one object (its module's `METHOD`) that validates a ballot, reads it from the
ballot form, seals it as compact JSON and reads it back, tallies ballots into its
`TallyResult`, and presents that result: the aggregate tables stored after close (and
read back), its rows of the recount CSV, its charts and tables on the results page, and
the templates that draw its ballot fieldset and its results.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from starlette.datastructures import FormData

from chorus.i18n import _
from chorus.text import FieldErrors
from proposals.methods.common import (
    Chart,
    InvalidBallot,
    MalformedBallot,
    RepeatedOption,
    TallyResult,
    TieBreak,
    TieBreakRule,
    UnknownOption,
    entered_fields,
    fields,
    ids,
    optional_int,
    optional_str,
    unreadable,
)

COMMON_KEYS = frozenset(
    {
        "method",
        "options",
        "ranking",
        "tiers",
        "winner",
        "ballots_counted",
        "abstentions",
        "tie_break_order",
        "tie_breaks",
    }
)
"""Keys every method's aggregates have; each method adds its own `keys`."""

CsvRow = tuple[object, object, object, object]
"""table, row, column, value (see proposals.results.recount_csv)."""


class RoundSettings(Protocol):
    """What a method needs to know of a round (a `Round` has these)."""

    @property
    def method(self) -> str: ...

    @property
    def dots_per_ballot(self) -> int: ...


@dataclass(frozen=True)
class Params:
    """A round's settings that its method reads: plain values, so they can be pickled."""

    dots_per_ballot: int = 0
    """Dots: how many dots each ballot shares out (0 for every other method)."""

    @classmethod
    def of(cls, round_: RoundSettings) -> Params:
        return cls(dots_per_ballot=round_.dots_per_ballot)


BallotT = TypeVar("BallotT", bound=Collection[str])
"""A ballot names options: a set, a ranking, or option -> number."""
ResultT = TypeVar("ResultT", bound=TallyResult)


class VotingMethod(ABC, Generic[BallotT, ResultT]):
    """One way to count a round. Subclasses fill in the abstract steps below."""

    key: ClassVar[str]  # what a round stores: a Method value, or a new method's own key
    """The value stored in `Round.method`."""
    name: ClassVar[str]
    """Its name for people, marked with N_ (translate it where shown)."""
    letter: ClassVar[str]
    """The one key of its sealed JSON ballot ({"a": [...]}, {"r": [...]}, ...)."""
    keys: ClassVar[frozenset[str]]
    """The aggregate tables it stores besides COMMON_KEYS."""
    ballot_template: ClassVar[str]
    """The template of its ballot fieldset, included by proposals/ballot.html."""
    results_template: ClassVar[str | None] = None
    """The template of its own results tables, if it has any besides the charts."""
    result_type: type[ResultT]

    # -- Validating and counting ------------------------------------------------------------

    @abstractmethod
    def validate(self, ballot: object, options: Collection[str], params: Params) -> BallotT:
        """`ballot` as this method counts it, or a named InvalidBallot."""

    @abstractmethod
    def tally(
        self, ballots: Iterable[BallotT], options: Sequence[str], params: Params, seed: str
    ) -> ResultT:
        """Count `ballots`; `seed` (the round's id) fixes the tie-break order."""

    # -- The sealed ballot ------------------------------------------------------------------

    @abstractmethod
    def to_json(self, ballot: object) -> object:
        """The ballot as JSON-safe data; TypeError when it is no ballot of this method."""

    @abstractmethod
    def from_json(self, value: object) -> BallotT:
        """The ballot `to_json` wrote; MalformedBallot when `value` is not one."""

    def encode(self, ballot: object) -> bytes:
        """The sealed content of `ballot`: compact JSON, {letter: what to_json gives}."""
        payload = {self.letter: self.to_json(ballot)}
        return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()

    def decode(self, content: bytes) -> BallotT:
        """The ballot `encode` sealed; MalformedBallot if it cannot be read."""
        try:
            payload = json.loads(content)
        except ValueError:
            raise MalformedBallot from None
        if not isinstance(payload, dict) or list(payload) != [self.letter]:
            raise MalformedBallot
        return self.from_json(payload[self.letter])

    def count(
        self, contents: Iterable[bytes], options: Sequence[str], params: Params, seed: str
    ) -> dict[str, Any]:
        """Decode and tally sealed ballots; only the aggregate tables are returned."""
        return self.aggregates(
            self.tally([self.decode(c) for c in contents], options, params, seed)
        )

    # -- The ballot form --------------------------------------------------------------------

    @abstractmethod
    def read_fields(
        self, form: FormData, options: Sequence[str]
    ) -> tuple[object | None, dict[str, list[str]], FieldErrors]:
        """What the form says (None when it cannot be read: the errors say so), what was
        typed (field name -> values, to show again) and the errors of single fields."""

    def ballot_errors(self, error: InvalidBallot) -> FieldErrors:
        """The field a named error of `validate` belongs to, with how to fix it."""
        if isinstance(error, UnknownOption | RepeatedOption):
            return {
                "ballot": _(
                    "This ballot has a choice that is not on it. Reload the page and try again."
                )
            }
        return unreadable()

    def read_ballot(
        self, form: FormData, options: Sequence[str], params: Params
    ) -> tuple[BallotT | None, dict[str, list[str]], FieldErrors]:
        """The ballot on the form (None with errors), what was typed, and the errors."""
        listed = list(options)
        candidate, entered, errors = self.read_fields(form, listed)
        if candidate is None:
            return None, entered, errors
        ballot: BallotT | None = None
        try:
            ballot = self.validate(candidate, frozenset(listed), params)
        except InvalidBallot as error:
            for field, message in self.ballot_errors(error).items():
                errors.setdefault(field, message)
        return None if errors else ballot, entered, errors

    def ballot_context(self, option_count: int) -> dict[str, Any]:
        """What its ballot template needs besides the round and its options (translated)."""
        return {}

    @abstractmethod
    def describe(self, ballot: BallotT, order: list[str], name: Callable[[str], str]) -> list[str]:
        """The lines of `review_lines` for a ballot that is not blank."""

    def review_lines(self, ballot: BallotT, labels: Mapping[str, str]) -> list[str]:
        """What the ballot says, in words, for the voter to check before confirming.

        Options in `labels` order (option id -> its title). A blank ballot gives no
        line: the page says it counts as a blank ballot.
        """
        if not ballot:
            return []
        order = list(labels) + sorted(set(ballot) - set(labels))

        def name(option: str) -> str:
            return labels.get(option, option)

        return self.describe(ballot, order, name)

    # -- Presenting the result --------------------------------------------------------------

    @abstractmethod
    def tables(self, result: ResultT) -> dict[str, Any]:
        """Its own aggregate tables of `result`, JSON-safe, under its `keys`."""

    @abstractmethod
    def result_of(self, common: dict[str, Any], data: Mapping[str, Any]) -> ResultT:
        """The result rebuilt from the common fields and its own tables in `data`."""

    def aggregates(self, result: TallyResult) -> dict[str, Any]:
        """The aggregate tables of `result` as a JSON-safe dict (never a ballot)."""
        if type(result) is not self.result_type or not isinstance(result, self.result_type):
            raise TypeError(
                f"a {self.key!s} round has a {self.result_type.__name__}, not {result!r}"
            )
        data: dict[str, Any] = {
            "method": str(self.key),
            "options": list(result.ranking),
            "ranking": list(result.ranking),
            "tiers": [list(tier) for tier in result.order],
            "winner": result.winner,
            "ballots_counted": result.ballots_counted,
            "abstentions": result.abstentions,
            "tie_break_order": list(result.tie_break_order),
            "tie_breaks": [
                {
                    "tied": list(tie_break.tied),
                    "decided": list(tie_break.decided),
                    "rule": TieBreakRule(tie_break.rule).value,
                    "round": tie_break.round,
                }
                for tie_break in result.tie_breaks
            ],
        }
        return data | self.tables(result)

    def result_from_aggregates(self, data: Mapping[str, Any]) -> ResultT:
        """The tally result that `aggregates` turned into `data` (read back from JSON)."""
        common: dict[str, Any] = {
            "order": [ids(tier) for tier in data["tiers"]],
            "ranking": ids(data["ranking"]),
            "winner": optional_str(data["winner"]),
            "tie_breaks": [
                TieBreak(
                    tied=ids(tie_break["tied"]),
                    decided=ids(tie_break["decided"]),
                    rule=TieBreakRule(tie_break["rule"]),
                    round=optional_int(tie_break.get("round")),
                )
                for tie_break in data["tie_breaks"]
            ],
            "tie_break_order": ids(data["tie_break_order"]),
            "ballots_counted": int(data["ballots_counted"]),
            "abstentions": int(data["abstentions"]),
        }
        return self.result_of(common, data)

    @abstractmethod
    def csv_rows(self, clean: Mapping[str, Any]) -> list[CsvRow]:
        """Its own rows of the recount CSV, from aggregates rebuilt through the result."""

    @abstractmethod
    def charts(self, clean: Mapping[str, Any], labels: Mapping[str, str]) -> list[Chart]:
        """The charts of its results page (bars in ranking order); empty when none."""

    def results_view(self, data: Mapping[str, Any], labels: Mapping[str, str]) -> dict[str, Any]:
        """What its `results_template` shows, besides the common view."""
        return {}

    def tie_rule(self) -> list[str]:
        """Paragraphs on its own tie rule, applied before the tie-break order (translated)."""
        return []

    def level_sentence(self, names: str) -> str:
        """How a tie that only the tie-break order could break is told (translated)."""
        return _("%(names)s had the same result.", names=names)


class OptionFieldsMethod(VotingMethod[BallotT, ResultT]):
    """A method whose ballot form has one field per option, named `prefix` + option id
    (a rank, a grade, a number of dots)."""

    prefix: ClassVar[str]

    @abstractmethod
    def read_values(
        self, found: Mapping[str, str], options: Sequence[str], errors: FieldErrors
    ) -> object:
        """What the fields say (option id -> the value typed, from `fields`); an error
        on each field that is wrong is added to `errors`."""

    def read_fields(
        self, form: FormData, options: Sequence[str]
    ) -> tuple[object | None, dict[str, list[str]], FieldErrors]:
        found = fields(form, self.prefix, options)
        if found is None:
            return None, {}, unreadable()
        errors: FieldErrors = {}
        entered = entered_fields(found, self.prefix, frozenset(options))
        return self.read_values(found, options, errors), entered, errors
