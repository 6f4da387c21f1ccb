"""Ranked choice by instant-runoff: the option with the fewest first preferences is
eliminated and its ballots go to their next choice, round after round.

Its own tie rule: when several options share the fewest votes in a round, the one with
fewer votes in the round before is eliminated; if they were level there too, the round
before that, and so on back to the first round. Only if they were level in every round
does the tie-break order decide (the option last in that order is eliminated).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from chorus.i18n import N_, _, ngettext
from proposals.methods.base import CsvRow, Params
from proposals.methods.common import (
    Chart,
    TallyResult,
    TieBreak,
    TieBreakRule,
    bars,
    counts,
    label_of,
    option_list,
    optional_int,
    optional_str,
    rank,
    tie_break_order,
)
from proposals.methods.ranked import RankedBallot, RankedMethod, count_rankings
from proposals.models import Method


@dataclass(frozen=True)
class RunoffRound:
    counts: dict[str, int]
    """Each option still in the count -> ballots whose highest continuing choice it is."""
    exhausted: int
    """Ballots with no continuing option left (they count for no one from now on)."""
    eliminated: str | None
    """Eliminated at the end of this round; None in the last round."""


@dataclass(frozen=True)
class InstantRunoffResult(TallyResult):
    rounds: list[RunoffRound]
    """Eliminations continue until one option remains, so that every option is ranked
    (in reverse order of elimination)."""
    majority_round: int | None
    """The first round (from 1) in which the winner held more than half of the ballots
    still in the count; None when no ballot was counted."""


def tally_instant_runoff(
    ballots: Iterable[RankedBallot], options: Sequence[str], tie_break_seed: str
) -> InstantRunoffResult:
    """Rank by instant-runoff, eliminating one option per round until one remains.

    Raises InvalidBallot for a bad ballot. Each option keeps a pile of the ballots
    it currently holds; an elimination only moves the eliminated option's pile.
    """
    listed = option_list(options)
    distinct, abstentions = count_rankings(ballots, frozenset(listed))
    counted = sum(distinct.values())
    seed_order = tie_break_order(listed, tie_break_seed)
    if not counted:
        ranked = rank([seed_order], seed_order, counted, abstentions)
        return InstantRunoffResult(**ranked.tally_fields(), rounds=[], majority_round=None)
    priority = {option: place for place, option in enumerate(seed_order)}
    piles: dict[str, list[tuple[RankedBallot, int, int]]] = {option: [] for option in listed}
    totals = dict.fromkeys(listed, 0)
    for ballot, count in distinct.items():
        piles[ballot[0]].append((ballot, count, 0))
        totals[ballot[0]] += count
    continuing = set(listed)
    exhausted = 0
    rounds: list[RunoffRound] = []
    tie_breaks: list[TieBreak] = []
    eliminated: list[str] = []
    majority_round: int | None = None
    while True:
        number = len(rounds) + 1
        counts = {option: totals[option] for option in listed if option in continuing}
        if majority_round is None and 2 * max(counts.values()) > counted - exhausted:
            majority_round = number
        if len(continuing) == 1:
            rounds.append(RunoffRound(counts=counts, exhausted=exhausted, eliminated=None))
            break
        fewest = min(counts.values())
        level = [option for option in seed_order if counts.get(option) == fewest]
        loser = level[0]
        if len(level) > 1:
            tie_break = _elimination_tie_break(level, rounds, priority, number)
            tie_breaks.append(tie_break)
            loser = tie_break.decided[-1]
        rounds.append(RunoffRound(counts=counts, exhausted=exhausted, eliminated=loser))
        continuing.remove(loser)
        eliminated.append(loser)
        for ballot, count, place in piles.pop(loser):
            for later in range(place + 1, len(ballot)):
                choice = ballot[later]
                if choice in continuing:
                    piles[choice].append((ballot, count, later))
                    totals[choice] += count
                    break
            else:
                exhausted += count
    (winner,) = continuing
    order = [[winner], *([option] for option in reversed(eliminated))]
    return InstantRunoffResult(
        order=order,
        ranking=[option for tier in order for option in tier],
        winner=winner,
        tie_breaks=tie_breaks,
        tie_break_order=seed_order,
        ballots_counted=counted,
        abstentions=abstentions,
        rounds=rounds,
        majority_round=majority_round,
    )


def _elimination_tie_break(
    level: list[str], earlier: list[RunoffRound], priority: Mapping[str, int], number: int
) -> TieBreak:
    """Backwards tie-break: fewest votes in the latest earlier round where they differ."""

    def history(option: str) -> tuple[int, ...]:
        return tuple(past.counts[option] for past in reversed(earlier))

    def standing(option: str) -> tuple[tuple[int, ...], int]:
        return history(option), -priority[option]

    decided = sorted(level, key=standing, reverse=True)
    loser = decided[-1]
    by_history = all(history(option) > history(loser) for option in decided[:-1])
    return TieBreak(
        tied=list(level),
        decided=decided,
        rule=TieBreakRule.PREVIOUS_ROUNDS if by_history else TieBreakRule.SEED_ORDER,
        round=number,
    )


@dataclass(frozen=True)
class RunoffRow:
    number: int
    counts: list[int | None]
    """One per option in ranking order (as `option_labels`); None once it is out."""
    exhausted: int
    eliminated: str | None
    """The label of the option out at the end of this round; None in the last round."""


def runoff_table(data: Mapping[str, Any], labels: Mapping[str, str]) -> list[RunoffRow]:
    """One row per round; the count columns are `proposals.results.option_labels`."""
    ranking = data["ranking"]
    rows = []
    for number, runoff in enumerate(data["rounds"], 1):
        held = runoff["counts"]
        eliminated = runoff["eliminated"]
        rows.append(
            RunoffRow(
                number=number,
                counts=[int(held[o]) if o in held else None for o in ranking],
                exhausted=int(runoff["exhausted"]),
                eliminated=None if eliminated is None else label_of(labels, eliminated),
            )
        )
    return rows


def _vote_words(n: int) -> str:
    return ngettext("%(count)s vote", "%(count)s votes", n) % {"count": n}


class InstantRunoff(RankedMethod[InstantRunoffResult]):
    key = Method.INSTANT_RUNOFF
    name = N_("Ranking, counted in rounds (instant-runoff)")
    keys = frozenset({"rounds", "majority_round"})
    results_template = "proposals/methods/instant_runoff_results.html"
    result_type = InstantRunoffResult

    def tally(
        self, ballots: Iterable[RankedBallot], options: Sequence[str], params: Params, seed: str
    ) -> InstantRunoffResult:
        return tally_instant_runoff(ballots, options, seed)

    def tables(self, result: InstantRunoffResult) -> dict[str, Any]:
        return {
            "rounds": [
                {
                    "counts": counts(runoff.counts),
                    "exhausted": runoff.exhausted,
                    "eliminated": runoff.eliminated,
                }
                for runoff in result.rounds
            ],
            "majority_round": result.majority_round,
        }

    def result_of(self, common: dict[str, Any], data: Mapping[str, Any]) -> InstantRunoffResult:
        return InstantRunoffResult(
            **common,
            rounds=[
                RunoffRound(
                    counts=counts(runoff["counts"]),
                    exhausted=int(runoff["exhausted"]),
                    eliminated=optional_str(runoff["eliminated"]),
                )
                for runoff in data["rounds"]
            ],
            majority_round=optional_int(data["majority_round"]),
        )

    def csv_rows(self, clean: Mapping[str, Any]) -> list[CsvRow]:
        rows: list[CsvRow] = []
        for number, runoff in enumerate(clean["rounds"], 1):
            rows += [
                ("runoff", number, option, runoff["counts"][option])
                for option in clean["options"]
                if option in runoff["counts"]
            ]
            rows.append(("runoff", number, "exhausted", runoff["exhausted"]))
            if runoff["eliminated"] is not None:
                rows.append(("eliminated", number, "", runoff["eliminated"]))
        rows.append(("majority_round", "", "", clean["majority_round"]))
        return rows

    def charts(self, clean: Mapping[str, Any], labels: Mapping[str, str]) -> list[Chart]:
        ranking: list[str] = clean["ranking"]
        counted: int = clean["ballots_counted"]
        rounds = clean["rounds"]
        if not rounds:
            return []
        found = [
            Chart(
                caption=ngettext(
                    "First choices in round 1, out of %(count)s ballot",
                    "First choices in round 1, out of %(count)s ballots",
                    counted,
                )
                % {"count": counted},
                unit=_("Votes"),
                bars=bars(ranking, labels, rounds[0]["counts"], _vote_words),
                maximum=counted,
            )
        ]
        if len(rounds) > 2:
            final = len(rounds) - 1  # the last round with two options; the next has one
            found.append(
                Chart(
                    caption=_(
                        "Votes when two options were left, in round %(number)s", number=final
                    ),
                    unit=_("Votes"),
                    bars=bars(ranking, labels, rounds[final - 1]["counts"], _vote_words),
                    maximum=counted,
                )
            )
        return found

    def results_view(self, data: Mapping[str, Any], labels: Mapping[str, str]) -> dict[str, Any]:
        return {"runoff_table": runoff_table(data, labels)}

    def tie_rule(self) -> list[str]:
        return [
            _(
                "In rounds of votes (instant-runoff), we look back first. When options tie "
                "for the fewest votes, the one with fewer votes in the round before is out. "
                "If they were level there too, we look one more round back. We use the "
                "tie-break order only if they were level in every round. Then the last "
                "one in that order is out."
            )
        ]


METHOD = InstantRunoff()
