"""A suspension's reason: required, trimmed, at most 1000 characters."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chorus.roles import Role
from governance.errors import ReasonInvalid
from governance.service.suspensions import REASON_MAX, clean_reason


@pytest.mark.parametrize(
    ("text", "problem"), [("", "empty"), (" \n\t", "empty"), ("x" * 1001, "long")]
)
def test_a_bad_reason_names_its_problem(text: str, problem: str):
    with pytest.raises(ReasonInvalid) as caught:
        clean_reason(text)
    assert caught.value.problem == problem


def test_a_reason_of_exactly_the_limit_is_kept_trimmed():
    assert clean_reason("  " + "x" * REASON_MAX + "\n") == "x" * REASON_MAX


@given(st.text(max_size=1200))
def test_any_text_is_a_clean_reason_or_a_named_problem(text: str):
    try:
        reason = clean_reason(text)
    except ReasonInvalid as error:
        assert error.problem in {"empty", "long"}
    else:
        assert reason == reason.strip() and 0 < len(reason) <= REASON_MAX


@pytest.mark.usefixtures("db")
async def test_the_record_says_which_lead_acted_but_a_closure_not_whose_account(orm):
    from chorus.roles import Role
    from governance.identity.keyring import Keyring
    from governance.identity.models import Closure, Credential, Suspension
    from governance.service.suspensions import close_account, suspend
    from tests.common.people import make_person

    lead = (await make_person(orm, "Lena", Role.LEAD)).person
    paused = (await make_person(orm, "Pat")).person
    gone = await make_person(orm, "Gone")
    await suspend(paused, "Asked by a member for their safety.", by=lead.id)
    assert (await Suspension.get(person=paused)).suspended_by_id == lead.id
    await close_account(gone.person, orm.of(Keyring).secrets)
    closure = await Closure.get()
    assert closure.closed_by_id is None  # the command line
    assert str(gone.person.id) not in str(closure.__dict__)
    assert not await Credential.exists(id=gone.credential.id)


@pytest.mark.usefixtures("db")
@pytest.mark.parametrize(
    ("roles", "allowed"),
    [
        ((Role.MEMBER,), True),
        ((Role.ALLY,), True),
        ((Role.PROVIDER,), True),
        ((Role.MEMBER, Role.ALLY, Role.PROVIDER), True),
        ((Role.LEAD,), False),
        ((Role.STEWARD,), False),
        ((Role.COMMITTEE,), False),
        ((Role.MEMBER, Role.COMMITTEE), False),
        ((Role.MEMBER, Role.LEAD), False),
    ],
)
async def test_a_lead_suspends_members_allies_and_providers_only(orm, roles, allowed):
    from governance.errors import NotForLeads
    from governance.identity.models import Suspension
    from governance.service.suspensions import leads_may_suspend, suspend
    from tests.common.people import make_person

    lead = (await make_person(orm, "Lena", Role.LEAD)).person
    target = (await make_person(orm, "Pat", *roles)).person
    assert leads_may_suspend(roles) is allowed
    if allowed:
        await suspend(target, "For everyone's safety.", by=lead.id)
    else:
        with pytest.raises(NotForLeads):
            await suspend(target, "For everyone's safety.", by=lead.id)
        assert not await Suspension.exists(person=target)
        # The command line (by=None) suspends anyone.
        await suspend(target, "For everyone's safety.", by=None)
    assert (await Suspension.get(person=target)).suspended_by_id == (lead.id if allowed else None)
