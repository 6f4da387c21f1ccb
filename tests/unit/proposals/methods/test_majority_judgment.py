"""Majority judgment: a worked example and the majority value, checked the slow way."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from proposals.methods.common import TieBreakRule
from proposals.methods.majority_judgment import GradeBallot, tally_majority_judgment
from tests.common.ballots import BY_NAME, GRADES, SEED, elections


def test_majority_judgment_separates_equal_medians_by_majority_value():
    # Grades 0 reject, 1 poor, 2 good, 3 excellent.
    ballots: list[GradeBallot] = [
        {"a": 3, "b": 2},
        {"a": 2, "b": 2},
        {"a": 1, "b": 2},
        {"c": 3},
        {},
    ]
    result = tally_majority_judgment(ballots, ["a", "b", "c"], GRADES, SEED)
    assert result.grades == {"a": [1, 1, 1, 1], "b": [1, 0, 3, 0], "c": [3, 0, 0, 1]}
    assert result.medians == {"a": 1, "b": 2, "c": 0}
    assert result.ranking == ["b", "a", "c"] and result.winner == "b"
    assert result.tie_breaks == []
    assert result.abstentions == 1 and result.ballots_counted == 4

    # Same median (good) for both; remove it and a's next median is better.
    tied = tally_majority_judgment(
        [{"a": 3, "b": 2}, {"a": 2, "b": 2}, {"a": 1, "b": 1}], ["a", "b"], GRADES, SEED
    )
    assert tied.medians == {"a": 2, "b": 2}
    assert tied.ranking == ["a", "b"] and tied.order == [["a"], ["b"]]
    (tie,) = tied.tie_breaks
    assert tie.rule is TieBreakRule.MAJORITY_VALUE and tie.decided == ["a", "b"]


def naive_majority_value(grades: list[int]) -> list[int]:
    remaining, value = sorted(grades), []
    while remaining:
        value.append(remaining.pop((len(remaining) - 1) // 2))
    return value


@settings(max_examples=200)
@given(data=st.data())
def test_majority_judgment_ranks_by_majority_value(data):
    options, ballots = data.draw(elections(BY_NAME["majority-judgment"]))
    result = tally_majority_judgment(ballots, options, GRADES, SEED)
    graded = [b for b in ballots if b]
    values = {o: naive_majority_value([b.get(o, 0) for b in graded]) for o in options}
    for o in options:
        assert result.grades[o] == [values[o].count(g) for g in range(GRADES)]
        assert result.medians[o] == (values[o][0] if graded else None)
    for i, tier in enumerate(result.order):
        assert len({tuple(values[o]) for o in tier}) == 1
        for below in result.order[i + 1 :]:
            assert values[tier[0]] > values[below[0]]
    if result.winner is not None:
        best = result.medians[result.winner]
        assert best is not None
        assert all((m or 0) <= best for m in result.medians.values())
