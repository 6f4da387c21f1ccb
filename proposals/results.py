"""Results of a round: the stored aggregates, recount files, and what a results page shows.

Pure functions over the tables a tally returns (`proposals.tally`), nothing else:

- `aggregates` turns a tally result into a JSON-safe dict of aggregate tables (counts,
  the pairwise matrix and strongest paths, round-by-round counts, grade distributions,
  dot totals), which is what the app stores after close; `result_from_aggregates`
  rebuilds the exact result from it. No ballot is ever part of it (DESIGN, anonymity
  point 6), and every function below first rebuilds the result, so a stray key in
  stored data is never passed on.
- `recount_csv` and `recount_json` are the files anyone can download to check the count.
- `charts`, `ordered`, `tie_explanations`, the tables and the notes are what the results
  page shows, translated in the language of the request.

A result is published only when enough ballots were counted (`disclosed`, DESIGN anonymity
point 7). Below that, `what_to_show` says what may be shown: nothing of a priorities round
or of the allies' advice (not even the order: with a handful of ballots the order alone
can show how one person voted), and of an election only who was elected. No recount file
and no list of counted receipts either: their numbers are the ones withheld. The caller
builds the page from `what_to_show`; the other functions here hide nothing by themselves.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from babel.lists import format_list

from chorus.i18n import _, current_language, ngettext
from proposals.models import Method
from proposals.names import GRADE_COUNT, GRADE_NAMES
from proposals.tally import (
    ApprovalResult,
    DotsResult,
    InstantRunoffResult,
    MajorityJudgmentResult,
    RunoffRound,
    SchulzeResult,
    TallyResult,
    TieBreak,
    TieBreakRule,
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
METHOD_KEYS: dict[Method, frozenset[str]] = {
    Method.APPROVAL: frozenset({"approvals"}),
    Method.SCHULZE: frozenset({"pairwise", "strongest_paths"}),
    Method.INSTANT_RUNOFF: frozenset({"rounds", "majority_round"}),
    Method.MAJORITY_JUDGMENT: frozenset({"grade_count", "grades", "medians"}),
    Method.DOTS: frozenset({"dots_per_ballot", "totals"}),
}
"""Every key `aggregates` writes is in COMMON_KEYS or the method's METHOD_KEYS."""

RESULT_TYPES: dict[Method, type[TallyResult]] = {
    Method.APPROVAL: ApprovalResult,
    Method.SCHULZE: SchulzeResult,
    Method.INSTANT_RUNOFF: InstantRunoffResult,
    Method.MAJORITY_JUDGMENT: MajorityJudgmentResult,
    Method.DOTS: DotsResult,
}

CSV_HEADER = ("table", "row", "column", "value")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet cell starting with one of these may be run as a formula."""


# -- Stored aggregates ------------------------------------------------------------------------


def _counts(table: Mapping[str, Any]) -> dict[str, int]:
    return {str(option): int(count) for option, count in table.items()}


def _matrix(table: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    return {str(option): _counts(row) for option, row in table.items()}


def _ids(options: Any) -> list[str]:
    return [str(option) for option in options]


def aggregates(method: Method, result: TallyResult) -> dict[str, Any]:
    """The aggregate tables of `result` as a JSON-safe dict (never a ballot)."""
    method = Method(method)
    expected = RESULT_TYPES[method]
    if type(result) is not expected:
        raise TypeError(f"a {method.value} round has a {expected.__name__}, not {result!r}")
    data: dict[str, Any] = {
        "method": method.value,
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
    if isinstance(result, ApprovalResult):
        data["approvals"] = _counts(result.approvals)
    elif isinstance(result, SchulzeResult):
        data["pairwise"] = _matrix(result.pairwise)
        data["strongest_paths"] = _matrix(result.strongest_paths)
    elif isinstance(result, InstantRunoffResult):
        data["rounds"] = [
            {
                "counts": _counts(runoff.counts),
                "exhausted": runoff.exhausted,
                "eliminated": runoff.eliminated,
            }
            for runoff in result.rounds
        ]
        data["majority_round"] = result.majority_round
    elif isinstance(result, MajorityJudgmentResult):
        data["grade_count"] = result.grade_count
        data["grades"] = {option: list(counts) for option, counts in result.grades.items()}
        data["medians"] = dict(result.medians)
    elif isinstance(result, DotsResult):
        data["dots_per_ballot"] = result.dots_per_ballot
        data["totals"] = _counts(result.totals)
    return data


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _optional_str(value: Any) -> str | None:
    return None if value is None else str(value)


def result_from_aggregates(data: Mapping[str, Any]) -> TallyResult:
    """The tally result that `aggregates` turned into `data` (read back from JSON)."""
    method = Method(data["method"])
    common: dict[str, Any] = {
        "order": [_ids(tier) for tier in data["tiers"]],
        "ranking": _ids(data["ranking"]),
        "winner": _optional_str(data["winner"]),
        "tie_breaks": [
            TieBreak(
                tied=_ids(tie_break["tied"]),
                decided=_ids(tie_break["decided"]),
                rule=TieBreakRule(tie_break["rule"]),
                round=_optional_int(tie_break.get("round")),
            )
            for tie_break in data["tie_breaks"]
        ],
        "tie_break_order": _ids(data["tie_break_order"]),
        "ballots_counted": int(data["ballots_counted"]),
        "abstentions": int(data["abstentions"]),
    }
    if method is Method.APPROVAL:
        return ApprovalResult(**common, approvals=_counts(data["approvals"]))
    if method is Method.SCHULZE:
        return SchulzeResult(
            **common,
            pairwise=_matrix(data["pairwise"]),
            strongest_paths=_matrix(data["strongest_paths"]),
        )
    if method is Method.INSTANT_RUNOFF:
        return InstantRunoffResult(
            **common,
            rounds=[
                RunoffRound(
                    counts=_counts(runoff["counts"]),
                    exhausted=int(runoff["exhausted"]),
                    eliminated=_optional_str(runoff["eliminated"]),
                )
                for runoff in data["rounds"]
            ],
            majority_round=_optional_int(data["majority_round"]),
        )
    if method is Method.MAJORITY_JUDGMENT:
        return MajorityJudgmentResult(
            **common,
            grade_count=int(data["grade_count"]),
            grades={
                str(option): [int(count) for count in counts]
                for option, counts in data["grades"].items()
            },
            medians={
                str(option): _optional_int(median) for option, median in data["medians"].items()
            },
        )
    return DotsResult(
        **common,
        dots_per_ballot=int(data["dots_per_ballot"]),
        totals=_counts(data["totals"]),
    )


def _clean(data: Mapping[str, Any]) -> dict[str, Any]:
    """`data` rebuilt through the result: only known tables, well typed."""
    return aggregates(Method(data["method"]), result_from_aggregates(data))


# -- Recount files ----------------------------------------------------------------------------


def _cell(value: object) -> str | int:
    """A CSV cell; text that a spreadsheet would run as a formula is prefixed with '."""
    if value is None:
        return ""
    if isinstance(value, int):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def recount_csv(data: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    """Every aggregate table in one long CSV: `table,row,column,value`.

    Tables: method, ballots (counted, abstentions), options (title of each option),
    ranking and tie_break_order (position of each option, from 1), tiers (tier of each
    option, from 1), winner, and for the method: approvals; pairwise and
    strongest_paths (row option over column option); runoff (round from 1, option or
    "exhausted"), eliminated (round, option) and majority_round; grade_count, grades
    (option, grade from 0 = reject) and medians; dots_per_ballot and dots.
    """
    clean = _clean(data)
    rows: list[tuple[object, object, object, object]] = [
        ("method", "", "", clean["method"]),
        ("ballots", "counted", "", clean["ballots_counted"]),
        ("ballots", "abstentions", "", clean["abstentions"]),
        ("winner", "", "", clean["winner"]),
    ]
    rows += [("options", option, "title", labels.get(option, "")) for option in clean["options"]]
    rows += [("ranking", option, "", place) for place, option in enumerate(clean["ranking"], 1)]
    rows += [
        ("tiers", option, "", number)
        for number, tier in enumerate(clean["tiers"], 1)
        for option in tier
    ]
    rows += [
        ("tie_break_order", option, "", place)
        for place, option in enumerate(clean["tie_break_order"], 1)
    ]
    options = clean["options"]
    method = Method(clean["method"])
    if method is Method.APPROVAL:
        rows += [("approvals", option, "", clean["approvals"][option]) for option in options]
    elif method is Method.SCHULZE:
        for table in ("pairwise", "strongest_paths"):
            rows += [(table, a, b, clean[table][a][b]) for a in options for b in options if a != b]
    elif method is Method.INSTANT_RUNOFF:
        for number, runoff in enumerate(clean["rounds"], 1):
            rows += [
                ("runoff", number, option, runoff["counts"][option])
                for option in options
                if option in runoff["counts"]
            ]
            rows.append(("runoff", number, "exhausted", runoff["exhausted"]))
            if runoff["eliminated"] is not None:
                rows.append(("eliminated", number, "", runoff["eliminated"]))
        rows.append(("majority_round", "", "", clean["majority_round"]))
    elif method is Method.MAJORITY_JUDGMENT:
        rows.append(("grade_count", "", "", clean["grade_count"]))
        rows += [
            ("grades", option, grade, count)
            for option in options
            for grade, count in enumerate(clean["grades"][option])
        ]
        rows += [("medians", option, "", clean["medians"][option]) for option in options]
    elif method is Method.DOTS:
        rows.append(("dots_per_ballot", "", "", clean["dots_per_ballot"]))
        rows += [("dots", option, "", clean["totals"][option]) for option in options]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows([tuple(_cell(value) for value in row) for row in rows])
    return out.getvalue()


def recount_json(data: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    """The aggregates and the option titles ("labels") as JSON: sorted keys, indent 2."""
    clean = _clean(data)
    clean["labels"] = {option: str(labels.get(option, "")) for option in clean["options"]}
    return json.dumps(clean, sort_keys=True, indent=2, ensure_ascii=False)


# -- What the results page shows --------------------------------------------------------------


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


@dataclass(frozen=True)
class Placed:
    position: int
    """From 1, after tie-breaks: every option has its own position."""
    option: str
    label: str
    tied: bool
    """The option was part of a tie that had to be broken (see `tie_explanations`)."""


@dataclass(frozen=True)
class RunoffRow:
    number: int
    counts: list[int | None]
    """One per option in ranking order (as `option_labels`); None once it is out."""
    exhausted: int
    eliminated: str | None
    """The label of the option out at the end of this round; None in the last round."""


def label_of(labels: Mapping[str, str], option: str) -> str:
    """The option's title, or a plain stand-in when the caller has none."""
    label = labels.get(option)
    return label if label else _("Option %(number)s", number=option)


def option_labels(data: Mapping[str, Any], labels: Mapping[str, str]) -> list[str]:
    """The option titles in ranking order: the column headings of the tables below."""
    return [label_of(labels, option) for option in data["ranking"]]


def _names(labels: Mapping[str, str], options: list[str]) -> str:
    return format_list([label_of(labels, option) for option in options], locale=current_language())


def _grade_name(grade: int, grade_count: int) -> str:
    if grade_count == GRADE_COUNT:
        return _(GRADE_NAMES[grade])
    return _("Grade %(number)s of %(count)s", number=grade + 1, count=grade_count)


def grade_names(data: Mapping[str, Any]) -> list[str]:
    """Majority judgment: the grade names, lowest (reject) first: grade_table's columns."""
    count = int(data["grade_count"])
    return [_grade_name(grade, count) for grade in range(count)]


def _bars(
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


# Bar values in words (each a literal ngettext call, so the catalog extracts it).
def _approval_words(n: int) -> str:
    return ngettext("%(count)s approval", "%(count)s approvals", n) % {"count": n}


def _dot_words(n: int) -> str:
    return ngettext("%(count)s dot", "%(count)s dots", n) % {"count": n}


def _vote_words(n: int) -> str:
    return ngettext("%(count)s vote", "%(count)s votes", n) % {"count": n}


def _win_words(n: int) -> str:
    return ngettext("Beats %(count)s other option", "Beats %(count)s other options", n) % {
        "count": n
    }


def charts(data: Mapping[str, Any], labels: Mapping[str, str]) -> list[Chart]:
    """The charts of a round's result (bars in ranking order); empty when there is none."""
    clean = _clean(data)
    method = Method(clean["method"])
    ranking: list[str] = clean["ranking"]
    counted: int = clean["ballots_counted"]
    if method is Method.APPROVAL:
        approvals = clean["approvals"]
        words = _approval_words
        return [
            Chart(
                caption=ngettext(
                    "Approvals for each option, out of %(count)s ballot",
                    "Approvals for each option, out of %(count)s ballots",
                    counted,
                )
                % {"count": counted},
                unit=_("Approvals"),
                bars=_bars(ranking, labels, approvals, words),
                maximum=max([counted, *approvals.values()]),
            )
        ]
    if method is Method.DOTS:
        totals = clean["totals"]
        return [
            Chart(
                caption=_("Dots for each option"),
                unit=_("Dots"),
                bars=_bars(
                    ranking,
                    labels,
                    totals,
                    _dot_words,
                ),
                maximum=max(totals.values(), default=0),
            )
        ]
    if method is Method.INSTANT_RUNOFF:
        rounds = clean["rounds"]
        if not rounds:
            return []
        words = _vote_words
        found = [
            Chart(
                caption=ngettext(
                    "First choices in round 1, out of %(count)s ballot",
                    "First choices in round 1, out of %(count)s ballots",
                    counted,
                )
                % {"count": counted},
                unit=_("Votes"),
                bars=_bars(ranking, labels, rounds[0]["counts"], words),
                maximum=counted,
            )
        ]
        if len(rounds) > 2:
            final = len(rounds) - 1  # the last round with two options; the next has one
            found.append(
                Chart(
                    caption=_(
                        "Votes when two options were left, in round %(number)s", number=final
                    ),
                    unit=_("Votes"),
                    bars=_bars(ranking, labels, rounds[final - 1]["counts"], words),
                    maximum=counted,
                )
            )
        return found
    if method is Method.SCHULZE:
        pairwise = clean["pairwise"]
        wins = {
            a: sum(1 for b in ranking if b != a and pairwise[a][b] > pairwise[b][a])
            for a in ranking
        }
        return [
            Chart(
                caption=_("How many other options each option beats head to head"),
                unit=_("Head-to-head wins"),
                bars=_bars(
                    ranking,
                    labels,
                    wins,
                    _win_words,
                ),
                maximum=len(ranking) - 1,
            )
        ]
    grade_count: int = clean["grade_count"]
    medians: dict[str, int | None] = clean["medians"]
    bars = []
    for option in ranking:
        median = medians[option]
        if median is None:
            bars.append(Bar(option, label_of(labels, option), 0, _("No grades")))
        else:
            text = _("Median: %(grade)s", grade=_grade_name(median, grade_count))
            bars.append(Bar(option, label_of(labels, option), median + 1, text))
    return [
        Chart(
            caption=_("Median grade of each option"),
            unit=_("Median grade"),
            bars=bars,
            maximum=grade_count,
        )
    ]


def ordered(data: Mapping[str, Any], labels: Mapping[str, str]) -> list[Placed]:
    """Every option in final order (after tie-breaks), flagged when a tie was broken."""
    tied = {option for tie_break in data["tie_breaks"] for option in tie_break["tied"]}
    return [
        Placed(position, option, label_of(labels, option), option in tied)
        for position, option in enumerate(data["ranking"], 1)
    ]


def _order_sentence(labels: Mapping[str, str], decided: list[str]) -> str:
    if len(decided) == 2:
        return _("%(first)s comes first.", first=label_of(labels, decided[0]))
    return _("The order is: %(order)s.", order=_names(labels, decided))


def _explain(
    tie_break: Mapping[str, Any],
    labels: Mapping[str, str],
    graded: bool,
    counted: int,
) -> str:
    tied = [str(option) for option in tie_break["tied"]]
    decided = [str(option) for option in tie_break["decided"]]
    names = _names(labels, tied)
    rule = TieBreakRule(tie_break["rule"])
    number = tie_break.get("round")
    if number is not None:  # instant-runoff: which one was out
        out = label_of(labels, decided[-1])
        lead = _("In round %(number)s, %(names)s had the fewest votes.", number=number, names=names)
        if rule is TieBreakRule.PREVIOUS_ROUNDS:
            rest = _("%(out)s had fewer votes in an earlier round, so %(out)s was out.", out=out)
        elif number == 1:
            rest = _(
                "This was the first round. So the tie-break order fixed when the round "
                "opened decided: %(out)s was out.",
                out=out,
            )
        else:
            rest = _(
                "Earlier rounds did not decide. So the tie-break order fixed when the round "
                "opened decided: %(out)s was out.",
                out=out,
            )
        return f"{lead} {rest}"
    if rule is TieBreakRule.MAJORITY_VALUE:
        # The grade itself is not named: below k ballots it could tell how someone voted.
        lead = _("%(names)s had the same median grade.", names=names)
        return " ".join([lead, _("Their other grades decided."), _order_sentence(labels, decided)])
    if not counted:
        lead = _("Nobody chose any option, so %(names)s are level.", names=names)
    elif graded:
        lead = _("%(names)s got exactly the same grades.", names=names)
    else:
        lead = _("%(names)s had the same result.", names=names)
    return " ".join(
        [
            lead,
            _("The tie was broken by the tie-break order fixed when the round opened."),
            _order_sentence(labels, decided),
        ]
    )


def tie_explanations(data: Mapping[str, Any], labels: Mapping[str, str]) -> list[str]:
    """One plain explanation per tie that had to be broken, in the order they happened."""
    graded = Method(data["method"]) is Method.MAJORITY_JUDGMENT
    counted = int(data["ballots_counted"])
    return [_explain(tie_break, labels, graded, counted) for tie_break in data["tie_breaks"]]


def tie_rule_text(method: Method | None = None) -> list[str]:
    """The tie rule in plain words, one paragraph per item (as the tally module says).

    With a method, only the paragraphs that apply to it; without, all of them.
    """
    paragraphs = [
        _(
            "Sometimes the votes cannot separate two or more options. Then a tie-break "
            "order decides. It is fixed when the round opens, before anyone votes."
        ),
        _(
            "Here is how it is made. For each option, we take the code of the round, a "
            "zero byte, and the number of the option. We compute the SHA-256 fingerprint "
            "of these, and read it as a number. The option with the lower number comes first."
        ),
        _(
            "Nobody chooses this order. It does not depend on names or on the order of "
            "the list. It is not random. Anyone can compute it again and check it."
        ),
    ]
    if method in (None, Method.INSTANT_RUNOFF):
        paragraphs.append(
            _(
                "In rounds of votes (instant-runoff), we look back first. When options tie "
                "for the fewest votes, the one with fewer votes in the round before is out. "
                "If they were level there too, we look one more round back. We use the "
                "tie-break order only if they were level in every round. Then the last "
                "one in that order is out."
            )
        )
    if method in (None, Method.MAJORITY_JUDGMENT):
        paragraphs.append(
            _(
                "With grades (majority judgment), we look at the other grades first. When "
                "options have the same median grade, we take one median grade away from "
                "each. Then we compare the new medians. We do this again until they differ. "
                "We use the tie-break order only if they got the same grades from everyone."
            )
        )
    return paragraphs


def disclosed(data: Mapping[str, Any], k: int) -> bool:
    """Whether counts may be shown: only from k counted ballots up (DESIGN anonymity 7)."""
    return int(data["ballots_counted"]) >= k


class Shown(StrEnum):
    """How much of a count may be published."""

    EVERYTHING = "everything"  # order, counts, charts, tables, ties, recount files, receipts
    WINNER = "winner"  # an election below the threshold: only who was elected
    NOTHING = "nothing"  # below the threshold: "too few ballots to publish a result"


def what_to_show(data: Mapping[str, Any], k: int, *, election: bool) -> Shown:
    """What of this count may be published, with k the charter's threshold.

    The allies' advice is never an election (`election=False`): below k it shows nothing.
    """
    if disclosed(data, k):
        return Shown.EVERYTHING
    if election and data["winner"] is not None:
        return Shown.WINNER  # a seat is given and public by nature: the rest is not
    return Shown.NOTHING


def suppression_note(k: int) -> str:
    """Why a priorities round publishes no result."""
    return _(
        "Too few ballots to publish a result. Fewer than %(k)s people voted. With so "
        "few ballots, the numbers or even the order could show how one person voted.",
        k=k,
    )


def election_note(k: int) -> str:
    """Why an election shows only who was elected."""
    return _(
        "Fewer than %(k)s people voted, so we show only who was elected. We do not show "
        "the numbers or the order of the others. With so few ballots, they could show "
        "how one person voted.",
        k=k,
    )


def advisory_note(k: int) -> str:
    """Why the allies' advice is not shown at all."""
    return _(
        "Too few allies gave advice to publish it. Fewer than %(k)s allies took part. "
        "With so few, even the order could show how one person chose.",
        k=k,
    )


def extension_note() -> str:
    """What could have been done: leads give more time to vote while voting is open."""
    return _(
        "While voting was open, leads could have given more time to vote, so that more "
        "people could take part."
    )


def grade_table(data: Mapping[str, Any], labels: Mapping[str, str]) -> list[tuple[str, list[int]]]:
    """Majority judgment: (option title, ballots per grade lowest first), in ranking order.

    The columns are `grade_names(data)`.
    """
    grades = data["grades"]
    return [(label_of(labels, o), [int(n) for n in grades[o]]) for o in data["ranking"]]


def pairwise_table(
    data: Mapping[str, Any], labels: Mapping[str, str]
) -> list[tuple[str, list[int | None]]]:
    """Schulze: one row per option, in ranking order, as (title, cells).

    The cell in column b (columns are `option_labels`) is the number of ballots that
    rank the row option above b; None where the row and the column are the same option.
    """
    pairwise = data["pairwise"]
    ranking = data["ranking"]
    return [
        (label_of(labels, a), [None if a == b else int(pairwise[a][b]) for b in ranking])
        for a in ranking
    ]


def runoff_table(data: Mapping[str, Any], labels: Mapping[str, str]) -> list[RunoffRow]:
    """Instant-runoff: one row per round; the count columns are `option_labels`."""
    ranking = data["ranking"]
    rows = []
    for number, runoff in enumerate(data["rounds"], 1):
        counts = runoff["counts"]
        eliminated = runoff["eliminated"]
        rows.append(
            RunoffRow(
                number=number,
                counts=[int(counts[o]) if o in counts else None for o in ranking],
                exhausted=int(runoff["exhausted"]),
                eliminated=None if eliminated is None else label_of(labels, eliminated),
            )
        )
    return rows


__all__ = [
    "COMMON_KEYS",
    "CSV_HEADER",
    "METHOD_KEYS",
    "Bar",
    "Chart",
    "Placed",
    "RunoffRow",
    "Shown",
    "advisory_note",
    "aggregates",
    "charts",
    "disclosed",
    "election_note",
    "extension_note",
    "grade_names",
    "grade_table",
    "label_of",
    "option_labels",
    "ordered",
    "pairwise_table",
    "recount_csv",
    "recount_json",
    "result_from_aggregates",
    "runoff_table",
    "suppression_note",
    "tie_explanations",
    "tie_rule_text",
    "what_to_show",
]
