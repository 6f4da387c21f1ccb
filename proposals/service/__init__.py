"""What the proposals domain does: rounds and their phases, proposals, co-signing,
casting a ballot and closing a round. Plain async functions with explicit
arguments; they never see a request.

A round moves through its phases in one direction only (petition, proposing,
co-signing, voting, closed), on its dates (a scheduled job) or by a lead's hand.
Each move is a conditional update from the phase it started in, so a job and a
lead acting at the same moment move it once. Ballots go to `anonymity/` and
come back, at close, only as shuffled contents to count.

Who may vote is governance's business: the domain asks an `Electorate` who
holds a role, to fix the round's electorate when voting opens (kept by
`anonymity.electorate` as keyed rows, so a ballot is taken only from someone who
could vote then), to tell them when voting opens and when results are out, and to
give an elected member their role.
"""

from __future__ import annotations

from proposals.service.common import (
    ADVISORY_ROLE,
    NEXT_PHASE,
    READ_SOME_ROUNDS,
    VOTER_ROLE,
    Electorate,
    ProposalServices,
    anonymity_id,
    changes_round,
    counts,
    end_of,
    insert_once,
    is_advisory,
    may_read,
    next_phase,
    on_ballot,
    person_tag,
    tag_key_of,
)
from proposals.service.proposals import (
    Authored,
    ProposalText,
    contest_hiding,
    cosign,
    edit_proposal,
    has_cosigned,
    hide_proposal,
    is_author,
    own_proposals,
    review_contest,
    submit_proposal,
    take_back_cosignature,
    withdraw_proposal,
)
from proposals.service.rounds import (
    RoundSpec,
    advance,
    advance_due_rounds,
    ballot_keys,
    ballot_options,
    close,
    cosignature_counts,
    count,
    extend_voting,
    find_proposal,
    find_round,
    has_lapsed,
    has_signed_petition,
    move_on,
    open_round,
    phase_ends,
    proposals_listed,
    rounds_by_voting_end,
    sign_petition,
    start_petition,
)
from proposals.service.voting import (
    cast,
    has_voted,
    in_electorate,
    may_vote,
    receipt_was_counted,
    receipts,
)

__all__ = [
    "ADVISORY_ROLE",
    "NEXT_PHASE",
    "READ_SOME_ROUNDS",
    "VOTER_ROLE",
    "Authored",
    "Electorate",
    "ProposalServices",
    "ProposalText",
    "RoundSpec",
    "advance",
    "advance_due_rounds",
    "anonymity_id",
    "ballot_keys",
    "ballot_options",
    "cast",
    "changes_round",
    "close",
    "contest_hiding",
    "cosign",
    "cosignature_counts",
    "count",
    "counts",
    "edit_proposal",
    "end_of",
    "extend_voting",
    "find_proposal",
    "find_round",
    "has_cosigned",
    "has_lapsed",
    "has_signed_petition",
    "has_voted",
    "hide_proposal",
    "in_electorate",
    "insert_once",
    "is_advisory",
    "is_author",
    "may_read",
    "may_vote",
    "move_on",
    "next_phase",
    "on_ballot",
    "open_round",
    "own_proposals",
    "person_tag",
    "phase_ends",
    "proposals_listed",
    "receipt_was_counted",
    "receipts",
    "review_contest",
    "rounds_by_voting_end",
    "sign_petition",
    "start_petition",
    "submit_proposal",
    "tag_key_of",
    "take_back_cosignature",
    "withdraw_proposal",
]
