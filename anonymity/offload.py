"""Work too long for the event loop, run in another process.

Opening a round's ballots and counting them is pure Python for seconds (about
5 s for 100,000 ballots): in a thread it would still hold the GIL and freeze
every page of the process meanwhile. So it runs in a small process pool (one
worker, started with `spawn` the first time it is needed, so it inherits no
open connection or file), through `run_in_process`, which takes a top-level
function and picklable values only. Keys travel to the worker through a pipe,
never through a file. The pool is shut down when the process exits.

argon2 needs no process: it releases the GIL, so a thread per core is enough
(anonymity.stretching).
"""

from __future__ import annotations

import asyncio
import atexit
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

T = TypeVar("T")

_pool: ProcessPoolExecutor | None = None
_registered = False

# For the closing benchmark only: True runs the work on the event loop, as before.
inline = False


def _start_worker() -> None:
    """In the worker, before any work: Ctrl-C reaches the whole process group, so the
    parent decides; and when the parent dies without shutting the pool down (killed), the
    worker ends too, rather than wait forever for work."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_end_with, args=(parent.sentinel,), daemon=True).start()


def _end_with(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(0)


def _executor() -> ProcessPoolExecutor:
    global _pool, _registered
    if _pool is None:
        _pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
        )
        if not _registered:
            atexit.register(shutdown)
            _registered = True
    return _pool


async def run_in_process(function: Callable[..., T], *args: object) -> T:
    """`function(*args)` in the worker process, the event loop free meanwhile.

    `function` must be a module's top-level function (or a functools.partial of one)
    and its arguments picklable. A worker that died (out of memory, say) is replaced at
    the next call; this one raises BrokenProcessPool.
    """
    if inline:
        return function(*args)
    loop = asyncio.get_running_loop()
    try:
        return await loop.run_in_executor(_executor(), function, *args)
    except BrokenProcessPool:
        shutdown()
        raise


def _ready() -> bool:
    return True


async def start() -> None:
    """Start the worker now rather than at the first call (it imports the app's modules,
    which takes a second or so); a benchmark's figures then leave that out."""
    if not inline:
        await run_in_process(_ready)


def shutdown() -> None:
    """Stop the worker (a later call starts a new one)."""
    global _pool
    pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)
