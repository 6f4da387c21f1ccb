"""Slow work stays off the event loop: argon2 runs in a thread, in every path that
stretches a passphrase (joining, signing in, a teller round opened and counted)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from argon2.low_level import hash_secret_raw

from anonymity import wrapping
from chorus.roles import Role
from chorus.services import services
from proposals import service
from proposals.models import Phase, Round
from proposals.service import ProposalServices
from tests.common.forms import csrf_token
from tests.common.people import secrets_of, signed_in_client
from tests.common.rounds import add_proposal, advance_to, key_directory, spec

TELLERS = "four tellers hold this together"


@pytest.fixture
def argon2_threads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The thread of every argon2 call from now on."""
    threads: list[int] = []
    real: Callable[..., bytes] = hash_secret_raw

    def recorded(*args: Any, **kwargs: Any) -> bytes:
        threads.append(threading.get_ident())
        return real(*args, **kwargs)

    monkeypatch.setattr(wrapping, "hash_secret_raw", recorded)
    return threads


async def test_argon2_never_runs_on_the_event_loop(app, client, argon2_threads):
    loop_thread = threading.get_ident()
    lead, _ = await signed_in_client(app, client, "Lena", Role.LEAD, Role.MEMBER)
    joined_and_signed_in = len(argon2_threads)
    assert joined_and_signed_in >= 2

    round_ = await service.open_round(spec(), key_directory(app), TELLERS, secrets_of(app).profile)
    assert len(argon2_threads) == joined_and_signed_in + 1  # one stretch, before any write
    await add_proposal(app, round_, "Housing")
    round_ = await advance_to(app, round_, Phase.VOTING)
    later = round_.voting_ends + timedelta(minutes=1)
    await service.advance_due_rounds(
        key_directory(app), services(app).of(ProposalServices).electorate, later
    )
    page = await lead.get(f"/rounds/{round_.id}")
    counted = await lead.post(
        f"/rounds/{round_.id}/count",
        data={"csrf_token": csrf_token(page), "teller_passphrase": TELLERS},
    )
    assert counted.status_code == 303
    assert (await Round.get(id=round_.id)).phase == Phase.CLOSED

    assert len(argon2_threads) > joined_and_signed_in + 1
    assert loop_thread not in argon2_threads
