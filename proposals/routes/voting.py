"""The ballot: one page, a review step, and confirm, which seals and stores it through
anonymity/ and shows the ballot receipt once (never in an address)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from chorus.auth import CurrentPerson, current_roles, signed_in
from chorus.i18n import _
from chorus.memo import memo_of, round_key, shared_page
from chorus.rendering import RolesOnly, render, render_kept
from chorus.roles import Role
from chorus.services import services
from proposals import forms, service
from proposals.errors import AlreadyVoted, BallotTooLong, NotInElectorate, WrongPhase
from proposals.methods import method_of
from proposals.models import Phase, Round
from proposals.routes.shared import (
    ROUND_WORDS,
    refused_in_phase,
    remembered_round,
    round_page_answer,
    round_words,
    shown_day,
    voted_key,
)


async def ballot_context(
    request: Request,
    person: CurrentPerson | RolesOnly,
    round_: Round,
    has_voted: bool | None = None,
) -> dict[str, Any]:
    options = await service.ballot_options(round_)
    if has_voted is None:
        assert not isinstance(person, RolesOnly)  # a shared page says whether they voted
        has_voted = await voted(request, person, round_)
    method = method_of(round_)
    context = round_words(round_) | {
        "options": options,
        "labels": {p.ballot_key: p.title for p in options},
        "ballot_template": method.ballot_template,
        "advisory": service.is_advisory(round_, person.roles) is True,
        "has_voted": has_voted,
        "values": {},
        "errors": {},
    }
    context |= method.ballot_context(len(options))
    if has_voted and not round_.allows_revision:
        context["error"] = _("You have voted in this round. This round does not allow changes.")
    return context


async def voted(request: Request, person: CurrentPerson, round_: Round) -> bool:
    return await service.has_voted(round_, person.roles, person.id, services(request).key_directory)


async def _refusal(request: Request, person: CurrentPerson, round_: Round) -> Response | None:
    """Why this person may not vote in this round now, as the round's page; None if they may."""
    if service.is_advisory(round_, person.roles) is None:
        raise HTTPException(403)
    if round_.phase == Phase.VOTING:
        return None
    message = (
        WrongPhase(round_.phase).translated()
        if round_.phase in (Phase.COUNTING, Phase.CLOSED)
        else _("Voting has not started yet. It starts when co-signing ends.")
    )
    return await round_page_answer(request, person, round_, error=message, status_code=409)


async def _ballot_guard(request: Request, person: CurrentPerson) -> tuple[Round, Response | None]:
    # From the memo: storing a ballot checks again, in the database, that the round is open.
    round_ = await remembered_round(request)
    return round_, await _refusal(request, person, round_)


@signed_in(Role.MEMBER, Role.ALLY)
async def ballot(request: Request, person: CurrentPerson) -> Response:
    """The ballot (GET), and its review step (POST): nothing is stored until confirm."""
    if request.method == "GET":
        return await ballot_page(request, person)
    round_, refused = await _ballot_guard(request, person)
    if refused:
        return refused
    context = await ballot_context(request, person, round_)
    if "error" in context:  # voted, and the round allows no changes
        return render(request, "proposals/ballot.html", context)
    form = await request.form()
    keys = [p.ballot_key for p in context["options"]]
    entered, errors = forms.read_ballot(
        form, round_.method, keys, dots_per_ballot=round_.dots_per_ballot
    )
    context |= {"values": entered.entered, "errors": errors}
    if errors or form.get("change") == "yes":
        return render(request, "proposals/ballot.html", context, status_code=400 if errors else 200)
    try:
        eligible = await service.may_vote(
            round_, person.roles, person.id, services(request).key_directory
        )
    except WrongPhase as error:
        return await refused_in_phase(request, person, round_, error)
    if not eligible:
        context |= {"errors": {"ballot": NotInElectorate().translated()}}
        return render(request, "proposals/ballot.html", context, status_code=403)
    assert entered.ballot is not None
    return render(
        request,
        "proposals/ballot_review.html",
        context
        | {
            "entered": entered,
            "lines": forms.review_lines(round_.method, entered.ballot, context["labels"]),
        },
    )


async def ballot_page(request: Request, person: CurrentPerson) -> Response:
    """The empty ballot: the same for everyone with the same roles who has (or has not)
    voted, so it is read and rendered once and reused (chorus.memo.shared_page)."""
    round_ = await remembered_round(request)
    refused = await _refusal(request, person, round_)
    if refused:
        return refused
    # This person's own answer, kept a moment under a key no other person's request asks
    # for, and forgotten as soon as they cast (ballot_confirm).
    has_voted = await memo_of(request).get_or_read(
        voted_key(round_, person), lambda: voted(request, person, round_), round_key(round_.id)
    )
    return await shared_ballot(request, round_.id, has_voted)


BALLOT_NAMES = (
    *ROUND_WORDS,
    "options",
    "labels",
    "ballot_template",
    "ranks",
    "grades",
    "advisory",
    "has_voted",
    "values",
    "errors",
    "error",
)


@shared_page(
    "proposals/ballot.html", names=BALLOT_NAMES, depends=lambda round_id, _: [round_key(round_id)]
)
async def shared_ballot(request: Request, round_id: UUID, has_voted: bool) -> dict[str, Any]:
    round_ = await remembered_round(request)
    # Who asks is known by their roles only, as the page is for everyone who holds them.
    roles_only = RolesOnly(frozenset(current_roles(request)))
    return await ballot_context(request, roles_only, round_, has_voted)


@signed_in(Role.MEMBER, Role.ALLY)
async def ballot_confirm(request: Request, person: CurrentPerson) -> Response:
    round_, refused = await _ballot_guard(request, person)
    if refused:
        return refused
    form = await request.form()
    # The same for everyone, and fixed once voting has started.
    keys = await memo_of(request).get_or_read(
        ("ballot keys", round_.id), lambda: service.ballot_keys(round_), round_key(round_.id)
    )
    entered, errors = forms.read_ballot(
        form, round_.method, keys, dots_per_ballot=round_.dots_per_ballot
    )
    if not errors:
        try:
            cast = await service.cast(
                round_,
                person.roles,
                person.id,
                person.personal_key,
                entered.encode(),
                services(request).key_directory,
            )
        except WrongPhase as error:
            return await refused_in_phase(request, person, round_, error)
        except BallotTooLong as error:
            errors = {"ballot": error.translated()}
        except NotInElectorate:
            context = await ballot_context(request, person, round_)
            context |= {
                "values": entered.entered,
                "errors": {"ballot": NotInElectorate().translated()},
            }
            return render(request, "proposals/ballot.html", context, status_code=403)
        except AlreadyVoted:
            context = await ballot_context(request, person, round_, has_voted=True)
            context |= {"values": entered.entered}
            return render(request, "proposals/ballot.html", context, status_code=409)
        else:
            memo_of(request).forget(voted_key(round_, person))
            values = {
                "round_id": str(round_.id),
                "voting_day": shown_day(round_.voting_ends),
                "revised": cast.revised,
                "has_receipt": cast.receipt is not None,
            }
            if cast.revised:
                # Rendered each time: nothing in this process may keep a trace of a change.
                return render(request, "proposals/ballot_cast.html", values | {"receipt": ""})
            # The same page for everyone but for the receipt, so it is rendered once.
            return render_kept(
                request, "proposals/ballot_cast.html", values, {"receipt": cast.receipt or ""}
            )
    context = await ballot_context(request, person, round_)
    context |= {"values": entered.entered, "errors": errors}
    return render(request, "proposals/ballot.html", context, status_code=400)


routes = [
    Route("/rounds/{round_id:uuid}/ballot", ballot, methods=["GET", "POST"], name="ballot"),
    Route(
        "/rounds/{round_id:uuid}/ballot/confirm",
        ballot_confirm,
        methods=["POST"],
        name="ballot_confirm",
    ),
]
