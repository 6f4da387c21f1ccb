from datetime import UTC, datetime, timedelta
from typing import cast

import pytest

from governance.models import Person, Session
from governance.sessions import (
    ABSOLUTE,
    IDLE,
    LiveSession,
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


GRID = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def test_a_remembered_session_is_let_in_exactly_when_resuming_it_would_write_nothing():
    """Every case near the 10-minute grid, where the answer changes: idle end on the grid
    or off it, the absolute end before, at or after it, and each second around the grid
    from an hour before to twenty minutes after."""
    moments = [
        timedelta(minutes=step * 10, seconds=second)
        for step in range(-6, 3)
        for second in (-1, 0, 1, 150, 300, 450)
    ]
    for off_grid in (False, True):
        idle_at = GRID + timedelta(minutes=7 if off_grid else 0)
        for ends_step in range(-1, 4):
            ends_at = GRID + timedelta(minutes=ends_step * 10)
            known = LiveSession(cast(Person, None), frozenset(), idle_at, ends_at)
            for extend in (False, True):
                for shift in moments:
                    moment = idle_at + shift
                    # What resume_session does: live, and (when extending) nothing to write.
                    writes = min(round_up(moment + IDLE), ends_at) != idle_at
                    expected = moment < idle_at and moment < ends_at and not (extend and writes)
                    case = (off_grid, ends_step, extend, shift)
                    assert known.still_live(moment.timestamp(), extend=extend) == expected, case
