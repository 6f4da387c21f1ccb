"""Schulze: the Wikipedia example, and the pairwise matrix and paths checked the slow way."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from proposals.methods.ranked import RankedBallot
from proposals.methods.schulze import tally_schulze
from tests.common.ballots import BY_NAME, SEED, elections, rankings


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
