"""People made ahead of need: an invite hands out one, so joining writes no row about anyone.

Person rows, each with its role, are made in batches of BATCH: by a job, and by an
invite that finds its role's pool empty. Which of them an invite hands out is kept
in the key directory only (`invitees-given/<invite id>`), never in the database.
So a copy of the database cannot go from a used invite to the person who joined
with it, and joining itself (deleting the invite, adding credentials and recovery
codes, keeping the pseudonym in the key directory) touches no row that names
anyone: a newcomer's first vote or proposal cannot be lined up with their joining.

Whether someone has joined is known from the key directory alone (their pseudonym
is kept there, `people/<id>`, anonymity.kept), so people not yet joined are left
out wherever people are listed or counted. The layout of the key directory:

    invitees-free-<role>/<person id>   a person nobody has been given yet (empty)
    invitees-given/<invite id>         the person an open invite hands out
    people/<person id>                 the pseudonym of someone who joined

The database has the last word on who joined: credentials carry a unique keyed tag of
their person (governance.identity.service.accounts.person_tag), so even a key directory out of step
with the database (restored apart, say) cannot hand one person's account to two.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from tortoise.transactions import in_transaction

from anonymity import kept
from chorus.roles import Role
from governance.identity.models import Invite, InviteState, Person, RoleGrant

NAMES = "people"
GIVEN = "invitees-given"
BATCH = 20  # people made at once: whoever joins is one of them
LOW = 5  # the job tops a pool up below this


# Never given by invite, not even on the command line, so never made ahead: the complaints
# committee is elected by members (the first one seated by `chorus seat-committee`).
NOT_BY_INVITE = frozenset({Role.COMMITTEE})


def _free(role: Role) -> str:
    return f"invitees-free-{role.value}"


def has_joined(key_directory: Path, person_id: UUID | str) -> bool:
    return kept.holds(key_directory, NAMES, str(person_id))


def pseudonym_of(key_directory: Path, person_id: UUID | str) -> str:
    """The pseudonym someone chose; empty if they have not joined or their account is gone."""
    value = kept.read(key_directory, NAMES, str(person_id))
    return value.decode() if value is not None else ""


def keep_pseudonym(key_directory: Path, person_id: UUID | str, pseudonym: str) -> None:
    kept.keep(key_directory, NAMES, str(person_id), pseudonym.encode())


def forget_pseudonym(key_directory: Path, person_id: UUID | str) -> bool:
    """Shred the pseudonym: it was never in the database, so it is gone everywhere."""
    return kept.destroy(key_directory, NAMES, str(person_id))


def joined_only(key_directory: Path, people: Iterable[UUID]) -> list[UUID]:
    return [person for person in people if has_joined(key_directory, person)]


async def make_batch(key_directory: Path, role: Role, size: int = BATCH) -> list[UUID]:
    """`size` new people holding `role`, all in one statement per table, then free."""
    made = [uuid4() for _ in range(size)]
    async with in_transaction():
        await Person.bulk_create([Person(id=person) for person in made])
        await RoleGrant.bulk_create([RoleGrant(person_id=person, role=role) for person in made])
    for person in made:
        kept.keep(key_directory, _free(role), str(person), b"")
    return made


async def top_up(key_directory: Path) -> int:
    """The job: every role's pool back above LOW. Returns how many people were made."""
    made = 0
    for role in Role:
        if role in NOT_BY_INVITE:
            continue
        if len(kept.owners(key_directory, _free(role))) < LOW:
            made += len(await make_batch(key_directory, role))
    return made


async def hand_out(key_directory: Path, role: Role, invite_id: UUID) -> UUID:
    """Give a free person of this role to the invite (making a batch if none is free)."""
    for _ in range(BATCH * 2):
        free = kept.owners(key_directory, _free(role))
        if not free:
            free = [str(person) for person in await make_batch(key_directory, role)]
        chosen = secrets.choice(free)
        # Taking the file is what decides: of two invites racing, one destroys it.
        if not kept.destroy(key_directory, _free(role), chosen):
            continue
        # A key directory restored apart from the database may name people it lacks.
        if await Person.exists(id=chosen):
            kept.keep(key_directory, GIVEN, str(invite_id), chosen.encode())
            return UUID(chosen)
    raise RuntimeError("no free person could be handed out")


def given_to(key_directory: Path, invite_id: UUID) -> UUID | None:
    value = kept.read(key_directory, GIVEN, str(invite_id))
    return UUID(value.decode()) if value else None


def settle(key_directory: Path, invite_id: UUID) -> None:
    """After joining: the key directory forgets which invite handed out whom."""
    kept.destroy(key_directory, GIVEN, str(invite_id))


async def take_back(key_directory: Path) -> int:
    """The job: people handed out by invites that can no longer be used (cancelled,
    expired, or gone) and who never joined go back to their role's pool."""
    owners = kept.owners(key_directory, GIVEN)
    given = {UUID(owner): given_to(key_directory, UUID(owner)) for owner in owners}
    if not given:
        return 0
    # An invite is taken as expired a day late, so that no join racing its last moment
    # finds its person handed back meanwhile.
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    open_ids: list[Any] = await Invite.filter(
        id__in=list(given), state=InviteState.OPEN, expires_on__gt=yesterday
    ).values_list("id", flat=True)
    usable = {str(invite) for invite in open_ids}
    taken_back = 0
    for invite_id, person in given.items():
        if str(invite_id) in usable or person is None:
            continue
        grant = await RoleGrant.filter(person_id=person).first()
        # Checked again at the last moment: a join may just have kept its name.
        if grant is not None and not has_joined(key_directory, person):
            with contextlib.suppress(FileExistsError):  # another run was quicker
                kept.keep(key_directory, _free(grant.role), str(person), b"")
                taken_back += 1
        settle(key_directory, invite_id)
    return taken_back
