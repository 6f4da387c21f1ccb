"""Invites: the only way in. Single use, expiring, revocable.

The invite row knows who created it only while it is open; using it forgets
that, and keeps nothing that says who joined with it. Only a count of invites
per creator remains, for the charter's limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from anonymity.codes import new_code
from anonymity.wrapping import keyed_hash
from governance.charter import Charter
from governance.errors import GovernanceError, InviteNotAllowed
from governance.models import Invite, InviteState, Person, Role


@dataclass(frozen=True)
class NewInvite:
    invite: Invite
    code: str  # shown once to its creator, never stored


def may_invite(roles: set[Role], charter: Charter, invites_created: int) -> bool:
    if Role.LEAD in roles or Role.STEWARD in roles:
        return True
    if Role.MEMBER in roles and charter.who_may_invite == "members":
        return invites_created < charter.invites_per_member
    return False


class InviteNotRevocable(GovernanceError):
    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why  # "used" or "revoked"


# Never given by invite: the complaints committee is elected by members, not appointed
# by the leads whose suspensions it reviews.
NOT_BY_INVITE = frozenset({Role.COMMITTEE})


def roles_one_may_invite(roles: set[Role]) -> list[Role]:
    """Leads and stewards invite any role (stewards only by stewards); members invite members."""
    if Role.LEAD in roles or Role.STEWARD in roles:
        return [
            role
            for role in Role
            if role not in NOT_BY_INVITE and (role != Role.STEWARD or Role.STEWARD in roles)
        ]
    return [Role.MEMBER]


def invites_left(invites_created: int, charter: Charter) -> int:
    """How many more invites a member may create under the charter."""
    if charter.who_may_invite != "members":
        return 0
    return max(0, charter.invites_per_member - invites_created)


def invite_status(invite: Invite, now: datetime | None = None) -> str:
    """The invite's state, where an open invite past its date reads "expired"."""
    if invite.state == InviteState.OPEN and invite.expires_at <= (now or datetime.now(UTC)):
        return "expired"
    return invite.state.value


async def create_invite(
    creator: Person | None,
    role: Role,
    charter: Charter,
    lookup_key: bytes,
    creator_roles: set[Role] | None = None,
    now: datetime | None = None,
) -> NewInvite:
    """Create an invite; `creator` None is the command line (a steward at the console)."""
    if creator is not None:
        roles = creator_roles or set()
        if not may_invite(roles, charter, creator.invites_created):
            raise InviteNotAllowed
        if role not in roles_one_may_invite(roles):
            raise InviteNotAllowed
    code = new_code()
    expires = (now or datetime.now(UTC)) + timedelta(days=charter.invite_valid_days)
    async with in_transaction():
        if creator is not None:
            counted = Person.filter(id=creator.id)
            if not (Role.LEAD in roles or Role.STEWARD in roles):
                # The limit is checked in the same statement that counts, so two invites
                # created at the same moment cannot both slip under it.
                counted = counted.filter(invites_created__lt=charter.invites_per_member)
            if await counted.update(invites_created=F("invites_created") + 1) != 1:
                raise InviteNotAllowed
        invite = await Invite.create(
            lookup=keyed_hash(lookup_key, code), role=role, expires_at=expires, created_by=creator
        )
    return NewInvite(invite, code)


async def revoke_invite(invite_id: str) -> bool:
    """Revoke an open invite; a used one cannot be, as nothing ties it to anyone."""
    revoked = await Invite.filter(id=invite_id, state=InviteState.OPEN).update(
        state=InviteState.REVOKED, created_by_id=None
    )
    return revoked == 1


async def list_invites() -> list[Invite]:
    return await Invite.all().order_by("expires_at")


async def invites_newest_first() -> list[Invite]:
    """Every invite, latest expiry (so newest) first: its role, state and date, nothing more."""
    return await Invite.all().order_by("-expires_at", "id")


async def revoke_open_invite(invite_id: UUID) -> bool:
    """Revoke an open invite. False when there is no such invite; InviteNotRevocable
    (with the reason) when it was already used or revoked."""
    if await revoke_invite(str(invite_id)):
        return True
    invite = await Invite.get_or_none(id=invite_id)
    if invite is None:
        return False
    raise InviteNotRevocable(invite.state.value)
