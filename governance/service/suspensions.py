"""A lead's safety powers over accounts: pausing one at once, closing one on request.

A suspension ends every session of the person at once and waits for the
complaints committee's review; the person sees the reason when they try to
sign in. Closing removes an account whose owner asked for it and can no
longer sign in (passphrase and codes lost). The suspension row holds the
person, the reason, the lead who acted and the state of the review. A closure
records who closed an account and on which day, never whose account it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

from tortoise.transactions import in_transaction

from chorus.roles import Role
from governance.errors import (
    AlreadySuspended,
    NotOnYourself,
    ReasonInvalid,
    RequestNotConfirmed,
)
from governance.identity.models import Closure, Person, Suspension
from governance.identity.service import invitees
from governance.identity.service.accounts import forget_person
from governance.identity.service.sessions import end_all_sessions

REASON_MAX = 1000
PAGE_SIZE = 50


@dataclass(frozen=True)
class PersonRow:
    """What the people page shows of someone: there is nothing else to show."""

    id: UUID
    pseudonym: str
    roles: list[Role]
    suspended: bool


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
        )
        for pseudonym, person in shown[:PAGE_SIZE]
    ]
    return rows, len(shown) > PAGE_SIZE


async def find_person(person_id: UUID) -> Person | None:
    return await Person.get_or_none(id=person_id)


async def is_suspended(person: Person) -> bool:
    return await Suspension.exists(person=person, active=True)


async def suspend(person: Person, reason: str, by: UUID) -> Suspension:
    """Pause `person`'s account for safety: every session ends now, the committee reviews."""
    if person.id == by:
        raise NotOnYourself
    async with in_transaction():
        # Locks the person's row on PostgreSQL, so two leads cannot suspend twice at once.
        await Person.filter(id=person.id).select_for_update().first()
        if await Suspension.exists(person=person, active=True):
            raise AlreadySuspended
        cleaned = clean_reason(reason)
        suspension = await Suspension.create(person=person, reason=cleaned, suspended_by_id=by)
        await end_all_sessions(person)
    return suspension


async def close_account(person: Person, by: UUID, *, asked: bool, keys: Path) -> None:
    """Remove the account of someone who asked for it; their roles, inbox and sessions go too."""
    if person.id == by:
        raise NotOnYourself
    if not asked:
        raise RequestNotConfirmed
    async with in_transaction():
        await person.delete()
        await Closure.create(closed_by_id=by, closed_on=datetime.now(UTC).date())
    await forget_person(person.id, keys)
