"""Voting methods: one module each, behind one interface (`base.VotingMethod`).

Five ways to count a round, each in its own module:

- approval (`approval.py`): a ballot is the set of options the member approves; the
  option approved by most ballots wins.
- ranked choice by Schulze (`schulze.py`): a ballot ranks options in preference order;
  options compared two by two, the winner is the one no other option beats by a chain of
  stronger majorities.
- ranked choice by instant-runoff (`instant_runoff.py`): the option with the fewest first
  preferences is eliminated and its ballots go to their next choice, round after round.
- majority judgment (`majority_judgment.py`): a ballot gives each option a grade; the
  option with the best median grade wins.
- dot voting (`dots.py`): a member spreads up to N dots over the options; the option with
  most dots wins.

Each module holds its ballot's check, the reading of its ballot form, its sealed form,
its tally (a plain function over plain data) and how its result is stored and shown;
`ranked.py` holds what Schulze and instant-runoff share, `numbered.py` what majority
judgment and dots share, `base.py` and `common.py` what all share.
`METHODS` lists them by the value a round stores; adding a method is one new module and
one line there (see the README).

A ballot that says nothing (no approval, no ranking, no grade, no dot) is an
abstention: it is counted as such and changes no result. A ranking may be
partial: options left out rank below every ranked option and level with each
other. In majority judgment an option left without a grade gets the lowest
grade ("reject"), as Balinski and Laraki recommend, so that every option is
judged by the same number of ballots.

Results hold only aggregate tables, never a ballot: counts, the pairwise matrix
and strongest paths, round-by-round counts, grade distributions, dot totals.
Those are what a recount needs and what is safe to publish (DESIGN, anonymity
point 6). Identical ballots are counted together first, so a tally's work grows
with the number of *different* ballots.

How ties are broken (the results page explains this in the same words)
-----------------------------------------------------------------------
When the votes cannot separate two or more options, the order between them is
decided by a *tie-break order* fixed when the round is opened, before anyone
votes. For each option we compute the SHA-256 fingerprint of the round's id, a
zero byte, and the option's id (as UTF-8 text); the option with the lower
fingerprint (read as hexadecimal) goes first. Nobody chooses it, it does not
depend on names or on the order options were listed, it is not random, and
anyone can recompute it: `printf 'ROUND\\0OPTION' | sha256sum`.

Before that order is used, two methods apply their own standard rules:

- instant-runoff: when several options share the fewest votes in a round, the
  one with fewer votes in the round before is eliminated; if they were level
  there too, the round before that, and so on back to the first round. Only if
  they were level in every round does the tie-break order decide (the option
  last in that order is eliminated).
- majority judgment: options with the same median grade are separated by their
  *majority value*: take away one median grade from each and compare the new
  medians, again and again until they differ. Only options with exactly the same
  grades from everyone are then put in tie-break order.

Every tie and how it was broken is listed in the result's `tie_breaks`. When no
ballot was counted, all options are level and there is no winner.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from proposals.methods import approval, dots, instant_runoff, majority_judgment, schulze
from proposals.methods.base import COMMON_KEYS, Params, RoundSettings, VotingMethod

METHODS: dict[str, VotingMethod[Any, Any]] = {
    str(method.key): method
    for method in (
        approval.METHOD,
        schulze.METHOD,
        instant_runoff.METHOD,
        majority_judgment.METHOD,
        dots.METHOD,
    )
}
"""Every voting method by the key a round stores (as text: a new method adds no value to
any enum and no migration), in the order the new-round form lists them."""


def method_of(round_or_key: RoundSettings | str) -> VotingMethod[Any, Any]:
    """The method a round (or a stored method key) counts by."""
    key = round_or_key if isinstance(round_or_key, str) else round_or_key.method
    return METHODS[str(key)]


def count_ballots(
    method: str,
    params: Params,
    contents: Sequence[bytes],
    options: Sequence[str],
    seed: str,
) -> dict[str, Any]:
    """Tally sealed ballot contents and keep only the aggregate tables (what is stored).

    Only plain values in and out, so that it can run in another process; `seed` is the
    round's id, which fixes the tie-break order. Raises InvalidBallot for a bad ballot.
    """
    return method_of(method).count(contents, options, params, seed)


__all__ = ["COMMON_KEYS", "METHODS", "Params", "VotingMethod", "count_ballots", "method_of"]
