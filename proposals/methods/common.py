"""What the voting methods share: bad-ballot errors, results, the tie-break order, ranking
steps, form reading and result presentation helpers.

Pure code over plain data; `proposals/methods/__init__.py` states the rules every method
follows (abstentions, partial rankings, aggregates only) and how ties are broken.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from enum import StrEnum
from typing import Any, TypeVar

from babel.lists import format_list
from starlette.datastructures import FormData

from chorus.i18n import _, current_language
from chorus.text import FieldErrors

# -- Bad ballots ------------------------------------------------------------------------------


class InvalidBallot(ValueError):
    """A ballot that cannot be counted; each subclass names the problem."""


class MalformedBallot(InvalidBallot):
    """The ballot is not of the shape the method counts (e.g. text instead of a ranking)."""

    def __init__(self) -> None:
        super().__init__("the ballot could not be read")


class UnknownOption(InvalidBallot):
    def __init__(self, option: str) -> None:
        super().__init__(f"{option!r} is not an option of this round")
        self.option = option


class RepeatedOption(InvalidBallot):
    """An option appears twice (ranked twice, or approved twice)."""

    def __init__(self, option: str) -> None:
        super().__init__(f"{option!r} appears more than once")
        self.option = option


def check_options(
    items: Sequence[object], options: Collection[str], *, distinct: bool
) -> list[str]:
    """`items` as option ids, or MalformedBallot, UnknownOption or RepeatedOption."""
    if not all(isinstance(item, str) for item in items):
        raise MalformedBallot
    named = [str(item) for item in items]
    for option in named:
        if option not in options:
            raise UnknownOption(option)
    if distinct:
        seen: set[str] = set()
        for option in named:
            if option in seen:
                raise RepeatedOption(option)
            seen.add(option)
    return named


def validate_mapping(ballot: object, options: Collection[str]) -> dict[str, int]:
    """`ballot` as option -> whole number (grades, dots), keys sorted; else InvalidBallot."""
    if not isinstance(ballot, Mapping):
        raise MalformedBallot
    pairs = list(ballot.items())
    for key, value in pairs:
        if not isinstance(key, str) or not isinstance(value, int) or isinstance(value, bool):
            raise MalformedBallot
    pairs.sort()
    check_options([key for key, _ in pairs], options, distinct=False)
    return dict(pairs)


# -- Results ----------------------------------------------------------------------------------


class TieBreakRule(StrEnum):
    SEED_ORDER = "seed_order"
    """The tie-break order fixed when the round opened (see proposals.methods)."""
    PREVIOUS_ROUNDS = "previous_rounds"
    """Instant-runoff: fewer votes in the latest earlier round where they differed."""
    MAJORITY_VALUE = "majority_value"
    """Majority judgment: same median grade, separated by removing medians one by one."""


@dataclass(frozen=True)
class TieBreak:
    """Options the count left level at some point, and how they were put in order."""

    tied: list[str]
    """The level options, in tie-break order."""
    decided: list[str]
    """The same options as the rule ordered them, best first. For instant-runoff only the
    last one matters: it is the one eliminated."""
    rule: TieBreakRule
    round: int | None = None
    """Instant-runoff: the round (from 1) whose elimination this decided."""


@dataclass(frozen=True)
class TallyResult:
    order: list[list[str]]
    """Tiers, best first: options in one tier are level for the method, before the
    tie-break order; inside a tier they are listed in tie-break order."""
    ranking: list[str]
    """Every option once, best first, after tie-breaks (the tiers read in order)."""
    winner: str | None
    """First of the ranking; None when no ballot was counted."""
    tie_breaks: list[TieBreak]
    tie_break_order: list[str]
    """The order fixed when the round opened, used as the last resort."""
    ballots_counted: int
    abstentions: int

    def tally_fields(self) -> dict[str, Any]:
        """The fields every result has, by name: a method builds its result from what
        `rank` gives with `Result(**ranked.tally_fields(), <its own tables>)`."""
        return {field.name: getattr(self, field.name) for field in dataclass_fields(TallyResult)}


# -- Shared steps -----------------------------------------------------------------------------


def tie_break_order(options: Iterable[str], seed: str) -> list[str]:
    """The options by SHA-256 of seed, a zero byte and the option id (lowest first)."""

    def fingerprint(option: str) -> tuple[str, str]:
        return hashlib.sha256(f"{seed}\x00{option}".encode()).hexdigest(), option

    return sorted(options, key=fingerprint)


def option_list(options: Iterable[str]) -> list[str]:
    listed = list(options)
    if not listed:
        raise ValueError("a round needs at least one option")
    if not all(isinstance(option, str) for option in listed):
        raise TypeError("options are identified by strings")
    if len(set(listed)) != len(listed):
        raise ValueError("options must be distinct")
    return listed


def rank(
    tiers: list[list[str]], seed_order: list[str], counted: int, abstentions: int
) -> TallyResult:
    """Tiers (each already in tie-break order) into ranking, winner and seed tie-breaks:
    what every result holds, that a method's result is built from (see `tally_fields`)."""
    ranking = [option for tier in tiers for option in tier]
    tie_breaks = [
        TieBreak(tied=list(tier), decided=list(tier), rule=TieBreakRule.SEED_ORDER)
        for tier in tiers
        if len(tier) > 1
    ]
    return TallyResult(
        order=[list(tier) for tier in tiers],
        ranking=ranking,
        winner=ranking[0] if counted else None,
        tie_breaks=tie_breaks,
        tie_break_order=seed_order,
        ballots_counted=counted,
        abstentions=abstentions,
    )


_B = TypeVar("_B", bound=Hashable)


def rank_by_score(
    distinct: Mapping[_B, int],
    scores_of: Callable[[_B], Mapping[str, int]],
    listed: list[str],
    seed: str,
) -> tuple[TallyResult, dict[str, int]]:
    """Rank by the sum of each distinct ballot's scores (validated by `scores_of`) times
    its count, highest first; options level on score stay in tie-break order.

    Returns the ranking and the totals per option (a ballot scoring nothing abstains).
    Approval gives 1 per approved option; dots, the dots.
    """
    totals = dict.fromkeys(listed, 0)
    counted = abstentions = 0
    for ballot, count in distinct.items():
        scores = scores_of(ballot)
        if not scores:
            abstentions += count
            continue
        counted += count
        for option, score in scores.items():
            totals[option] += score * count
    seed_order = tie_break_order(listed, seed)
    tiers: dict[int, list[str]] = {}
    for option in seed_order:
        tiers.setdefault(totals[option], []).append(option)
    by_score = [tiers[score] for score in sorted(tiers, reverse=True)]
    return rank(by_score, seed_order, counted, abstentions), totals


# -- Reading ballot forms ---------------------------------------------------------------------

KEEP_BALLOT = 20
"""Characters of one ballot field kept: an option id or a small number."""
_INTEGER = re.compile(r"[+-]?\d{1,9}")


def integer(raw: str) -> int | None:
    """A whole number as typed ("12", " 3 ", "-1", "١٢"); None for anything else."""
    raw = raw.strip()
    return int(raw) if _INTEGER.fullmatch(raw) else None


def unreadable() -> FieldErrors:
    return {"ballot": _("This ballot could not be read. Reload the page and try again.")}


def fields(form: FormData, prefix: str, options: Sequence[str]) -> dict[str, str] | None:
    """Option id -> the one value of its field (known options first, then strays).

    None when a field was sent twice or is a file: a page that was tampered with.
    """
    keys = [prefix + option for option in options]
    keys += [key for key in form if key.startswith(prefix) and key not in keys]
    found: dict[str, str] = {}
    for key in keys:
        values = form.getlist(key)
        if len(values) > 1 or not all(isinstance(value, str) for value in values):
            return None
        if values:
            found[key.removeprefix(prefix)] = str(values[0])
    return found


def entered_fields(
    found: Mapping[str, str], prefix: str, known: Collection[str]
) -> dict[str, list[str]]:
    """What was typed in each field of a known option, kept to show it again."""
    return {
        prefix + option: [value[:KEEP_BALLOT]] for option, value in found.items() if option in known
    }


def numbers(
    found: Mapping[str, str], known: Collection[str], prefix: str, errors: FieldErrors, message: str
) -> dict[str, int]:
    """Option -> the number typed ("" left out); `message` on each that is no whole number."""
    read: dict[str, int] = {}
    for option, value in found.items():
        if option not in known:
            read[option] = 0  # kept, so the tally's check names the tampering
        elif value.strip():
            number = integer(value)
            if number is None:
                errors[prefix + option] = message
            else:
                read[option] = number
    return read


# -- Presenting results -----------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    option: str
    label: str
    value: int
    text: str
    """The value in words: "12 approvals", "Median: Good"."""


@dataclass(frozen=True)
class Chart:
    caption: str
    unit: str
    """The heading of the value column in the chart's table."""
    bars: list[Bar]
    """In ranking order."""
    maximum: int
    """The value of a full-width bar (0 when there is nothing to show)."""


def label_of(labels: Mapping[str, str], option: str) -> str:
    """The option's title, or a plain stand-in when the caller has none."""
    label = labels.get(option)
    return label if label else _("Option %(number)s", number=option)


def names_of(labels: Mapping[str, str], options: list[str]) -> str:
    """The options' titles as one list in words ("A, B and C")."""
    return format_list([label_of(labels, option) for option in options], locale=current_language())


def bars(
    options: list[str],
    labels: Mapping[str, str],
    values: Mapping[str, int],
    words: Callable[[int], str],
) -> list[Bar]:
    return [
        Bar(option, label_of(labels, option), values[option], words(values[option]))
        for option in options
        if option in values
    ]


def counts(table: Mapping[str, Any]) -> dict[str, int]:
    """A stored option -> count table, read back with plain types."""
    return {str(option): int(count) for option, count in table.items()}


def matrix(table: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    return {str(option): counts(row) for option, row in table.items()}


def optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def optional_str(value: Any) -> str | None:
    return None if value is None else str(value)


def ids(options: Any) -> list[str]:
    return [str(option) for option in options]
