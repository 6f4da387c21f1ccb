"""Tally methods: pure functions from ballots to results.

Five ways to count a round, each a plain function over plain data:

- approval (`tally_approval`): a ballot is the set of options the member
  approves; the option approved by most ballots wins.
- ranked choice by Schulze (`tally_schulze`): a ballot ranks options in
  preference order; options compared two by two, the winner is the one no other
  option beats by a chain of stronger majorities.
- ranked choice by instant-runoff (`tally_instant_runoff`): the option with the
  fewest first preferences is eliminated and its ballots go to their next
  choice, round after round.
- majority judgment (`tally_majority_judgment`): a ballot gives each option a
  grade; the option with the best median grade wins.
- dot voting (`tally_dots`): a member spreads up to N dots over the options; the
  option with most dots wins.

A ballot that says nothing (no approval, no ranking, no grade, no dot) is an
abstention: it is counted as such and changes no result. A ranking may be
partial: options left out rank below every ranked option and level with each
other. In majority judgment an option left without a grade gets the lowest
grade ("reject"), as Balinski and Laraki recommend, so that every option is
judged by the same number of ballots.

Results hold only aggregate tables, never a ballot: counts, the pairwise matrix
and strongest paths, round-by-round counts, grade distributions, dot totals.
Those are what a recount needs and what is safe to publish (DESIGN, anonymity
point 6). Identical ballots are counted together first, so a tally's work grows
with the number of *different* ballots.

How ties are broken (the results page explains this in the same words)
-----------------------------------------------------------------------
When the votes cannot separate two or more options, the order between them is
decided by a *tie-break order* fixed when the round is opened, before anyone
votes. For each option we compute the SHA-256 fingerprint of the round's id, a
zero byte, and the option's id (as UTF-8 text); the option with the lower
fingerprint (read as hexadecimal) goes first. Nobody chooses it, it does not
depend on names or on the order options were listed, it is not random, and
anyone can recompute it: `printf 'ROUND\\0OPTION' | sha256sum`.

Before that order is used, two methods apply their own standard rules:

- instant-runoff: when several options share the fewest votes in a round, the
  one with fewer votes in the round before is eliminated; if they were level
  there too, the round before that, and so on back to the first round. Only if
  they were level in every round does the tie-break order decide (the option
  last in that order is eliminated).
- majority judgment: options with the same median grade are separated by their
  *majority value*: take away one median grade from each and compare the new
  medians, again and again until they differ. Only options with exactly the same
  grades from everyone are then put in tie-break order.

Every tie and how it was broken is listed in the result's `tie_breaks`. When no
ballot was counted, all options are level and there is no winner.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from enum import StrEnum
from functools import cmp_to_key
from itertools import accumulate, combinations
from operator import itemgetter
from typing import TypeVar

ApprovalBallot = frozenset[str]
"""The options a member approves; empty is an abstention."""
RankedBallot = tuple[str, ...]
"""Options in preference order, best first; partial allowed; empty is an abstention."""
GradeBallot = Mapping[str, int]
"""Option -> grade, 0 (reject, the lowest) to grade_count - 1; empty is an abstention."""
DotBallot = Mapping[str, int]
"""Option -> dots given, at most dots_per_ballot in all; no dots is an abstention."""


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


class GradeOutOfRange(InvalidBallot):
    def __init__(self, option: str, grade: int, grade_count: int) -> None:
        super().__init__(f"grade {grade} for {option!r} is not between 0 and {grade_count - 1}")
        self.option = option
        self.grade = grade
        self.grade_count = grade_count


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


def _check_options(
    items: Sequence[object], options: Collection[str], *, distinct: bool
) -> list[str]:
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


def validate_approval(ballot: object, options: Collection[str]) -> ApprovalBallot:
    """The approved options of `ballot` (a set or sequence), or a named InvalidBallot."""
    if isinstance(ballot, str | bytes | Mapping) or not isinstance(ballot, Iterable):
        raise MalformedBallot
    items = list(ballot)
    if isinstance(ballot, Set) and all(isinstance(item, str) for item in items):
        items.sort()  # the same error for the same set, whatever the hash seed
    return frozenset(_check_options(items, options, distinct=True))


def validate_ranking(ballot: object, options: Collection[str]) -> RankedBallot:
    """`ballot` as a ranking (best first), or a named InvalidBallot."""
    if isinstance(ballot, str | bytes) or not isinstance(ballot, Sequence):
        raise MalformedBallot  # a set has no order, so it is no ranking
    return tuple(_check_options(list(ballot), options, distinct=True))


def _validate_mapping(ballot: object, options: Collection[str]) -> dict[str, int]:
    if not isinstance(ballot, Mapping):
        raise MalformedBallot
    pairs = list(ballot.items())
    for key, value in pairs:
        if not isinstance(key, str) or not isinstance(value, int) or isinstance(value, bool):
            raise MalformedBallot
    pairs.sort()
    _check_options([key for key, _ in pairs], options, distinct=False)
    return dict(pairs)


def validate_grades(ballot: object, options: Collection[str], grade_count: int) -> dict[str, int]:
    """`ballot` as option -> grade in 0 .. grade_count - 1, or a named InvalidBallot."""
    grades = _validate_mapping(ballot, options)
    for option, grade in grades.items():
        if not 0 <= grade < grade_count:
            raise GradeOutOfRange(option, grade, grade_count)
    return grades


def validate_dots(ballot: object, options: Collection[str], dots_per_ballot: int) -> dict[str, int]:
    """`ballot` as option -> dots (options given no dot left out), or a named InvalidBallot."""
    dots = _validate_mapping(ballot, options)
    for option, given in dots.items():
        if given < 0:
            raise NegativeDots(option, given)
    total = sum(dots.values())
    if total > dots_per_ballot:
        raise TooManyDots(total, dots_per_ballot)
    return {option: given for option, given in dots.items() if given}


# -- Results ----------------------------------------------------------------------------------


class TieBreakRule(StrEnum):
    SEED_ORDER = "seed_order"
    """The tie-break order fixed when the round opened (see the module docstring)."""
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


@dataclass(frozen=True)
class ApprovalResult(TallyResult):
    approvals: dict[str, int]
    """Option -> number of ballots approving it."""


@dataclass(frozen=True)
class SchulzeResult(TallyResult):
    pairwise: dict[str, dict[str, int]]
    """pairwise[a][b]: ballots ranking a above b (a ranked, b unranked counts too)."""
    strongest_paths: dict[str, dict[str, int]]
    """strongest_paths[a][b]: strength of the strongest chain of wins from a to b; a is
    ranked above b exactly when it is stronger than strongest_paths[b][a]."""


@dataclass(frozen=True)
class RunoffRound:
    counts: dict[str, int]
    """Each option still in the count -> ballots whose highest continuing choice it is."""
    exhausted: int
    """Ballots with no continuing option left (they count for no one from now on)."""
    eliminated: str | None
    """Eliminated at the end of this round; None in the last round."""


@dataclass(frozen=True)
class InstantRunoffResult(TallyResult):
    rounds: list[RunoffRound]
    """Eliminations continue until one option remains, so that every option is ranked
    (in reverse order of elimination)."""
    majority_round: int | None
    """The first round (from 1) in which the winner held more than half of the ballots
    still in the count; None when no ballot was counted."""


@dataclass(frozen=True)
class MajorityJudgmentResult(TallyResult):
    grade_count: int
    grades: dict[str, list[int]]
    """Option -> number of ballots giving it each grade, lowest grade (reject) first;
    options a ballot left ungraded are counted as reject."""
    medians: dict[str, int | None]
    """Option -> median grade (the lower one when two are in the middle); None when no
    ballot was counted."""


@dataclass(frozen=True)
class DotsResult(TallyResult):
    dots_per_ballot: int
    totals: dict[str, int]
    """Option -> dots given to it by all ballots together."""


# -- Shared steps -----------------------------------------------------------------------------


def tie_break_order(options: Iterable[str], seed: str) -> list[str]:
    """The options by SHA-256 of seed, a zero byte and the option id (lowest first)."""

    def fingerprint(option: str) -> tuple[str, str]:
        return hashlib.sha256(f"{seed}\x00{option}".encode()).hexdigest(), option

    return sorted(options, key=fingerprint)


def _option_list(options: Iterable[str]) -> list[str]:
    listed = list(options)
    if not listed:
        raise ValueError("a round needs at least one option")
    if not all(isinstance(option, str) for option in listed):
        raise TypeError("options are identified by strings")
    if len(set(listed)) != len(listed):
        raise ValueError("options must be distinct")
    return listed


@dataclass(frozen=True)
class _Ranked:
    order: list[list[str]]
    ranking: list[str]
    winner: str | None
    tie_breaks: list[TieBreak]


def _rank(tiers: list[list[str]], counted: int) -> _Ranked:
    """Tiers (each already in tie-break order) into ranking, winner and seed tie-breaks."""
    ranking = [option for tier in tiers for option in tier]
    tie_breaks = [
        TieBreak(tied=list(tier), decided=list(tier), rule=TieBreakRule.SEED_ORDER)
        for tier in tiers
        if len(tier) > 1
    ]
    return _Ranked(
        order=[list(tier) for tier in tiers],
        ranking=ranking,
        winner=ranking[0] if counted else None,
        tie_breaks=tie_breaks,
    )


_B = TypeVar("_B", bound=Hashable)


def _sum_scores(
    distinct: Mapping[_B, int],
    scores_of: Callable[[_B], Mapping[str, int]],
    listed: list[str],
) -> tuple[dict[str, int], int, int]:
    """Add up each distinct ballot's scores (validated by `scores_of`) times its count.

    Returns the totals per option, the ballots counted and the abstentions (a ballot
    scoring nothing abstains). Approval gives 1 per approved option; dots, the dots.
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
    return totals, counted, abstentions


def _tiers_by_score(scores: Mapping[str, int], seed_order: list[str]) -> list[list[str]]:
    tiers: dict[int, list[str]] = {}
    for option in seed_order:
        tiers.setdefault(scores[option], []).append(option)
    return [tiers[score] for score in sorted(tiers, reverse=True)]


# -- Approval ---------------------------------------------------------------------------------


def tally_approval(
    ballots: Iterable[ApprovalBallot], options: Sequence[str], tie_break_seed: str
) -> ApprovalResult:
    """Count approval ballots: most approvals first. Raises InvalidBallot for a bad ballot."""
    listed = _option_list(options)
    known = frozenset(listed)
    approvals, counted, abstentions = _sum_scores(
        Counter(ballots),
        lambda ballot: dict.fromkeys(validate_approval(ballot, known), 1),
        listed,
    )
    seed_order = tie_break_order(listed, tie_break_seed)
    ranked = _rank(_tiers_by_score(approvals, seed_order), counted)
    return ApprovalResult(
        order=ranked.order,
        ranking=ranked.ranking,
        winner=ranked.winner,
        tie_breaks=ranked.tie_breaks,
        tie_break_order=seed_order,
        ballots_counted=counted,
        abstentions=abstentions,
        approvals=approvals,
    )


# -- Ranked ballots ---------------------------------------------------------------------------


def _count_rankings(
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


_HEAD = 5
"""Where `_pairwise` cuts a ranking: heads of five places repeat a lot even when whole
rankings of ten options hardly ever do (10!/5! = 30,240 heads, 3,628,800 rankings)."""


def _pairwise(distinct: Counter[RankedBallot], listed: list[str]) -> dict[str, dict[str, int]]:
    """d[a][b] = ballots ranking a above b, unranked options below all ranked ones.

    With R[a] the ballots ranking a and P[b, a] those ranking both with b above a,
    d[a][b] = R[a] - P[b, a]: of the ballots ranking a, those not putting b above it.
    Each ranking is cut into a head (its first _HEAD places) and a tail; pairs inside
    a head, inside a tail, and across (every head option above every tail option, so
    only the two sets matter) are counted once per identical head, tail or pair of
    sets. Rankings cast once are grouped by C-level iterators, without a Python loop.
    """
    head_of, tail_of = itemgetter(slice(None, _HEAD)), itemgetter(slice(_HEAD, None))
    once = [ballot for ballot, count in distinct.items() if count == 1]
    heads: Counter[RankedBallot] = Counter(map(head_of, once))
    tails: Counter[RankedBallot] = Counter(map(tail_of, once))
    across: Counter[tuple[frozenset[str], frozenset[str]]] = Counter(
        zip(map(frozenset, map(head_of, once)), map(frozenset, map(tail_of, once)), strict=True)
    )
    for ballot, count in distinct.items():
        if count > 1:
            head, tail = head_of(ballot), tail_of(ballot)
            heads[head] += count
            tails[tail] += count
            across[frozenset(head), frozenset(tail)] += count
    ranked: Counter[str] = Counter()
    above: Counter[tuple[str, str]] = Counter()
    for part in (heads, tails):
        for piece, count in part.items():
            for option in piece:
                ranked[option] += count
            for pair in combinations(piece, 2):
                above[pair] += count
    for (head_set, tail_set), count in across.items():
        for higher in head_set:
            for lower in tail_set:
                above[higher, lower] += count
    return {a: {b: ranked[a] - above[b, a] for b in listed if b != a} for a in listed}


def _strongest_paths(
    pairwise: dict[str, dict[str, int]], listed: list[str]
) -> dict[str, dict[str, int]]:
    """Schulze's widest paths (Floyd–Warshall), links weighted by winning votes."""
    n = len(listed)
    d = [[pairwise[a][b] if a != b else 0 for b in listed] for a in listed]
    p = [[d[i][j] if i != j and d[i][j] > d[j][i] else 0 for j in range(n)] for i in range(n)]
    for i in range(n):
        through = p[i]
        for j in range(n):
            into = p[j][i]
            if j == i or into == 0:
                continue
            row = p[j]
            for k in range(n):
                if k != i and k != j:
                    width = min(into, through[k])
                    if width > row[k]:
                        row[k] = width
    return {a: {b: p[i][j] for j, b in enumerate(listed) if j != i} for i, a in enumerate(listed)}


def tally_schulze(
    ballots: Iterable[RankedBallot], options: Sequence[str], tie_break_seed: str
) -> SchulzeResult:
    """Rank by the Schulze method. Raises InvalidBallot for a bad ballot.

    The tiers are peeled off one by one: first the options no other option beats
    (a beats b when strongest_paths[a][b] > strongest_paths[b][a]), then those
    only beaten by the first tier, and so on.
    """
    listed = _option_list(options)
    distinct, abstentions = _count_rankings(ballots, frozenset(listed))
    counted = sum(distinct.values())
    pairwise = _pairwise(distinct, listed)
    paths = _strongest_paths(pairwise, listed)
    seed_order = tie_break_order(listed, tie_break_seed)
    remaining = list(seed_order)
    tiers: list[list[str]] = []
    while remaining:
        unbeaten = [
            b for b in remaining if not any(paths[a][b] > paths[b][a] for a in remaining if a != b)
        ]
        tiers.append(unbeaten)
        remaining = [option for option in remaining if option not in unbeaten]
    ranked = _rank(tiers, counted)
    return SchulzeResult(
        order=ranked.order,
        ranking=ranked.ranking,
        winner=ranked.winner,
        tie_breaks=ranked.tie_breaks,
        tie_break_order=seed_order,
        ballots_counted=counted,
        abstentions=abstentions,
        pairwise=pairwise,
        strongest_paths=paths,
    )


def tally_instant_runoff(
    ballots: Iterable[RankedBallot], options: Sequence[str], tie_break_seed: str
) -> InstantRunoffResult:
    """Rank by instant-runoff, eliminating one option per round until one remains.

    Raises InvalidBallot for a bad ballot. Each option keeps a pile of the ballots
    it currently holds; an elimination only moves the eliminated option's pile.
    """
    listed = _option_list(options)
    distinct, abstentions = _count_rankings(ballots, frozenset(listed))
    counted = sum(distinct.values())
    seed_order = tie_break_order(listed, tie_break_seed)
    if not counted:
        ranked = _rank([seed_order], counted)
        return InstantRunoffResult(
            order=ranked.order,
            ranking=ranked.ranking,
            winner=None,
            tie_breaks=ranked.tie_breaks,
            tie_break_order=seed_order,
            ballots_counted=0,
            abstentions=abstentions,
            rounds=[],
            majority_round=None,
        )
    priority = {option: place for place, option in enumerate(seed_order)}
    piles: dict[str, list[tuple[RankedBallot, int, int]]] = {option: [] for option in listed}
    totals = dict.fromkeys(listed, 0)
    for ballot, count in distinct.items():
        piles[ballot[0]].append((ballot, count, 0))
        totals[ballot[0]] += count
    continuing = set(listed)
    exhausted = 0
    rounds: list[RunoffRound] = []
    tie_breaks: list[TieBreak] = []
    eliminated: list[str] = []
    majority_round: int | None = None
    while True:
        number = len(rounds) + 1
        counts = {option: totals[option] for option in listed if option in continuing}
        if majority_round is None and 2 * max(counts.values()) > counted - exhausted:
            majority_round = number
        if len(continuing) == 1:
            rounds.append(RunoffRound(counts=counts, exhausted=exhausted, eliminated=None))
            break
        fewest = min(counts.values())
        level = [option for option in seed_order if counts.get(option) == fewest]
        loser = level[0]
        if len(level) > 1:
            tie_break = _elimination_tie_break(level, rounds, priority, number)
            tie_breaks.append(tie_break)
            loser = tie_break.decided[-1]
        rounds.append(RunoffRound(counts=counts, exhausted=exhausted, eliminated=loser))
        continuing.remove(loser)
        eliminated.append(loser)
        for ballot, count, place in piles.pop(loser):
            for later in range(place + 1, len(ballot)):
                choice = ballot[later]
                if choice in continuing:
                    piles[choice].append((ballot, count, later))
                    totals[choice] += count
                    break
            else:
                exhausted += count
    (winner,) = continuing
    order = [[winner], *([option] for option in reversed(eliminated))]
    return InstantRunoffResult(
        order=order,
        ranking=[option for tier in order for option in tier],
        winner=winner,
        tie_breaks=tie_breaks,
        tie_break_order=seed_order,
        ballots_counted=counted,
        abstentions=abstentions,
        rounds=rounds,
        majority_round=majority_round,
    )


def _elimination_tie_break(
    level: list[str], earlier: list[RunoffRound], priority: Mapping[str, int], number: int
) -> TieBreak:
    """Backwards tie-break: fewest votes in the latest earlier round where they differ."""

    def history(option: str) -> tuple[int, ...]:
        return tuple(past.counts[option] for past in reversed(earlier))

    def standing(option: str) -> tuple[tuple[int, ...], int]:
        return history(option), -priority[option]

    decided = sorted(level, key=standing, reverse=True)
    loser = decided[-1]
    by_history = all(history(option) > history(loser) for option in decided[:-1])
    return TieBreak(
        tied=list(level),
        decided=decided,
        rule=TieBreakRule.PREVIOUS_ROUNDS if by_history else TieBreakRule.SEED_ORDER,
        round=number,
    )


# -- Majority judgment ------------------------------------------------------------------------

_Unit = tuple[int, int]


def _majority_value(distribution: Sequence[int]) -> list[tuple[_Unit, int]]:
    """The majority value, run-length encoded: compare two of them with `_compare`.

    The majority value is the median grade, then the median of what is left when
    it is taken away, and so on. Over the grades sorted low to high (n of them)
    it reads positions lo, hi, lo-1, hi+1, lo-2, ... with lo = (n-1)//2 and
    hi = n//2 (for odd n the first is read once: a pair (g, g) compares the same).
    A pair of grades stays the same for a stretch, so each stretch is stored once
    with its length: at most two per grade, whatever the number of ballots.
    """
    n = sum(distribution)
    ends = list(accumulate(distribution))  # ends[g]: how many grades are g or lower
    low_start, high_start = (n - 1) // 2, n // 2
    runs: list[tuple[_Unit, int]] = []
    step = 0
    while step <= low_start:
        low = bisect_right(ends, low_start - step)
        high = bisect_right(ends, high_start + step)
        last = min(low_start - (ends[low] - distribution[low]), ends[high] - 1 - high_start)
        runs.append(((low, high), last - step + 1))
        step = last + 1
    return runs


def _compare(x: list[tuple[_Unit, int]], y: list[tuple[_Unit, int]]) -> int:
    """Compare two majority values of the same number of grades: -1, 0 or 1."""
    xi = yi = x_left = y_left = 0
    x_unit = y_unit = (0, 0)
    while True:
        if not x_left:
            if xi == len(x):
                return 0  # same number of grades: y ends here too
            x_unit, x_left = x[xi]
            xi += 1
        if not y_left:
            y_unit, y_left = y[yi]
            yi += 1
        if x_unit != y_unit:
            return 1 if x_unit > y_unit else -1
        taken = min(x_left, y_left)
        x_left -= taken
        y_left -= taken


def tally_majority_judgment(
    ballots: Iterable[GradeBallot],
    options: Sequence[str],
    grade_count: int,
    tie_break_seed: str,
) -> MajorityJudgmentResult:
    """Rank by majority judgment (Balinski–Laraki majority ranking).

    Grades run from 0 (reject) to grade_count - 1 (best). An empty ballot abstains;
    an option a ballot does not grade gets reject. Raises InvalidBallot.
    """
    listed = _option_list(options)
    if grade_count < 2:
        raise ValueError("majority judgment needs at least two grades")
    known = frozenset(listed)
    distinct = Counter(tuple(sorted(ballot.items())) for ballot in ballots)
    grades = {option: [0] * grade_count for option in listed}
    counted = abstentions = 0
    for items, count in distinct.items():
        graded = validate_grades(dict(items), known, grade_count)
        if not graded:
            abstentions += count
            continue
        counted += count
        for option, grade in graded.items():
            grades[option][grade] += count
    for distribution in grades.values():
        distribution[0] += counted - sum(distribution)  # not graded: reject
    values = {option: _majority_value(grades[option]) for option in listed}
    medians: dict[str, int | None] = {
        option: values[option][0][0][0] if counted else None for option in listed
    }
    seed_order = tie_break_order(listed, tie_break_seed)

    def by_value(a: str, b: str) -> int:
        return _compare(values[a], values[b])

    better = cmp_to_key(by_value)
    ranking_before_seed = sorted(seed_order, key=better, reverse=True)  # stable: seed inside
    tiers: list[list[str]] = []
    for option in ranking_before_seed:
        if tiers and _compare(values[tiers[-1][0]], values[option]) == 0:
            tiers[-1].append(option)
        else:
            tiers.append([option])
    ranked = _rank(tiers, counted)
    return MajorityJudgmentResult(
        order=ranked.order,
        ranking=ranked.ranking,
        winner=ranked.winner,
        tie_breaks=_median_tie_breaks(ranked, medians, seed_order),
        tie_break_order=seed_order,
        ballots_counted=counted,
        abstentions=abstentions,
        grade_count=grade_count,
        grades=grades,
        medians=medians,
    )


def _median_tie_breaks(
    ranked: _Ranked, medians: Mapping[str, int | None], seed_order: list[str]
) -> list[TieBreak]:
    """Seed tie-breaks, with a majority-value one before each median the tiers split."""
    found: list[TieBreak] = []
    seed_breaks = {tie_break.tied[0]: tie_break for tie_break in ranked.tie_breaks}
    seen_medians: set[int | None] = set()
    for tier in ranked.order:
        median = medians[tier[0]]
        if median not in seen_medians:
            seen_medians.add(median)
            sharing = [option for option in ranked.ranking if medians[option] == median]
            if len(sharing) > len(tier):
                found.append(
                    TieBreak(
                        tied=[option for option in seed_order if option in sharing],
                        decided=sharing,
                        rule=TieBreakRule.MAJORITY_VALUE,
                    )
                )
        if tier[0] in seed_breaks:
            found.append(seed_breaks[tier[0]])
    return found


# -- Dot voting -------------------------------------------------------------------------------


def tally_dots(
    ballots: Iterable[DotBallot],
    options: Sequence[str],
    dots_per_ballot: int,
    tie_break_seed: str,
) -> DotsResult:
    """Count dots: most dots first. A ballot giving no dot abstains. Raises InvalidBallot."""
    listed = _option_list(options)
    if dots_per_ballot < 1:
        raise ValueError("a ballot needs at least one dot to give")
    known = frozenset(listed)
    totals, counted, abstentions = _sum_scores(
        Counter(tuple(sorted(ballot.items())) for ballot in ballots),
        lambda items: validate_dots(dict(items), known, dots_per_ballot),
        listed,
    )
    seed_order = tie_break_order(listed, tie_break_seed)
    ranked = _rank(_tiers_by_score(totals, seed_order), counted)
    return DotsResult(
        order=ranked.order,
        ranking=ranked.ranking,
        winner=ranked.winner,
        tie_breaks=ranked.tie_breaks,
        tie_break_order=seed_order,
        ballots_counted=counted,
        abstentions=abstentions,
        dots_per_ballot=dots_per_ballot,
        totals=totals,
    )


__all__ = [
    "ApprovalBallot",
    "ApprovalResult",
    "DotBallot",
    "DotsResult",
    "GradeBallot",
    "GradeOutOfRange",
    "InstantRunoffResult",
    "InvalidBallot",
    "MajorityJudgmentResult",
    "MalformedBallot",
    "NegativeDots",
    "RankedBallot",
    "RepeatedOption",
    "RunoffRound",
    "SchulzeResult",
    "TallyResult",
    "TieBreak",
    "TieBreakRule",
    "TooManyDots",
    "UnknownOption",
    "tally_approval",
    "tally_dots",
    "tally_instant_runoff",
    "tally_majority_judgment",
    "tally_schulze",
    "tie_break_order",
    "validate_approval",
    "validate_dots",
    "validate_grades",
    "validate_ranking",
]
