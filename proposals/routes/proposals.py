"""Proposals and candidacies: sending, reading, changing, withdrawing, co-signing, and a
lead's hiding with the author's contest and the complaints committee's decision."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from chorus.auth import CurrentPerson, signed_in
from chorus.i18n import N_, _, current_language
from chorus.identifying import KIND_NAMES, Scrubbed, scrub_field
from chorus.rendering import done_message, render
from chorus.roles import Role
from chorus.services import services
from chorus.vocabulary import FORMS_OF_TRAFFICKING, OPPRESSION_CATEGORIES, labels
from proposals import forms, service
from proposals.errors import (
    AlreadyHidden,
    AlreadySigned,
    AlreadyStanding,
    NotAvailable,
    NotHidden,
    NotSigned,
    OwnProposal,
    WrongPhase,
)
from proposals.models import Contest, Kind, Phase, Proposal, Purpose, Round
from proposals.routes.shared import (
    DONE,
    proposal_of,
    refused_in_phase,
    round_of,
    round_tag_key,
    round_words,
    tag_choices,
)


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
    # Shown again as typed, the tags ticked included, whenever the form comes back.
    shown = entered.entered | {
        "forms_of_trafficking": entered.forms_of_trafficking,
        "oppression_categories": entered.oppression_categories,
    }
    if errors:
        return None, shown, errors, None
    scrubbed = scrub_field(form, "description", entered.description, current_language())
    if scrubbed.text is None:
        return None, shown, {}, scrubbed
    text = service.ProposalText(
        title=entered.title,
        description=scrubbed.text,
        forms_of_trafficking=entered.forms_of_trafficking,
        oppression_categories=entered.oppression_categories,
    )
    return text, shown, {}, scrubbed


@signed_in(Role.MEMBER)
async def propose(request: Request, person: CurrentPerson) -> Response:
    round_ = await round_of(request)
    if round_.phase != Phase.PROPOSING:
        return await refused_in_phase(request, person, round_)
    if request.method == "GET":
        # The form's own id: sent twice, it stores one proposal (service.submit_proposal).
        fresh = {"submission": str(uuid.uuid4())}
        return render(request, "proposals/propose.html", proposal_form_context(round_, fresh, {}))
    form = await request.form()
    text, entered, errors, scrubbed = await _read_proposal(form, round_)
    submission = forms.submission_id(form)
    entered = entered | {"submission": str(submission or uuid.uuid4())}
    if text is None:
        context = proposal_form_context(round_, entered, errors, scrubbed)
        return render(request, "proposals/propose.html", context, status_code=400)
    candidate = round_.purpose == Purpose.ELECTION
    if candidate:
        text = service.ProposalText(person.pseudonym, text.description, [], [])
    try:
        proposal = await service.submit_proposal(
            round_,
            text,
            round_tag_key(request, round_),
            person.id,
            Kind.CANDIDATE if candidate else Kind.PROPOSAL,
            submission,
        )
    except AlreadyStanding as error:
        errors = {"description": error.translated()}
        context = proposal_form_context(round_, entered, errors)
        return render(request, "proposals/propose.html", context, status_code=409)
    except WrongPhase as error:
        context = proposal_form_context(round_, entered, {"description": error.translated()})
        return render(request, "proposals/propose.html", context, status_code=409)
    done = "standing" if candidate else "proposed"
    return RedirectResponse(f"/proposals/{proposal.id}?done={done}", status_code=303)


def proposal_context(
    request: Request, person: CurrentPerson, proposal: Proposal, round_: Round
) -> dict[str, Any]:
    hidden = bool(proposal.hidden_reason) and proposal.contest != Contest.RESTORED
    mine = service.is_author(proposal, round_tag_key(request, round_), person.id)
    return round_words(round_) | {
        "proposal": proposal,
        "hidden": hidden,
        "mine": mine,
        # Hidden text stays readable to its author, leads and the complaints committee.
        "show_text": not hidden or mine or person.has(Role.LEAD, Role.COMMITTEE),
        "forms_names": labels(FORMS_OF_TRAFFICKING, proposal.forms_of_trafficking),
        "category_names": labels(OPPRESSION_CATEGORIES, proposal.oppression_categories),
        "is_member": person.has(Role.MEMBER),
        "is_lead": person.has(Role.LEAD),
        "is_committee": person.has(Role.COMMITTEE),
        "done": done_message(request, DONE),
    }


@signed_in(*service.READ_SOME_ROUNDS)
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
        "cosigned": await service.has_cosigned(proposal, round_tag_key(request, round_), person.id),
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


@signed_in(Role.MEMBER)
async def proposal_edit(request: Request, person: CurrentPerson) -> Response:
    proposal, round_ = await proposal_of(request)
    key = round_tag_key(request, round_)
    if not service.is_author(proposal, key, person.id):
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
        await service.edit_proposal(proposal, text, key, person.id)
    except WrongPhase as error:
        context["errors"] = {"description": error.translated()}
        return render(request, "proposals/edit.html", context, status_code=409)
    return RedirectResponse(f"/proposals/{proposal.id}?done=edited", status_code=303)


@signed_in(Role.MEMBER)
async def proposal_withdraw(request: Request, person: CurrentPerson) -> Response:
    proposal, round_ = await proposal_of(request)
    key = round_tag_key(request, round_)
    if not service.is_author(proposal, key, person.id):
        raise HTTPException(403)
    if request.method == "GET":
        return render(
            request,
            "proposals/withdraw.html",
            proposal_context(request, person, proposal, round_) | {"errors": {}},
        )
    try:
        await service.withdraw_proposal(proposal, key, person.id)
    except WrongPhase as error:
        return await _proposal_page(
            request, person, proposal, round_, error=error.translated(), status_code=409
        )
    return RedirectResponse(f"/proposals/{proposal.id}?done=withdrawn", status_code=303)


@signed_in(Role.MEMBER)
async def proposal_cosign(request: Request, person: CurrentPerson) -> Response:
    proposal, round_ = await proposal_of(request)
    form = await request.form()
    key, me = round_tag_key(request, round_), person.id
    try:
        if form.get("action") == "take-back":
            await service.take_back_cosignature(proposal, key, me)
            done = "uncosigned"
        else:
            await service.cosign(proposal, key, me)
            done = "cosigned"
    except WrongPhase as error:
        message = error.translated()
    except OwnProposal as error:
        message = error.translated()
    except AlreadySigned as error:
        message = error.translated()
    except NotSigned as error:
        message = error.translated()
    except NotAvailable as error:
        message = error.translated()
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
    except WrongPhase as error:
        errors = {field: error.translated()}
    except AlreadyHidden as error:
        errors = {field: error.translated()}
    except NotHidden as error:
        errors = {field: error.translated()}
    else:
        return RedirectResponse(f"/proposals/{proposal.id}?done={done}", status_code=303)
    return render(request, template, context | {"errors": errors}, status_code=409)


@signed_in(Role.LEAD)
async def proposal_hide(request: Request, person: CurrentPerson) -> Response:
    async def hide(proposal: Proposal, reason: str) -> str:
        await service.hide_proposal(proposal, reason)
        return "hidden"

    return await _reason_page(request, person, "proposals/hide.html", hide, "reason")


@signed_in(Role.MEMBER)
async def proposal_contest(request: Request, person: CurrentPerson) -> Response:
    proposal, round_ = await proposal_of(request)
    key, me = round_tag_key(request, round_), person.id
    if not service.is_author(proposal, key, me):
        raise HTTPException(403)

    async def contest(proposal: Proposal, text: str) -> str:
        await service.contest_hiding(proposal, text, key, me)
        return "contested"

    return await _reason_page(request, person, "proposals/contest.html", contest, "contest")


@signed_in(Role.COMMITTEE)
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
    except NotHidden:
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


# Where a proposal stands, for its author (its hiding and the contest, if any).
STANDING = {
    Contest.NONE: N_("A lead hid it, with the reason shown on it. You can contest this."),
    Contest.AWAITING: N_("A lead hid it. You contested this: the complaints committee decides."),
    Contest.UPHELD: N_("A lead hid it. The complaints committee kept it hidden."),
    Contest.RESTORED: N_("A lead hid it, and the complaints committee showed it again."),
}


def standing_of(proposal: Proposal) -> str:
    if proposal.withdrawn:
        return _("You withdrew it.")
    if not proposal.hidden_reason:
        return _("Everyone who can see the round sees it.")
    return _(STANDING[proposal.contest])


@signed_in(Role.MEMBER)
async def your_proposals(request: Request, person: CurrentPerson) -> Response:
    """The person's own proposals in rounds still going, and what became of each: no
    notice names an author, so this is where they learn that one was hidden or shown
    again. Found from their tags; writes nothing."""
    found = await service.own_proposals(services(request).key_directory, person.id)
    own = [(item.proposal, item.round, standing_of(item.proposal)) for item in found]
    return render(request, "proposals/yours.html", {"own": own})


routes = [
    Route("/rounds/{round_id:uuid}/propose", propose, methods=["GET", "POST"], name="propose"),
    Route("/proposals/yours", your_proposals, name="your_proposals"),
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
