"""Invites: the only way in. Single use, valid to the day, revocable.

Nothing in any row says who created an invite. A member's limit is a count per
invite period, kept apart under HMAC(period key, member): the period key lives
in the key directory (`invite_periods/<period number>`) and is destroyed when the
period ends, by a job and whenever the next period's key is made, so an old
count names nobody even to the host. Leads and stewards have no limit and leave
no count. Using an invite deletes it and adds one to a count of used invites
per role, so nothing is left that says who joined with which invite.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid4

from tortoise import connections
from tortoise.transactions import in_transaction

from anonymity.codes import new_code
from anonymity.files import key_made_once, shred_file
from anonymity.wrapping import keyed_hash
from chorus.database import placeholders
from chorus.roles import Role
from governance.identity.errors import InviteNotAllowed, InviteNotRevocable, InviteNotUsable
from governance.identity.models import Invite, InviteCount, InviteState, InvitesUsed
from governance.identity.service import invitees
from governance.identity.service.invitees import NOT_BY_INVITE
from governance.service.charter import Charter

PERIODS = "invite_periods"
EPOCH = date(1970, 1, 1)
PERIOD_KEY_BYTES = 32


@dataclass(frozen=True)
class NewInvite:
    invite: Invite
    code: str  # shown once to its creator, never stored


def today() -> date:
    return datetime.now(UTC).date()


# Who may invite whom -----------------------------------------------------------------


def unlimited(roles: set[Role]) -> bool:
    return Role.LEAD in roles or Role.STEWARD in roles


def may_invite(roles: set[Role], charter: Charter, invites_created: int) -> bool:
    """`invites_created`: by this member in the current invite period."""
    if unlimited(roles):
        return True
    if Role.MEMBER in roles and charter.who_may_invite == "members":
        return invites_created < charter.invites_per_member
    return False


# What an invite made in Chorus grants. Leads and the complaints committee come from
# members' elections; the command line (run by the host) makes the first steward, the
# first leads and an interim committee (governance.commands).
BY_INVITE = (Role.MEMBER, Role.ALLY, Role.PROVIDER)


def roles_one_may_invite(roles: set[Role]) -> list[Role]:
    """Leads and stewards invite members, allies and providers; members invite members."""
    if unlimited(roles):
        return list(BY_INVITE)
    return [Role.MEMBER]


def invites_left(invites_created: int, charter: Charter) -> int:
    """How many more invites a member may create in this invite period."""
    if charter.who_may_invite != "members":
        return 0
    return max(0, charter.invites_per_member - invites_created)


def last_valid_day(invite: Invite) -> date:
    """The day an invite is valid until (it no longer works on `expires_on`)."""
    return invite.expires_on - timedelta(days=1)


def invite_status(invite: Invite, day: date | None = None) -> str:
    """The invite's state, where an open invite past its last day reads "expired"."""
    if invite.state == InviteState.OPEN and invite.expires_on <= (day or today()):
        return "expired"
    return invite.state.value


# Invite periods and their keys ---------------------------------------------------------


def period_number(day: date, period_days: int) -> int:
    return (day - EPOCH).days // max(1, period_days)


def period_ends_on(number: int, period_days: int) -> date:
    """The first day of the next period: when members' counts start from zero again."""
    return EPOCH + timedelta(days=(number + 1) * max(1, period_days))


def destroy_old_period_keys(key_directory: Path, current: int) -> int:
    """Shred every period key but the current one; returns how many were destroyed."""
    folder = key_directory / PERIODS
    if not folder.is_dir():
        return 0
    old = [path for path in folder.iterdir() if path.name.isdigit() and path.name != str(current)]
    return sum(shred_file(path) for path in old)


def period_key(key_directory: Path, number: int, *, create: bool) -> bytes | None:
    """The key of invite period `number`; made (and older ones destroyed) if `create`."""
    path = key_directory / PERIODS / str(number)
    if path.exists() or not create:
        return path.read_bytes() if path.exists() else None
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    destroy_old_period_keys(key_directory, number)
    return key_made_once(path, PERIOD_KEY_BYTES)


def creator_tag(key: bytes, person_id: UUID) -> str:
    return keyed_hash(key, f"invite-count:{person_id}")


async def invites_created(
    person_id: UUID, charter: Charter, key_directory: Path, day: date | None = None
) -> int:
    """How many invites this member created in the current period (read only)."""
    number = period_number(day or today(), charter.invite_period_days)
    key = period_key(key_directory, number, create=False)
    if key is None:
        return 0
    row = await InviteCount.get_or_none(tag=creator_tag(key, person_id))
    return row.count if row is not None else 0


async def _count_one_more(tag: str, period: int, limit: int) -> bool:
    """Add one to a member's count unless it reached `limit`, in one statement, so that
    two invites made at the same moment cannot both slip under it. False: at the limit."""
    connection = connections.get("default")
    tag_, period_, limit_ = placeholders(connection, 3)
    # Only placeholders are interpolated; every value is a parameter.
    query = (
        "INSERT INTO governance_invite_count (tag, period, count) "  # noqa: S608
        f"VALUES ({tag_}, {period_}, 1) ON CONFLICT (tag) DO UPDATE "
        "SET count = governance_invite_count.count + 1 "
        f"WHERE governance_invite_count.count < {limit_} RETURNING count"
    )
    # execute_query_dict: the only way Tortoise returns an INSERT's RETURNING rows on both.
    return bool(await connection.execute_query_dict(query, [tag, period, limit]))


async def destroy_past_periods(
    key_directory: Path, charter: Charter, day: date | None = None
) -> int:
    """The job: shred past periods' keys and delete their counts. Returns keys destroyed."""
    number = period_number(day or today(), charter.invite_period_days)
    destroyed = destroy_old_period_keys(key_directory, number)
    await InviteCount.exclude(period=number).delete()
    return destroyed


# Creating, using and revoking ------------------------------------------------------------


async def create_invite(
    creator: UUID | None,
    role: Role,
    charter: Charter,
    lookup_key: bytes,
    creator_roles: set[Role] | None = None,
    day: date | None = None,
    *,
    key_directory: Path,
) -> NewInvite:
    """Create an invite; `creator` (an id) None is the command line (the host at the console),
    which alone invites leads and stewards.

    The invite hands out a person made ahead of need (identity.service.invitees); a
    member's invite is counted under the period key."""
    roles = creator_roles or set()
    counted = creator is not None and not unlimited(roles)
    if role in NOT_BY_INVITE:
        raise InviteNotAllowed
    if creator is not None:
        # The count itself is checked by the statement that adds to it, below.
        if not may_invite(roles, charter, 0) or role not in roles_one_may_invite(roles):
            raise InviteNotAllowed
    day = day or today()
    code = new_code()
    invite = Invite(
        id=uuid4(),
        lookup=keyed_hash(lookup_key, code),
        role=role,
        expires_on=day + timedelta(days=charter.invite_valid_days),
    )
    # Handed out first: should anything below fail, the job takes the person back.
    await invitees.hand_out(key_directory, role, invite.id)
    async with in_transaction():
        if counted:
            assert creator is not None
            number = period_number(day, charter.invite_period_days)
            key = period_key(key_directory, number, create=True)
            assert key is not None
            tag = creator_tag(key, creator)
            if not await _count_one_more(tag, number, charter.invites_per_member):
                raise InviteNotAllowed
        await invite.save()
    return NewInvite(invite, code)


async def check_invite(lookup: str, day: date | None = None) -> Invite:
    """The open invite with this keyed hash, or InviteNotUsable saying why not.

    A used invite no longer exists, so it reads as unknown."""
    invite = await Invite.get_or_none(lookup=lookup)
    if invite is None:
        raise InviteNotUsable("unknown")
    if invite.state == InviteState.REVOKED:
        raise InviteNotUsable("revoked")
    if invite.expires_on <= (day or today()):
        raise InviteNotUsable("expired")
    return invite


async def claim_invite(lookup: str, day: date | None = None) -> Invite | None:
    """Use an invite, inside the joining transaction: delete it and count it as used.

    Returns it, or None when it is no longer open (someone else was quicker, or it was
    cancelled or expired meanwhile). Raises no database error either way."""
    invite = await Invite.filter(
        lookup=lookup, state=InviteState.OPEN, expires_on__gt=day or today()
    ).first()
    # The DELETE decides: of two people racing, one deletes the row, the other none.
    if invite is None or await Invite.filter(id=invite.id, state=InviteState.OPEN).delete() != 1:
        return None
    connection = connections.get("default")
    role_ = placeholders(connection, 1)[0]
    await connection.execute_query(
        "INSERT INTO governance_invites_used (role, count) "  # noqa: S608
        f"VALUES ({role_}, 1) ON CONFLICT (role) DO UPDATE "
        "SET count = governance_invites_used.count + 1",
        [invite.role.value],
    )
    return invite


async def revoke_invite(invite_id: str) -> bool:
    """Revoke an open invite (a lead's public act)."""
    return (
        await Invite.filter(id=invite_id, state=InviteState.OPEN).update(state=InviteState.REVOKED)
        == 1
    )


async def revoke_open_invite(invite_id: UUID) -> bool:
    """Revoke an open invite. False when there is no such invite (a used one is gone);
    InviteNotRevocable when it was already revoked."""
    if await revoke_invite(str(invite_id)):
        return True
    if await Invite.exists(id=invite_id):
        raise InviteNotRevocable("revoked")
    return False


async def invites_newest_first() -> list[Invite]:
    """Open and cancelled invites, latest expiry (so newest) first: role, state and day."""
    return await Invite.all().order_by("-expires_on", "id")


async def used_counts() -> dict[Role, int]:
    """How many invites of each role were used, in all."""
    return {row.role: row.count for row in await InvitesUsed.all()}
