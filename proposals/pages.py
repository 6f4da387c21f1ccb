"""What the pages of rounds, proposals, ballots and results share: finding the round or
proposal an address names, how a round is described, and the messages they show."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request

from chorus.i18n import N_, _, long_date
from chorus.memo import memo_of, round_key
from chorus.roles import Role
from chorus.services import services
from chorus.vocabulary import FORMS_OF_TRAFFICKING, OPPRESSION_CATEGORIES, choices
from proposals import service
from proposals.methods import method_of
from proposals.models import Proposal, Round
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


async def round_of(request: Request) -> Round:
    found = await Round.get_or_none(id=_uuid(request, "round_id"))
    if found is None:
        raise HTTPException(404)
    return found


async def remembered_round(request: Request) -> Round:
    """The round of a page that only reads it, reused from the app's memo (chorus.memo)."""
    round_id = _uuid(request, "round_id")
    return await memo_of(request).get_or_read(
        ("round", round_id), lambda: round_of(request), round_key(round_id)
    )


def voted_key(round_: Round, person: Any) -> tuple[object, ...]:
    """Where whether this person has voted in this round is kept a moment (chorus.memo):
    a key only their own requests ask for; forgotten as soon as they cast."""
    return ("voted", round_.id, person.id, person.roles)


async def proposal_of(request: Request) -> tuple[Proposal, Round]:
    found = await Proposal.get_or_none(id=_uuid(request, "proposal_id"))
    if found is None:
        raise HTTPException(404)
    return found, await Round.get(id=found.round_id)  # type: ignore[attr-defined]


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


def round_tags(request: Request, round_: Round) -> bytes | None:
    """The key of this round's authors' and signers' tags (service.tag_key_of)."""
    return service.tag_key_of(services(request).key_directory, round_)
