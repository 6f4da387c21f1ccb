from datetime import UTC, datetime, timedelta

import pytest

from governance.models import Session
from governance.sessions import (
    ABSOLUTE,
    IDLE,
    purge_expired_sessions,
    resume_session,
    round_up,
    start_session,
)
from tests.common.people import make_person

pytestmark = pytest.mark.usefixtures("db")

NOON = datetime(2026, 11, 23, 12, 3, 27, tzinfo=UTC)


def test_times_are_rounded_up_to_ten_minutes():
    assert round_up(NOON) == datetime(2026, 11, 23, 12, 10, tzinfo=UTC)
    assert round_up(datetime(2026, 11, 23, 12, 10, tzinfo=UTC)).minute == 10


async def test_a_session_stores_only_the_hash_and_rounded_times(app):
    person = (await make_person(app, "Amina")).person
    session_id = await start_session(person, now=NOON)
    row = await Session.get()
    assert session_id.hex() not in row.id_hash
    assert row.idle_expires_at == round_up(NOON + IDLE)
    assert row.expires_at == round_up(NOON + ABSOLUTE)
    assert row.idle_expires_at.second == 0 and row.idle_expires_at.minute % 10 == 0


async def test_idle_sessions_end_after_thirty_minutes(app):
    person = (await make_person(app, "Bao")).person
    session_id = await start_session(person, now=NOON)
    assert await resume_session(session_id, now=NOON + timedelta(minutes=25)) is not None
    assert await resume_session(session_id, now=NOON + timedelta(minutes=80)) is None
    assert await Session.all().count() == 0


async def test_activity_cannot_stretch_a_session_past_twelve_hours(app):
    person = (await make_person(app, "Carmen")).person
    session_id = await start_session(person, now=NOON)
    moment = NOON
    while moment < NOON + ABSOLUTE - timedelta(minutes=20):
        moment += timedelta(minutes=20)
        assert await resume_session(session_id, now=moment) is not None
    assert await resume_session(session_id, now=NOON + ABSOLUTE + timedelta(minutes=10)) is None


async def test_the_purge_job_removes_ended_sessions(app):
    person = (await make_person(app, "Dara")).person
    await start_session(person, now=NOON)
    await start_session(person, now=NOON + timedelta(hours=1))
    assert await purge_expired_sessions(now=NOON + timedelta(minutes=45)) == 1
    assert await Session.all().count() == 1
