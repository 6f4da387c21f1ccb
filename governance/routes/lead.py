"""Pages for leads (and, for invites, stewards and members where the charter allows).

Invites: list the open and cancelled ones (role, state, date; nobody's name)
with a count of used ones, create one, whose code is shown once on the page
that answers the form and never put in an address, and revoke an open one.
People: list them by pseudonym and role, and suspend a member's, ally's or
provider's account for safety (the complaints committee reviews it). Suspending
a lead, a committee member or a steward, and closing an account, are the command
line's until the committee's queue exists; the pages say so. Thin handlers: read
the form, call the service, render.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from chorus.auth import CurrentPerson, signed_in
from chorus.i18n import N_, _, current_language, long_date
from chorus.identifying import KIND_NAMES, scrub_field
from chorus.rendering import done_message, render
from chorus.roles import ROLE_NAMES, Role
from chorus.services import services
from chorus.text import FieldErrors, text
from governance.errors import (
    AlreadySuspended,
    NotForLeads,
    NotOnYourself,
    ReasonInvalid,
    RoleMissing,
)
from governance.forms import REASON_KEPT, chosen_role, reason_message
from governance.identity.errors import InviteNotAllowed, InviteNotRevocable
from governance.identity.models import Invite, Person
from governance.identity.service import invites
from governance.identity.service.invitees import pseudonym_of
from governance.identity.service.invites import NewInvite
from governance.service import suspensions
from governance.service.charter import Charter, current_charter
from governance.service.suspensions import REASON_MAX

INVITERS = (Role.LEAD, Role.STEWARD)

DONE = {
    "revoked": N_("The invite is cancelled. Its code no longer works."),
    "gone": N_("That invite is no longer in the list: it was used, so there is nothing to cancel."),
    "suspended": N_(
        "The account is suspended and signed out everywhere. "
        "The complaints committee will review it."
    ),
}

STATUS_WORDS = {
    "open": N_("Open"),
    "expired": N_("Expired"),
    "revoked": N_("Cancelled"),
}


# Invites ------------------------------------------------------------------------


@dataclass(frozen=True)
class InviteRow:
    id: UUID
    role: Role
    status: str
    status_words: str  # untranslated
    valid_until: date
    expires: str  # in the reader's language


@dataclass(frozen=True)
class UsedCount:
    role: Role
    count: int


def role_choices(roles: set[Role]) -> list[tuple[str, str]]:
    """The roles one may invite as (value, translated name), alphabetical as the reader reads."""
    named = [(role.value, _(ROLE_NAMES[role])) for role in invites.roles_one_may_invite(roles)]
    return sorted(named, key=lambda choice: choice[1].casefold())


def invite_rows(found: list[Invite]) -> list[InviteRow]:
    rows = []
    for invite in found:
        status = invites.invite_status(invite)
        valid_until = invites.last_valid_day(invite)
        rows.append(
            InviteRow(
                invite.id,
                invite.role,
                status,
                STATUS_WORDS[status],
                valid_until,
                long_date(valid_until),
            )
        )
    return rows


def used_rows(counts: dict[Role, int]) -> list[UsedCount]:
    """Used invites by role, in the order roles are listed everywhere."""
    return [UsedCount(role, counts[role]) for role in Role if counts.get(role)]


async def invites_page(
    request: Request,
    person: CurrentPerson,
    *,
    values: dict[str, str] | None = None,
    errors: FieldErrors | None = None,
    status_code: int = 200,
) -> Response:
    charter = await current_charter()
    return render(
        request,
        "governance/lead/invites.html",
        {
            "invites": invite_rows(await invites.invites_newest_first()),
            "used": used_rows(await invites.used_counts()),
            "choices": role_choices(set(person.roles)),
            "valid_days": charter.invite_valid_days,
            "values": values or {},
            "errors": errors or {},
            "message": done_message(request, DONE),
        },
        status_code=status_code,
    )


def created_page(request: Request, created: NewInvite, back: str) -> Response:
    valid_until = invites.last_valid_day(created.invite)
    return render(
        request,
        "governance/lead/invite_created.html",
        {
            "code": created.code,
            "role": created.invite.role,
            "expires_on": valid_until,
            "expires": long_date(valid_until),
            "back": back,
        },
    )


@signed_in(*INVITERS)
async def lead_invites(request: Request, person: CurrentPerson) -> Response:
    if request.method == "GET":
        return await invites_page(request, person)
    form = await request.form()
    values = {"role": text(form, "role", 20)}
    try:
        created = await invites.create_invite(
            creator=person.id,
            role=chosen_role(values["role"]),
            charter=await current_charter(),
            lookup_key=services(request).lookup_key,
            creator_roles=set(person.roles),
            key_directory=services(request).key_directory,
        )
    except RoleMissing:
        errors = {"role": _(RoleMissing.message)}
        return await invites_page(request, person, values=values, errors=errors, status_code=400)
    except InviteNotAllowed:
        errors = {"role": _("Choose one of the roles in the list.")}
        return await invites_page(request, person, values=values, errors=errors, status_code=400)
    return created_page(request, created, "/lead/invites")


@signed_in(*INVITERS)
async def revoke_invite(request: Request, person: CurrentPerson) -> Response:
    invite_id: UUID = request.path_params["invite_id"]
    try:
        found = await invites.revoke_open_invite(invite_id)
    except InviteNotRevocable:
        message = _("This invite was already cancelled.")
        return await invites_page(
            request, person, errors={f"invite-{invite_id}": message}, status_code=400
        )
    # A used invite is deleted, so one no longer found was (almost surely) just used.
    done = "revoked" if found else "gone"
    return RedirectResponse(f"/lead/invites?done={done}", status_code=303)


def members_may_invite(person: CurrentPerson, charter: Charter) -> bool:
    return person.has(Role.MEMBER) and charter.who_may_invite == "members"


@signed_in()
async def member_invites(request: Request, person: CurrentPerson) -> Response:
    """Members invite members, where the charter lets them, up to its limit."""
    if person.has(*INVITERS):
        return RedirectResponse("/lead/invites", status_code=303)
    charter = await current_charter()
    if not members_may_invite(person, charter):
        raise HTTPException(403)
    keys = services(request).key_directory
    created_so_far = await invites.invites_created(person.id, charter, keys)
    day = invites.today()
    renews_on = invites.period_ends_on(
        invites.period_number(day, charter.invite_period_days), charter.invite_period_days
    )
    context: dict[str, Any] = {
        "left": invites.invites_left(created_so_far, charter),
        "limit": charter.invites_per_member,
        "period_days": charter.invite_period_days,
        "renews": long_date(renews_on),
        "valid_days": charter.invite_valid_days,
        "errors": {},
    }
    if request.method == "GET":
        return render(request, "governance/lead/member_invites.html", context)
    try:
        created = await invites.create_invite(
            creator=person.id,
            role=Role.MEMBER,
            charter=charter,
            lookup_key=services(request).lookup_key,
            creator_roles=set(person.roles),
            day=day,
            key_directory=keys,
        )
    except InviteNotAllowed:
        context["left"] = 0
        context["errors"] = {
            "invites-left": _(
                "You have used all %(limit)s of your invites for now.",
                limit=charter.invites_per_member,
            )
        }
        return render(request, "governance/lead/member_invites.html", context, status_code=400)
    return created_page(request, created, "/invites")


# People -----------------------------------------------------------------------------


def page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= 100_000:
        raise HTTPException(404)
    return int(raw)


@signed_in(Role.LEAD)
async def people(request: Request, person: CurrentPerson) -> Response:
    page = page_number(request)
    rows, more = await suspensions.people_page(services(request).key_directory, page)
    return render(
        request,
        "governance/lead/people.html",
        {
            "people": rows,
            "page": page,
            "more": more,
            "me": person.id,
            "message": done_message(request, DONE),
        },
    )


async def person_from_path(request: Request) -> Person:
    found = await suspensions.find_person(request.path_params["person_id"])
    if found is None:
        raise HTTPException(404)
    return found


@signed_in(Role.LEAD)
async def suspend(request: Request, person: CurrentPerson) -> Response:
    target = await person_from_path(request)
    charter = await current_charter()
    context: dict[str, Any] = {
        "target": target,
        "target_name": pseudonym_of(services(request).key_directory, target.id),
        "myself": target.id == person.id,
        "not_for_leads": not suspensions.leads_may_suspend(await suspensions.roles_of(target)),
        "suspended": await suspensions.is_suspended(target),
        "review_days": charter.suspension_review_days,
        "reason_max": REASON_MAX,
        "values": {},
        "errors": {},
    }
    if request.method == "GET":
        return render(request, "governance/lead/suspend.html", context)
    form = await request.form()
    context["values"] = {"reason": text(form, "reason", REASON_KEPT)}
    scrubbed = scrub_field(form, "reason", context["values"]["reason"], current_language())
    if scrubbed.text is None:
        # Identifying details found: the lead chooses what to remove before anything is stored.
        context |= {"scrub": scrubbed, "scrub_kind_names": KIND_NAMES}
        return render(request, "governance/lead/suspend.html", context)
    try:
        await suspensions.suspend(target, scrubbed.text, by=person.id)
    except ReasonInvalid as error:
        context["errors"] = {"reason": reason_message(error)}
    except NotOnYourself:
        context["errors"] = {"suspend-state": _(NotOnYourself.message)}
    except NotForLeads as error:
        context["errors"] = {"suspend-state": error.translated()}
        context["not_for_leads"] = True
    except AlreadySuspended as error:
        context["errors"] = {"suspend-state": error.translated()}
        context["suspended"] = True
    else:
        return RedirectResponse("/lead/people?done=suspended", status_code=303)
    return render(request, "governance/lead/suspend.html", context, status_code=400)


routes = [
    Route("/lead/invites", lead_invites, methods=["GET", "POST"], name="lead_invites"),
    Route(
        "/lead/invites/{invite_id:uuid}/revoke",
        revoke_invite,
        methods=["POST"],
        name="lead_revoke_invite",
    ),
    Route("/invites", member_invites, methods=["GET", "POST"], name="member_invites"),
    Route("/lead/people", people, name="lead_people"),
    Route(
        "/lead/people/{person_id:uuid}/suspend",
        suspend,
        methods=["GET", "POST"],
        name="lead_suspend",
    ),
]
