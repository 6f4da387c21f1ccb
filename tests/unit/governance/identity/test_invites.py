"""Who may invite whom, how many invites are left, and what state an invite is in."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chorus.roles import Role
from governance.identity.models import Invite, InviteState
from governance.identity.service.invites import (
    creator_tag,
    invite_status,
    invites_left,
    last_valid_day,
    may_invite,
    period_ends_on,
    period_key,
    period_number,
    roles_one_may_invite,
)
from governance.service.charter import Charter

TODAY = date(2025, 6, 1)


@pytest.mark.parametrize(
    "roles", [{Role.LEAD}, {Role.STEWARD}, {Role.LEAD, Role.STEWARD}, {Role.LEAD, Role.MEMBER}]
)
def test_leads_and_stewards_invite_members_allies_and_providers_only(roles):
    # Leads and the committee come from members' elections; the command line makes the
    # first steward, the first leads and an interim committee.
    assert roles_one_may_invite(roles) == [Role.MEMBER, Role.ALLY, Role.PROVIDER]


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
        (InviteState.REVOKED, timedelta(days=1), "revoked"),
    ],
)
def test_an_open_invite_is_expired_from_its_expiry_day_on(state, expires_in, status):
    invite = Invite(lookup="x", role=Role.MEMBER, expires_on=TODAY + expires_in, state=state)
    assert invite_status(invite, TODAY) == status


def test_an_invite_is_valid_until_the_day_before_it_expires():
    invite = Invite(lookup="x", role=Role.MEMBER, expires_on=date(2025, 6, 15))
    assert last_valid_day(invite) == date(2025, 6, 14)


@pytest.mark.parametrize(
    ("day", "days", "number", "ends"),
    [
        (date(1970, 1, 1), 30, 0, date(1970, 1, 31)),
        (date(1970, 1, 30), 30, 0, date(1970, 1, 31)),
        (date(1970, 1, 31), 30, 1, date(1970, 3, 2)),
        (date(2025, 6, 1), 7, 2891, date(2025, 6, 5)),
        (date(2025, 6, 1), 0, 20240, date(2025, 6, 2)),  # a period is never shorter than a day
    ],
)
def test_invite_periods_are_counted_in_days_since_1970(day, days, number, ends):
    assert period_number(day, days) == number
    assert period_ends_on(number, days) == ends
    assert period_ends_on(number, days) > day


@given(st.dates(min_value=date(1970, 1, 1)), st.integers(min_value=1, max_value=400))
def test_every_day_falls_in_exactly_one_period(day, days):
    number = period_number(day, days)
    assert period_ends_on(number - 1, days) <= day < period_ends_on(number, days)


def test_a_period_key_is_made_once_and_older_ones_are_destroyed(tmp_path):
    first = period_key(tmp_path, 10, create=True)
    assert first is not None and len(first) == 32
    assert period_key(tmp_path, 10, create=True) == first
    assert period_key(tmp_path, 11, create=False) is None
    assert (tmp_path / "invite_periods" / "10").stat().st_mode & 0o077 == 0
    second = period_key(tmp_path, 11, create=True)
    assert second is not None and second != first
    # Making period 11's key destroyed period 10's: its counts name nobody, even to the host.
    assert sorted(path.name for path in (tmp_path / "invite_periods").iterdir()) == ["11"]
    assert period_key(tmp_path, 10, create=False) is None


def test_a_creator_tag_depends_on_the_period_key():
    person = uuid.uuid4()
    assert creator_tag(b"a" * 32, person) != creator_tag(b"b" * 32, person)
    assert str(person) not in creator_tag(b"a" * 32, person)


@pytest.mark.usefixtures("db")
@pytest.mark.parametrize(
    ("creator_roles", "role", "allowed"),
    [
        ({Role.LEAD}, Role.PROVIDER, True),
        ({Role.LEAD}, Role.LEAD, False),
        ({Role.LEAD}, Role.STEWARD, False),
        ({Role.STEWARD}, Role.STEWARD, False),
        ({Role.STEWARD}, Role.LEAD, False),
        ({Role.LEAD, Role.STEWARD}, Role.COMMITTEE, False),
        (None, Role.LEAD, True),  # the command line: a network's first leads
        (None, Role.STEWARD, True),
        (None, Role.COMMITTEE, False),  # seated by `chorus seat-committee`, never invited
    ],
)
async def test_who_may_create_an_invite_for_which_role(orm, creator_roles, role, allowed):
    from governance.identity.errors import InviteNotAllowed
    from governance.identity.service.invites import create_invite

    creator = None if creator_roles is None else uuid.uuid4()
    keys = orm.settings.key_directory

    async def create() -> Invite:
        made = await create_invite(
            creator, role, Charter(), orm.lookup_key, creator_roles, key_directory=keys
        )
        return made.invite

    if allowed:
        assert (await create()).role == role
    else:
        with pytest.raises(InviteNotAllowed):
            await create()
        assert not await Invite.filter(role=role).exists()
