"""Majority judgment: a ballot gives each option a grade; the option with the best median
grade wins (Balinski and Laraki's majority ranking).

An option a ballot leaves without a grade gets the lowest grade ("reject"), as Balinski
and Laraki recommend, so that every option is judged by the same number of ballots. A
ballot grading nothing abstains.

Its own tie rule: options with the same median grade are separated by their *majority
value*: take away one median grade from each and compare the new medians, again and
again until they differ. Only options with exactly the same grades from everyone are
then put in tie-break order.

Form: radios named `grade-<id>`, values "0" (Reject) to GRADE_COUNT - 1 (Excellent),
lowest first; none checked = not graded.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cmp_to_key
from itertools import accumulate
from typing import Any

from chorus.i18n import N_, _, gettext
from chorus.text import FieldErrors
from proposals.methods.base import CsvRow, Params
from proposals.methods.common import (
    Bar,
    Chart,
    InvalidBallot,
    TallyResult,
    TieBreak,
    TieBreakRule,
    label_of,
    option_list,
    optional_int,
    rank,
    tie_break_order,
    validate_mapping,
)
from proposals.methods.numbered import NumberedBallot, NumberedMethod
from proposals.models import Method

GradeBallot = NumberedBallot
"""Option -> grade, 0 (reject, the lowest) to grade_count - 1; empty is an abstention."""

GRADE_NAMES = (
    N_("Reject"),
    N_("Poor"),
    N_("Fair"),
    N_("Good"),
    N_("Very good"),
    N_("Excellent"),
)
"""The grades of a ballot, lowest (0) first."""
GRADE_COUNT = len(GRADE_NAMES)

PREFIX = "grade-"


class GradeOutOfRange(InvalidBallot):
    def __init__(self, option: str, grade: int, grade_count: int) -> None:
        super().__init__(f"grade {grade} for {option!r} is not between 0 and {grade_count - 1}")
        self.option = option
        self.grade = grade
        self.grade_count = grade_count


def validate_grades(ballot: object, options: Collection[str], grade_count: int) -> dict[str, int]:
    """`ballot` as option -> grade in 0 .. grade_count - 1, or a named InvalidBallot."""
    grades = validate_mapping(ballot, options)
    for option, grade in grades.items():
        if not 0 <= grade < grade_count:
            raise GradeOutOfRange(option, grade, grade_count)
    return grades


@dataclass(frozen=True)
class MajorityJudgmentResult(TallyResult):
    grade_count: int
    grades: dict[str, list[int]]
    """Option -> number of ballots giving it each grade, lowest grade (reject) first;
    options a ballot left ungraded are counted as reject."""
    medians: dict[str, int | None]
    """Option -> median grade (the lower one when two are in the middle); None when no
    ballot was counted."""


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
    listed = option_list(options)
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
    ranked = rank(tiers, seed_order, counted, abstentions)
    ranked = replace(ranked, tie_breaks=_median_tie_breaks(ranked, medians))
    return MajorityJudgmentResult(
        **ranked.tally_fields(),
        grade_count=grade_count,
        grades=grades,
        medians=medians,
    )


def _median_tie_breaks(ranked: TallyResult, medians: Mapping[str, int | None]) -> list[TieBreak]:
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
                        tied=[option for option in ranked.tie_break_order if option in sharing],
                        decided=sharing,
                        rule=TieBreakRule.MAJORITY_VALUE,
                    )
                )
        if tier[0] in seed_breaks:
            found.append(seed_breaks[tier[0]])
    return found


def _grade_name(grade: int, grade_count: int) -> str:
    if grade_count == GRADE_COUNT:
        return _(GRADE_NAMES[grade])
    return _("Grade %(number)s of %(count)s", number=grade + 1, count=grade_count)


def grade_names(data: Mapping[str, Any]) -> list[str]:
    """The grade names, lowest (reject) first: grade_table's columns."""
    count = int(data["grade_count"])
    return [_grade_name(grade, count) for grade in range(count)]


def grade_table(data: Mapping[str, Any], labels: Mapping[str, str]) -> list[tuple[str, list[int]]]:
    """(option title, ballots per grade lowest first), in ranking order.

    The columns are `grade_names(data)`.
    """
    grades = data["grades"]
    return [(label_of(labels, o), [int(n) for n in grades[o]]) for o in data["ranking"]]


class MajorityJudgment(NumberedMethod[MajorityJudgmentResult]):
    key = Method.MAJORITY_JUDGMENT
    name = N_("Grades: give each option a grade (majority judgment)")
    prefix = PREFIX
    not_a_number = N_("Choose one of the grades.")
    letter = "g"
    keys = frozenset({"grade_count", "grades", "medians"})
    ballot_template = "proposals/methods/majority_judgment_ballot.html"
    results_template = "proposals/methods/majority_judgment_results.html"
    result_type = MajorityJudgmentResult

    def validate(self, ballot: object, options: Collection[str], params: Params) -> GradeBallot:
        return validate_grades(ballot, options, GRADE_COUNT)

    def tally(
        self, ballots: Iterable[GradeBallot], options: Sequence[str], params: Params, seed: str
    ) -> MajorityJudgmentResult:
        return tally_majority_judgment(ballots, options, GRADE_COUNT, seed)

    def to_json(self, ballot: object) -> object:
        if not isinstance(ballot, Mapping):
            raise TypeError(f"not a {self.key} ballot: {ballot!r}")
        return dict(ballot)

    def ballot_errors(self, error: InvalidBallot) -> FieldErrors:
        if isinstance(error, GradeOutOfRange):
            return {
                f"{PREFIX}{error.option}": _(
                    "Choose one of the grades, from %(lowest)s to %(highest)s.",
                    lowest=gettext(GRADE_NAMES[0]),
                    highest=gettext(GRADE_NAMES[-1]),
                )
            }
        return super().ballot_errors(error)

    def ballot_context(self, option_count: int) -> dict[str, Any]:
        return {"grades": [(index, _(name)) for index, name in enumerate(GRADE_NAMES)]}

    def describe(
        self, ballot: GradeBallot, order: list[str], name: Callable[[str], str]
    ) -> list[str]:
        if not isinstance(ballot, Mapping):
            raise TypeError(f"not a {self.key} ballot: {ballot!r}")
        return [
            _("%(option)s: %(grade)s", option=name(o), grade=gettext(GRADE_NAMES[ballot[o]]))
            if o in ballot
            else _(
                "%(option)s: no grade, so it counts as %(grade)s",
                option=name(o),
                grade=gettext(GRADE_NAMES[0]),
            )
            for o in order
        ]

    def tables(self, result: MajorityJudgmentResult) -> dict[str, Any]:
        return {
            "grade_count": result.grade_count,
            "grades": {option: list(counts) for option, counts in result.grades.items()},
            "medians": dict(result.medians),
        }

    def result_of(self, common: dict[str, Any], data: Mapping[str, Any]) -> MajorityJudgmentResult:
        return MajorityJudgmentResult(
            **common,
            grade_count=int(data["grade_count"]),
            grades={
                str(option): [int(count) for count in counts]
                for option, counts in data["grades"].items()
            },
            medians={
                str(option): optional_int(median) for option, median in data["medians"].items()
            },
        )

    def csv_rows(self, clean: Mapping[str, Any]) -> list[CsvRow]:
        options = clean["options"]
        rows: list[CsvRow] = [("grade_count", "", "", clean["grade_count"])]
        rows += [
            ("grades", option, grade, count)
            for option in options
            for grade, count in enumerate(clean["grades"][option])
        ]
        rows += [("medians", option, "", clean["medians"][option]) for option in options]
        return rows

    def charts(self, clean: Mapping[str, Any], labels: Mapping[str, str]) -> list[Chart]:
        grade_count: int = clean["grade_count"]
        medians: dict[str, int | None] = clean["medians"]
        shown = []
        for option in clean["ranking"]:
            median = medians[option]
            if median is None:
                shown.append(Bar(option, label_of(labels, option), 0, _("No grades")))
            else:
                text = _("Median: %(grade)s", grade=_grade_name(median, grade_count))
                shown.append(Bar(option, label_of(labels, option), median + 1, text))
        return [
            Chart(
                caption=_("Median grade of each option"),
                unit=_("Median grade"),
                bars=shown,
                maximum=grade_count,
            )
        ]

    def results_view(self, data: Mapping[str, Any], labels: Mapping[str, str]) -> dict[str, Any]:
        return {"grade_table": grade_table(data, labels), "grade_names": grade_names(data)}

    def tie_rule(self) -> list[str]:
        return [
            _(
                "With grades (majority judgment), we look at the other grades first. When "
                "options have the same median grade, we take one median grade away from "
                "each. Then we compare the new medians. We do this again until they differ. "
                "We use the tie-break order only if they got the same grades from everyone."
            )
        ]

    def level_sentence(self, names: str) -> str:
        return _("%(names)s got exactly the same grades.", names=names)


METHOD = MajorityJudgment()
