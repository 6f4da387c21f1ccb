"""Invites keep nothing about who made them or who used them.

Creating one writes no row with its creator's id; a member's limit is a count per
invite period under HMAC(period key, member); using an invite deletes it and adds
one to a count per role; a code used twice is refused clearly, with no database error.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from chorus.roles import Role
from chorus.services import services
from governance.identity.errors import InviteNotAllowed
from governance.identity.models import Invite, InviteCount, InvitesUsed
from governance.identity.service import invitees, invites
from governance.identity.service.accounts import join
from governance.jobs import end_invite_periods
from governance.service.charter import Charter, set_charter_value
from tests.common.all_rows import every_row, forms_of, mentioning, new_rows
from tests.common.forms import csrf_token
from tests.common.people import PASSPHRASE, make_person, secrets_of, sign_in

pytestmark = pytest.mark.usefixtures("db")

MEMBERS_INVITE = Charter(who_may_invite="members", invites_per_member=2)


def keys_of(app: Starlette) -> Path:
    found: Path = services(app).settings.key_directory
    return found


async def post_form(client: httpx.AsyncClient, path: str, **fields: str) -> httpx.Response:
    token = csrf_token(await client.get("/privacy"))
    return await client.post(path, data={"csrf_token": token, **fields})


@pytest.mark.parametrize(
    ("roles", "path", "tables"),
    [
        ((Role.MEMBER,), "/invites", ["governance_invite", "governance_invite_count"]),
        ((Role.LEAD,), "/lead/invites", ["governance_invite"]),
    ],
)
async def test_creating_an_invite_writes_nothing_with_the_creators_id(
    app, client, roles, path, tables
):
    await set_charter_value("who_may_invite", "members")
    creator = await make_person(app, "Mina", *roles)
    await sign_in(client, "Mina")
    await invitees.top_up(keys_of(app))  # as the job keeps every role's pool ready
    before = await every_row()
    response = await post_form(client, path, role="member")
    assert response.status_code == 200 and "The invite is ready" in response.text
    written = new_rows(before, await every_row())
    assert sorted(written) == tables
    assert mentioning(written, forms_of(creator.person.id)) == []
    [invite] = written["governance_invite"]
    assert {column for column, _ in invite} == {"id", "lookup", "role", "expires_on", "state"}


async def test_members_are_limited_per_period_and_counts_survive_redemption(app):
    keys = keys_of(app)
    mina = (await make_person(app, "Mina")).person
    today = invites.today()
    made = [
        await invites.create_invite(
            mina.id,
            Role.MEMBER,
            MEMBERS_INVITE,
            secrets_of(app).lookup_key,
            {Role.MEMBER},
            today,
            key_directory=keys,
        )
        for _ in range(2)
    ]
    assert await invites.invites_created(mina.id, MEMBERS_INVITE, keys, today) == 2
    # Someone joins with one: the invite goes, the member's count stays.
    await join(made[0].code, "Newcomer", PASSPHRASE, PASSPHRASE, secrets_of(app))
    assert not await Invite.exists(id=made[0].invite.id)
    assert await invites.invites_created(mina.id, MEMBERS_INVITE, keys, today) == 2
    with pytest.raises(InviteNotAllowed):
        await invites.create_invite(
            mina.id,
            Role.MEMBER,
            MEMBERS_INVITE,
            secrets_of(app).lookup_key,
            {Role.MEMBER},
            today,
            key_directory=keys,
        )
    assert await Invite.all().count() == 1  # the open one: the refused one wrote nothing
    [count] = await InviteCount.all()
    assert count.count == 2 and str(mina.id) not in count.tag

    # The next period starts from zero, under a new key; the old key is destroyed.
    later = invites.period_ends_on(invites.period_number(today, 30), 30)
    await invites.create_invite(
        mina.id,
        Role.MEMBER,
        MEMBERS_INVITE,
        secrets_of(app).lookup_key,
        {Role.MEMBER},
        later,
        key_directory=keys,
    )
    assert await invites.invites_created(mina.id, MEMBERS_INVITE, keys, later) == 1
    assert sorted(p.name for p in (keys / "invite_periods").iterdir()) == [
        str(invites.period_number(later, 30))
    ]


async def test_the_counting_statement_itself_refuses_past_the_limit(app):
    # Nothing is read before counting (a page may have read "1 left" for two requests at
    # once): the one statement that adds to the count refuses the second.
    keys = keys_of(app)
    mina = (await make_person(app, "Mina")).person
    one_left = Charter(who_may_invite="members", invites_per_member=1)
    lookup = secrets_of(app).lookup_key
    await invites.create_invite(
        mina.id, Role.MEMBER, one_left, lookup, {Role.MEMBER}, key_directory=keys
    )
    with pytest.raises(InviteNotAllowed):
        await invites.create_invite(
            mina.id, Role.MEMBER, one_left, lookup, {Role.MEMBER}, key_directory=keys
        )
    assert await Invite.all().count() == 1  # Mina's own joining invite is gone


async def test_leads_are_unlimited_and_leave_no_count(app):
    lena = (await make_person(app, "Lena", Role.LEAD)).person
    for _ in range(4):
        await invites.create_invite(
            lena.id,
            Role.ALLY,
            MEMBERS_INVITE,
            secrets_of(app).lookup_key,
            {Role.LEAD},
            key_directory=secrets_of(app).key_directory,
        )
    assert await InviteCount.all().count() == 0


async def test_redeeming_deletes_the_invite_and_counts_it_by_role(app):
    before = {row.role: row.count for row in await InvitesUsed.all()}
    made = await invites.create_invite(
        None, Role.ALLY, Charter(), secrets_of(app).lookup_key, key_directory=keys_of(app)
    )
    await join(made.code, "Dara", PASSPHRASE, PASSPHRASE, secrets_of(app))
    assert not await Invite.exists(id=made.invite.id)
    assert await invites.used_counts() == {**before, Role.ALLY: before.get(Role.ALLY, 0) + 1}
    # Claiming it again finds nothing, and raises nothing.
    assert await invites.claim_invite(made.invite.lookup) is None
    assert await Invite.filter(lookup=made.invite.lookup).count() == 0  # the connection still works


async def test_a_code_used_twice_is_refused_clearly_without_a_database_error(app, client):
    made = await invites.create_invite(
        None, Role.MEMBER, Charter(), secrets_of(app).lookup_key, key_directory=keys_of(app)
    )
    form = {"invite_code": made.code, "passphrase": PASSPHRASE, "confirmation": PASSPHRASE}
    first = await post_form(client, "/join", pseudonym="Amina", **form)
    assert first.status_code == 200
    client.cookies.clear()
    again = await post_form(client, "/join", pseudonym="Bao", **form)
    assert again.status_code == 400
    assert "We did not find that invite code" in again.text
    assert 'value="Bao"' in again.text
    # A database error on PostgreSQL would have aborted the test's transaction: it did not.
    assert await Invite.all().count() == 0


async def test_an_expired_invite_cannot_be_claimed(app):
    made = await invites.create_invite(
        None, Role.MEMBER, Charter(), secrets_of(app).lookup_key, key_directory=keys_of(app)
    )
    last_day = invites.last_valid_day(made.invite)
    assert await invites.claim_invite(made.invite.lookup, last_day + timedelta(days=1)) is None
    claimed = await invites.claim_invite(made.invite.lookup, last_day)
    assert claimed is not None and claimed.role == Role.MEMBER


async def test_the_job_destroys_past_periods_keys_and_counts(app):
    keys = keys_of(app)
    mina = (await make_person(app, "Mina")).person
    await set_charter_value("who_may_invite", "members")
    long_ago = invites.today() - timedelta(days=400)
    await invites.create_invite(
        mina.id,
        Role.MEMBER,
        MEMBERS_INVITE,
        secrets_of(app).lookup_key,
        {Role.MEMBER},
        long_ago,
        key_directory=keys,
    )
    old = invites.period_number(long_ago, 30)
    assert (keys / "invite_periods" / str(old)).exists()
    await end_invite_periods(keys)
    assert not (keys / "invite_periods" / str(old)).exists()
    assert await InviteCount.all().count() == 0
