"""The first, interim complaints committee, seated from the command line.

The committee is elected by members (an election round gives the role). A new
network has no committee to review its first suspensions, so the host seats an
interim one of at least three members, once: when a committee already sits,
members elect it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID

from tortoise.transactions import in_transaction

from chorus.roles import Role
from governance.errors import CommitteeSitting, CommitteeTooSmall, NotAMember
from governance.identity.models import Person, RoleGrant, Suspension
from governance.identity.service import invitees
from governance.service.people_for_rounds import seat

COMMITTEE_MIN = 3


async def committee_sits(key_directory: Path) -> bool:
    """Whether anyone who joined holds the committee role."""
    holders: list[Any] = await RoleGrant.filter(role=Role.COMMITTEE).values_list(
        "person_id", flat=True
    )
    return bool(invitees.joined_only(key_directory, (UUID(str(each)) for each in holders)))


async def seat_interim_committee(people: list[Person], key_directory: Path) -> None:
    """Give the committee role to these members, all or none, each told in their inbox."""
    if len({person.id for person in people}) < COMMITTEE_MIN:
        raise CommitteeTooSmall
    async with in_transaction():
        if await committee_sits(key_directory):
            raise CommitteeSitting
        for person in people:
            is_member = await RoleGrant.exists(person_id=person.id, role=Role.MEMBER)
            if not is_member or await Suspension.exists(person_id=person.id, active=True):
                raise NotAMember
        for person in {person.id: person for person in people}.values():
            await seat(Role.COMMITTEE, person.id)
