"""Dot voting: a worked example and what its totals must be."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from proposals.methods.dots import DotBallot, tally_dots
from tests.common.ballots import BY_NAME, DOTS, SEED, elections


def test_dots_add_up_and_zero_dots_abstain():
    ballots: list[DotBallot] = [{"a": 3, "b": 2}, {"b": 5}, {"a": 0}, {}]
    result = tally_dots(ballots, ["a", "b", "c"], DOTS, SEED)
    assert result.totals == {"a": 3, "b": 7, "c": 0}
    assert result.order == [["b"], ["a"], ["c"]]
    assert result.ballots_counted == 2 and result.abstentions == 2


@settings(max_examples=200)
@given(data=st.data())
def test_dot_totals_are_the_sum_of_the_dots(data):
    options, ballots = data.draw(elections(BY_NAME["dots"]))
    result = tally_dots(ballots, options, DOTS, SEED)
    assert result.totals == {o: sum(b.get(o, 0) for b in ballots) for o in options}
    assert sum(result.totals.values()) <= DOTS * result.ballots_counted
    if result.winner is not None:
        assert result.totals[result.winner] == max(result.totals.values())
