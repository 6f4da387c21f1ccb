"""Rounds, proposals, the ballot and results: thin handlers that read the form, call the
service and render.

Nothing sensitive goes in an address: receipts are shown once on the page that
answers the confirm step, and checked through a form (POST), never a link.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from babel.dates import format_date
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from chorus.auth import signed_in
from chorus.i18n import N_, _, current_language
from chorus.ratelimit import TELLERS, RateLimited, RateLimiter, wait_message
from chorus.rendering import done_message, render
from chorus.scrubbing import KIND_NAMES, Scrubbed, scrub_field
from chorus.sessions import CurrentPerson
from chorus.state import key_directory, lookup_key
from proposals import forms, results, service, tags
from proposals.models import Contest, Kind, Method, Phase, Proposal, Purpose, Round, Voters
from proposals.names import (
    GRADE_NAMES,
    METHOD_NAMES,
    PHASE_NAMES,
    PURPOSE_NAMES,
    VOTERS_NAMES,
)

MEMBER, ALLY, LEAD, COMMITTEE = "member", "ally", "lead", "committee"
# Where ballots are cast: the shell writes nothing about sessions there (chorus.sessions).
BALLOT_PATHS = re.compile(r"^/rounds/[^/]+/ballot(/confirm)?$")
# Roles that can be elected, as governance names them.
ELECTABLE = {LEAD: N_("Lead"), COMMITTEE: N_("Complaints committee")}

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
}


# -- Shared pieces ----------------------------------------------------------------------


def electorate(request: Request) -> service.Electorate:
    found: service.Electorate = request.app.state.electorate
    return found


def _uuid(request: Request, name: str) -> uuid.UUID:
    found: uuid.UUID = request.path_params[name]  # the route's uuid converter checked it
    return found


async def round_of(request: Request) -> Round:
    found = await Round.get_or_none(id=_uuid(request, "round_id"))
    if found is None:
        raise HTTPException(404)
    return found


async def proposal_of(request: Request) -> tuple[Proposal, Round]:
    found = await Proposal.get_or_none(id=_uuid(request, "proposal_id"))
    if found is None:
        raise HTTPException(404)
    return found, await Round.get(id=found.round_id)  # type: ignore[attr-defined]


def shown_day(moment: datetime) -> str:
    """The last day of a phase (phases end at midnight UTC after it)."""
    last = (moment.astimezone(UTC) - timedelta(days=1)).date()
    return format_date(last, format="long", locale=current_language())


def round_words(round_: Round) -> dict[str, Any]:
    return {
        "round": round_,
        "phase_name": _(PHASE_NAMES[round_.phase]),
        "purpose_name": _(PURPOSE_NAMES[round_.purpose]),
        "method_name": _(METHOD_NAMES[round_.method]),
        "voters_name": _(VOTERS_NAMES[round_.voters]),
        "elects_name": _(ELECTABLE[round_.elects]) if round_.elects in ELECTABLE else "",
        "dates": {
            "proposing": shown_day(round_.proposing_ends),
            "cosigning": shown_day(round_.cosigning_ends),
            "voting": shown_day(round_.voting_ends),
        },
    }


def phase_message(error: service.WrongPhase) -> str:
    return {
        Phase.PETITION: _("This round is still a petition. It opens when enough members sign."),
        Phase.PROPOSING: _("This cannot be done while proposals are being sent."),
        Phase.COSIGNING: _("This cannot be done during co-signing."),
        Phase.VOTING: _("This cannot be done while voting is open."),
        Phase.CLOSED: _("This round is closed."),
    }[error.phase]


def tag_choices() -> dict[str, Any]:
    return {
        "forms_choices": tags.choices(tags.FORMS_OF_TRAFFICKING),
        "category_choices": tags.choices(tags.OPPRESSION_CATEGORIES),
    }


# -- Rounds ---------------------------------------------------------------------------------


@signed_in()
async def rounds_list(request: Request, person: CurrentPerson) -> Response:
    listed = await Round.all().order_by("voting_ends")
    by_phase = {phase: [r for r in listed if r.phase == phase] for phase in Phase}
    return render(
        request,
        "proposals/rounds.html",
        {
            "by_phase": by_phase,
            "phase_names": PHASE_NAMES,
            "done": done_message(request, DONE),
            "can_open": person.has(LEAD),
            "can_petition": person.has(MEMBER),
        },
    )


def round_form_context(
    petition: bool, entered: dict[str, str], errors: forms.FieldErrors, charter_needs: int
) -> dict[str, Any]:
    return {
        "petition": petition,
        "values": entered,
        "errors": errors,
        "purposes": [(p.value, _(PURPOSE_NAMES[p])) for p in Purpose],
        "methods": [(m.value, _(METHOD_NAMES[m])) for m in Method],
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
    charter_needs: int = await request.app.state.petition_signatures()
    if request.method == "GET":
        context = round_form_context(petition, {"allows_revision": "yes"}, {}, charter_needs)
        return render(request, "proposals/round_new.html", context)
    form = await request.form()
    entered, errors = forms.read_round(form, datetime.now(UTC).date(), petition=petition)
    passphrase, teller_errors = (
        (None, {})
        if petition
        else forms.read_tellers(form, request.app.state.settings.passphrase_min_length)
    )
    if errors or teller_errors:
        values = entered.entered | {"tellers": forms.text(form, "tellers", 10)}
        context = round_form_context(petition, values, errors | teller_errors, charter_needs)
        return render(request, "proposals/round_new.html", context, status_code=400)
    spec = spec_of(entered, petition)
    if petition:
        round_ = await service.start_petition(
            spec, lookup_key(request), person.person.id, charter_needs
        )
        done = "petition" if round_.phase == Phase.PETITION else "opened"
    else:
        round_ = await service.open_round(
            spec,
            key_directory(request),
            passphrase,
            request.app.state.account_secrets.profile,
        )
        done = "opened"
    return RedirectResponse(f"/rounds/{round_.id}?done={done}", status_code=303)


@signed_in(LEAD)
async def round_new(request: Request, person: CurrentPerson) -> Response:
    return await _round_form(request, person, petition=False)


@signed_in(MEMBER)
async def petition_new(request: Request, person: CurrentPerson) -> Response:
    return await _round_form(request, person, petition=True)


@signed_in()
async def round_page(request: Request, person: CurrentPerson) -> Response:
    round_ = await round_of(request)
    return await _round_page(request, person, round_)


async def _round_page(
    request: Request,
    person: CurrentPerson,
    round_: Round,
    *,
    error: str = "",
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    counts = await service.cosignature_counts(round_)
    proposals = sorted(
        await Proposal.filter(round=round_), key=lambda p: (p.withdrawn, p.title.casefold())
    )
    key, me = lookup_key(request), person.person.id
    rows = [
        {
            "proposal": p,
            "cosignatures": counts.get(p.id, 0),
            "mine": service.is_author(p, key, me),
            "hidden": bool(p.hidden_reason) and p.contest != Contest.RESTORED,
        }
        for p in proposals
    ]
    signatures = await round_.signatures.all().count() if round_.phase == Phase.PETITION else 0
    signed = (
        await service.has_signed_petition(round_, key, me)
        if round_.phase == Phase.PETITION
        else False
    )
    voter = service.is_advisory(round_, person.roles)
    return render(
        request,
        "proposals/round.html",
        round_words(round_)
        | {
            "rows": rows,
            "signatures": signatures,
            "signed": signed,
            "is_member": person.has(MEMBER),
            "is_lead": person.has(LEAD),
            "votes": voter is not None,
            "advisory": voter is True,
            "has_voted": await service.has_voted(round_, person.roles, me, key_directory(request)),
            "next_phase": _(PHASE_NAMES[following])
            if (following := service.next_phase(round_))
            else "",
            "done": done_message(request, DONE),
            "error": error,
            "errors": errors or {},
            "can_count": person.has(MEMBER, LEAD, COMMITTEE),
        },
        status_code=status_code,
    )


@signed_in(MEMBER)
async def petition_sign(request: Request, person: CurrentPerson) -> Response:
    round_ = await round_of(request)
    try:
        opened = await service.sign_petition(round_, lookup_key(request), person.person.id)
    except service.WrongPhase as error:
        return await _round_page(
            request, person, round_, error=phase_message(error), status_code=409
        )
    except service.AlreadySigned:
        return await _round_page(
            request,
            person,
            round_,
            error=_("You have already signed this petition."),
            status_code=409,
        )
    done = "petition-opened" if opened else "signed"
    return RedirectResponse(f"/rounds/{round_.id}?done={done}", status_code=303)


@signed_in(LEAD)
async def round_advance(request: Request, person: CurrentPerson) -> Response:
    round_ = await round_of(request)
    form = await request.form()
    if form.get("phase") != round_.phase:
        # The page was out of date: someone (or the clock) moved the round already.
        return await _round_page(
            request,
            person,
            round_,
            error=_("The round had already moved on. Check its phase and try again."),
            status_code=409,
        )
    try:
        await service.advance(round_, key_directory(request), electorate(request))
    except service.WrongPhase as error:
        return await _round_page(
            request, person, round_, error=phase_message(error), status_code=409
        )
    return RedirectResponse(f"/rounds/{round_.id}?done=advanced", status_code=303)


@signed_in(MEMBER, LEAD, COMMITTEE)
async def round_count(request: Request, person: CurrentPerson) -> Response:
    """The tellers count: their passphrase opens the ballots (teller mode)."""
    round_ = await round_of(request)
    limiter: RateLimiter = request.app.state.rate_limiter
    form = await request.form()
    passphrase = forms.text(form, "teller_passphrase", 1000)
    try:
        await limiter.check(TELLERS, str(round_.id))
        await service.close(round_, key_directory(request), electorate(request), passphrase)
    except RateLimited as error:
        message = wait_message(error.retry_after_seconds)
    except service.WrongTellerPassphrase:
        await limiter.count(TELLERS, str(round_.id))
        message = _("That passphrase does not open the ballots. Check it and try again.")
    except service.WrongPhase as error:
        return await _round_page(
            request, person, round_, error=phase_message(error), status_code=409
        )
    else:
        return RedirectResponse(f"/rounds/{round_.id}/results", status_code=303)
    return await _round_page(
        request, person, round_, errors={"teller_passphrase": message}, status_code=400
    )


# -- Proposals ------------------------------------------------------------------------------


def proposal_form_context(
    round_: Round,
    entered: dict[str, Any],
    errors: forms.FieldErrors,
    scrubbed: Scrubbed | None = None,
) -> dict[str, Any]:
    return (
        round_words(round_)
        | tag_choices()
        | {
            "values": entered,
            "errors": errors,
            "candidate": round_.purpose == Purpose.ELECTION,
            "scrub": scrubbed,
            "scrub_kind_names": KIND_NAMES,
        }
    )


async def _read_proposal(
    form: FormData, round_: Round
) -> tuple[service.ProposalText | None, dict[str, Any], forms.FieldErrors, Scrubbed | None]:
    """The proposal as typed; None until it is valid and its description was reviewed."""
    candidate = round_.purpose == Purpose.ELECTION
    entered, errors = forms.read_proposal(form, candidate=candidate)
    if errors:
        return None, entered.entered, errors, None
    scrubbed = scrub_field(form, "description", entered.description, current_language())
    if scrubbed.text is None:
        return None, entered.entered, {}, scrubbed
    text = service.ProposalText(
        title=entered.title,
        description=scrubbed.text,
        forms_of_trafficking=entered.forms_of_trafficking,
        oppression_categories=entered.oppression_categories,
    )
    return text, entered.entered, {}, scrubbed


@signed_in(MEMBER)
async def propose(request: Request, person: CurrentPerson) -> Response:
    round_ = await round_of(request)
    if round_.phase != Phase.PROPOSING:
        return await _round_page(
            request,
            person,
            round_,
            error=phase_message(service.WrongPhase(round_.phase)),
            status_code=409,
        )
    if request.method == "GET":
        return render(request, "proposals/propose.html", proposal_form_context(round_, {}, {}))
    text, entered, errors, scrubbed = await _read_proposal(await request.form(), round_)
    if text is None:
        context = proposal_form_context(round_, entered, errors, scrubbed)
        return render(request, "proposals/propose.html", context, status_code=400)
    candidate = round_.purpose == Purpose.ELECTION
    if candidate:
        text = service.ProposalText(person.person.pseudonym, text.description, [], [])
    try:
        proposal = await service.submit_proposal(
            round_,
            text,
            lookup_key(request),
            person.person.id,
            Kind.CANDIDATE if candidate else Kind.PROPOSAL,
        )
    except service.AlreadyStanding:
        errors = {"description": _("You already stand in this election.")}
        context = proposal_form_context(round_, entered, errors)
        return render(request, "proposals/propose.html", context, status_code=409)
    except service.WrongPhase as error:
        context = proposal_form_context(round_, entered, {"description": phase_message(error)})
        return render(request, "proposals/propose.html", context, status_code=409)
    done = "standing" if candidate else "proposed"
    return RedirectResponse(f"/proposals/{proposal.id}?done={done}", status_code=303)


def proposal_context(
    request: Request, person: CurrentPerson, proposal: Proposal, round_: Round
) -> dict[str, Any]:
    hidden = bool(proposal.hidden_reason) and proposal.contest != Contest.RESTORED
    mine = service.is_author(proposal, lookup_key(request), person.person.id)
    forms_names = dict(tags.choices(tags.FORMS_OF_TRAFFICKING))
    category_names = dict(tags.choices(tags.OPPRESSION_CATEGORIES))
    return round_words(round_) | {
        "proposal": proposal,
        "hidden": hidden,
        "mine": mine,
        # Hidden text stays readable to its author, leads and the complaints committee.
        "show_text": not hidden or mine or person.has(LEAD, COMMITTEE),
        "forms_names": [
            forms_names[k]
            for k in tags.known(tags.FORMS_OF_TRAFFICKING, proposal.forms_of_trafficking)
        ],
        "category_names": [
            category_names[k]
            for k in tags.known(tags.OPPRESSION_CATEGORIES, proposal.oppression_categories)
        ],
        "is_member": person.has(MEMBER),
        "is_lead": person.has(LEAD),
        "is_committee": person.has(COMMITTEE),
        "done": done_message(request, DONE),
    }


@signed_in()
async def proposal_page(request: Request, person: CurrentPerson) -> Response:
    proposal, round_ = await proposal_of(request)
    return await _proposal_page(request, person, proposal, round_)


async def _proposal_page(
    request: Request,
    person: CurrentPerson,
    proposal: Proposal,
    round_: Round,
    *,
    error: str = "",
    status_code: int = 200,
) -> Response:
    counts = await service.cosignature_counts(round_)
    context = proposal_context(request, person, proposal, round_) | {
        "cosignatures": counts.get(proposal.id, 0),
        "cosigned": await service.has_cosigned(proposal, lookup_key(request), person.person.id),
        "error": error,
    }
    return render(request, "proposals/proposal.html", context, status_code=status_code)


def _text_values(proposal: Proposal) -> dict[str, Any]:
    return {
        "title": proposal.title,
        "description": proposal.description,
        "forms_of_trafficking": list(proposal.forms_of_trafficking),
        "oppression_categories": list(proposal.oppression_categories),
    }


@signed_in(MEMBER)
async def proposal_edit(request: Request, person: CurrentPerson) -> Response:
    proposal, round_ = await proposal_of(request)
    key = lookup_key(request)
    if not service.is_author(proposal, key, person.person.id):
        raise HTTPException(403)
    editable = round_.phase == Phase.PROPOSING and not proposal.withdrawn
    context = proposal_form_context(round_, _text_values(proposal), {}) | {
        "proposal": proposal,
        "editable": editable,
        "withdrawable": round_.phase in (Phase.PROPOSING, Phase.COSIGNING)
        and not proposal.withdrawn,
    }
    if request.method == "GET":
        return render(request, "proposals/edit.html", context)
    form = await request.form()
    text, entered, errors, scrubbed = await _read_proposal(form, round_)
    context |= {"values": entered, "errors": errors, "scrub": scrubbed}
    if text is None:
        return render(request, "proposals/edit.html", context, status_code=400)
    if proposal.kind == Kind.CANDIDATE:
        text = service.ProposalText(proposal.title, text.description, [], [])
    try:
        await service.edit_proposal(proposal, text, key, person.person.id)
    except service.WrongPhase as error:
        context["errors"] = {"description": phase_message(error)}
        return render(request, "proposals/edit.html", context, status_code=409)
    return RedirectResponse(f"/proposals/{proposal.id}?done=edited", status_code=303)


@signed_in(MEMBER)
async def proposal_withdraw(request: Request, person: CurrentPerson) -> Response:
    proposal, round_ = await proposal_of(request)
    key = lookup_key(request)
    if not service.is_author(proposal, key, person.person.id):
        raise HTTPException(403)
    if request.method == "GET":
        return render(
            request,
            "proposals/withdraw.html",
            proposal_context(request, person, proposal, round_) | {"errors": {}},
        )
    try:
        await service.withdraw_proposal(proposal, key, person.person.id)
    except service.WrongPhase as error:
        return await _proposal_page(
            request, person, proposal, round_, error=phase_message(error), status_code=409
        )
    return RedirectResponse(f"/proposals/{proposal.id}?done=withdrawn", status_code=303)


@signed_in(MEMBER)
async def proposal_cosign(request: Request, person: CurrentPerson) -> Response:
    proposal, round_ = await proposal_of(request)
    form = await request.form()
    key, me = lookup_key(request), person.person.id
    try:
        if form.get("action") == "take-back":
            await service.take_back_cosignature(proposal, key, me)
            done = "uncosigned"
        else:
            await service.cosign(proposal, key, me)
            done = "cosigned"
    except service.WrongPhase as error:
        message = phase_message(error)
    except service.OwnProposal:
        message = _("You wrote this proposal, so you cannot co-sign it.")
    except service.AlreadySigned:
        message = _("You have already co-signed this proposal.")
    except service.NotSigned:
        message = _("You had not co-signed this proposal.")
    except service.NotAvailable:
        message = _("This proposal is withdrawn or hidden, so it cannot be co-signed.")
    else:
        return RedirectResponse(f"/proposals/{proposal.id}?done={done}", status_code=303)
    return await _proposal_page(request, person, proposal, round_, error=message, status_code=409)


async def _reason_page(
    request: Request,
    person: CurrentPerson,
    template: str,
    action: Any,
    field: str,
) -> Response:
    """A page with one free-text reason, reviewed for identifying details, then `action`."""
    proposal, round_ = await proposal_of(request)
    context = proposal_context(request, person, proposal, round_) | {
        "values": {},
        "errors": {},
        "scrub": None,
        "scrub_kind_names": KIND_NAMES,
    }
    if request.method == "GET":
        return render(request, template, context)
    form = await request.form()
    reason, errors = forms.read_reason(form, field)
    context["values"] = {field: forms.text(form, field, 5000)}
    if errors:
        return render(request, template, context | {"errors": errors}, status_code=400)
    scrubbed = scrub_field(form, field, reason, current_language())
    if scrubbed.text is None:
        return render(request, template, context | {"scrub": scrubbed})
    try:
        done = await action(proposal, scrubbed.text)
    except service.WrongPhase as error:
        errors = {field: phase_message(error)}
    except service.AlreadyHidden:
        errors = {field: _("This proposal is already hidden.")}
    except service.NotHidden:
        errors = {field: _("This proposal is not hidden, or was contested already.")}
    else:
        return RedirectResponse(f"/proposals/{proposal.id}?done={done}", status_code=303)
    return render(request, template, context | {"errors": errors}, status_code=409)


@signed_in(LEAD)
async def proposal_hide(request: Request, person: CurrentPerson) -> Response:
    async def hide(proposal: Proposal, reason: str) -> str:
        await service.hide_proposal(proposal, reason)
        return "hidden"

    return await _reason_page(request, person, "proposals/hide.html", hide, "reason")


@signed_in(MEMBER)
async def proposal_contest(request: Request, person: CurrentPerson) -> Response:
    proposal, _round = await proposal_of(request)
    key, me = lookup_key(request), person.person.id
    if not service.is_author(proposal, key, me):
        raise HTTPException(403)

    async def contest(proposal: Proposal, text: str) -> str:
        await service.contest_hiding(proposal, text, key, me)
        return "contested"

    return await _reason_page(request, person, "proposals/contest.html", contest, "contest")


@signed_in(COMMITTEE)
async def proposal_review(request: Request, person: CurrentPerson) -> Response:
    proposal, round_ = await proposal_of(request)
    form = await request.form()
    restore = form.get("decision") == "restore"
    if form.get("decision") not in ("restore", "uphold"):
        return await _proposal_page(
            request,
            person,
            proposal,
            round_,
            error=_("Choose whether to show the proposal again or keep it hidden."),
            status_code=400,
        )
    try:
        await service.review_contest(proposal, restore)
    except service.NotHidden:
        return await _proposal_page(
            request,
            person,
            proposal,
            round_,
            error=_("There is no contest to decide on this proposal."),
            status_code=409,
        )
    done = "restored" if restore else "upheld"
    return RedirectResponse(f"/proposals/{proposal.id}?done={done}", status_code=303)


# -- The ballot -------------------------------------------------------------------------------


async def ballot_context(request: Request, person: CurrentPerson, round_: Round) -> dict[str, Any]:
    options = await service.ballot_options(round_)
    return round_words(round_) | {
        "options": options,
        "labels": {p.ballot_key: p.title for p in options},
        # Each label once, not once per option (a ballot of 10 options has 100 of them).
        "ranks": [(rank, _("Rank %(rank)s", rank=rank)) for rank in range(1, len(options) + 1)],
        "grades": [(index, _(name)) for index, name in enumerate(GRADE_NAMES)],
        "advisory": service.is_advisory(round_, person.roles) is True,
        "has_voted": await service.has_voted(
            round_, person.roles, person.person.id, key_directory(request)
        ),
        "values": {},
        "errors": {},
    }


async def _ballot_guard(request: Request, person: CurrentPerson) -> tuple[Round, Response | None]:
    round_ = await round_of(request)
    if service.is_advisory(round_, person.roles) is None:
        raise HTTPException(403)
    if round_.phase != Phase.VOTING:
        message = phase_message(service.WrongPhase(round_.phase))
        if round_.phase != Phase.CLOSED:
            message = _("Voting has not started yet. It starts when co-signing ends.")
        return round_, await _round_page(request, person, round_, error=message, status_code=409)
    return round_, None


@signed_in(MEMBER, ALLY)
async def ballot(request: Request, person: CurrentPerson) -> Response:
    """The ballot (GET), and its review step (POST): nothing is stored until confirm."""
    round_, refused = await _ballot_guard(request, person)
    if refused:
        return refused
    context = await ballot_context(request, person, round_)
    if context["has_voted"] and not round_.allows_revision:
        context["error"] = _("You have voted in this round. This round does not allow changes.")
        return render(request, "proposals/ballot.html", context, status_code=200)
    if request.method == "GET":
        return render(request, "proposals/ballot.html", context)
    form = await request.form()
    keys = [p.ballot_key for p in context["options"]]
    entered, errors = forms.read_ballot(
        form, round_.method, keys, dots_per_ballot=round_.dots_per_ballot
    )
    context |= {"values": entered.entered, "errors": errors}
    if errors or form.get("change") == "yes":
        return render(request, "proposals/ballot.html", context, status_code=400 if errors else 200)
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


@signed_in(MEMBER, ALLY)
async def ballot_confirm(request: Request, person: CurrentPerson) -> Response:
    round_, refused = await _ballot_guard(request, person)
    if refused:
        return refused
    form = await request.form()
    entered, errors = forms.read_ballot(
        form,
        round_.method,
        await service.ballot_keys(round_),
        dots_per_ballot=round_.dots_per_ballot,
    )
    if not errors:
        try:
            cast = await service.cast(
                round_,
                person.roles,
                person.person.id,
                person.personal_key,
                entered.encode(),
                key_directory(request),
            )
        except service.WrongPhase as error:
            return await _round_page(
                request, person, round_, error=phase_message(error), status_code=409
            )
        except service.AlreadyVoted:
            message = _("You have voted in this round. This round does not allow changes.")
            context = await ballot_context(request, person, round_)
            context |= {"values": entered.entered, "error": message}
            return render(request, "proposals/ballot.html", context, status_code=409)
        advisory = service.is_advisory(round_, person.roles) is True
        return render(
            request,
            "proposals/ballot_cast.html",
            round_words(round_) | {"cast": cast, "advisory": advisory},
        )
    context = await ballot_context(request, person, round_)
    context |= {"values": entered.entered, "errors": errors}
    return render(request, "proposals/ballot.html", context, status_code=400)


# -- Results ----------------------------------------------------------------------------------


async def closed_round(request: Request) -> Round:
    round_ = await round_of(request)
    if round_.phase != Phase.CLOSED or round_.tally is None:
        raise HTTPException(404)
    return round_


async def _labels(round_: Round) -> dict[str, str]:
    return {p.ballot_key: p.title for p in await service.ballot_options(round_)}


def results_view(data: dict[str, Any], labels: dict[str, str], k: int) -> dict[str, Any]:
    shown = results.disclosed(data, k)
    view: dict[str, Any] = {
        "data": data,
        "disclosed": shown,
        "ordered": results.ordered(data, labels),
        "ties": results.tie_explanations(data, labels),
        "columns": results.option_labels(data, labels),
    }
    if shown:
        view |= {
            "charts": results.charts(data, labels),
            "grade_table": results.grade_table(data, labels)
            if data["method"] == Method.MAJORITY_JUDGMENT
            else None,
            "grade_names": results.grade_names(data)
            if data["method"] == Method.MAJORITY_JUDGMENT
            else [],
            "pairwise_table": results.pairwise_table(data, labels)
            if data["method"] == Method.SCHULZE
            else None,
            "runoff_table": results.runoff_table(data, labels)
            if data["method"] == Method.INSTANT_RUNOFF
            else None,
        }
    return view


@signed_in()
async def results_page(request: Request, person: CurrentPerson) -> Response:
    round_ = await round_of(request)
    if round_.phase != Phase.CLOSED or round_.tally is None:
        # Nothing of the count exists before close, for anybody.
        return render(request, "proposals/results_pending.html", round_words(round_))
    return await _results_page(request, person, round_)


async def _results_page(
    request: Request,
    person: CurrentPerson,
    round_: Round,
    *,
    receipt: str = "",
    receipt_counted: bool | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    labels = await _labels(round_)
    k: int = await request.app.state.results_threshold()
    main = results_view(round_.tally, labels, k)
    advisory = results_view(round_.advisory_tally, labels, k) if round_.advisory_tally else None
    # Blank ballots took part too: turnout counts them.
    counted = round_.tally["ballots_counted"] + round_.tally["abstentions"]
    turnout = round(100 * counted / round_.eligible_voters) if round_.eligible_voters else None
    return render(
        request,
        "proposals/results.html",
        round_words(round_)
        | {
            "main": main,
            "advisory_view": advisory,
            "k": k,
            "suppression_note": results.suppression_note(k),
            "tie_rule": results.tie_rule_text(round_.method),
            "turnout": turnout,
            "counted": counted,
            "receipts": await service.receipts(round_),
            "advisory_receipts": await service.receipts(round_, advisory=True) if advisory else [],
            "receipt": receipt,
            "receipt_counted": receipt_counted,
            "errors": errors or {},
            "labels": labels,
        },
        status_code=status_code,
    )


@signed_in()
async def results_check(request: Request, person: CurrentPerson) -> Response:
    """Check a ballot receipt, sent in the form body, never in an address."""
    round_ = await closed_round(request)
    form = await request.form()
    receipt = forms.text(form, "receipt", 200).strip()
    if not receipt:
        return await _results_page(
            request,
            person,
            round_,
            errors={"receipt": _("Enter your ballot receipt, as it was shown to you.")},
            status_code=400,
        )
    counted = await service.receipt_was_counted(round_, receipt)
    return await _results_page(request, person, round_, receipt=receipt, receipt_counted=counted)


async def _download(request: Request, kind: str) -> Response:
    round_ = await closed_round(request)
    k: int = await request.app.state.results_threshold()
    labels = await _labels(round_)
    # The advisory count is published apart, under the same threshold.
    data = (
        round_.advisory_tally if request.query_params.get("count") == "advisory" else round_.tally
    )
    if data is None or not results.disclosed(data, k):
        raise HTTPException(404)
    body = (
        results.recount_json(data, labels) if kind == "json" else results.recount_csv(data, labels)
    )
    media = "application/json" if kind == "json" else "text/csv; charset=utf-8"
    return Response(
        body,
        media_type=media,
        headers={"content-disposition": f'attachment; filename="round-results.{kind}"'},
    )


@signed_in()
async def results_csv(request: Request, person: CurrentPerson) -> Response:
    return await _download(request, "csv")


@signed_in()
async def results_json(request: Request, person: CurrentPerson) -> Response:
    return await _download(request, "json")


routes = [
    Route("/rounds", rounds_list, name="rounds"),
    Route("/rounds/new", round_new, methods=["GET", "POST"], name="round_new"),
    Route("/rounds/petition", petition_new, methods=["GET", "POST"], name="petition_new"),
    Route("/rounds/{round_id:uuid}", round_page, name="round"),
    Route("/rounds/{round_id:uuid}/sign", petition_sign, methods=["POST"], name="petition_sign"),
    Route("/rounds/{round_id:uuid}/advance", round_advance, methods=["POST"], name="round_advance"),
    Route("/rounds/{round_id:uuid}/count", round_count, methods=["POST"], name="round_count"),
    Route("/rounds/{round_id:uuid}/propose", propose, methods=["GET", "POST"], name="propose"),
    Route("/rounds/{round_id:uuid}/ballot", ballot, methods=["GET", "POST"], name="ballot"),
    Route(
        "/rounds/{round_id:uuid}/ballot/confirm",
        ballot_confirm,
        methods=["POST"],
        name="ballot_confirm",
    ),
    Route("/rounds/{round_id:uuid}/results", results_page, name="results"),
    Route(
        "/rounds/{round_id:uuid}/results/check",
        results_check,
        methods=["POST"],
        name="results_check",
    ),
    Route("/rounds/{round_id:uuid}/results.csv", results_csv, name="results_csv"),
    Route("/rounds/{round_id:uuid}/results.json", results_json, name="results_json"),
    Route("/proposals/{proposal_id:uuid}", proposal_page, name="proposal"),
    Route(
        "/proposals/{proposal_id:uuid}/edit", proposal_edit, methods=["GET", "POST"], name="edit"
    ),
    Route(
        "/proposals/{proposal_id:uuid}/withdraw",
        proposal_withdraw,
        methods=["GET", "POST"],
        name="withdraw",
    ),
    Route("/proposals/{proposal_id:uuid}/cosign", proposal_cosign, methods=["POST"], name="cosign"),
    Route(
        "/proposals/{proposal_id:uuid}/hide", proposal_hide, methods=["GET", "POST"], name="hide"
    ),
    Route(
        "/proposals/{proposal_id:uuid}/contest",
        proposal_contest,
        methods=["GET", "POST"],
        name="contest",
    ),
    Route("/proposals/{proposal_id:uuid}/review", proposal_review, methods=["POST"], name="review"),
]
