"""Instant-runoff: worked examples and rounds recounted the slow way."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from proposals.methods.common import TieBreakRule, tie_break_order
from proposals.methods.instant_runoff import tally_instant_runoff
from proposals.methods.ranked import RankedBallot
from tests.common.ballots import BY_NAME, SEED, elections


def test_instant_runoff_moves_ballots_to_their_next_choice_round_by_round():
    ballots: list[RankedBallot] = [
        *[("housing",)] * 4,
        *[("legal-aid", "housing")] * 3,
        *[("jobs", "legal-aid")] * 2,
        ("jobs",),
        (),
    ]
    result = tally_instant_runoff(ballots, ["housing", "jobs", "legal-aid"], SEED)
    assert [r.counts for r in result.rounds] == [
        {"housing": 4, "jobs": 3, "legal-aid": 3},
        {"housing": 4, "legal-aid": 5},
        {"legal-aid": 5},
    ]
    # jobs and legal-aid were level with 3: no earlier round, so the tie-break order decided.
    (tie,) = result.tie_breaks
    assert set(tie.tied) == {"jobs", "legal-aid"} and tie.round == 1
    assert tie.rule is TieBreakRule.SEED_ORDER
    assert tie.tied == [o for o in tie_break_order(["jobs", "legal-aid"], SEED)]
    assert result.rounds[0].eliminated == tie.decided[-1] == "jobs"
    assert [r.exhausted for r in result.rounds] == [0, 1, 5]
    assert result.winner == "legal-aid" and result.majority_round == 2
    assert result.ranking == ["legal-aid", "housing", "jobs"]
    assert result.ballots_counted == 10 and result.abstentions == 1


def test_instant_runoff_breaks_a_tie_by_the_round_before():
    ballots: list[RankedBallot] = [
        *[("a",)] * 5,
        *[("b",)] * 3,
        *[("c",)] * 2,
        ("d", "c"),
    ]
    result = tally_instant_runoff(ballots, list("abcd"), SEED)
    assert result.rounds[1].counts == {"a": 5, "b": 3, "c": 3}
    # b and c are level with 3 in round 2; c had fewer in round 1, so c goes.
    tie = result.tie_breaks[-1]
    assert tie.round == 2 and tie.rule is TieBreakRule.PREVIOUS_ROUNDS
    assert result.rounds[1].eliminated == "c"


@settings(max_examples=200)
@given(data=st.data())
def test_instant_runoff_rounds_recount_correctly(data):
    options, ballots = data.draw(elections(BY_NAME["instant-runoff"]))
    result = tally_instant_runoff(ballots, options, SEED)
    counted = [b for b in ballots if b]
    continuing = set(options)
    for number, r in enumerate(result.rounds, start=1):
        assert set(r.counts) == continuing
        tops = [next((o for o in b if o in continuing), None) for b in counted]
        assert r.counts == {o: tops.count(o) for o in continuing}
        assert sum(r.counts.values()) + r.exhausted == result.ballots_counted
        if r.eliminated is None:
            assert number == len(result.rounds) and continuing == {result.winner}
        else:
            assert r.counts[r.eliminated] == min(r.counts.values())
            continuing.remove(r.eliminated)
    if counted:
        assert result.rounds[-1].eliminated is None
        eliminated = [r.eliminated for r in result.rounds[:-1]]
        assert result.ranking == [result.winner, *reversed(eliminated)]
        assert result.majority_round is not None and result.winner is not None
        r = result.rounds[result.majority_round - 1]
        assert 2 * r.counts[result.winner] > result.ballots_counted - r.exhausted


@settings(max_examples=200)
@given(data=st.data())
def test_a_majority_of_first_preferences_wins_in_round_one(data):
    options, ballots = data.draw(elections(BY_NAME["instant-runoff"]))
    firsts = [b[0] for b in ballots if b]
    for option in options:
        if 2 * firsts.count(option) > len(firsts):
            result = tally_instant_runoff(ballots, options, SEED)
            assert result.winner == option and result.majority_round == 1
