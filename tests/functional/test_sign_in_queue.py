"""Passphrases wait their turn on a short queue, people on their own device first (issue 13,
point 4): at most 20 wait, then a translated 503 page that changes nothing."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from argon2.low_level import hash_secret_raw

from anonymity import stretching, wrapping
from governance.identity.models import Credential
from tests.common.forms import csrf_token
from tests.common.people import PASSPHRASE, another_client, invite_code, make_person, sign_in

pytestmark = pytest.mark.usefixtures("db")

WAIT = 10.0  # seconds: a bound on every wait, so a broken queue fails rather than hangs


@dataclass
class Crowd:
    """The process's stretch queue, made busy: every worker held, each until let go, and
    `limit` jobs waiting behind them until the crowd is let go."""

    held: list[threading.Event] = field(default_factory=list)
    waiting: list[concurrent.futures.Future[Any]] = field(default_factory=list)
    gone: threading.Event = field(default_factory=threading.Event)
    started: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(0))

    def hold(self, gate: threading.Event) -> Callable[[], None]:
        def job() -> None:
            self.started.release()
            gate.wait(WAIT)

        return job

    def fill(self) -> None:
        queue = stretching.queue()
        for _ in range(queue.workers):
            gate = threading.Event()
            self.held.append(gate)
            queue.submit(self.hold(gate))
            assert self.started.acquire(timeout=WAIT)
        self.waiting = [queue.submit(self.hold(self.gone)) for _ in range(queue.limit)]
        assert queue.waiting == queue.limit

    def let_go(self) -> None:
        self.gone.set()
        for gate in self.held:
            gate.set()

    def gone_by_now(self) -> None:
        """Let go, and wait until the queue has emptied."""
        self.let_go()
        concurrent.futures.wait(self.waiting, timeout=WAIT)
        assert stretching.queue().waiting == 0


@pytest.fixture
async def crowd() -> AsyncIterator[Crowd]:
    found = Crowd()
    yield found
    found.let_go()


async def test_a_full_queue_answers_a_translated_busy_page_and_changes_nothing(app, client, crowd):
    await make_person(app, "Amina")
    code = await invite_code(app)
    sign_in_page = await client.get("/sign-in")
    join_page = await client.get("/join")
    crowd.fill()
    french = {"accept-language": "fr"}
    answer = await client.post(
        "/sign-in",
        data={"csrf_token": csrf_token(sign_in_page), "pseudonym": "Amina", "passphrase": "x" * 20},
        headers=french,
    )
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "60"
    assert "Chorus est très occupé en ce moment" in answer.text
    assert "Quitter cette page" in answer.text  # the usual layout, exit link included
    assert "__Host-session" not in answer.headers.get("set-cookie", "")
    joined = await client.post(
        "/join",
        data={
            "csrf_token": csrf_token(join_page),
            "invite_code": code,
            "pseudonym": "Bao",
            "passphrase": PASSPHRASE,
            "confirmation": PASSPHRASE,
        },
    )
    assert joined.status_code == 503 and "Chorus is very busy right now" in joined.text
    assert await Credential.all().count() == 1  # Amina's only: nobody joined
    crowd.gone_by_now()
    assert (await sign_in(client, "Amina")).status_code == 303


async def test_a_sign_in_from_the_own_device_goes_before_everyone_waiting(app, client, crowd):
    await make_person(app, "Carmen")
    own = another_client(client)
    assert (await sign_in(own, "Carmen", own_device=True)).status_code == 303
    await own.post("/sign-out", data={"csrf_token": csrf_token(await own.get("/account"))})
    own_page = await own.get("/sign-in")
    other = another_client(client)
    other_page = await other.get("/sign-in")
    crowd.fill()

    fields = {"pseudonym": "Carmen", "passphrase": PASSPHRASE}
    mine = asyncio.ensure_future(
        own.post("/sign-in", data={"csrf_token": csrf_token(own_page), **fields})
    )
    # It takes the place of the last one to arrive, which is refused.
    last = crowd.waiting[-1]
    for _ in range(int(WAIT * 100)):
        if last.done():
            break
        await asyncio.sleep(0.01)
    assert isinstance(last.exception(timeout=0), stretching.Busy)
    # Without a device cookie, the queue is still full.
    refused = await other.post("/sign-in", data={"csrf_token": csrf_token(other_page), **fields})
    assert refused.status_code == 503
    # One worker comes free: it checks Carmen's passphrase before the 19 still waiting.
    crowd.held[0].set()
    signed = await asyncio.wait_for(mine, WAIT)
    assert signed.status_code == 303
    assert not any(job.done() for job in crowd.waiting[:-1])
    await own.aclose()
    await other.aclose()


async def test_known_and_unknown_names_cost_one_equal_stretch_in_the_same_queue(
    app, client, monkeypatch
):
    """No enumeration by timing: a name nobody has costs what a wrong passphrase does."""
    calls: list[tuple[str, tuple[Any, ...]]] = []
    real_run = stretching.StretchQueue.run

    async def recorded_run(self, function, *args, first=False):
        calls.append(("queue", (first,)))
        return await real_run(self, function, *args, first=first)

    def recorded_hash(secret: bytes, salt: bytes, **cost: Any) -> bytes:
        calls.append(("argon2", tuple(sorted(cost.items()))))
        return hash_secret_raw(secret, salt, **cost)

    await make_person(app, "Dara")
    monkeypatch.setattr(stretching.StretchQueue, "run", recorded_run)
    monkeypatch.setattr(wrapping, "hash_secret_raw", recorded_hash)
    seen = []
    for name in ("Dara", "Nobody at all"):
        calls.clear()
        assert (await sign_in(client, name, "a wrong passphrase")).status_code == 400
        seen.append(list(calls))
    assert seen[0] == seen[1]
    assert [kind for kind, _ in seen[0]] == ["queue", "argon2"]
