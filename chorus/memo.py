"""What pages read from the database, remembered in this process for a moment.

A memo keeps values read from the database (a session's person, a round, a page
rendered for everyone who holds the same roles) for at most `lifetime` seconds,
so that a page asked for again and again is not read and rendered again each
time. Any change made through this process empties every memo at once
(`changed()`): every request but a GET, HEAD or OPTIONS that passed the CSRF
check (chorus.middleware), an ended session (governance.identity.service.sessions) and every
scheduled job (chorus.jobs). So a person always sees the effect of what they
just did, and a session that ended here is refused on the very next request. A
change made by another process (another app process behind the load balancer,
the `chorus` command, `chorus worker`) is seen within `lifetime` seconds, as if
the request had started that much earlier. Nothing stays in memory longer than
`lifetime` either: what a page needed to know (whether this person has voted,
say) is gone a second later.

A value is kept under the generation current when reading it *began*: a value
read while something changed is stale on arrival and is not used again.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

from starlette.requests import HTTPConnection

T = TypeVar("T")

_generation = 0
_memos: weakref.WeakSet[Memo] = weakref.WeakSet()


def changed() -> None:
    """Something was written: every memo in this process forgets what it holds, at once."""
    global _generation
    _generation += 1
    for memo in list(_memos):
        memo.clear()


def generation() -> int:
    return _generation


class Memo:
    """Values by key, each kept for at most `lifetime` seconds and until `changed()`.

    A value leaves memory when its lifetime ends, even in a process that nothing else
    touches (a sweep is scheduled on the event loop). Bounded: when `size` values are
    held, it starts again empty (odd keys cannot fill the memory). A lifetime of 0
    keeps nothing."""

    def __init__(self, lifetime: float, size: int = 4096, *, follows_changes: bool = True) -> None:
        self.lifetime = lifetime
        self.size = size
        # False for values that no change can make wrong (a page made of the very values
        # that are its key): they are kept for their lifetime, whatever changes.
        self.follows_changes = follows_changes
        # Oldest first: all values share one lifetime, so this is also expiry order.
        self._values: OrderedDict[Hashable, tuple[int, float, Any]] = OrderedDict()
        self._sweep: asyncio.TimerHandle | None = None
        if follows_changes:
            _memos.add(self)

    def clear(self) -> None:
        self._values.clear()

    def __len__(self) -> int:
        return len(self._values)

    def get(self, key: Hashable) -> Any | None:
        found = self._values.get(key)
        if found is None:
            return None
        kept_in, until, value = found
        stale = self.follows_changes and kept_in != _generation
        if stale or time.monotonic() >= until:
            del self._values[key]
            return None
        return value

    def put(self, key: Hashable, value: object, read_in: int = -1) -> None:
        """Keep `value`, read from the database since generation `read_in` began."""
        if self.lifetime <= 0 or (self.follows_changes and read_in != _generation):
            return
        now = time.monotonic()
        self._drop_expired(now)
        if len(self._values) >= self.size:
            self._values.clear()
        self._values[key] = (read_in, now + self.lifetime, value)
        self._values.move_to_end(key)
        self._sweep_later(now)

    def _drop_expired(self, now: float) -> None:
        while self._values:
            _, until, _ = next(iter(self._values.values()))
            if until > now:
                return
            self._values.popitem(last=False)

    def _sweep_later(self, now: float) -> None:
        """Drop the oldest value when its lifetime ends, then the next, and so on."""
        if self._sweep is not None or not self._values:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no event loop (a plain script): values leave as new ones come
        _, until, _ = next(iter(self._values.values()))
        self._sweep = loop.call_later(max(until - now, 0), self._swept)

    def _swept(self) -> None:
        self._sweep = None
        now = time.monotonic()
        self._drop_expired(now)
        self._sweep_later(now)

    async def get_or_read(self, key: Hashable, read: Callable[[], Awaitable[T]]) -> T:
        """The value kept under `key`, else `read()`, kept for next time."""
        found = self.get(key)
        if found is not None:
            return found  # type: ignore[no-any-return]
        began = _generation
        value = await read()
        self.put(key, value, began)
        return value


def memo_of(connection: HTTPConnection) -> Memo:
    """The app's memo (chorus.app.create_app makes one, with the settings' lifetime)."""
    from chorus.services import services  # services names this module's types

    memo: Memo = services(connection).memo
    return memo
