"""The stretch queue: one worker per core, those marked first before the rest, at most 20
waiting (issue 13, point 4)."""

from __future__ import annotations

import concurrent.futures
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from anonymity import stretching, wrapping
from anonymity.stretching import Busy, StretchQueue

WAIT = 10  # seconds: a bound on every wait here, so a broken queue fails, never hangs


class Gate:
    """Jobs that wait until the test opens the gate, and the order they ran in."""

    def __init__(self) -> None:
        self.open = threading.Event()
        self.started = threading.Semaphore(0)
        self.ran: list[str] = []
        self.lock = threading.Lock()

    def job(self, name: str) -> Callable[[], str]:
        def run() -> str:
            self.started.release()
            assert self.open.wait(WAIT)
            with self.lock:
                self.ran.append(name)
            return name

        return run

    def wait_started(self, count: int = 1) -> None:
        for _ in range(count):
            assert self.started.acquire(timeout=WAIT)


@pytest.fixture
def gate() -> Iterator[Gate]:
    found = Gate()
    yield found
    found.open.set()  # whatever happened, no worker stays blocked


def results(futures: list[concurrent.futures.Future[Any]]) -> list[Any]:
    return [future.result(timeout=WAIT) for future in futures]


def test_those_marked_first_go_before_the_rest_who_keep_their_order(gate: Gate) -> None:
    queue = StretchQueue(workers=1)
    busy = queue.submit(gate.job("running"))
    gate.wait_started()
    waiting = [
        queue.submit(gate.job("a")),
        queue.submit(gate.job("b")),
        queue.submit(gate.job("own device"), first=True),
        queue.submit(gate.job("c")),
        queue.submit(gate.job("own device too"), first=True),
    ]
    gate.open.set()
    results([busy, *waiting])
    assert gate.ran == ["running", "own device", "own device too", "a", "b", "c"]


def test_one_more_than_may_wait_is_refused_at_once(gate: Gate) -> None:
    queue = StretchQueue(workers=1, waiting=3)
    running = queue.submit(gate.job("running"))
    gate.wait_started()
    waiting = [queue.submit(gate.job(name)) for name in "abc"]
    assert queue.waiting == 3
    with pytest.raises(Busy):
        queue.submit(gate.job("d"))
    gate.open.set()
    assert results([running, *waiting]) == ["running", "a", "b", "c"]
    assert "d" not in gate.ran


def test_one_marked_first_takes_the_place_of_the_last_ordinary_one(gate: Gate) -> None:
    queue = StretchQueue(workers=1, waiting=3)
    running = queue.submit(gate.job("running"))
    gate.wait_started()
    a, b, c = (queue.submit(gate.job(name)) for name in "abc")
    mine = queue.submit(gate.job("own device"), first=True)
    with pytest.raises(Busy):
        c.result(timeout=WAIT)  # refused at once, before the gate opens
    assert queue.waiting == 3
    gate.open.set()
    assert results([running, mine, a, b]) == ["running", "own device", "a", "b"]


def test_a_queue_full_of_those_marked_first_refuses_one_more(gate: Gate) -> None:
    queue = StretchQueue(workers=1, waiting=2)
    queue.submit(gate.job("running"))
    gate.wait_started()
    queue.submit(gate.job("a"), first=True)
    queue.submit(gate.job("b"), first=True)
    with pytest.raises(Busy):
        queue.submit(gate.job("c"), first=True)


def test_as_many_run_at_once_as_there_are_workers() -> None:
    together = threading.Barrier(3, timeout=WAIT)
    queue = StretchQueue(workers=3)
    # Each waits for the other two: this ends only if all three run at the same time.
    futures = [queue.submit(together.wait) for _ in range(3)]
    assert sorted(results(futures)) == [0, 1, 2]


def test_a_job_whose_caller_left_never_runs_and_frees_its_place(gate: Gate) -> None:
    queue = StretchQueue(workers=1, waiting=1)
    running = queue.submit(gate.job("running"))
    gate.wait_started()
    left = queue.submit(gate.job("left"))
    assert left.cancel()
    assert queue.waiting == 0
    stays = queue.submit(gate.job("stays"))
    gate.open.set()
    assert results([running, stays]) == ["running", "stays"]
    assert gate.ran == ["running", "stays"]


def test_an_error_reaches_the_caller_and_the_worker_goes_on() -> None:
    queue = StretchQueue(workers=1)

    def fails() -> None:
        raise ValueError("no")

    with pytest.raises(ValueError):
        queue.submit(fails).result(timeout=WAIT)
    assert queue.submit(lambda: 42).result(timeout=WAIT) == 42


def test_the_process_queue_has_one_worker_per_core() -> None:
    assert stretching.queue() is stretching.queue()
    assert stretching.queue().workers == stretching.cores() >= 1
    assert stretching.queue().limit == 20


async def test_stretching_and_checking_go_through_the_process_queue(gate: Gate) -> None:
    from argon2.profiles import CHEAPEST

    queue = stretching.queue()
    stored, key = await wrapping.stretch_off_loop("a long passphrase", CHEAPEST)
    assert await wrapping.check_off_loop("a long passphrase", stored, first=True) == key
    # With every worker held and 20 waiting, one more stretch is Busy.
    held = [queue.submit(gate.job(f"held {n}")) for n in range(queue.workers)]
    gate.wait_started(queue.workers)
    waiting = [queue.submit(gate.job(f"waiting {n}")) for n in range(queue.limit)]
    with pytest.raises(Busy):
        await wrapping.check_off_loop("a long passphrase", stored)
    gate.open.set()
    results([*held, *waiting])
