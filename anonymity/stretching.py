"""Where argon2 runs: one worker per core, a short queue, people on their own device first.

Stretching a passphrase takes about a tenth of a second of every core, on purpose.
Handed to a thread per request, a flood of sign-ins with made-up names queued every
real one behind it: 100 of them made a sign-in take 56 s on two cores. So stretches
go through one `StretchQueue` per process:

- at most one stretch per core runs at a time (argon2-cffi releases the GIL, so a
  thread each is enough, and nothing has to be copied to another process);
- those waiting start in the order they came, except the ones marked `first` (a
  sign-in from a device its owner marked as their own), which go before the rest;
- at most `waiting` (20) wait; one more is refused at once with `Busy`, which the app
  answers with a "try again in a minute" page. A `first` one that finds the queue full
  takes the place of the last ordinary one to arrive, which is refused instead.

Who waits is never told apart by the name it gives: a name nobody has costs one
stretch of the same price as a real check (governance.identity.service.accounts), and
both wait in the same queue.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import heapq
import itertools
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")

WAITING = 20  # stretches that may wait for a worker; one more is Busy


class Busy(Exception):
    """Too many passphrases are waiting to be checked: nothing was done, try again soon."""


def cores() -> int:
    """The cores this process may use (fewer than the machine's under a CPU affinity)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(order=True)
class _Job:
    rank: int  # 0 for those that go first, 1 for the others
    number: int  # arrival order
    function: Callable[..., Any] = field(compare=False)
    args: tuple[Any, ...] = field(compare=False)
    future: concurrent.futures.Future[Any] = field(compare=False)


class StretchQueue:
    """`workers` threads running the jobs of one priority queue of at most `waiting`."""

    def __init__(self, workers: int | None = None, waiting: int = WAITING) -> None:
        self.workers = workers or cores()
        self.limit = waiting
        self._jobs: list[_Job] = []  # a heap: those that go first, then by arrival
        self._arrivals = itertools.count()
        self._ready = threading.Condition()
        self._threads: list[threading.Thread] = []

    @property
    def waiting(self) -> int:
        with self._ready:
            return sum(not job.future.cancelled() for job in self._jobs)

    def submit(
        self, function: Callable[..., T], *args: Any, first: bool = False
    ) -> concurrent.futures.Future[T]:
        """Queue `function(*args)`; Busy at once if `waiting` jobs already wait."""
        future: concurrent.futures.Future[T] = concurrent.futures.Future()
        job = _Job(0 if first else 1, next(self._arrivals), function, args, future)
        with self._ready:
            if len(self._jobs) >= self.limit:
                self._forget_cancelled()
            if len(self._jobs) >= self.limit:
                self._make_room(first)
            heapq.heappush(self._jobs, job)
            if len(self._threads) < self.workers:
                self._start_worker()
            self._ready.notify()
        return future

    async def run(self, function: Callable[..., T], *args: Any, first: bool = False) -> T:
        """`function(*args)` on a worker, the event loop free meanwhile. If the caller is
        cancelled while it waits (the person left), it leaves the queue."""
        return await asyncio.wrap_future(self.submit(function, *args, first=first))

    def _forget_cancelled(self) -> None:
        kept = [job for job in self._jobs if not job.future.cancelled()]
        if len(kept) != len(self._jobs):
            self._jobs = kept
            heapq.heapify(self._jobs)

    def _make_room(self, first: bool) -> None:
        """Room for a job that goes first: the last ordinary one to arrive leaves, refused."""
        ordinary = [job for job in self._jobs if job.rank == 1]
        if not first or not ordinary:
            raise Busy
        last = max(ordinary, key=lambda job: job.number)
        self._jobs.remove(last)
        heapq.heapify(self._jobs)
        last.future.set_exception(Busy())

    def _start_worker(self) -> None:
        worker = threading.Thread(target=self._work, name="chorus-argon2", daemon=True)
        self._threads.append(worker)
        worker.start()

    def _work(self) -> None:
        while True:
            with self._ready:
                while not self._jobs:
                    self._ready.wait()
                job = heapq.heappop(self._jobs)
            if not job.future.set_running_or_notify_cancel():
                continue  # its caller gave up while it waited
            try:
                result = job.function(*job.args)
            except BaseException as error:  # handed to the caller, whatever it is
                job.future.set_exception(error)
            else:
                job.future.set_result(result)


_queue: StretchQueue | None = None
_made = threading.Lock()


def queue() -> StretchQueue:
    """This process's queue, made at its first use with one worker per core."""
    global _queue
    with _made:
        if _queue is None:
            _queue = StretchQueue()
        return _queue
