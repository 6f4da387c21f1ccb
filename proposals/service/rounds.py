"""Rounds and their phases: opening, petitions, moving on (on their dates or by a lead's
hand), extending voting, and closing with the count."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from argon2 import Parameters
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from anonymity import ballots, keystore
from anonymity import electorate as electorates
from anonymity.keystore import TellerPassphraseNeeded
from chorus import memo
from proposals.errors import (
    AlreadySigned,
    EndNotLater,
    PetitionLapsed,
    WrongPhase,
    WrongTellerPassphrase,
)
from proposals.methods import Params, count_ballots
from proposals.methods.common import tie_break_order
from proposals.models import (
    Method,
    PetitionSignature,
    Phase,
    Proposal,
    Purpose,
    Round,
    Voters,
)
from proposals.service.common import (
    ADVISORY_ROLE,
    NEXT_PHASE,
    VOTER_ROLE,
    Electorate,
    anonymity_id,
    changes_round,
    counts,
    end_of,
    insert_once,
    logger,
    next_phase,
    on_ballot,
    person_tag,
    tag_key_of,
)


@dataclass(frozen=True)
class RoundSpec:
    question: str
    purpose: Purpose
    elects: str
    method: str  # a key of proposals.methods.METHODS
    dots_per_ballot: int
    voters: Voters
    cosignatures_needed: int
    allows_revision: bool
    proposing_ends: date
    cosigning_ends: date
    voting_ends: date


def _round_fields(spec: RoundSpec) -> dict[str, Any]:
    return {
        "question": spec.question,
        "purpose": spec.purpose,
        "elects": spec.elects if spec.purpose == Purpose.ELECTION else "",
        "method": spec.method,
        "dots_per_ballot": spec.dots_per_ballot if spec.method == Method.DOTS else 0,
        "voters": spec.voters,
        "cosignatures_needed": spec.cosignatures_needed,
        "allows_revision": spec.allows_revision,
        "proposing_ends": end_of(spec.proposing_ends),
        "cosigning_ends": end_of(spec.cosigning_ends),
        "voting_ends": end_of(spec.voting_ends),
    }


async def open_round(
    spec: RoundSpec,
    key_directory: Path | None = None,
    teller_passphrase: str | None = None,
    profile: Parameters | None = None,
) -> Round:
    """A lead opens a round: proposing starts at once.

    With a tellers' passphrase, the round's keys are made now and its private key exists
    only wrapped by that passphrase, which is never stored: counting needs the tellers.
    """
    round_id = uuid.uuid4()
    teller = None
    if teller_passphrase is not None:
        assert key_directory is not None, "teller mode needs the key directory"
        assert profile is not None, "teller mode needs the argon2id profile"
        # Stretched now, in a thread, so that no transaction waits for argon2.
        teller = await keystore.teller_key(teller_passphrase, profile)
    async with in_transaction():
        round_ = await Round.create(
            id=round_id,
            phase=Phase.PROPOSING,
            teller_mode=teller is not None,
            **_round_fields(spec),
        )
        if teller is not None and key_directory is not None:
            for advisory in counts(round_):
                await ballots.open_round(
                    key_directory,
                    anonymity_id(round_, advisory=advisory),
                    allows_revision=spec.allows_revision,
                    teller=teller,
                )
    memo.changed(memo.ROUNDS)
    return round_


async def start_petition(
    spec: RoundSpec, key_directory: Path, person_id: uuid.UUID, signatures_needed: int
) -> Round:
    """A member asks for a round; it opens once enough members sign (the charter says how
    many, the petitioner included)."""
    round_id = uuid.uuid4()
    async with in_transaction():
        round_ = await Round.create(
            id=round_id,
            phase=Phase.PETITION,
            by_petition=True,
            petition_needs=signatures_needed,
            **_round_fields(spec),
        )
        await PetitionSignature.create(  # a new round: nobody else has signed it yet
            round=round_,
            signer_tag=person_tag(
                tag_key_of(key_directory, round_), "petition", round_id, person_id
            ),
        )
        await _open_if_enough(round_)
    memo.changed(memo.ROUNDS)
    return round_


@changes_round
async def sign_petition(round_: Round, tag_key: bytes | None, person_id: uuid.UUID) -> bool:
    """Add a signature; True when this one opened the round."""
    tag = person_tag(tag_key, "petition", round_.id, person_id)
    async with in_transaction():
        fresh = await Round.select_for_update().get(id=round_.id)
        if fresh.phase != Phase.PETITION:
            raise WrongPhase(fresh.phase)
        if has_lapsed(fresh):
            raise PetitionLapsed
        if await PetitionSignature.exists(round=fresh, signer_tag=tag):
            raise AlreadySigned
        await insert_once(PetitionSignature(round=fresh, signer_tag=tag))
        opened = await _open_if_enough(fresh)
    if opened:
        round_.phase = Phase.PROPOSING
    return opened


async def _open_if_enough(round_: Round) -> bool:
    if await PetitionSignature.filter(round=round_).count() < round_.petition_needs:
        return False
    await Round.filter(id=round_.id, phase=Phase.PETITION).update(phase=Phase.PROPOSING)
    round_.phase = Phase.PROPOSING
    return True


def has_lapsed(round_: Round, now: datetime | None = None) -> bool:
    """A petition ends, unopened, when the last day it proposed for proposing is over."""
    return round_.phase == Phase.PETITION and (now or datetime.now(UTC)) >= round_.proposing_ends


async def has_signed_petition(round_: Round, tag_key: bytes | None, person_id: uuid.UUID) -> bool:
    tag = person_tag(tag_key, "petition", round_.id, person_id)
    return await PetitionSignature.exists(round=round_, signer_tag=tag)


def phase_ends(round_: Round) -> datetime | None:
    return {
        Phase.PROPOSING: round_.proposing_ends,
        Phase.COSIGNING: round_.cosigning_ends,
        Phase.VOTING: round_.voting_ends,
    }.get(round_.phase)


@changes_round
async def advance(
    round_: Round,
    key_directory: Path,
    electorate: Electorate,
    ending: Mapping[str, datetime] | None = None,
) -> Phase:
    """Move the round to its next phase (by hand or when its date came) and return it.
    `ending`: dates to write with the move, in the same statement (move_on).

    A round in teller mode stops at counting: only `close` with the tellers' passphrase
    takes it further.
    """
    following = next_phase(round_)
    if following is None:
        raise WrongPhase(round_.phase)
    ending = dict(ending or {})
    if round_.phase == Phase.COSIGNING:
        await _start_voting(round_, key_directory, electorate, ending)
    elif following == Phase.CLOSED:
        await close(round_, key_directory, electorate, ending=ending)
    else:
        moved = await Round.filter(id=round_.id, phase=round_.phase).update(
            phase=following, **ending
        )
        if not moved:
            raise WrongPhase(round_.phase)
        round_.phase = following
    for field, moment in ending.items():
        setattr(round_, field, moment)
    return round_.phase


# The date each phase ends on, by the phase.
_END_FIELDS = {
    Phase.PROPOSING: "proposing_ends",
    Phase.COSIGNING: "cosigning_ends",
    Phase.VOTING: "voting_ends",
}


@changes_round
async def move_on(
    round_: Round, key_directory: Path, electorate: Electorate, now: datetime | None = None
) -> Phase:
    """A lead moves the round on before its date: `advance`, and in the same statement
    the phase that ended gets today as its last day, so that the round and its results
    show when it really ended (a phase ends at midnight UTC after its last day)."""
    field = _END_FIELDS.get(round_.phase)
    ending = {}
    if field is not None:
        today = (now or datetime.now(UTC)).astimezone(UTC).date()
        ended = datetime.combine(today + timedelta(days=1), time(), UTC)
        if ended < getattr(round_, field):
            ending[field] = ended
    return await advance(round_, key_directory, electorate, ending)


async def _start_voting(
    round_: Round, key_directory: Path, electorate: Electorate, ending: Mapping[str, datetime]
) -> None:
    async with in_transaction():
        # Locked first, so that no withdrawal, hiding or co-signature lands in between
        # choosing what is on the ballot and voting starting.
        locked = await Round.select_for_update().get(id=round_.id)
        if locked.phase != Phase.COSIGNING:
            raise WrongPhase(locked.phase)
        counted = await cosignature_counts(round_)
        proposals = await Proposal.filter(round=round_)
        listed = [
            p for p in proposals if on_ballot(p, counted.get(p.id, 0), round_.cosignatures_needed)
        ]
        # Ballot positions follow the round's tie-break order: fixed, and chosen by nobody.
        order = tie_break_order([str(p.id) for p in listed], str(round_.id))
        position = {proposal_id: index for index, proposal_id in enumerate(order, start=1)}
        if not round_.teller_mode:  # in teller mode its keys were made when it opened
            for advisory in counts(round_):
                await ballots.open_round(
                    key_directory,
                    anonymity_id(round_, advisory=advisory),
                    allows_revision=round_.allows_revision,
                )
        eligible = await _fix_electorate(round_, key_directory, electorate)
        moved = await Round.filter(id=round_.id, phase=Phase.COSIGNING).update(
            **ending,
            phase=Phase.VOTING,
            eligible_voters=eligible[False],
            eligible_advisory=eligible.get(True, 0),
            electorate_fixed=True,
        )
        if not moved:
            raise WrongPhase(round_.phase)
        for proposal in listed:
            await Proposal.filter(id=proposal.id).update(ballot_key=str(position[str(proposal.id)]))
        await _tell_voters(round_, electorate, "voting", f"/rounds/{round_.id}")
    round_.phase = Phase.VOTING
    round_.electorate_fixed = True


async def _fix_electorate(
    round_: Round, key_directory: Path, electorate: Electorate
) -> dict[bool, int]:
    """Store who may vote (and advise) from now on, in voting's opening transaction;
    returns how many, per count. Turnout is worked out against these numbers."""
    members = {str(person) for person in await electorate.holders(VOTER_ROLE)}
    groups = {False: members}
    if True in counts(round_):
        # A member who is also an ally votes as a member (is_advisory), so advises nowhere.
        allies = {str(person) for person in await electorate.holders(ADVISORY_ROLE)}
        groups[True] = allies - members
    return {
        advisory: await electorates.store(
            key_directory, anonymity_id(round_, advisory=advisory), people
        )
        for advisory, people in groups.items()
    }


@changes_round
async def extend_voting(round_: Round, last_day: date, now: datetime | None = None) -> None:
    """A lead gives more time to vote: voting now ends after `last_day`.

    Only while voting is open, and only later, never earlier: an earlier end could cut
    off people who planned to vote. Small rounds use this to reach the number of
    ballots a result needs before it can be published.
    """
    now = now or datetime.now(UTC)
    ends = end_of(last_day)
    if round_.phase != Phase.VOTING or now >= round_.voting_ends:
        raise WrongPhase(Phase.CLOSED if round_.phase == Phase.VOTING else round_.phase)
    if ends <= round_.voting_ends:
        raise EndNotLater
    # Conditional, like every move: a close (by the job) at the same moment wins or waits.
    moved = await Round.filter(
        id=round_.id, phase=Phase.VOTING, voting_ends__gt=now, voting_ends__lt=ends
    ).update(voting_ends=ends)
    if not moved:
        fresh = await Round.get(id=round_.id)
        if fresh.phase == Phase.VOTING and now < fresh.voting_ends:
            raise EndNotLater  # another lead moved it as late, or later, meanwhile
        raise WrongPhase(Phase.CLOSED if fresh.phase == Phase.VOTING else fresh.phase)
    round_.voting_ends = ends


async def cosignature_counts(round_: Round) -> dict[uuid.UUID, int]:
    rows = (
        await Proposal.filter(round=round_)
        .annotate(signed=Count("cosignatures"))
        .values_list("id", "signed")
    )
    return {proposal_id: int(signed) for proposal_id, signed in rows}


async def ballot_keys(round_: Round) -> list[str]:
    """The option ids on the ballot (what a ballot may name), in ballot order."""
    keys: list[Any] = (
        await Proposal.filter(round=round_)
        .exclude(ballot_key="")
        .values_list("ballot_key", flat=True)
    )
    return sorted((str(key) for key in keys), key=int)


async def ballot_options(round_: Round) -> list[Proposal]:
    """The proposals on the ballot, in ballot order."""
    listed = await Proposal.filter(round=round_).exclude(ballot_key="")
    return sorted(listed, key=lambda p: int(p.ballot_key))


def count(round_: Round, contents: Sequence[bytes], options: Sequence[str]) -> dict[str, Any]:
    """Tally the opened ballots and keep only the aggregate tables."""
    return count_ballots(round_.method, Params.of(round_), contents, options, str(round_.id))


@changes_round
async def close(
    round_: Round,
    key_directory: Path,
    electorate: Electorate,
    teller_passphrase: str | None = None,
    *,
    ending: Mapping[str, datetime] | None = None,
) -> None:
    """Open, shuffle and count the ballots, keep the aggregates, tell every eligible person.

    In teller mode only once voting is over, and with the tellers' passphrase. Safe to run
    again after an interruption: closing the anonymous round resumes where it stopped,
    and the round moves to closed only with its results. `ending`: dates to write in the
    statement that moves it to closed (advance).
    """
    closing_from = Phase.COUNTING if round_.teller_mode else Phase.VOTING
    if round_.phase != closing_from:
        raise WrongPhase(round_.phase)
    options = await ballot_keys(round_)
    # Opened and counted in the worker process: seconds of pure Python for a big round.
    counter = functools.partial(
        count_ballots,
        round_.method,
        Params.of(round_),
        options=options,
        seed=str(round_.id),
    )
    tallies: dict[bool, dict[str, Any]] = {}
    try:
        for advisory_count in counts(round_):
            closed = await ballots.close_round(
                key_directory,
                anonymity_id(round_, advisory=advisory_count),
                teller_passphrase,
                count=counter,
            )
            tallies[advisory_count] = closed.tally
    except TellerPassphraseNeeded:
        raise WrongTellerPassphrase from None
    results, advisory = tallies[False], tallies.get(True)
    async with in_transaction():
        moved = await Round.filter(id=round_.id, phase=closing_from).update(
            **(ending or {}), phase=Phase.CLOSED, tally=results, advisory_tally=advisory
        )
        if not moved:
            raise WrongPhase(round_.phase)
        if round_.purpose == Purpose.ELECTION and results["winner"] is not None:
            elected = await Proposal.get(round=round_, ballot_key=results["winner"])
            if elected.candidate_id is not None and round_.elects:
                await electorate.seat(round_.elects, elected.candidate_id)
        await _tell_voters(round_, electorate, "results", f"/rounds/{round_.id}/results")
    round_.phase, round_.tally, round_.advisory_tally = Phase.CLOSED, results, advisory
    keystore.destroy_tag_key(key_directory, str(round_.id))


async def _tell_voters(round_: Round, electorate: Electorate, news: str, link: str) -> None:
    for advisory in counts(round_):
        await electorate.notify(ADVISORY_ROLE if advisory else VOTER_ROLE, news, link)


async def advance_due_rounds(
    key_directory: Path, electorate: Electorate, now: datetime | None = None
) -> int:
    """The scheduled job: move every round whose phase has ended (a round several dates
    behind moves several phases). Returns how many moves were made."""
    now = now or datetime.now(UTC)
    moves = 0
    for round_ in await Round.filter(phase__in=list(NEXT_PHASE)):
        while (ends := phase_ends(round_)) is not None and ends <= now:
            try:
                await advance(round_, key_directory, electorate)
            except WrongPhase:
                break  # someone else moved it meanwhile
            except Exception:
                # One round that cannot move on (tried again next time) stops no other.
                logger.exception("a round could not move on to its next phase")
                break
            moves += 1
    return moves


# -- Reading ----------------------------------------------------------------------------------


async def find_round(round_id: uuid.UUID) -> Round | None:
    return await Round.get_or_none(id=round_id)


async def rounds_by_voting_end() -> list[Round]:
    """Every round, the one whose voting ends first first."""
    return await Round.all().order_by("voting_ends")


async def proposals_listed(round_: Round) -> list[Proposal]:
    """A round's proposals as its page lists them: the withdrawn last, then by title."""
    found = await Proposal.filter(round=round_)
    return sorted(found, key=lambda p: (p.withdrawn, p.title.casefold()))


async def find_proposal(proposal_id: uuid.UUID) -> tuple[Proposal, Round] | None:
    """A proposal and its round, if there is such a proposal."""
    found = await Proposal.get_or_none(id=proposal_id)
    if found is None:
        return None
    return found, await Round.get(id=found.round_id)  # type: ignore[attr-defined]
