"""People made ahead of need: invites hand them out, the key directory alone says which."""

from __future__ import annotations

from pathlib import Path

import pytest

from chorus.roles import Role
from governance.identity.models import Person, RoleGrant
from governance.identity.service import invitees
from governance.identity.service.invites import create_invite, revoke_invite
from governance.service.charter import Charter
from tests.common.people import PASSPHRASE, secrets_of

pytestmark = pytest.mark.usefixtures("db")


def keys_of(orm) -> Path:
    found: Path = orm.settings.key_directory
    return found


async def test_an_invite_hands_out_a_person_made_ahead_and_the_database_does_not_say_which(orm):
    keys = keys_of(orm)
    await invitees.top_up(keys)
    people_before = await Person.all().count()
    made = await create_invite(
        None, Role.ALLY, Charter(), secrets_of(orm).lookup_key, key_directory=keys
    )
    assert await Person.all().count() == people_before  # taken from the pool, none made
    given = invitees.given_to(keys, made.invite.id)
    assert given is not None
    assert str(given) not in repr(await made.invite.__class__.all().values())
    assert await RoleGrant.filter(person_id=given, role=Role.ALLY).exists()
    assert not invitees.has_joined(keys, given)


async def test_joining_keeps_the_name_beside_the_keys_and_forgets_the_invite(orm):
    from governance.identity.service.accounts import join

    keys = keys_of(orm)
    made = await create_invite(
        None, Role.MEMBER, Charter(), secrets_of(orm).lookup_key, key_directory=keys
    )
    given = invitees.given_to(keys, made.invite.id)
    joined = await join(made.code, "Amina", PASSPHRASE, PASSPHRASE, secrets_of(orm))
    assert joined.person.id == given
    assert invitees.pseudonym_of(keys, given) == "Amina"
    assert invitees.given_to(keys, made.invite.id) is None


async def test_people_of_unusable_invites_go_back_to_their_pool(orm):
    keys = keys_of(orm)
    made = await create_invite(
        None, Role.MEMBER, Charter(), secrets_of(orm).lookup_key, key_directory=keys
    )
    given = invitees.given_to(keys, made.invite.id)
    assert await invitees.take_back(keys) == 0  # still usable
    assert await revoke_invite(str(made.invite.id))
    assert await invitees.take_back(keys) == 1
    assert invitees.given_to(keys, made.invite.id) is None
    assert str(given) in (p.name for p in (keys / "invitees-free-member").iterdir())


async def test_people_made_ahead_are_not_counted_as_role_holders(orm):
    from governance.service.people_for_rounds import role_holders
    from tests.common.people import make_person

    keys = keys_of(orm)
    await invitees.top_up(keys)
    joined = await make_person(orm, "Bao")
    assert await role_holders(keys, "member") == [joined.person.id]


async def test_nobody_is_handed_out_twice_even_by_a_key_directory_out_of_step(orm):
    from anonymity import kept
    from governance.identity.errors import InviteNotUsable
    from governance.identity.models import Credential
    from governance.identity.service.accounts import join

    keys = keys_of(orm)
    first = await create_invite(
        None, Role.MEMBER, Charter(), secrets_of(orm).lookup_key, key_directory=keys
    )
    second = await create_invite(
        None, Role.MEMBER, Charter(), secrets_of(orm).lookup_key, key_directory=keys
    )
    joined = await join(first.code, "Amina", PASSPHRASE, PASSPHRASE, secrets_of(orm))
    # As if the key directory had been restored from before Amina joined: her name gone,
    # and the second invite handing her out.
    invitees.forget_pseudonym(keys, joined.person.id)
    kept.destroy(keys, invitees.GIVEN, str(second.invite.id))
    kept.keep(keys, invitees.GIVEN, str(second.invite.id), str(joined.person.id).encode())
    with pytest.raises(InviteNotUsable):
        await join(second.code, "Bao", PASSPHRASE, PASSPHRASE, secrets_of(orm))
    assert await Credential.all().count() == 1


async def test_a_joined_person_is_never_taken_back(orm):
    from governance.identity.service.accounts import join

    keys = keys_of(orm)
    made = await create_invite(
        None, Role.MEMBER, Charter(), secrets_of(orm).lookup_key, key_directory=keys
    )
    given = invitees.given_to(keys, made.invite.id)
    await join(made.code, "Cy", PASSPHRASE, PASSPHRASE, secrets_of(orm))
    # The join's last step (forgetting which invite handed out whom) has not happened yet.
    from anonymity import kept

    kept.keep(keys, invitees.GIVEN, str(made.invite.id), str(given).encode())
    assert await invitees.take_back(keys) == 0
    free = keys / "invitees-free-member"
    assert str(given) not in {p.name for p in free.iterdir()} if free.exists() else True
