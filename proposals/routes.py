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
from chorus.memo import ROUNDS, memo_of, round_key, shared_page
from chorus.ratelimit import TELLERS, RateLimited, wait_message
from chorus.rendering import done_message, render
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
from proposals.models import Contest, Phase, Proposal, Purpose, Round, Voters
from proposals.names import (
    ELECTABLE,
    PHASE_NAMES,
    PURPOSE_NAMES,
    VOTERS_NAMES,
)
from proposals.pages import (
    DONE,
    ROUND_WORDS,
    electorate,
    remembered_round,
    round_of,
    round_tags,
    round_words,
    shown_day,
    voted_key,
)


@signed_in()
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
    listed = await Round.all().order_by("voting_ends")
    roles = frozenset(current_roles(request))
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
        "methods": [(key.value, _(method.name)) for key, method in METHODS.items()],
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


@signed_in()
async def round_page(request: Request, person: CurrentPerson) -> Response:
    round_ = await remembered_round(request)
    return await round_page_answer(request, person, round_)


async def round_page_answer(
    request: Request,
    person: CurrentPerson,
    round_: Round,
    *,
    error: str = "",
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    context = await round_context(request, person, round_, error, errors or {})
    mine = any(row["mine"] for row in context["rows"])
    if status_code == 200 and not error and not errors and not mine:
        # The same page for everyone with the same roles who wrote none of its proposals
        # and has (or has not) voted and signed: rendered once (chorus.memo.shared_page).
        done = request.query_params.get("done", "")
        return await shared_round(
            request,
            round_.id,
            context["has_voted"],
            context["signed"],
            done if done in DONE else "",
        )
    return render(request, "proposals/round.html", context, status_code=status_code)


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
    request: Request, person: CurrentPerson, round_: Round, error: str, errors: dict[str, str]
) -> dict[str, Any]:
    counts, proposals = await memo_of(request).get_or_read(
        ("proposals", round_.id), lambda: _proposals_of(round_), round_key(round_.id)
    )
    key, me = round_tags(request, round_), person.id
    mine = {p.id for p in proposals if service.is_author(p, key, me)}
    signatures = await round_.signatures.all().count() if round_.phase == Phase.PETITION else 0
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
    values = _round_values(
        round_, person.roles, counts, proposals, mine, signatures, signed, has_voted
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
    proposals = sorted(
        await Proposal.filter(round=round_), key=lambda p: (p.withdrawn, p.title.casefold())
    )
    return counts, proposals


def lapsed_message(round_: Round) -> str:
    return _(
        "This petition ended on %(day)s without enough signatures. You can start a new one.",
        day=shown_day(round_.proposing_ends),
    )


@signed_in(Role.MEMBER)
async def petition_sign(request: Request, person: CurrentPerson) -> Response:
    round_ = await round_of(request)
    try:
        opened = await service.sign_petition(round_, round_tags(request, round_), person.id)
    except WrongPhase as error:
        return await round_page_answer(
            request, person, round_, error=error.translated(), status_code=409
        )
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
    round_ = await round_of(request)
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
        await service.advance(round_, services(request).key_directory, electorate(request))
    except WrongPhase as error:
        return await round_page_answer(
            request, person, round_, error=error.translated(), status_code=409
        )
    return RedirectResponse(f"/rounds/{round_.id}?done=advanced", status_code=303)


@signed_in(Role.LEAD)
async def round_extend(request: Request, person: CurrentPerson) -> Response:
    """A lead gives more time to vote (GET: the form, which is also the confirm step)."""
    round_ = await round_of(request)
    if round_.phase != Phase.VOTING:
        return await round_page_answer(
            request,
            person,
            round_,
            error=WrongPhase(round_.phase).translated(),
            status_code=409,
        )
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
            return await round_page_answer(
                request, person, round_, error=error.translated(), status_code=409
            )
        except EndNotLater as error:
            errors = {"voting_ends": error.translated()}
        else:
            return RedirectResponse(f"/rounds/{round_.id}?done=extended", status_code=303)
    context = extend_context(await Round.get(id=round_.id), entered, errors)
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
        return await round_page_answer(
            request, person, round_, error=refusal.translated(), status_code=409
        )
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
        return await round_page_answer(
            request, person, round_, error=error.translated(), status_code=409
        )
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
    Route("/rounds/{round_id:uuid}/advance", round_advance, methods=["POST"], name="round_advance"),
    Route("/rounds/{round_id:uuid}/count", round_count, methods=["POST"], name="round_count"),
    Route(
        "/rounds/{round_id:uuid}/extend",
        round_extend,
        methods=["GET", "POST"],
        name="round_extend",
    ),
]
