"""A suspension's reason: required, trimmed, at most 1000 characters."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
    from governance.identity.models import Closure, Suspension
    from governance.service.suspensions import close_account, suspend
    from tests.common.people import make_person

    lead = (await make_person(orm, "Lena", Role.LEAD)).person
    paused = (await make_person(orm, "Pat")).person
    gone = (await make_person(orm, "Gone")).person
    await suspend(paused, "Asked by a member for their safety.", by=lead.id)
    assert (await Suspension.get(person=paused)).suspended_by_id == lead.id
    await close_account(gone, by=lead.id, asked=True, keys=orm.settings.key_directory)
    closure = await Closure.get()
    assert closure.closed_by_id == lead.id
    assert str(gone.id) not in str(closure.__dict__)
