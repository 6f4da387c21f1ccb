"""What every method shares: the tie-break order, bad ballots refused by name, and
properties every tally keeps, over random ballots."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proposals.methods.approval import validate_approval
from proposals.methods.common import (
    InvalidBallot,
    MalformedBallot,
    RepeatedOption,
    TieBreakRule,
    UnknownOption,
    tie_break_order,
)
from proposals.methods.dots import NegativeDots, TooManyDots, tally_dots, validate_dots
from proposals.methods.majority_judgment import GradeOutOfRange, validate_grades
from proposals.methods.ranked import validate_ranking
from proposals.methods.schulze import tally_schulze
from tests.common.ballots import (
    BY_NAME,
    DOTS,
    EMPTY_BALLOTS,
    GRADES,
    SEED,
    elections,
    every_method,
    tallies_of,
)

VALIDATORS: dict[str, Callable[[object, Sequence[str]], object]] = {
    "approval": validate_approval,
    "ranking": validate_ranking,
    "grades": lambda ballot, options: validate_grades(ballot, options, GRADES),
    "dots": lambda ballot, options: validate_dots(ballot, options, DOTS),
}


def test_the_tie_break_order_is_sha256_of_round_and_option_and_never_changes():
    options = ["debt-bondage", "domestic-servitude", "forced-marriage", "organ-removal"]
    expected = sorted(options, key=lambda o: hashlib.sha256(f"{SEED}\x00{o}".encode()).hexdigest())
    assert tie_break_order(options, SEED) == expected
    assert tie_break_order(reversed(options), SEED) == expected
    # Pinned: a published tie-break must stay reproducible, by anyone, forever.
    assert expected == ["forced-marriage", "debt-bondage", "domestic-servitude", "organ-removal"]
    assert tie_break_order(options, "round-8") != expected  # each round its own order


def test_nobody_voting_means_no_winner_and_everyone_level():
    for result in tallies_of(EMPTY_BALLOTS, ["x", "y", "z"]):
        assert result.winner is None
        assert result.order == [tie_break_order(["x", "y", "z"], SEED)]
        assert result.ballots_counted == 0 and result.abstentions == 1


@pytest.mark.parametrize(
    ("check", "ballot", "error", "attributes"),
    [
        ("ranking", ("a", "zz"), UnknownOption, {"option": "zz"}),
        ("ranking", ("a", "b", "a"), RepeatedOption, {"option": "a"}),
        ("ranking", "ab", MalformedBallot, {}),
        ("ranking", {"a", "b"}, MalformedBallot, {}),
        ("approval", ["a", "a"], RepeatedOption, {"option": "a"}),
        ("approval", {"zz"}, UnknownOption, {"option": "zz"}),
        ("grades", {"a": 4}, GradeOutOfRange, {"option": "a", "grade": 4, "grade_count": 4}),
        ("grades", {"a": -1}, GradeOutOfRange, {"grade": -1}),
        ("grades", {"a": True}, MalformedBallot, {}),
        ("dots", {"a": 3, "b": 3}, TooManyDots, {"given": 6, "allowed": 5}),
        ("dots", {"a": -1, "b": 3}, NegativeDots, {"option": "a", "dots": -1}),
        ("dots", {"zz": 0}, UnknownOption, {"option": "zz"}),
    ],
)
def test_bad_ballots_are_refused_with_the_problem_named(check, ballot, error, attributes):
    with pytest.raises(error) as refused:
        VALIDATORS[check](ballot, ["a", "b", "c"])
    for name, value in attributes.items():
        assert getattr(refused.value, name) == value


def test_a_bad_ballot_stops_the_tally():
    with pytest.raises(UnknownOption):
        tally_schulze([("a",), ("nope",)], ["a", "b"], SEED)
    with pytest.raises(TooManyDots):
        tally_dots([{"a": 6}], ["a", "b"], DOTS, SEED)


# -- Properties of every method ---------------------------------------------------------------


@every_method
@given(data=st.data())
def test_every_option_is_ranked_once_and_the_tiers_read_as_the_ranking(method, data):
    options, ballots = data.draw(elections(method))
    result = method.tally(ballots, options, SEED)
    assert sorted(result.ranking) == sorted(options)
    assert result.ranking == [option for tier in result.order for option in tier]
    assert all(tier for tier in result.order)
    assert result.winner == (result.ranking[0] if result.ballots_counted else None)
    assert result.ballots_counted + result.abstentions == len(ballots)
    assert sorted(result.tie_break_order) == sorted(options)
    seed_breaks = [t.tied for t in result.tie_breaks if t.rule is TieBreakRule.SEED_ORDER]
    if method.name != "instant-runoff":
        # A tier of several options is exactly a tie the tie-break order decided.
        assert seed_breaks == [tier for tier in result.order if len(tier) > 1]
        for tier in result.order:
            assert tier == [o for o in result.tie_break_order if o in tier]


@every_method
@given(data=st.data())
def test_the_order_of_ballots_does_not_matter(method, data):
    options, ballots = data.draw(elections(method))
    shuffled = data.draw(st.permutations(ballots))
    assert method.tally(shuffled, options, SEED) == method.tally(ballots, options, SEED)
    assert method.tally(ballots, list(reversed(options)), SEED).ranking == (
        method.tally(ballots, options, SEED).ranking
    )


@every_method
@given(data=st.data(), extra=st.integers(1, 5))
def test_abstentions_change_nothing_but_their_own_count(method, data, extra):
    options, ballots = data.draw(elections(method))
    if not any(ballot != method.abstention for ballot in ballots):
        return
    before = method.tally(ballots, options, SEED)
    after = method.tally([*ballots, *[method.abstention] * extra], options, SEED)
    assert after.abstentions == before.abstentions + extra
    assert (after.order, after.ranking, after.winner, after.tie_breaks) == (
        before.order,
        before.ranking,
        before.winner,
        before.tie_breaks,
    )


@pytest.mark.parametrize(
    "method", [BY_NAME[n] for n in ("approval", "instant-runoff", "majority-judgment", "dots")]
)
@settings(max_examples=200)
@given(data=st.data())
def test_one_more_ballot_putting_the_winner_on_top_keeps_it_winning(method, data):
    options, ballots = data.draw(elections(method))
    winner = method.tally(ballots, options, SEED).winner
    if winner is None:
        return
    again = method.tally([*ballots, method.top_for(winner, options)], options, SEED)
    assert again.winner == winner


# -- Validation -------------------------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 8),
    st.floats(allow_nan=False),
    st.text("abcz", max_size=2),
    st.binary(max_size=2),
)
garbage = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=4).map(tuple),
        st.frozensets(st.one_of(st.text("abcz", max_size=2), st.integers(0, 3)), max_size=4),
        st.dictionaries(
            st.one_of(st.text("abcz", max_size=2), st.integers(0, 3)), inner, max_size=4
        ),
    ),
    max_leaves=8,
)


@pytest.mark.parametrize("check", list(VALIDATORS))
@settings(max_examples=300)
@given(ballot=garbage)
def test_garbage_is_accepted_or_refused_by_name_never_crashes(check, ballot):
    try:
        cleaned: Any = VALIDATORS[check](ballot, ["a", "b", "c"])
    except InvalidBallot:
        return
    # Accepted: what comes back names only known options.
    assert set(cleaned) <= {"a", "b", "c"}


@every_method
@given(data=st.data())
def test_every_ballot_a_member_can_fill_in_is_accepted(method, data):
    options, ballots = data.draw(elections(method, max_ballots=5))
    check = {
        "approval": "approval",
        "schulze": "ranking",
        "instant-runoff": "ranking",
        "majority-judgment": "grades",
        "dots": "dots",
    }[method.name]
    for ballot in ballots:
        cleaned: Any = VALIDATORS[check](ballot, options)
        # Nothing a member chose is lost (options given no dot may be left out).
        assert {option for option in cleaned} >= {
            option for option in ballot if check != "dots" or ballot[option]
        }
