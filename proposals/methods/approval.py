"""Approval: a ballot is the set of options the member approves; the option approved by
most ballots wins.

Form: checkboxes named `choice`, value = option id; none ticked is a blank ballot.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import FormData

from chorus.i18n import N_, _, ngettext
from chorus.text import FieldErrors
from proposals.methods.base import CsvRow, Params, VotingMethod
from proposals.methods.common import (
    KEEP_BALLOT,
    Chart,
    MalformedBallot,
    TallyResult,
    bars,
    check_options,
    counts,
    option_list,
    rank_by_score,
    unreadable,
)
from proposals.models import Method

ApprovalBallot = frozenset[str]
"""The options a member approves; empty is an abstention."""


def validate_approval(ballot: object, options: Collection[str]) -> ApprovalBallot:
    """The approved options of `ballot` (a set or sequence), or a named InvalidBallot."""
    if isinstance(ballot, str | bytes | Mapping) or not isinstance(ballot, Iterable):
        raise MalformedBallot
    items = list(ballot)
    if isinstance(ballot, Set) and all(isinstance(item, str) for item in items):
        items.sort()  # the same error for the same set, whatever the hash seed
    return frozenset(check_options(items, options, distinct=True))


@dataclass(frozen=True)
class ApprovalResult(TallyResult):
    approvals: dict[str, int]
    """Option -> number of ballots approving it."""


def tally_approval(
    ballots: Iterable[ApprovalBallot], options: Sequence[str], tie_break_seed: str
) -> ApprovalResult:
    """Count approval ballots: most approvals first. Raises InvalidBallot for a bad ballot."""
    listed = option_list(options)
    known = frozenset(listed)
    ranked, approvals = rank_by_score(
        Counter(ballots),
        lambda ballot: dict.fromkeys(validate_approval(ballot, known), 1),
        listed,
        tie_break_seed,
    )
    return ApprovalResult(**ranked.tally_fields(), approvals=approvals)


def _approval_words(n: int) -> str:
    return ngettext("%(count)s approval", "%(count)s approvals", n) % {"count": n}


class Approval(VotingMethod[ApprovalBallot, ApprovalResult]):
    key = Method.APPROVAL
    name = N_("Approval: choose every option you support")
    letter = "a"
    keys = frozenset({"approvals"})
    ballot_template = "proposals/methods/approval_ballot.html"
    result_type = ApprovalResult

    def validate(self, ballot: object, options: Collection[str], params: Params) -> ApprovalBallot:
        return validate_approval(ballot, options)

    def tally(
        self, ballots: Iterable[ApprovalBallot], options: Sequence[str], params: Params, seed: str
    ) -> ApprovalResult:
        return tally_approval(ballots, options, seed)

    def to_json(self, ballot: object) -> object:
        if not isinstance(ballot, frozenset):
            raise TypeError(f"not a {self.key} ballot: {ballot!r}")
        return sorted(ballot)

    def from_json(self, value: object) -> ApprovalBallot:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise MalformedBallot
        return frozenset(value)

    def read_fields(
        self, form: FormData, options: Sequence[str]
    ) -> tuple[object | None, dict[str, list[str]], FieldErrors]:
        values = form.getlist("choice")
        entered = {"choice": [value[:KEEP_BALLOT] for value in values if isinstance(value, str)]}
        if not all(isinstance(value, str) for value in values):
            return None, entered, unreadable()
        return frozenset(str(value) for value in values), entered, {}

    def describe(
        self, ballot: ApprovalBallot, order: list[str], name: Callable[[str], str]
    ) -> list[str]:
        return [_("Approved: %(option)s", option=name(o)) for o in order if o in ballot]

    def tables(self, result: ApprovalResult) -> dict[str, Any]:
        return {"approvals": counts(result.approvals)}

    def result_of(self, common: dict[str, Any], data: Mapping[str, Any]) -> ApprovalResult:
        return ApprovalResult(**common, approvals=counts(data["approvals"]))

    def csv_rows(self, clean: Mapping[str, Any]) -> list[CsvRow]:
        return [
            ("approvals", option, "", clean["approvals"][option]) for option in clean["options"]
        ]

    def charts(self, clean: Mapping[str, Any], labels: Mapping[str, str]) -> list[Chart]:
        approvals = clean["approvals"]
        counted: int = clean["ballots_counted"]
        return [
            Chart(
                caption=ngettext(
                    "Approvals for each option, out of %(count)s ballot",
                    "Approvals for each option, out of %(count)s ballots",
                    counted,
                )
                % {"count": counted},
                unit=_("Approvals"),
                bars=bars(clean["ranking"], labels, approvals, _approval_words),
                maximum=max([counted, *approvals.values()]),
            )
        ]


METHOD = Approval()
