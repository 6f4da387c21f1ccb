"""Who may invite whom, how many invites are left, and what state an invite is in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from governance.charter import Charter
from governance.invites import invite_status, invites_left, may_invite, roles_one_may_invite
from governance.models import Invite, InviteState, Role

NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)


def test_leads_invite_every_role_but_steward_and_committee():
    assert set(roles_one_may_invite({Role.LEAD})) == {
        Role.MEMBER,
        Role.ALLY,
        Role.LEAD,
        Role.PROVIDER,
    }


def test_stewards_may_also_invite_stewards_but_nobody_invites_the_committee():
    offered = roles_one_may_invite({Role.STEWARD})
    assert Role.STEWARD in offered and Role.COMMITTEE not in offered


def test_members_invite_members_only():
    assert roles_one_may_invite({Role.MEMBER}) == [Role.MEMBER]


@pytest.mark.parametrize(
    ("who", "created", "left"),
    [("leads", 0, 0), ("members", 0, 5), ("members", 4, 1), ("members", 5, 0), ("members", 9, 0)],
)
def test_invites_left_follow_the_charter(who: str, created: int, left: int):
    charter = Charter(who_may_invite=who, invites_per_member=5)
    assert invites_left(created, charter) == left
    assert may_invite({Role.MEMBER}, charter, created) == (left > 0)


@pytest.mark.parametrize(
    ("state", "expires_in", "status"),
    [
        (InviteState.OPEN, timedelta(days=1), "open"),
        (InviteState.OPEN, timedelta(0), "expired"),
        (InviteState.OPEN, -timedelta(days=1), "expired"),
        (InviteState.USED, -timedelta(days=1), "used"),
        (InviteState.REVOKED, timedelta(days=1), "revoked"),
    ],
)
def test_an_open_invite_past_its_date_is_expired(state, expires_in, status):
    invite = Invite(lookup="x", role=Role.MEMBER, expires_at=NOW + expires_in, state=state)
    assert invite_status(invite, NOW) == status


@pytest.mark.usefixtures("db")
async def test_the_limit_holds_even_when_the_count_read_earlier_is_stale(app):
    # Two requests racing both read the count before either writes it: the same as
    # creating with a stale copy of the member. The counting statement must refuse.
    from governance.errors import InviteNotAllowed
    from governance.invites import create_invite
    from governance.models import Person
    from tests.common.people import make_person, secrets_of

    stale = (await make_person(app, "Quick")).person
    charter = Charter(who_may_invite="members", invites_per_member=2)
    key = secrets_of(app).lookup_key
    for _ in range(2):
        await create_invite(stale, Role.MEMBER, charter, key, {Role.MEMBER})
    assert stale.invites_created == 0  # the copy in hand still says none were made
    with pytest.raises(InviteNotAllowed):
        await create_invite(stale, Role.MEMBER, charter, key, {Role.MEMBER})
    assert (await Person.get(id=stale.id)).invites_created == 2
    assert await Invite.filter(created_by_id=stale.id).count() == 2
