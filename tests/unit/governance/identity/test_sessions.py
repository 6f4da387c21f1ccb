import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance.identity.models import Credential, Person, SignedOut
from governance.identity.service.accounts import end_every_session
from governance.identity.service.sessions import (
    ABSOLUTE,
    IDLE,
    Ticket,
    end_all_sessions,
    end_session,
    new_ticket,
    purge_signed_out,
    resume_session,
    round_up,
)
from tests.common.people import make_person

NOON = datetime(2026, 11, 23, 12, 3, 27, tzinfo=UTC)
KEY = bytes(range(32))


def test_times_are_rounded_up_to_ten_minutes():
    assert round_up(NOON) == datetime(2026, 11, 23, 12, 10, tzinfo=UTC)
    assert round_up(datetime(2026, 11, 23, 12, 10, tzinfo=UTC)).minute == 10


def ticket_at(now: datetime, pseudonym: str = "Amina") -> Ticket:
    person = Person(id=uuid.UUID("0b5e4c1a-3f0e-4d55-9a55-6d1f3b1e2c3d"), session_generation=3)
    credential = Credential(id=uuid.uuid4(), session_generation=5)
    return new_ticket(person, credential, KEY, pseudonym, now=now)


def test_a_ticket_holds_rounded_times_only():
    ticket = ticket_at(NOON)
    assert ticket.idle_expires_at == round_up(NOON + IDLE)
    assert ticket.expires_at == round_up(NOON + ABSOLUTE)
    assert ticket.idle_expires_at.second == 0 and ticket.idle_expires_at.minute % 10 == 0


@given(st.text(max_size=40), st.integers(0, 2**32 - 1), st.integers(0, 200_000))
def test_a_ticket_survives_packing(pseudonym, generation, minutes):
    now = NOON + timedelta(minutes=minutes)
    ticket = ticket_at(now, pseudonym)
    ticket = Ticket(
        ticket.session_id,
        ticket.person_id,
        generation,
        ticket.credential_id,
        generation // 2,
        ticket.idle_expires_at,
        ticket.expires_at,
        ticket.personal_key,
        ticket.pseudonym,
    )
    assert Ticket.unpack(ticket.pack()) == ticket


def test_garbage_is_no_ticket():
    assert Ticket.unpack(b"short") is None


def test_idle_tickets_end_after_thirty_minutes():
    ticket = ticket_at(NOON)
    assert ticket.live_at(NOON + timedelta(minutes=25))
    assert not ticket.live_at(NOON + timedelta(minutes=40))


def test_activity_moves_the_idle_end_at_most_once_per_ten_minutes():
    ticket = ticket_at(NOON)
    fresh = {ticket.extended(NOON + timedelta(seconds=s)).idle_expires_at for s in range(0, 390)}
    assert fresh == {ticket.idle_expires_at}  # no fresh cookie within the first minutes
    later = ticket.extended(NOON + timedelta(minutes=10))
    assert later.idle_expires_at == ticket.idle_expires_at + timedelta(minutes=10)
    assert ticket.extended(NOON + timedelta(minutes=1)) is ticket


def test_activity_cannot_stretch_a_ticket_past_twelve_hours():
    ticket = ticket_at(NOON)
    moment = NOON
    while moment < NOON + ABSOLUTE - timedelta(minutes=20):
        moment += timedelta(minutes=20)
        ticket = ticket.extended(moment)
        assert ticket.live_at(moment)
    assert ticket.idle_expires_at <= ticket.expires_at
    assert not ticket.extended(NOON + ABSOLUTE).live_at(NOON + ABSOLUTE + timedelta(minutes=10))


@pytest.mark.usefixtures("db")
async def test_a_session_is_live_until_signed_out_and_writes_only_a_keyed_hash(orm):
    joined = await make_person(orm, "Bao")
    ticket = new_ticket(joined.person, joined.credential, joined.personal_key, "Bao")
    live = await resume_session(ticket, "a" * 64)
    assert live is not None and live.person.id == joined.person.id
    await end_session("a" * 64, ticket.expires_at)
    await end_session("a" * 64, ticket.expires_at)  # twice is no error
    assert await resume_session(ticket, "a" * 64) is None
    hashes: list[Any] = await SignedOut.all().values_list("id_hash", flat=True)
    assert hashes == ["a" * 64]


@pytest.mark.usefixtures("db")
async def test_ending_every_session_refuses_older_tickets_only(orm):
    joined = await make_person(orm, "Carmen")

    def ticket() -> Ticket:
        return new_ticket(joined.person, joined.credential, joined.personal_key, "Carmen")

    older = ticket()
    await end_all_sessions(joined.person)  # a lead's suspension
    newer = ticket()
    await end_every_session(joined.credential)  # the person's own "sign out everywhere"
    newest = ticket()
    assert await resume_session(older, "b" * 64) is None
    assert await resume_session(newer, "b" * 64) is None
    assert await resume_session(newest, "b" * 64) is not None


@pytest.mark.usefixtures("db")
async def test_the_purge_job_removes_expired_sign_outs(orm):
    await end_session("c" * 64, NOON + timedelta(minutes=30))
    await end_session("d" * 64, NOON + timedelta(hours=2))
    assert await purge_signed_out(now=NOON + timedelta(minutes=45)) == 1
    assert await SignedOut.all().count() == 1
