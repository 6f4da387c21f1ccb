"""Approval: a worked example and what its counts must be."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from proposals.methods.approval import ApprovalBallot, tally_approval
from proposals.methods.common import TieBreakRule, tie_break_order
from tests.common.ballots import BY_NAME, SEED, elections


def test_approval_counts_approvals_and_ignores_empty_ballots():
    ballots: list[ApprovalBallot] = [
        frozenset({"shelter", "hotline"}),
        frozenset({"shelter"}),
        frozenset({"hotline", "clinic"}),
        frozenset(),
    ]
    result = tally_approval(ballots, ["clinic", "hotline", "shelter"], SEED)
    assert result.approvals == {"clinic": 1, "hotline": 2, "shelter": 2}
    level = tie_break_order(["hotline", "shelter"], SEED)
    assert result.order == [level, ["clinic"]]
    assert result.winner == level[0]
    (tie,) = result.tie_breaks
    assert tie.tied == level and tie.rule is TieBreakRule.SEED_ORDER
    assert result.ballots_counted == 3 and result.abstentions == 1


@settings(max_examples=200)
@given(data=st.data())
def test_approval_counts_are_the_approving_ballots(data):
    options, ballots = data.draw(elections(BY_NAME["approval"]))
    result = tally_approval(ballots, options, SEED)
    assert result.approvals == {o: sum(o in b for b in ballots) for o in options}
    if result.winner is not None:
        assert result.approvals[result.winner] == max(result.approvals.values())
