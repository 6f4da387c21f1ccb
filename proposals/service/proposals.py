"""Proposals and candidacies: submitting, editing, withdrawing, co-signing, and a lead's
hiding with the author's contest."""

from __future__ import annotations

import hmac
import uuid
from dataclasses import dataclass
from pathlib import Path

from tortoise.transactions import in_transaction

from anonymity import keystore
from proposals.errors import (
    AlreadyHidden,
    AlreadySigned,
    AlreadyStanding,
    NotAuthor,
    NotAvailable,
    NotHidden,
    NotSigned,
    OwnProposal,
    WrongPhase,
)
from proposals.models import (
    Contest,
    Cosignature,
    Kind,
    Phase,
    Proposal,
    Purpose,
    Round,
)
from proposals.service.common import changes_round, insert_once, on_ballot, person_tag


@dataclass(frozen=True)
class ProposalText:
    title: str
    description: str
    forms_of_trafficking: list[str]
    oppression_categories: list[str]


@changes_round
async def submit_proposal(
    round_: Round,
    text: ProposalText,
    tag_key: bytes | None,
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
            tag = person_tag(tag_key, "candidate", round_.id, person_id)
            if await Proposal.exists(round=round_, author_tag=tag):
                raise AlreadyStanding
        else:
            tag = person_tag(tag_key, "author", proposal_id, person_id)
        await insert_once(
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


def is_author(proposal: Proposal, tag_key: bytes | None, person_id: uuid.UUID) -> bool:
    what, thing = (
        ("candidate", proposal.round_id)  # type: ignore[attr-defined]
        if proposal.kind == Kind.CANDIDATE
        else ("author", proposal.id)
    )
    return hmac.compare_digest(proposal.author_tag, person_tag(tag_key, what, thing, person_id))


async def _locked(proposal: Proposal) -> tuple[Proposal, Round]:
    """The proposal and its round, both locked until the transaction ends: the round first,
    as voting's start takes it, so an action and the start of voting happen one after
    the other (and in that order for everyone, so neither waits on the other forever)."""
    round_ = await Round.select_for_update().get(id=proposal.round_id)  # type: ignore[attr-defined]
    fresh = await Proposal.select_for_update().get(id=proposal.id)
    return fresh, round_


async def _locked_as_author(
    proposal: Proposal, tag_key: bytes | None, person_id: uuid.UUID
) -> tuple[Proposal, Round]:
    fresh, round_ = await _locked(proposal)
    if not is_author(fresh, tag_key, person_id):
        raise NotAuthor
    return fresh, round_


@changes_round
async def edit_proposal(
    proposal: Proposal, text: ProposalText, tag_key: bytes | None, person_id: uuid.UUID
) -> None:
    """Authors edit until co-signing starts."""
    async with in_transaction():
        fresh, round_ = await _locked_as_author(proposal, tag_key, person_id)
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


@changes_round
async def withdraw_proposal(
    proposal: Proposal, tag_key: bytes | None, person_id: uuid.UUID
) -> None:
    """Authors withdraw until voting starts; a withdrawn proposal stays listed as such."""
    async with in_transaction():
        fresh, round_ = await _locked_as_author(proposal, tag_key, person_id)
        if round_.phase not in (Phase.PROPOSING, Phase.COSIGNING) or fresh.withdrawn:
            raise WrongPhase(round_.phase)
        await Proposal.filter(id=fresh.id).update(withdrawn=True)


@changes_round
async def cosign(proposal: Proposal, tag_key: bytes | None, person_id: uuid.UUID) -> None:
    tag = person_tag(tag_key, "cosign", proposal.id, person_id)
    async with in_transaction():
        fresh, round_ = await _locked(proposal)
        if round_.phase != Phase.COSIGNING:
            raise WrongPhase(round_.phase)
        if is_author(fresh, tag_key, person_id):
            raise OwnProposal
        if not on_ballot(fresh, 0, 0):
            raise NotAvailable
        if await Cosignature.exists(proposal=fresh, signer_tag=tag):
            raise AlreadySigned
        await insert_once(Cosignature(proposal=fresh, signer_tag=tag))


@changes_round
async def take_back_cosignature(
    proposal: Proposal, tag_key: bytes | None, person_id: uuid.UUID
) -> None:
    tag = person_tag(tag_key, "cosign", proposal.id, person_id)
    async with in_transaction():
        _, round_ = await _locked(proposal)
        if round_.phase != Phase.COSIGNING:
            raise WrongPhase(round_.phase)
        if not await Cosignature.filter(proposal=proposal, signer_tag=tag).delete():
            raise NotSigned


async def has_cosigned(proposal: Proposal, tag_key: bytes | None, person_id: uuid.UUID) -> bool:
    tag = person_tag(tag_key, "cosign", proposal.id, person_id)
    return await Cosignature.exists(proposal=proposal, signer_tag=tag)


@changes_round
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


@changes_round
async def contest_hiding(
    proposal: Proposal, text: str, tag_key: bytes | None, person_id: uuid.UUID
) -> None:
    """The author says why the proposal should be shown; the complaints committee decides."""
    async with in_transaction():
        fresh, _ = await _locked_as_author(proposal, tag_key, person_id)
        if not fresh.hidden_reason or fresh.contest != Contest.NONE:
            raise NotHidden
        await Proposal.filter(id=fresh.id).update(contest=Contest.AWAITING, contest_text=text)


@changes_round
async def review_contest(proposal: Proposal, restore: bool) -> None:
    """The complaints committee shows the proposal again or keeps it hidden."""
    async with in_transaction():
        fresh, _ = await _locked(proposal)
        if fresh.contest != Contest.AWAITING:
            raise NotHidden
        await Proposal.filter(id=fresh.id).update(
            contest=Contest.RESTORED if restore else Contest.UPHELD
        )


@dataclass(frozen=True)
class Authored:
    """One of the person's own proposals (or their candidacy), with its round."""

    proposal: Proposal
    round: Round


async def own_proposals(key_directory: Path, person_id: uuid.UUID) -> list[Authored]:
    """The person's own proposals and candidacies in rounds not yet closed, found from
    their tags (only the round's tag key and the person's id make one). Nothing stored
    says whose they are, so no notice can tell an author what a lead did: this can.
    Reading only: no key is made."""
    keyed = [
        (round_, keystore.tag_key(key_directory, str(round_.id)))
        for round_ in await Round.exclude(phase=Phase.CLOSED)
    ]
    rounds = {round_.id: (round_, key) for round_, key in keyed if key is not None}
    found = []
    listed = Proposal.filter(round_id__in=list(rounds)).order_by("title")
    for proposal in await listed:
        round_, key = rounds[proposal.round_id]  # type: ignore[attr-defined]
        proposal.round = round_
        if is_author(proposal, key, person_id):
            found.append(Authored(proposal, round_))
    return found
