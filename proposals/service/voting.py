"""Casting a ballot, who may, and the receipts of a closed round."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

from anonymity import ballots
from anonymity import electorate as electorates
from anonymity.keystore import RoundKeysMissing
from proposals.errors import (
    AlreadyVoted,
    BallotTooLong,
    NotEligible,
    NotInElectorate,
    WrongPhase,
)
from proposals.models import (
    Phase,
    Round,
)
from proposals.service.common import anonymity_id, is_advisory


async def cast(
    round_: Round,
    roles: frozenset[str],
    person_id: uuid.UUID,
    personal_key: bytes,
    content: bytes,
    key_directory: Path,
) -> ballots.Cast:
    """Seal and store the signed-in person's ballot (or replace their earlier one)."""
    advisory = is_advisory(round_, roles)
    if advisory is None:
        raise NotEligible
    # `round_` was read for this request; the anonymity library checks again, in the
    # database, that the round is open as it stores the ballot.
    if round_.phase != Phase.VOTING:
        raise WrongPhase(round_.phase)
    if datetime.now(UTC) >= round_.voting_ends:
        raise WrongPhase(Phase.CLOSED)  # its last day is over; the job closes it shortly
    try:
        # The electorate is checked in the statement that marks participation.
        return await ballots.submit(
            key_directory,
            anonymity_id(round_, advisory=advisory),
            str(person_id),
            personal_key,
            content,
            fixed=round_.electorate_fixed,
            allows_revision=round_.allows_revision,
        )
    except ballots.NotInElectorate:
        raise NotInElectorate from None
    except RoundKeysMissing:
        raise WrongPhase(Phase.CLOSED) from None  # its keys are gone: it is closed
    except ballots.RoundNotOpen:
        raise WrongPhase(Phase.CLOSED) from None
    except ballots.AlreadySubmitted:
        raise AlreadyVoted from None
    except ballots.BallotTooLarge:
        raise BallotTooLong from None


async def may_vote(
    round_: Round, roles: frozenset[str], person_id: uuid.UUID, key_directory: Path
) -> bool:
    """Whether the person votes (or advises) in this round: by role, and in its electorate."""
    advisory = is_advisory(round_, roles)
    return advisory is not None and await in_electorate(round_, advisory, person_id, key_directory)


async def in_electorate(
    round_: Round, advisory: bool, person_id: uuid.UUID, key_directory: Path
) -> bool:
    """Whether the person was among those who could vote (or advise) when voting opened.

    Only reads: nothing about the person is written or locked on the way to a ballot.
    A round whose voting opened before electorates were stored checks roles only.
    """
    if not round_.electorate_fixed:
        return True
    try:
        return await electorates.is_eligible(
            key_directory, anonymity_id(round_, advisory=advisory), str(person_id)
        )
    except RoundKeysMissing:
        raise WrongPhase(Phase.CLOSED) from None  # its keys are gone: it is closed


async def has_voted(
    round_: Round, roles: frozenset[str], person_id: uuid.UUID, key_directory: Path
) -> bool:
    advisory = is_advisory(round_, roles)
    if advisory is None or round_.phase != Phase.VOTING:
        return False
    return await ballots.has_taken_part(
        key_directory, anonymity_id(round_, advisory=advisory), str(person_id)
    )


async def receipts(round_: Round, *, advisory: bool = False) -> list[str]:
    return await ballots.counted_receipts(anonymity_id(round_, advisory=advisory))


async def receipt_was_counted(round_: Round, receipt: str) -> bool:
    return await ballots.receipt_was_counted(
        anonymity_id(round_), receipt
    ) or await ballots.receipt_was_counted(anonymity_id(round_, advisory=True), receipt)
