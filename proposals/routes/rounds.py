"""Rounds: the list, opening one (a lead) or asking for one (a members' petition), a
round's page, signing a petition, moving a round on, and the tellers' count.

Thin handlers: read the form, call the service, render."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from anonymity.wrapping import PROFILES
from chorus.auth import CurrentPerson, current_roles, signed_in
from chorus.i18n import _
from chorus.memo import ROUNDS, shared_page
from chorus.ratelimit import TELLERS, RateLimited, wait_message
from chorus.rendering import render
from chorus.roles import Role
from chorus.services import services
from proposals import forms, service
from proposals.errors import (
    AlreadySigned,
    EndNotLater,
    PetitionLapsed,
    WrongPhase,
    WrongTellerPassphrase,
)
from proposals.methods import METHODS
from proposals.models import Phase, Purpose, Round, Voters
from proposals.names import (
    ELECTABLE,
    PHASE_NAMES,
    PURPOSE_NAMES,
    VOTERS_NAMES,
)
from proposals.routes.shared import (
    DONE,
    electorate,
    lapsed_message,
    refused_in_phase,
    remembered_round,
    round_of,
    round_page_answer,
    round_tag_key,
    round_words,
)


@signed_in(*service.READ_SOME_ROUNDS)
async def rounds_list(request: Request, person: CurrentPerson) -> Response:
    done = request.query_params.get("done", "")
    return await shared_rounds_list(request, done if done in DONE else "")


@shared_page(
    "proposals/rounds.html",
    names=("by_phase", "phase_names", "done", "can_open", "can_petition"),
    depends=lambda done: [ROUNDS],
)
async def shared_rounds_list(request: Request, done: str) -> dict[str, Any]:
    """The same for everyone with the same roles (chorus.memo.shared_page)."""
    roles = frozenset(current_roles(request))
    listed = [r for r in await service.rounds_by_voting_end() if service.may_read(r, roles)]
    return {
        "by_phase": {phase: [r for r in listed if r.phase == phase] for phase in Phase},
        "phase_names": PHASE_NAMES,
        "done": _(DONE[done]) if done else "",
        "can_open": Role.LEAD in roles,
        "can_petition": Role.MEMBER in roles,
    }


def round_form_context(
    petition: bool, entered: dict[str, str], errors: forms.FieldErrors, charter_needs: int
) -> dict[str, Any]:
    return {
        "petition": petition,
        "values": entered,
        "errors": errors,
        "purposes": [(p.value, _(PURPOSE_NAMES[p])) for p in Purpose],
        "methods": [(key, _(method.name)) for key, method in METHODS.items()],
        "voter_choices": [(v.value, _(VOTERS_NAMES[v])) for v in Voters],
        "electable": [(key, _(name)) for key, name in ELECTABLE.items()],
        "petition_needs": charter_needs,
    }


def spec_of(entered: forms.RoundInput, petition: bool) -> service.RoundSpec:
    # Only called once the form had no errors, so every value is there.
    assert entered.proposing_ends and entered.cosigning_ends and entered.voting_ends
    assert entered.purpose and entered.method and entered.voters
    return service.RoundSpec(
        question=entered.question,
        purpose=entered.purpose,
        elects=entered.elects,
        method=entered.method,
        dots_per_ballot=entered.dots_per_ballot,
        voters=entered.voters,
        cosignatures_needed=entered.cosignatures_needed,
        allows_revision=entered.allows_revision,
        proposing_ends=entered.proposing_ends,
        cosigning_ends=entered.cosigning_ends,
        voting_ends=entered.voting_ends,
    )


async def _round_form(request: Request, person: CurrentPerson, petition: bool) -> Response:
    charter_needs = await services(request).of(service.ProposalServices).petition_signatures()
    if request.method == "GET":
        context = round_form_context(petition, {"allows_revision": "yes"}, {}, charter_needs)
        return render(request, "proposals/round_new.html", context)
    form = await request.form()
    entered, errors = forms.read_round(form, datetime.now(UTC).date(), petition=petition)
    passphrase, teller_errors = (
        (None, {})
        if petition
        else forms.read_tellers(form, services(request).settings.passphrase_min_length)
    )
    if errors or teller_errors:
        values = entered.entered | {"tellers": forms.text(form, "tellers", 10)}
        context = round_form_context(petition, values, errors | teller_errors, charter_needs)
        return render(request, "proposals/round_new.html", context, status_code=400)
    spec = spec_of(entered, petition)
    if petition:
        round_ = await service.start_petition(
            spec, services(request).key_directory, person.id, charter_needs
        )
        done = "petition" if round_.phase == Phase.PETITION else "opened"
    else:
        round_ = await service.open_round(
            spec,
            services(request).key_directory,
            passphrase,
            PROFILES[services(request).settings.passphrase_profile],
        )
        done = "opened"
    return RedirectResponse(f"/rounds/{round_.id}?done={done}", status_code=303)


@signed_in(Role.LEAD)
async def round_new(request: Request, person: CurrentPerson) -> Response:
    return await _round_form(request, person, petition=False)


@signed_in(Role.MEMBER)
async def petition_new(request: Request, person: CurrentPerson) -> Response:
    return await _round_form(request, person, petition=True)


@signed_in(*service.READ_SOME_ROUNDS)
async def round_page(request: Request, person: CurrentPerson) -> Response:
    round_ = await remembered_round(request)
    return await round_page_answer(request, person, round_)


@signed_in(Role.MEMBER)
async def petition_sign(request: Request, person: CurrentPerson) -> Response:
    round_ = await round_of(request)
    try:
        opened = await service.sign_petition(round_, round_tag_key(request, round_), person.id)
    except WrongPhase as error:
        return await refused_in_phase(request, person, round_, error)
    except AlreadySigned:
        return await round_page_answer(
            request,
            person,
            round_,
            error=_("You have already signed this petition."),
            status_code=409,
        )
    except PetitionLapsed:
        return await round_page_answer(
            request, person, round_, error=lapsed_message(round_), status_code=409
        )
    done = "petition-opened" if opened else "signed"
    return RedirectResponse(f"/rounds/{round_.id}?done={done}", status_code=303)


@signed_in(Role.LEAD)
async def round_advance(request: Request, person: CurrentPerson) -> Response:
    """A lead moves the round to its next phase (GET: the page saying what will happen,
    which is the confirm step)."""
    round_ = await round_of(request)
    following = service.next_phase(round_)
    if following is None:
        return await refused_in_phase(request, person, round_)
    if request.method == "GET":
        return render(request, "proposals/advance.html", advance_context(round_, following))
    form = await request.form()
    if form.get("phase") != round_.phase:
        # The page was out of date: someone (or the clock) moved the round already.
        return await round_page_answer(
            request,
            person,
            round_,
            error=_("The round had already moved on. Check its phase and try again."),
            status_code=409,
        )
    try:
        await service.move_on(round_, services(request).key_directory, electorate(request))
    except WrongPhase as error:
        return await refused_in_phase(request, person, round_, error)
    return RedirectResponse(f"/rounds/{round_.id}?done=advanced", status_code=303)


def advance_context(round_: Round, following: Phase) -> dict[str, Any]:
    return round_words(round_) | {
        "following": following.value,
        "next_phase": _(PHASE_NAMES[following]),
    }


@signed_in(Role.LEAD)
async def round_extend(request: Request, person: CurrentPerson) -> Response:
    """A lead gives more time to vote (GET: the form, which is also the confirm step)."""
    round_ = await round_of(request)
    if round_.phase != Phase.VOTING:
        return await refused_in_phase(request, person, round_)
    last_day = (round_.voting_ends - timedelta(days=1)).date()
    if request.method == "GET":
        values = {"voting_ends": (last_day + timedelta(days=7)).isoformat()}
        return render(request, "proposals/extend.html", extend_context(round_, values, {}))
    form = await request.form()
    chosen, entered, errors = forms.read_voting_end(form, datetime.now(UTC).date(), last_day)
    if chosen is not None:
        try:
            await service.extend_voting(round_, chosen)
        except WrongPhase as error:
            return await refused_in_phase(request, person, round_, error)
        except EndNotLater as error:
            errors = {"voting_ends": error.translated()}
        else:
            return RedirectResponse(f"/rounds/{round_.id}?done=extended", status_code=303)
    context = extend_context(await service.find_round(round_.id) or round_, entered, errors)
    return render(request, "proposals/extend.html", context, status_code=400)


def extend_context(
    round_: Round, entered: dict[str, str], errors: forms.FieldErrors
) -> dict[str, Any]:
    return round_words(round_) | {"values": entered, "errors": errors}


@signed_in(Role.MEMBER, Role.LEAD, Role.COMMITTEE)
async def round_count(request: Request, person: CurrentPerson) -> Response:
    """The tellers count: their passphrase opens the ballots (teller mode)."""
    round_ = await round_of(request)
    if not round_.teller_mode or round_.phase != Phase.COUNTING:
        # Only a round that waits for its tellers is counted here; others close on their date.
        refusal = WrongPhase(round_.phase)
        return await refused_in_phase(request, person, round_, refusal)
    limiter = services(request).rate_limiter
    # Wrong tries count per person and round (as a keyed tag, naming nobody to the rate
    # limiter's storage): nobody can use up the tellers' tries.
    tries = service.person_tag(services(request).lookup_key, "count", round_.id, person.id)
    form = await request.form()
    passphrase = forms.text(form, "teller_passphrase", 1000)
    try:
        await limiter.check(TELLERS, tries)
        await service.close(
            round_, services(request).key_directory, electorate(request), passphrase
        )
    except RateLimited as error:
        message = wait_message(error.retry_after_seconds)
    except WrongTellerPassphrase as error:
        await limiter.count(TELLERS, tries)
        message = error.translated()
    except WrongPhase as error:
        return await refused_in_phase(request, person, round_, error)
    else:
        return RedirectResponse(f"/rounds/{round_.id}/results", status_code=303)
    return await round_page_answer(
        request, person, round_, errors={"teller_passphrase": message}, status_code=400
    )


routes = [
    Route("/rounds", rounds_list, name="rounds"),
    Route("/rounds/new", round_new, methods=["GET", "POST"], name="round_new"),
    Route("/rounds/petition", petition_new, methods=["GET", "POST"], name="petition_new"),
    Route("/rounds/{round_id:uuid}", round_page, name="round"),
    Route("/rounds/{round_id:uuid}/sign", petition_sign, methods=["POST"], name="petition_sign"),
    Route(
        "/rounds/{round_id:uuid}/advance",
        round_advance,
        methods=["GET", "POST"],
        name="round_advance",
    ),
    Route("/rounds/{round_id:uuid}/count", round_count, methods=["POST"], name="round_count"),
    Route(
        "/rounds/{round_id:uuid}/extend",
        round_extend,
        methods=["GET", "POST"],
        name="round_extend",
    ),
]
