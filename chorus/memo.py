"""What pages read from the database, remembered in this process for a moment.

A memo keeps values read from the database (a session's person, a round, a page
rendered for everyone who holds the same roles) for at most `lifetime` seconds,
so that a page asked for again and again is not read and rendered again each
time. Any change made through this process forgets every memo at once
(`changed()`): every request that is not a GET or HEAD (chorus.middleware), an
ended session (governance.sessions) and every scheduled job (chorus.jobs). So a
person always sees the effect of what they just did, and a session that ended
here is refused on the very next request. A change made by another process
(another app process behind the load balancer, the `chorus` command) is seen
within `lifetime` seconds, as if the request had started that much earlier.

A value is kept under the generation current when reading it *began*: a value
read while something changed is stale on arrival and is not used again.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

from starlette.requests import HTTPConnection

T = TypeVar("T")

_generation = 0
_memos: weakref.WeakSet[Memo] = weakref.WeakSet()


def changed() -> None:
    """Something was written: every memo in this process forgets what it holds, at once
    (nothing read before stays in memory: who voted is gone as soon as a round closes)."""
    global _generation
    _generation += 1
    for memo in list(_memos):
        memo.clear()


def generation() -> int:
    return _generation


class Memo:
    """Values by key, each kept for at most `lifetime` seconds and until `changed()`.

    Bounded: when `size` values are held, it starts again empty (odd keys cannot
    fill the memory). Values past their lifetime are dropped as new ones come. A
    lifetime of 0 keeps nothing."""

    def __init__(self, lifetime: float, size: int = 4096) -> None:
        self.lifetime = lifetime
        self.size = size
        self._values: dict[Hashable, tuple[int, float, Any]] = {}
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
        if kept_in != _generation or time.monotonic() >= until:
            del self._values[key]
            return None
        return value

    def put(self, key: Hashable, value: object, read_in: int) -> None:
        """Keep `value`, read from the database since generation `read_in` began."""
        if self.lifetime <= 0 or read_in != _generation:
            return
        now = time.monotonic()
        # All values share one lifetime, so the oldest come first: drop those past it.
        while self._values:
            oldest = next(iter(self._values))
            if self._values[oldest][1] > now:
                break
            del self._values[oldest]
        if len(self._values) >= self.size:
            self._values.clear()
        self._values.pop(key, None)  # kept again: goes to the end, with the newest
        self._values[key] = (read_in, now + self.lifetime, value)

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
    memo: Memo = connection.app.state.memo
    return memo
