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

import functools
import hashlib
import hmac
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from argon2 import Parameters
from tortoise.functions import Count
from tortoise.models import Model
from tortoise.transactions import in_transaction

from anonymity import ballots, keystore
from anonymity import electorate as electorates
from anonymity.keystore import RoundKeysMissing, TellerPassphraseNeeded
from chorus import memo
from chorus.roles import Role
from proposals.errors import (
    AlreadyHidden,
    AlreadySigned,
    AlreadyStanding,
    AlreadyVoted,
    BallotTooLong,
    EndNotLater,
    NotAuthor,
    NotAvailable,
    NotEligible,
    NotHidden,
    NotInElectorate,
    NotSigned,
    OwnProposal,
    PetitionLapsed,
    WrongPhase,
    WrongTellerPassphrase,
)
from proposals.methods import Params, count_ballots
from proposals.methods.common import tie_break_order
from proposals.models import (
    Contest,
    Cosignature,
    Kind,
    Method,
    PetitionSignature,
    Phase,
    Proposal,
    Purpose,
    Round,
    Voters,
)

logger = logging.getLogger("chorus.proposals")

# The roles, as governance names them, whose holders vote or advise.
VOTER_ROLE = Role.MEMBER
ADVISORY_ROLE = Role.ALLY

NEXT_PHASE = {
    Phase.PROPOSING: Phase.COSIGNING,
    Phase.COSIGNING: Phase.VOTING,
    Phase.VOTING: Phase.CLOSED,
}


P = ParamSpec("P")
R = TypeVar("R")


def _changes_round(
    write: Callable[Concatenate[Any, P], Awaitable[R]],
) -> Callable[Concatenate[Any, P], Awaitable[R]]:
    """A write to a round or one of its proposals (the first argument): the round's pages
    and the list of rounds are read again after it, in this process at once (chorus.memo),
    even if it stopped half-way."""

    @functools.wraps(write)
    async def announced(thing: Any, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await write(thing, *args, **kwargs)
        finally:
            round_id = thing.round_id if isinstance(thing, Proposal) else thing.id  # type: ignore[attr-defined]
            memo.changed(memo.ROUNDS, memo.round_key(round_id))

    return announced


def next_phase(round_: Round) -> Phase | None:
    """Where moving on leads; None where only the tellers (or nothing) can move it."""
    if round_.phase == Phase.VOTING and round_.teller_mode:
        return Phase.COUNTING
    return NEXT_PHASE.get(round_.phase)


@dataclass(frozen=True)
class Electorate:
    """What proposals needs from governance about people, without knowing them."""

    count: Callable[[str], Awaitable[int]]  # role -> how many hold it
    # (role, news, link) -> notices sent; news is "voting" (a vote opened) or "results".
    notify: Callable[[str, str, str], Awaitable[int]]
    # What happens when an election closes (DESIGN: governance registers it):
    # (role, person id) gives the role to the member elected.
    seat: Callable[[str, uuid.UUID], Awaitable[None]]
    # role -> the ids of everyone holding it: read once, when voting opens, to fix the
    # round's electorate.
    holders: Callable[[str], Awaitable[Sequence[uuid.UUID]]]


@dataclass(frozen=True)
class ProposalServices:
    """What proposals' routes and jobs are given (chorus.app builds it from governance)."""

    electorate: Electorate
    petition_signatures: Callable[[], Awaitable[int]]  # co-signatures a petition needs
    results_threshold: Callable[[], Awaitable[int]]  # ballots before counts are shown


# -- Tags: authors and signers, named by nobody ----------------------------------------------


def person_tag(key: bytes | None, what: str, thing_id: uuid.UUID, person_id: uuid.UUID) -> str:
    """A keyed tag for "this person did `what` to this thing", different for every thing,
    so two proposals by one author cannot be linked from the database."""
    if key is None:
        return ""  # the round's tag key is destroyed: nobody's tag can be made any more
    message = f"{what}\x00{thing_id}\x00{person_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def tag_key_of(key_directory: Path, round_: Round) -> bytes | None:
    """The key of the round's tags (anonymity.keystore): made while the round takes
    actions, destroyed when it closes, so that afterwards nothing links a tag to anyone."""
    return keystore.tag_key(key_directory, str(round_.id), create=round_.phase != Phase.CLOSED)


def end_of(day: date) -> datetime:
    """A phase "until 30 November" ends when 1 December starts (UTC)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC)


# -- Rounds -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundSpec:
    question: str
    purpose: Purpose
    elects: str
    method: Method
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


@_changes_round
async def sign_petition(round_: Round, tags: bytes | None, person_id: uuid.UUID) -> bool:
    """Add a signature; True when this one opened the round."""
    tag = person_tag(tags, "petition", round_.id, person_id)
    async with in_transaction():
        fresh = await Round.select_for_update().get(id=round_.id)
        if fresh.phase != Phase.PETITION:
            raise WrongPhase(fresh.phase)
        if has_lapsed(fresh):
            raise PetitionLapsed
        if await PetitionSignature.exists(round=fresh, signer_tag=tag):
            raise AlreadySigned
        await _insert_once(PetitionSignature(round=fresh, signer_tag=tag))
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


async def has_signed_petition(round_: Round, tags: bytes | None, person_id: uuid.UUID) -> bool:
    tag = person_tag(tags, "petition", round_.id, person_id)
    return await PetitionSignature.exists(round=round_, signer_tag=tag)


def phase_ends(round_: Round) -> datetime | None:
    return {
        Phase.PROPOSING: round_.proposing_ends,
        Phase.COSIGNING: round_.cosigning_ends,
        Phase.VOTING: round_.voting_ends,
    }.get(round_.phase)


def counts(round_: Round) -> list[bool]:
    """The anonymous counts a round keeps: the members' (False), and the allies' advice
    (True) when the round asks for it."""
    return [False, True] if round_.voters == Voters.ADVISORY_ALLIES else [False]


def anonymity_id(round_: Round, *, advisory: bool = False) -> str:
    """The id of one of the round's counts in anonymity/."""
    return f"{round_.id}-advisory" if advisory else str(round_.id)


def on_ballot(proposal: Proposal, cosignatures: int, needed: int) -> bool:
    """Withdrawn and hidden proposals stay off; the others need their co-signatures."""
    shown = not proposal.hidden_reason or proposal.contest == Contest.RESTORED
    return not proposal.withdrawn and shown and cosignatures >= needed


@_changes_round
async def advance(round_: Round, key_directory: Path, electorate: Electorate) -> Phase:
    """Move the round to its next phase (by hand or when its date came) and return it.

    A round in teller mode stops at counting: only `close` with the tellers' passphrase
    takes it further.
    """
    following = next_phase(round_)
    if following is None:
        raise WrongPhase(round_.phase)
    if round_.phase == Phase.COSIGNING:
        await _start_voting(round_, key_directory, electorate)
    elif following == Phase.CLOSED:
        await close(round_, key_directory, electorate)
    else:
        moved = await Round.filter(id=round_.id, phase=round_.phase).update(phase=following)
        if not moved:
            raise WrongPhase(round_.phase)
        round_.phase = following
    return round_.phase


async def _start_voting(round_: Round, key_directory: Path, electorate: Electorate) -> None:
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


@_changes_round
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


@_changes_round
async def close(
    round_: Round,
    key_directory: Path,
    electorate: Electorate,
    teller_passphrase: str | None = None,
) -> None:
    """Open, shuffle and count the ballots, keep the aggregates, tell every eligible person.

    In teller mode only once voting is over, and with the tellers' passphrase. Safe to run
    again after an interruption: closing the anonymous round resumes where it stopped,
    and the round moves to closed only with its results.
    """
    closing_from = Phase.COUNTING if round_.teller_mode else Phase.VOTING
    if round_.phase != closing_from:
        raise WrongPhase(round_.phase)
    options = await ballot_keys(round_)
    # Opened and counted in the worker process: seconds of pure Python for a big round.
    counter = functools.partial(
        count_ballots,
        Method(round_.method),
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
            phase=Phase.CLOSED, tally=results, advisory_tally=advisory
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


# -- Proposals --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposalText:
    title: str
    description: str
    forms_of_trafficking: list[str]
    oppression_categories: list[str]


async def _insert_once(row: Model) -> None:
    """INSERT … ON CONFLICT DO NOTHING: a row that is there already (the same signature or
    candidacy sent twice at once) is left as it is, and no database error is raised,
    which the server would log with the values (DESIGN, anonymity 10)."""
    await type(row).bulk_create([row], ignore_conflicts=True)


@_changes_round
async def submit_proposal(
    round_: Round,
    text: ProposalText,
    tags: bytes | None,
    person_id: uuid.UUID,
    kind: Kind = Kind.PROPOSAL,
    submission: uuid.UUID | None = None,
) -> Proposal:
    """Submit a proposal, or in an election stand as a candidate (title: the pseudonym).

    `submission` is the id the form was given when it was shown: the same form sent twice
    (a double click, a page sent again) gives the proposal stored the first time.
    """
    if round_.phase != Phase.PROPOSING:
        raise WrongPhase(round_.phase)
    if (kind == Kind.CANDIDATE) != (round_.purpose == Purpose.ELECTION):
        raise WrongPhase(round_.phase)
    for proposal_id in (submission or uuid.uuid4(), uuid.uuid4()):
        if kind == Kind.CANDIDATE:
            # One candidacy per member: their candidacy tag is the same for this round.
            tag = person_tag(tags, "candidate", round_.id, person_id)
            if await Proposal.exists(round=round_, author_tag=tag):
                raise AlreadyStanding
        else:
            tag = person_tag(tags, "author", proposal_id, person_id)
        await _insert_once(
            Proposal(
                id=proposal_id,
                round=round_,
                kind=kind,
                title=text.title,
                description=text.description,
                forms_of_trafficking=text.forms_of_trafficking,
                oppression_categories=text.oppression_categories,
                author_tag=tag,
                candidate_id=person_id if kind == Kind.CANDIDATE else None,
            )
        )
        stored = await Proposal.get_or_none(id=proposal_id)
        if stored is not None and hmac.compare_digest(stored.author_tag, tag):
            return stored  # stored now, or by the same form sent before
        if kind == Kind.CANDIDATE:
            raise AlreadyStanding  # the same candidacy, sent twice at once
        # Someone else's form had this id (it was sent back altered): store under a new one.
    raise WrongPhase(round_.phase)  # pragma: no cover (a fresh uuid4 never collides)


def is_author(proposal: Proposal, tags: bytes | None, person_id: uuid.UUID) -> bool:
    what, thing = (
        ("candidate", proposal.round_id)  # type: ignore[attr-defined]
        if proposal.kind == Kind.CANDIDATE
        else ("author", proposal.id)
    )
    return hmac.compare_digest(proposal.author_tag, person_tag(tags, what, thing, person_id))


async def _locked(proposal: Proposal) -> tuple[Proposal, Round]:
    """The proposal and its round, both locked until the transaction ends: the round first,
    as voting's start takes it, so an action and the start of voting happen one after
    the other (and in that order for everyone, so neither waits on the other forever)."""
    round_ = await Round.select_for_update().get(id=proposal.round_id)  # type: ignore[attr-defined]
    fresh = await Proposal.select_for_update().get(id=proposal.id)
    return fresh, round_


async def _locked_as_author(
    proposal: Proposal, tags: bytes | None, person_id: uuid.UUID
) -> tuple[Proposal, Round]:
    fresh, round_ = await _locked(proposal)
    if not is_author(fresh, tags, person_id):
        raise NotAuthor
    return fresh, round_


@_changes_round
async def edit_proposal(
    proposal: Proposal, text: ProposalText, tags: bytes | None, person_id: uuid.UUID
) -> None:
    """Authors edit until co-signing starts."""
    async with in_transaction():
        fresh, round_ = await _locked_as_author(proposal, tags, person_id)
        if round_.phase != Phase.PROPOSING or fresh.withdrawn:
            raise WrongPhase(round_.phase)
        fields = {
            "description": text.description,
            "forms_of_trafficking": text.forms_of_trafficking,
            "oppression_categories": text.oppression_categories,
        }
        if fresh.kind == Kind.PROPOSAL:
            fields["title"] = text.title
        await Proposal.filter(id=fresh.id).update(**fields)


@_changes_round
async def withdraw_proposal(proposal: Proposal, tags: bytes | None, person_id: uuid.UUID) -> None:
    """Authors withdraw until voting starts; a withdrawn proposal stays listed as such."""
    async with in_transaction():
        fresh, round_ = await _locked_as_author(proposal, tags, person_id)
        if round_.phase not in (Phase.PROPOSING, Phase.COSIGNING) or fresh.withdrawn:
            raise WrongPhase(round_.phase)
        await Proposal.filter(id=fresh.id).update(withdrawn=True)


@_changes_round
async def cosign(proposal: Proposal, tags: bytes | None, person_id: uuid.UUID) -> None:
    tag = person_tag(tags, "cosign", proposal.id, person_id)
    async with in_transaction():
        fresh, round_ = await _locked(proposal)
        if round_.phase != Phase.COSIGNING:
            raise WrongPhase(round_.phase)
        if is_author(fresh, tags, person_id):
            raise OwnProposal
        if not on_ballot(fresh, 0, 0):
            raise NotAvailable
        if await Cosignature.exists(proposal=fresh, signer_tag=tag):
            raise AlreadySigned
        await _insert_once(Cosignature(proposal=fresh, signer_tag=tag))


@_changes_round
async def take_back_cosignature(
    proposal: Proposal, tags: bytes | None, person_id: uuid.UUID
) -> None:
    tag = person_tag(tags, "cosign", proposal.id, person_id)
    async with in_transaction():
        _, round_ = await _locked(proposal)
        if round_.phase != Phase.COSIGNING:
            raise WrongPhase(round_.phase)
        if not await Cosignature.filter(proposal=proposal, signer_tag=tag).delete():
            raise NotSigned


async def has_cosigned(proposal: Proposal, tags: bytes | None, person_id: uuid.UUID) -> bool:
    tag = person_tag(tags, "cosign", proposal.id, person_id)
    return await Cosignature.exists(proposal=proposal, signer_tag=tag)


@_changes_round
async def hide_proposal(proposal: Proposal, reason: str) -> None:
    """A lead hides a proposal with a reason everyone sees; nobody can edit or delete it."""
    async with in_transaction():
        fresh, round_ = await _locked(proposal)
        if round_.phase == Phase.CLOSED or fresh.ballot_key:
            raise WrongPhase(round_.phase)
        if fresh.hidden_reason and fresh.contest != Contest.RESTORED:
            raise AlreadyHidden
        await Proposal.filter(id=fresh.id).update(
            hidden_reason=reason, contest=Contest.NONE, contest_text=""
        )


@_changes_round
async def contest_hiding(
    proposal: Proposal, text: str, tags: bytes | None, person_id: uuid.UUID
) -> None:
    """The author says why the proposal should be shown; the complaints committee decides."""
    async with in_transaction():
        fresh, _ = await _locked_as_author(proposal, tags, person_id)
        if not fresh.hidden_reason or fresh.contest != Contest.NONE:
            raise NotHidden
        await Proposal.filter(id=fresh.id).update(contest=Contest.AWAITING, contest_text=text)


@_changes_round
async def review_contest(proposal: Proposal, restore: bool) -> None:
    """The complaints committee shows the proposal again or keeps it hidden."""
    async with in_transaction():
        fresh, _ = await _locked(proposal)
        if fresh.contest != Contest.AWAITING:
            raise NotHidden
        await Proposal.filter(id=fresh.id).update(
            contest=Contest.RESTORED if restore else Contest.UPHELD
        )


# -- Casting ----------------------------------------------------------------------------------


def is_advisory(round_: Round, roles: frozenset[str]) -> bool | None:
    """False: votes; True: advises (counted apart); None: does not vote in this round."""
    if VOTER_ROLE in roles:
        return False
    if round_.voters == Voters.ADVISORY_ALLIES and ADVISORY_ROLE in roles:
        return True
    return None


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
