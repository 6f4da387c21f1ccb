"""Ranked choice by Schulze: a ballot ranks options in preference order; options are
compared two by two, and the winner is the one no other option beats by a chain of
stronger majorities.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from operator import itemgetter
from typing import Any

from chorus.i18n import N_, _, ngettext
from proposals.methods.base import CsvRow, Params
from proposals.methods.common import (
    Chart,
    TallyResult,
    bars,
    label_of,
    matrix,
    option_list,
    rank,
    tie_break_order,
)
from proposals.methods.ranked import RankedBallot, RankedMethod, count_rankings
from proposals.models import Method


@dataclass(frozen=True)
class SchulzeResult(TallyResult):
    pairwise: dict[str, dict[str, int]]
    """pairwise[a][b]: ballots ranking a above b (a ranked, b unranked counts too)."""
    strongest_paths: dict[str, dict[str, int]]
    """strongest_paths[a][b]: strength of the strongest chain of wins from a to b; a is
    ranked above b exactly when it is stronger than strongest_paths[b][a]."""


_HEAD = 5
"""Where `_pairwise` cuts a ranking: heads of five places repeat a lot even when whole
rankings of ten options hardly ever do (10!/5! = 30,240 heads, 3,628,800 rankings)."""


def _pairwise(distinct: Counter[RankedBallot], listed: list[str]) -> dict[str, dict[str, int]]:
    """d[a][b] = ballots ranking a above b, unranked options below all ranked ones.

    With R[a] the ballots ranking a and P[b, a] those ranking both with b above a,
    d[a][b] = R[a] - P[b, a]: of the ballots ranking a, those not putting b above it.
    Each ranking is cut into a head (its first _HEAD places) and a tail; pairs inside
    a head, inside a tail, and across (every head option above every tail option, so
    only the two sets matter) are counted once per identical head, tail or pair of
    sets. Rankings cast once are grouped by C-level iterators, without a Python loop.
    """
    head_of, tail_of = itemgetter(slice(None, _HEAD)), itemgetter(slice(_HEAD, None))
    once = [ballot for ballot, count in distinct.items() if count == 1]
    heads: Counter[RankedBallot] = Counter(map(head_of, once))
    tails: Counter[RankedBallot] = Counter(map(tail_of, once))
    across: Counter[tuple[frozenset[str], frozenset[str]]] = Counter(
        zip(map(frozenset, map(head_of, once)), map(frozenset, map(tail_of, once)), strict=True)
    )
    for ballot, count in distinct.items():
        if count > 1:
            head, tail = head_of(ballot), tail_of(ballot)
            heads[head] += count
            tails[tail] += count
            across[frozenset(head), frozenset(tail)] += count
    ranked: Counter[str] = Counter()
    above: Counter[tuple[str, str]] = Counter()
    for part in (heads, tails):
        for piece, count in part.items():
            for option in piece:
                ranked[option] += count
            for pair in combinations(piece, 2):
                above[pair] += count
    for (head_set, tail_set), count in across.items():
        for higher in head_set:
            for lower in tail_set:
                above[higher, lower] += count
    return {a: {b: ranked[a] - above[b, a] for b in listed if b != a} for a in listed}


def _strongest_paths(
    pairwise: dict[str, dict[str, int]], listed: list[str]
) -> dict[str, dict[str, int]]:
    """Schulze's widest paths (Floyd–Warshall), links weighted by winning votes."""
    n = len(listed)
    d = [[pairwise[a][b] if a != b else 0 for b in listed] for a in listed]
    p = [[d[i][j] if i != j and d[i][j] > d[j][i] else 0 for j in range(n)] for i in range(n)]
    for i in range(n):
        through = p[i]
        for j in range(n):
            into = p[j][i]
            if j == i or into == 0:
                continue
            row = p[j]
            for k in range(n):
                if k != i and k != j:
                    width = min(into, through[k])
                    if width > row[k]:
                        row[k] = width
    return {a: {b: p[i][j] for j, b in enumerate(listed) if j != i} for i, a in enumerate(listed)}


def tally_schulze(
    ballots: Iterable[RankedBallot], options: Sequence[str], tie_break_seed: str
) -> SchulzeResult:
    """Rank by the Schulze method. Raises InvalidBallot for a bad ballot.

    The tiers are peeled off one by one: first the options no other option beats
    (a beats b when strongest_paths[a][b] > strongest_paths[b][a]), then those
    only beaten by the first tier, and so on.
    """
    listed = option_list(options)
    distinct, abstentions = count_rankings(ballots, frozenset(listed))
    counted = sum(distinct.values())
    pairwise = _pairwise(distinct, listed)
    paths = _strongest_paths(pairwise, listed)
    seed_order = tie_break_order(listed, tie_break_seed)
    remaining = list(seed_order)
    tiers: list[list[str]] = []
    while remaining:
        unbeaten = [
            b for b in remaining if not any(paths[a][b] > paths[b][a] for a in remaining if a != b)
        ]
        tiers.append(unbeaten)
        remaining = [option for option in remaining if option not in unbeaten]
    ranked = rank(tiers, seed_order, counted, abstentions)
    return SchulzeResult(**ranked.tally_fields(), pairwise=pairwise, strongest_paths=paths)


def pairwise_table(
    data: Mapping[str, Any], labels: Mapping[str, str]
) -> list[tuple[str, list[int | None]]]:
    """One row per option, in ranking order, as (title, cells).

    The cell in column b (columns are `proposals.results.option_labels`) is the number of
    ballots that rank the row option above b; None where the row and the column are the
    same option.
    """
    pairwise = data["pairwise"]
    ranking = data["ranking"]
    return [
        (label_of(labels, a), [None if a == b else int(pairwise[a][b]) for b in ranking])
        for a in ranking
    ]


def _win_words(n: int) -> str:
    return ngettext("Beats %(count)s other option", "Beats %(count)s other options", n) % {
        "count": n
    }


class Schulze(RankedMethod[SchulzeResult]):
    key = Method.SCHULZE
    name = N_("Ranking, counted by pairs (Schulze)")
    keys = frozenset({"pairwise", "strongest_paths"})
    results_template = "proposals/methods/schulze_results.html"
    result_type = SchulzeResult

    def tally(
        self, ballots: Iterable[RankedBallot], options: Sequence[str], params: Params, seed: str
    ) -> SchulzeResult:
        return tally_schulze(ballots, options, seed)

    def tables(self, result: SchulzeResult) -> dict[str, Any]:
        return {
            "pairwise": matrix(result.pairwise),
            "strongest_paths": matrix(result.strongest_paths),
        }

    def result_of(self, common: dict[str, Any], data: Mapping[str, Any]) -> SchulzeResult:
        return SchulzeResult(
            **common,
            pairwise=matrix(data["pairwise"]),
            strongest_paths=matrix(data["strongest_paths"]),
        )

    def csv_rows(self, clean: Mapping[str, Any]) -> list[CsvRow]:
        options = clean["options"]
        rows: list[CsvRow] = []
        for table in ("pairwise", "strongest_paths"):
            rows += [(table, a, b, clean[table][a][b]) for a in options for b in options if a != b]
        return rows

    def charts(self, clean: Mapping[str, Any], labels: Mapping[str, str]) -> list[Chart]:
        ranking: list[str] = clean["ranking"]
        pairwise = clean["pairwise"]
        wins = {
            a: sum(1 for b in ranking if b != a and pairwise[a][b] > pairwise[b][a])
            for a in ranking
        }
        return [
            Chart(
                caption=_("How many other options each option beats head to head"),
                unit=_("Head-to-head wins"),
                bars=bars(ranking, labels, wins, _win_words),
                maximum=len(ranking) - 1,
            )
        ]

    def results_view(self, data: Mapping[str, Any], labels: Mapping[str, str]) -> dict[str, Any]:
        return {"pairwise_table": pairwise_table(data, labels)}


METHOD = Schulze()
