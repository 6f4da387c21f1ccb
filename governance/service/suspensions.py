"""Safety powers over accounts: pausing one at once, closing one on request.

A lead suspends members, allies and service providers for safety. A suspension
ends every session of the person at once and waits for the complaints
committee's review; the person sees the reason when they try to sign in.
Suspending a lead, a committee member or a steward, and closing anyone's account
but one's own, wait for the committee's queue: until it exists, only the command
line does them (governance.identity.commands), run by the host. The suspension
row holds the person, the reason, the lead who acted (none: the command line) and
the state of the review. A closure records the day, never whose account it was.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from tortoise.transactions import in_transaction

from chorus.roles import Role
from governance.errors import AlreadySuspended, NotForLeads, NotOnYourself, ReasonInvalid
from governance.identity.models import Closure, Credential, Person, RoleGrant, Suspension
from governance.identity.service import invitees
from governance.identity.service.accounts import Secrets, forget_person, person_tag
from governance.identity.service.sessions import end_all_sessions

REASON_MAX = 1000
PAGE_SIZE = 50

# Whom a lead may suspend: someone holding only these roles. A lead, a committee member or
# a steward is suspended on the command line until the committee's queue exists.
SUSPENDED_BY_LEADS = frozenset({Role.MEMBER, Role.ALLY, Role.PROVIDER})


def leads_may_suspend(roles: Iterable[Role]) -> bool:
    return set(roles) <= SUSPENDED_BY_LEADS


@dataclass(frozen=True)
class PersonRow:
    """What the people page shows of someone: there is nothing else to show."""

    id: UUID
    pseudonym: str
    roles: list[Role]
    suspended: bool
    suspendable: bool  # by a lead (leads_may_suspend)


def clean_reason(text: str) -> str:
    reason = text.strip()
    if not reason:
        raise ReasonInvalid("empty")
    if len(reason) > REASON_MAX:
        raise ReasonInvalid("long")
    return reason


async def people_page(key_directory: Path, page: int = 1) -> tuple[list[PersonRow], bool]:
    """One page of people who joined, by pseudonym, and whether there is a page after it.

    Pseudonyms live in the key directory (identity.service.invitees), so they are read and
    sorted here rather than by the database; people made ahead for invites, who have
    not joined, are left out."""
    people = await Person.all().prefetch_related("roles")
    named = sorted(
        (
            (invitees.pseudonym_of(key_directory, person.id), person)
            for person in people
            if invitees.has_joined(key_directory, person.id)
        ),
        key=lambda pair: (pair[0].casefold(), str(pair[1].id)),
    )
    shown = named[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1]
    ids = [person.id for _, person in shown[:PAGE_SIZE]]
    suspended = set(
        await Suspension.filter(person_id__in=ids, active=True).values_list("person_id", flat=True)
    )
    rows = [
        PersonRow(
            id=person.id,
            pseudonym=pseudonym,
            roles=sorted(grant.role for grant in person.roles),
            suspended=person.id in suspended,
            suspendable=leads_may_suspend(grant.role for grant in person.roles),
        )
        for pseudonym, person in shown[:PAGE_SIZE]
    ]
    return rows, len(shown) > PAGE_SIZE


async def find_person(person_id: UUID) -> Person | None:
    return await Person.get_or_none(id=person_id)


async def is_suspended(person: Person) -> bool:
    return await Suspension.exists(person=person, active=True)


async def roles_of(person: Person) -> set[Role]:
    found: list[Any] = await RoleGrant.filter(person_id=person.id).values_list("role", flat=True)
    return {Role(role) for role in found}


async def suspend(person: Person, reason: str, by: UUID | None) -> Suspension:
    """Pause `person`'s account for safety: every session ends now, the committee reviews.

    `by`: the lead who acted, who may suspend only members, allies and providers (not
    themselves); None is the command line, which may suspend anyone."""
    if person.id == by:
        raise NotOnYourself
    async with in_transaction():
        # Locks the person's row on PostgreSQL, so two leads cannot suspend twice at once,
        # and no role is granted (an election seating them) while this reads their roles.
        await Person.filter(id=person.id).select_for_update().first()
        if by is not None and not leads_may_suspend(await roles_of(person)):
            raise NotForLeads
        if await Suspension.exists(person=person, active=True):
            raise AlreadySuspended
        cleaned = clean_reason(reason)
        suspension = await Suspension.create(person=person, reason=cleaned, suspended_by_id=by)
        await end_all_sessions(person)
    return suspension


async def close_account(person: Person, secrets_: Secrets) -> None:
    """Remove the account of someone who asked for it and can no longer sign in: their
    roles, inbox, sessions and credentials go too. Only the command line does this (the
    host, who holds the lookup secret that finds the credentials); the closure records
    the day, not whose account it was."""
    async with in_transaction():
        await Credential.filter(person_tag=person_tag(person.id, secrets_)).delete()
        await person.delete()
        await Closure.create(closed_by_id=None, closed_on=datetime.now(UTC).date())
    await forget_person(person.id, secrets_.key_directory)
