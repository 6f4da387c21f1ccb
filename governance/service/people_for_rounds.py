"""What governance tells other domains about people: how many hold a role, and how
to let them know results are out. Proposals receives these as plain functions
(`proposals.service.Electorate`) and never sees a person."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID

from chorus import memo
from chorus.roles import Role
from governance.identity.models import Person, RoleGrant
from governance.identity.service import invitees
from governance.service.charter import current_charter
from governance.service.inbox import send_notice, send_to_role


async def count_role(key_directory: Path, role: str) -> int:
    """How many people who joined hold `role` (people made ahead for invites do not count)."""
    return len(await role_holders(key_directory, role))


async def tell_voters(role: str, news: str, link: str) -> int:
    """A notice to everyone holding `role`: a vote opened ("voting") or its results are out."""
    return await send_to_role(Role(role), news, link)


async def role_holders(key_directory: Path, role: str) -> list[UUID]:
    """Everyone who joined and holds `role`, as ids: read once when a round's voting opens,
    to fix its electorate (a job or a lead's public act, never a routine path)."""
    found: list[Any] = await RoleGrant.filter(role=Role(role)).values_list("person_id", flat=True)
    return invitees.joined_only(key_directory, (UUID(str(person)) for person in found))


async def seat(role: str, person_id: UUID) -> None:
    """An election gave `role` to this member: grant it (once) and tell them."""
    person = await Person.get_or_none(id=person_id)
    if person is None:
        return  # the account was closed since they stood
    _, granted = await RoleGrant.get_or_create(person=person, role=Role(role))
    memo.changed(memo.SESSIONS)  # sessions carry their roles
    if granted:
        await send_notice(person, "account", "/account")


async def petition_signatures() -> int:
    return (await current_charter()).petition_cosignatures


async def results_threshold() -> int:
    return (await current_charter()).results_threshold
