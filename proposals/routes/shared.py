"""What the pages of rounds, proposals, ballots and results share: finding the round or
proposal an address names, how a round is described, and the messages they show."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from chorus.auth import CurrentPerson, current_roles
from chorus.i18n import N_, _, long_date
from chorus.memo import memo_of, round_key, shared_page
from chorus.rendering import done_message, render
from chorus.roles import Role
from chorus.services import services
from chorus.vocabulary import FORMS_OF_TRAFFICKING, OPPRESSION_CATEGORIES, choices
from proposals import service
from proposals.errors import WrongPhase
from proposals.methods import method_of
from proposals.models import Contest, Phase, Proposal, Round
from proposals.names import (
    ELECTABLE,
    PHASE_NAMES,
    PURPOSE_NAMES,
    VOTERS_NAMES,
)

DONE = {
    "opened": N_("The round is open. Members can now send proposals."),
    "petition": N_("Your petition is started. It needs more members to sign it."),
    "signed": N_("You signed the petition."),
    "petition-opened": N_(
        "You signed the petition. It had enough signatures, so the round is open."
    ),
    "proposed": N_("Your proposal is sent. You can change it until co-signing starts."),
    "standing": N_("You are standing as a candidate."),
    "edited": N_("Your changes are saved."),
    "withdrawn": N_("The proposal is withdrawn. It will not be on the ballot."),
    "cosigned": N_("You co-signed this proposal."),
    "uncosigned": N_("You took back your co-signature."),
    "hidden": N_("The proposal is hidden. Everyone sees your reason."),
    "contested": N_("You contested the hiding. The complaints committee will decide."),
    "restored": N_("The proposal is shown again."),
    "upheld": N_("The proposal stays hidden."),
    "advanced": N_("The round moved to its next phase."),
    "extended": N_("Voting now ends later. Everyone who can vote sees the new date."),
}


def electorate(request: Request) -> service.Electorate:
    return services(request).of(service.ProposalServices).electorate


def _uuid(request: Request, name: str) -> uuid.UUID:
    found: uuid.UUID = request.path_params[name]  # the route's uuid converter checked it
    return found


def readable(request: Request, round_: Round | None) -> Round:
    """The round, if the person may read it; otherwise not found, as if it did not exist
    (an ally learns nothing of a round that does not ask for their advice)."""
    if round_ is None or not service.may_read(round_, current_roles(request)):
        raise HTTPException(404)
    return round_


async def round_of(request: Request) -> Round:
    return readable(request, await service.find_round(_uuid(request, "round_id")))


async def remembered_round(request: Request) -> Round:
    """The round of a page that only reads it, reused from the app's memo (chorus.memo)."""
    round_id = _uuid(request, "round_id")
    found = await memo_of(request).get_or_read(
        ("round", round_id),
        lambda: service.find_round(round_id),
        round_key(round_id),
    )
    return readable(request, found)


def voted_key(round_: Round, person: Any) -> tuple[object, ...]:
    """Where whether this person has voted in this round is kept a moment (chorus.memo):
    a key only their own requests ask for; forgotten as soon as they cast."""
    return ("voted", round_.id, person.id, person.roles)


async def proposal_of(request: Request) -> tuple[Proposal, Round]:
    found = await service.find_proposal(_uuid(request, "proposal_id"))
    if found is None:
        raise HTTPException(404)
    readable(request, found[1])
    return found


def shown_day(moment: datetime) -> str:
    """The last day of a phase (phases end at midnight UTC after it)."""
    last = (moment.astimezone(UTC) - timedelta(days=1)).date()
    return long_date(last)


# The names round_words gives a page.
ROUND_WORDS = (
    "round",
    "phase_name",
    "purpose_name",
    "method_name",
    "voters_name",
    "elects_name",
    "dates",
)


def round_words(round_: Round) -> dict[str, Any]:
    return {
        "round": round_,
        "phase_name": _(PHASE_NAMES[round_.phase]),
        "purpose_name": _(PURPOSE_NAMES[round_.purpose]),
        "method_name": _(method_of(round_).name),
        "voters_name": _(VOTERS_NAMES[round_.voters]),
        "elects_name": _(ELECTABLE[Role(round_.elects)]) if round_.elects in ELECTABLE else "",
        "dates": {
            "proposing": shown_day(round_.proposing_ends),
            "cosigning": shown_day(round_.cosigning_ends),
            "voting": shown_day(round_.voting_ends),
        },
    }


def tag_choices() -> dict[str, Any]:
    return {
        "forms_choices": choices(FORMS_OF_TRAFFICKING),
        "category_choices": choices(OPPRESSION_CATEGORIES),
    }


def round_tag_key(request: Request, round_: Round) -> bytes | None:
    """The key of this round's authors' and signers' tags (service.tag_key_of)."""
    return service.tag_key_of(services(request).key_directory, round_)


async def round_page_answer(
    request: Request,
    person: CurrentPerson,
    round_: Round,
    *,
    error: str = "",
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    facts = await own_facts(request, person, round_)
    if status_code == 200 and not error and not errors and not facts.mine:
        # The same page for everyone with the same roles who wrote none of its proposals
        # and has (or has not) voted and signed: rendered once (chorus.memo.shared_page).
        done = request.query_params.get("done", "")
        return await shared_round(
            request, round_.id, facts.has_voted, facts.signed, done if done in DONE else ""
        )
    context = await round_context(request, person, round_, facts, error, errors or {})
    return render(request, "proposals/round.html", context, status_code=status_code)


@dataclass(frozen=True)
class OwnFacts:
    """What a round's page says of the person asking alone: which proposals are theirs,
    whether they signed its petition and whether they voted."""

    counts: dict[Any, int]
    proposals: list[Proposal]
    mine: set[Any]
    signed: bool
    has_voted: bool


async def own_facts(request: Request, person: CurrentPerson, round_: Round) -> OwnFacts:
    counts, proposals = await memo_of(request).get_or_read(
        ("proposals", round_.id), lambda: _proposals_of(round_), round_key(round_.id)
    )
    key, me = round_tag_key(request, round_), person.id
    mine = {p.id for p in proposals if service.is_author(p, key, me)}
    signed = (
        await service.has_signed_petition(round_, key, me)
        if round_.phase == Phase.PETITION
        else False
    )
    # This person's own answer, as on the ballot page (kept a moment, forgotten as they cast).
    has_voted = await memo_of(request).get_or_read(
        voted_key(round_, person),
        lambda: service.has_voted(round_, person.roles, me, services(request).key_directory),
        round_key(round_.id),
    )
    return OwnFacts(counts, proposals, mine, signed, has_voted)


ROUND_NAMES = (
    *ROUND_WORDS,
    "rows",
    "signatures",
    "signed",
    "is_member",
    "is_lead",
    "votes",
    "advisory",
    "has_voted",
    "next_phase",
    "done",
    "error",
    "errors",
    "can_count",
    "lapsed",
)


@shared_page(
    "proposals/round.html",
    names=ROUND_NAMES,
    depends=lambda round_id, has_voted, signed, done: [round_key(round_id)],
)
async def shared_round(
    request: Request, round_id: Any, has_voted: bool, signed: bool, done: str
) -> dict[str, Any]:
    round_ = await remembered_round(request)
    counts, proposals = await memo_of(request).get_or_read(
        ("proposals", round_.id), lambda: _proposals_of(round_), round_key(round_.id)
    )
    roles = frozenset(current_roles(request))
    signatures = await round_.signatures.all().count() if round_.phase == Phase.PETITION else 0
    return _round_values(round_, roles, counts, proposals, set(), signatures, signed, has_voted) | {
        "done": _(DONE[done]) if done else "",
        "error": "",
        "errors": {},
    }


async def round_context(
    request: Request,
    person: CurrentPerson,
    round_: Round,
    facts: OwnFacts,
    error: str,
    errors: dict[str, str],
) -> dict[str, Any]:
    signatures = await round_.signatures.all().count() if round_.phase == Phase.PETITION else 0
    values = _round_values(
        round_,
        person.roles,
        facts.counts,
        facts.proposals,
        facts.mine,
        signatures,
        facts.signed,
        facts.has_voted,
    )
    return values | {"done": done_message(request, DONE), "error": error, "errors": errors}


def _round_values(
    round_: Round,
    roles: frozenset[str],
    counts: dict[Any, int],
    proposals: list[Proposal],
    mine: set[Any],
    signatures: int,
    signed: bool,
    has_voted: bool,
) -> dict[str, Any]:
    rows = [
        {
            "proposal": p,
            "cosignatures": counts.get(p.id, 0),
            "mine": p.id in mine,
            "hidden": bool(p.hidden_reason) and p.contest != Contest.RESTORED,
        }
        for p in proposals
    ]
    voter = service.is_advisory(round_, roles)
    following = service.next_phase(round_)
    return round_words(round_) | {
        "rows": rows,
        "signatures": signatures,
        "signed": signed,
        "is_member": Role.MEMBER in roles,
        "is_lead": Role.LEAD in roles,
        "votes": voter is not None,
        "advisory": voter is True,
        "has_voted": has_voted,
        "next_phase": _(PHASE_NAMES[following])
        if (following := service.next_phase(round_))
        else "",
        "can_count": bool(roles & {Role.MEMBER, Role.LEAD, Role.COMMITTEE}),
        "lapsed": lapsed_message(round_) if service.has_lapsed(round_) else "",
    }


async def _proposals_of(round_: Round) -> tuple[dict[Any, int], list[Proposal]]:
    """A round's proposals, listed, and their co-signature counts: the same for everyone."""
    counts = await service.cosignature_counts(round_)
    return counts, await service.proposals_listed(round_)


def lapsed_message(round_: Round) -> str:
    return _(
        "This petition ended on %(day)s without enough signatures. You can start a new one.",
        day=shown_day(round_.proposing_ends),
    )


async def refused_in_phase(
    request: Request, person: CurrentPerson, round_: Round, error: WrongPhase | None = None
) -> Response:
    """The round's page, saying why this cannot be done in the phase it is in (409)."""
    refusal = error or WrongPhase(round_.phase)
    return await round_page_answer(
        request, person, round_, error=refusal.translated(), status_code=409
    )
