"""Results of a round: the stored aggregates, recount files, and what a results page shows.

Pure functions over the tables a tally returns, nothing else; each voting method
(`proposals.methods`) gives its own tables, rows and charts, and these functions add
what every method shares:

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
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from chorus.i18n import _
from proposals.methods import METHODS, method_of
from proposals.methods.base import COMMON_KEYS
from proposals.methods.common import (
    Bar,
    Chart,
    TallyResult,
    TieBreakRule,
    label_of,
    names_of,
)

METHOD_KEYS: dict[str, frozenset[str]] = {key: method.keys for key, method in METHODS.items()}
"""Every key `aggregates` writes is in COMMON_KEYS or the method's METHOD_KEYS."""

CSV_HEADER = ("table", "row", "column", "value")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet cell starting with one of these may be run as a formula."""


# -- Stored aggregates ------------------------------------------------------------------------


def aggregates(method: str, result: TallyResult) -> dict[str, Any]:
    """The aggregate tables of `result` as a JSON-safe dict (never a ballot)."""
    return method_of(method).aggregates(result)


def result_from_aggregates(data: Mapping[str, Any]) -> TallyResult:
    """The tally result that `aggregates` turned into `data` (read back from JSON)."""
    result: TallyResult = method_of(data["method"]).result_from_aggregates(data)
    return result


def _clean(data: Mapping[str, Any]) -> dict[str, Any]:
    """`data` rebuilt through the result: only known tables, well typed."""
    return aggregates(data["method"], result_from_aggregates(data))


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
    rows += method_of(clean["method"]).csv_rows(clean)
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
class Placed:
    position: int
    """From 1, after tie-breaks: every option has its own position."""
    option: str
    label: str
    tied: bool
    """The option was part of a tie that had to be broken (see `tie_explanations`)."""


def option_labels(data: Mapping[str, Any], labels: Mapping[str, str]) -> list[str]:
    """The option titles in ranking order: the column headings of the tables below."""
    return [label_of(labels, option) for option in data["ranking"]]


def charts(data: Mapping[str, Any], labels: Mapping[str, str]) -> list[Chart]:
    """The charts of a round's result (bars in ranking order); empty when there is none."""
    clean = _clean(data)
    return method_of(clean["method"]).charts(clean, labels)


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
    return _("The order is: %(order)s.", order=names_of(labels, decided))


def _explain(
    tie_break: Mapping[str, Any],
    labels: Mapping[str, str],
    method: str,
    counted: int,
) -> str:
    tied = [str(option) for option in tie_break["tied"]]
    decided = [str(option) for option in tie_break["decided"]]
    names = names_of(labels, tied)
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
    else:
        lead = method_of(method).level_sentence(names)
    return " ".join(
        [
            lead,
            _("The tie was broken by the tie-break order fixed when the round opened."),
            _order_sentence(labels, decided),
        ]
    )


def tie_explanations(data: Mapping[str, Any], labels: Mapping[str, str]) -> list[str]:
    """One plain explanation per tie that had to be broken, in the order they happened."""
    method = data["method"]
    counted = int(data["ballots_counted"])
    return [_explain(tie_break, labels, method, counted) for tie_break in data["tie_breaks"]]


def tie_rule_text(method: str | None = None) -> list[str]:
    """The tie rule in plain words, one paragraph per item (as proposals.methods says).

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
    for key, voting in METHODS.items():
        if method in (None, key):
            paragraphs += voting.tie_rule()
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


__all__ = [
    "COMMON_KEYS",
    "CSV_HEADER",
    "METHOD_KEYS",
    "Bar",
    "Chart",
    "Placed",
    "Shown",
    "advisory_note",
    "aggregates",
    "charts",
    "disclosed",
    "election_note",
    "extension_note",
    "label_of",
    "option_labels",
    "ordered",
    "recount_csv",
    "recount_json",
    "result_from_aggregates",
    "suppression_note",
    "tie_explanations",
    "tie_rule_text",
    "what_to_show",
]
