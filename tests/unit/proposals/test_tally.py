"""Tally methods: stories a results page would tell, and properties over random ballots."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proposals.tally import (
    ApprovalBallot,
    DotBallot,
    GradeBallot,
    GradeOutOfRange,
    InvalidBallot,
    MalformedBallot,
    NegativeDots,
    RankedBallot,
    RepeatedOption,
    TallyResult,
    TieBreakRule,
    TooManyDots,
    UnknownOption,
    tally_approval,
    tally_dots,
    tally_instant_runoff,
    tally_majority_judgment,
    tally_schulze,
    tie_break_order,
    validate_approval,
    validate_dots,
    validate_grades,
    validate_ranking,
)

GRADES = 4
DOTS = 5
SEED = "round-7"


# -- Stories ----------------------------------------------------------------------------------


def schulze_wikipedia_ballots() -> list[RankedBallot]:
    """The 45-voter example of the Wikipedia article "Schulze method"."""
    groups = [
        (5, "ACBED"),
        (5, "ADECB"),
        (8, "BEDAC"),
        (3, "CABED"),
        (7, "CAEBD"),
        (2, "CBADE"),
        (7, "DCEBA"),
        (8, "EBADC"),
    ]
    return [tuple(ranking) for count, ranking in groups for _ in range(count)]


def test_schulze_reproduces_the_wikipedia_example():
    result = tally_schulze(schulze_wikipedia_ballots(), list("ABCDE"), SEED)
    expected_pairwise = {
        "A": [None, 20, 26, 30, 22],
        "B": [25, None, 16, 33, 18],
        "C": [19, 29, None, 17, 24],
        "D": [15, 12, 28, None, 14],
        "E": [23, 27, 21, 31, None],
    }
    expected_paths = {
        "A": [None, 28, 28, 30, 24],
        "B": [25, None, 28, 33, 24],
        "C": [25, 29, None, 29, 24],
        "D": [25, 28, 28, None, 24],
        "E": [25, 28, 28, 31, None],
    }
    for a in "ABCDE":
        assert [result.pairwise[a].get(b) for b in "ABCDE"] == expected_pairwise[a]
        assert [result.strongest_paths[a].get(b) for b in "ABCDE"] == expected_paths[a]
    assert result.order == [["E"], ["A"], ["C"], ["B"], ["D"]]
    assert result.winner == "E"
    assert result.tie_breaks == []
    assert result.ballots_counted == 45 and result.abstentions == 0


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


def test_dots_add_up_and_zero_dots_abstain():
    ballots: list[DotBallot] = [{"a": 3, "b": 2}, {"b": 5}, {"a": 0}, {}]
    result = tally_dots(ballots, ["a", "b", "c"], DOTS, SEED)
    assert result.totals == {"a": 3, "b": 7, "c": 0}
    assert result.order == [["b"], ["a"], ["c"]]
    assert result.ballots_counted == 2 and result.abstentions == 2


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


# -- Methods under one roof, for the shared properties ----------------------------------------

VALIDATORS: dict[str, Callable[[object, Sequence[str]], object]] = {
    "approval": validate_approval,
    "ranking": validate_ranking,
    "grades": lambda ballot, options: validate_grades(ballot, options, GRADES),
    "dots": lambda ballot, options: validate_dots(ballot, options, DOTS),
}


@dataclass(frozen=True)
class Method:
    name: str
    tally: Callable[[list[Any], list[str], str], TallyResult]
    ballot: Callable[[list[str]], st.SearchStrategy[Any]]
    abstention: Any
    top_for: Callable[[str, list[str]], Any]
    """A ballot that puts one option at the very top (and nothing else above bottom)."""


def rankings(options: list[str]) -> st.SearchStrategy[RankedBallot]:
    return st.permutations(options).flatmap(
        lambda order: st.integers(0, len(order)).map(lambda n: tuple(order[:n]))
    )


def approvals(options: list[str]) -> st.SearchStrategy[ApprovalBallot]:
    return st.frozensets(st.sampled_from(options))


def gradings(options: list[str]) -> st.SearchStrategy[GradeBallot]:
    return st.dictionaries(st.sampled_from(options), st.integers(0, GRADES - 1))


def dot_ballots(options: list[str]) -> st.SearchStrategy[DotBallot]:
    def within_budget(dots: dict[str, int]) -> dict[str, int]:
        kept: dict[str, int] = {}
        for option, dots_given in dots.items():
            if sum(kept.values()) + dots_given <= DOTS:
                kept[option] = dots_given
        return kept

    return st.dictionaries(st.sampled_from(options), st.integers(0, DOTS)).map(within_budget)


METHODS = [
    Method("approval", tally_approval, approvals, frozenset(), lambda o, _: frozenset({o})),
    Method("schulze", tally_schulze, rankings, (), lambda o, _: (o,)),
    Method("instant-runoff", tally_instant_runoff, rankings, (), lambda o, _: (o,)),
    Method(
        "majority-judgment",
        lambda b, o, s: tally_majority_judgment(b, o, GRADES, s),
        gradings,
        {},
        lambda o, options: {x: (GRADES - 1 if x == o else 0) for x in options},
    ),
    Method(
        "dots", lambda b, o, s: tally_dots(b, o, DOTS, s), dot_ballots, {}, lambda o, _: {o: DOTS}
    ),
]
BY_NAME = {method.name: method for method in METHODS}
EMPTY_BALLOTS: dict[str, list[Any]] = {method.name: [method.abstention] for method in METHODS}


def tallies_of(ballots_by_method: Mapping[str, list[Any]], options: list[str]) -> list[TallyResult]:
    return [m.tally(list(ballots_by_method[m.name]), options, SEED) for m in METHODS]


option_lists = st.lists(
    st.text("abcdefgh", min_size=1, max_size=3), min_size=1, max_size=7, unique=True
)


@st.composite
def elections(
    draw: st.DrawFn, method: Method, max_ballots: int = 40
) -> tuple[list[str], list[Any]]:
    options = draw(option_lists)
    ballots = draw(st.lists(method.ballot(options), max_size=max_ballots))
    return options, ballots


def every_method(test: Callable[..., None]) -> Any:
    return pytest.mark.parametrize("method", METHODS, ids=[m.name for m in METHODS])(
        settings(max_examples=200)(test)
    )


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


# -- Schulze ----------------------------------------------------------------------------------


def naive_pairwise(ballots: list[RankedBallot], options: list[str]) -> dict[str, dict[str, int]]:
    def place(ballot: RankedBallot, option: str) -> int:
        return ballot.index(option) if option in ballot else len(options)

    return {
        a: {b: sum(place(r, a) < place(r, b) for r in ballots) for b in options if b != a}
        for a in options
    }


long_rankings = st.lists(
    st.text("abcdefghijk", min_size=1, max_size=2), min_size=2, max_size=9, unique=True
)


@settings(max_examples=200)
@given(data=st.data())
def test_schulze_pairwise_matrix_counts_each_ballot_once_per_pair(data):
    options = data.draw(long_rankings)
    # Repeated ballots take a weighted path, ballots cast once a grouped one: mix both.
    ballots = data.draw(st.lists(rankings(options), max_size=30))
    ballots += data.draw(st.lists(st.sampled_from(ballots), max_size=10)) if ballots else []
    result = tally_schulze(ballots, options, SEED)
    assert result.pairwise == naive_pairwise(ballots, options)
    for a, b in itertools.permutations(options, 2):
        assert result.pairwise[a][b] + result.pairwise[b][a] <= result.ballots_counted


@settings(max_examples=200)
@given(data=st.data())
def test_schulze_order_follows_the_strongest_paths(data):
    options, ballots = data.draw(elections(BY_NAME["schulze"]))
    result = tally_schulze(ballots, options, SEED)
    p = result.strongest_paths
    for high, low in itertools.combinations(result.ranking, 2):
        assert p[high][low] >= p[low][high]  # no option is ranked below one it beats
    for i, tier in enumerate(result.order):
        for a, b in itertools.permutations(tier, 2):
            assert p[a][b] <= p[b][a]  # level options do not beat each other
        for below in result.order[i + 1 :]:
            assert all(any(p[a][b] > p[b][a] for a in tier) for b in below)


@settings(max_examples=200)
@given(data=st.data())
def test_a_condorcet_winner_wins_and_a_condorcet_loser_comes_last(data):
    options, ballots = data.draw(elections(BY_NAME["schulze"]))
    result = tally_schulze(ballots, options, SEED)
    d = result.pairwise
    for x in options:
        others = [y for y in options if y != x]
        if others and all(d[x][y] > d[y][x] for y in others):
            assert result.order[0] == [x] and result.winner == x
        if others and all(d[x][y] < d[y][x] for y in others):
            assert result.order[-1] == [x]


@settings(max_examples=200)
@given(ballots=st.lists(rankings(["yes", "no"]), max_size=40))
def test_schulze_between_two_options_is_a_simple_majority(ballots):
    result = tally_schulze(ballots, ["yes", "no"], SEED)
    yes, no = result.pairwise["yes"]["no"], result.pairwise["no"]["yes"]
    if yes > no:
        assert result.order == [["yes"], ["no"]]
    elif no > yes:
        assert result.order == [["no"], ["yes"]]
    else:
        assert len(result.order) == 1


# -- Instant-runoff ---------------------------------------------------------------------------


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


# -- Majority judgment ------------------------------------------------------------------------


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


# -- Approval and dots ------------------------------------------------------------------------


@settings(max_examples=200)
@given(data=st.data())
def test_approval_counts_are_the_approving_ballots(data):
    options, ballots = data.draw(elections(BY_NAME["approval"]))
    result = tally_approval(ballots, options, SEED)
    assert result.approvals == {o: sum(o in b for b in ballots) for o in options}
    if result.winner is not None:
        assert result.approvals[result.winner] == max(result.approvals.values())


@settings(max_examples=200)
@given(data=st.data())
def test_dot_totals_are_the_sum_of_the_dots(data):
    options, ballots = data.draw(elections(BY_NAME["dots"]))
    result = tally_dots(ballots, options, DOTS, SEED)
    assert result.totals == {o: sum(b.get(o, 0) for b in ballots) for o in options}
    assert sum(result.totals.values()) <= DOTS * result.ballots_counted
    if result.winner is not None:
        assert result.totals[result.winner] == max(result.totals.values())


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
