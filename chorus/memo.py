"""What pages read from the database, remembered in this process for a moment.

Everything Chorus keeps between requests is here: the `Memo` (values for at most
`lifetime` seconds, CHORUS_MEMO_SECONDS), the keys writes announce, and the
`shared_page` decorator for pages that are the same for everyone with the same roles.

Invalidation is keyed. A value is kept with a `Stamp`: the keys it was read from
(`round_key(id)`, `ROUNDS`, `CHARTER`, `SESSIONS`) and their generation when reading it
*began*. A write says what it changed, once, where it happens (`changed(ROUNDS,
round_key(id))` in proposals.service, `changed(SESSIONS)` where a session ends, …):
only values read from those keys are forgotten, at once and from memory, and a value
read while one of its keys changed is stale on arrival and is not kept. A request that
writes nothing forgets nothing (changing the language, a refused form, a ballot cast by
someone else). `changed()` without keys forgets everything (a scheduled job, which may
have moved any round on).

A change made by another process (another app process behind the load balancer, the
`chorus` command, `chorus worker`) is not announced here: it is seen within `lifetime`
seconds, as if the request had started that much earlier. Nothing stays in memory longer
than `lifetime` either: what a page needed to know (whether this person has voted, say)
is gone a second later.

Keys name things shared by everyone (a round, the list of rounds, the charter), never a
person: no key, and so no generation counter, outlives its values with an id of someone.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import time
import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from starlette.requests import HTTPConnection, Request
from starlette.responses import Response

from chorus.services import services

if TYPE_CHECKING:
    from uuid import UUID

T = TypeVar("T")
Key = tuple[Hashable, ...]

# What writes announce (see `changed`).
ROUNDS: Key = ("rounds",)  # the list of rounds: a round opened, or moved to another phase
CHARTER: Key = ("charter",)  # the charter's values (thresholds, counts)
SESSIONS: Key = ("sessions",)  # a session ended, or someone's roles or credentials changed


def round_key(round_id: UUID | str) -> Key:
    """A round and everything on its pages: its phase and dates, proposals, ballot, count."""
    return ("round", str(round_id))


KEPT_KEYS = 4096  # generation counters kept before starting again from a new epoch

_epoch = 0
_generations: dict[Key, int] = {}
_memos: weakref.WeakSet[Memo] = weakref.WeakSet()
_announced: contextvars.ContextVar[list[tuple[Key, ...]] | None] = contextvars.ContextVar(
    "announced", default=None
)


@dataclass(frozen=True)
class Stamp:
    """The keys a value is read from, and their generations when reading it began."""

    keys: tuple[Key, ...]
    epoch: int
    numbers: tuple[int, ...]

    @property
    def current(self) -> bool:
        return self == generation(*self.keys)


def generation(*keys: Key) -> Stamp:
    """Where `keys` stand now: take it before reading what depends on them."""
    return Stamp(keys, _epoch, tuple(_generations.get(key, 0) for key in keys))


def changed(*keys: Key) -> None:
    """`keys` were written: every value read from one of them is forgotten, at once. No
    keys: anything may have changed, every memo of this process forgets everything."""
    told = _announced.get()
    if told is not None:
        told.append(keys)
    _change(keys)


@contextlib.contextmanager
def announced() -> Iterator[list[tuple[Key, ...]]]:
    """What `changed` is told within (a request: chorus.middleware.ChangesMiddleware)."""
    told: list[tuple[Key, ...]] = []
    token = _announced.set(told)
    try:
        yield told
    finally:
        _announced.reset(token)


def changed_again(told: list[tuple[Key, ...]]) -> None:
    """Announce again what was announced (once the writes are committed)."""
    for keys in list(told):
        _change(keys)


def _change(keys: tuple[Key, ...]) -> None:
    global _epoch
    if not keys or len(_generations) >= KEPT_KEYS:
        _epoch += 1
        _generations.clear()
        for memo in list(_memos):
            memo.clear()
        return
    for key in keys:
        _generations[key] = _generations.get(key, 0) + 1
    gone = set(keys)
    for memo in list(_memos):
        memo.forget_read_from(gone)


class Memo:
    """Values by key, each kept for at most `lifetime` seconds and while the keys it was
    read from (its `Stamp`) have not changed.

    A value leaves memory when its lifetime ends, even in a process that nothing else
    touches (a sweep is scheduled on the event loop), and when one of its keys changes.
    Bounded: when `size` values are held, it starts again empty (odd keys cannot fill the
    memory). A lifetime of 0 keeps nothing."""

    def __init__(self, lifetime: float, size: int = 4096, *, follows_changes: bool = True) -> None:
        self.lifetime = lifetime
        self.size = size
        # False for values that no change can make wrong (a page made of the very values
        # that are its key): they are kept for their lifetime, whatever changes.
        self.follows_changes = follows_changes
        # Oldest first: all values share one lifetime, so this is also expiry order.
        self._values: OrderedDict[Hashable, tuple[Stamp | None, float, Any]] = OrderedDict()
        self._sweep: asyncio.TimerHandle | None = None
        if follows_changes:
            _memos.add(self)

    def clear(self) -> None:
        self._values.clear()

    def __len__(self) -> int:
        return len(self._values)

    def forget(self, key: Hashable) -> None:
        """Drop one value now (what one person just changed of their own)."""
        self._values.pop(key, None)

    def forget_read_from(self, keys: set[Key]) -> None:
        stale = [
            key
            for key, (stamp, _, _) in self._values.items()
            if stamp is None or not keys.isdisjoint(stamp.keys)
        ]
        for key in stale:
            del self._values[key]

    def get(self, key: Hashable) -> Any | None:
        found = self._values.get(key)
        if found is None:
            return None
        stamp, until, value = found
        stale = self.follows_changes and (stamp is None or not stamp.current)
        if stale or time.monotonic() >= until:
            del self._values[key]
            return None
        return value

    def put(self, key: Hashable, value: object, read_in: Stamp | None = None) -> None:
        """Keep `value`, read since `read_in` (`generation(*keys it was read from)`)."""
        if self.lifetime <= 0:
            return
        if self.follows_changes and (read_in is None or not read_in.current):
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

    async def get_or_read(
        self, key: Hashable, read: Callable[[], Awaitable[T]], *depends: Key
    ) -> T:
        """The value kept under `key`, else `read()` (from `depends`), kept for next time."""
        found = self.get(key)
        if found is not None:
            return found  # type: ignore[no-any-return]
        began = generation(*depends)
        value = await read()
        self.put(key, value, began)
        return value


def memo_of(connection: HTTPConnection) -> Memo:
    """The app's memo (chorus.app.create_app makes one, with the settings' lifetime)."""
    return services(connection).memo


# --- Pages shared between people ---------------------------------------------------------------

# What the layout (base.html) and every page read, given to shared pages too: nothing of who
# asks but their roles (chorus.rendering.RolesOnly).
LAYOUT_NAMES = frozenset(
    {"lang", "dir", "languages", "csrf_token", "exit_url", "current_path", "person"}
)


@dataclass(frozen=True)
class SharedPage:
    """A page rendered once for everyone with the same roles and language, then reused
    (with a fresh CSRF token spliced in) until what it `depends` on changes."""

    template: str
    names: frozenset[str]  # what the template may read, besides LAYOUT_NAMES and globals
    depends: Callable[..., Iterable[Key]]

    def context_of(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Exactly the declared names: an undeclared one is a mistake, said at once."""
        extra = set(values) - self.names
        if extra:
            raise KeyError(f"{self.template}: undeclared names {sorted(extra)}")
        return dict(values)


# Every shared page of the app, for the test that reads each template's names.
SHARED_PAGES: list[SharedPage] = []

Build = Callable[..., Awaitable[Mapping[str, Any]]]
Serve = Callable[..., Awaitable[Response]]


def shared_page(
    template: str, *, names: Iterable[str], depends: Callable[..., Iterable[Key]]
) -> Callable[[Build], Serve]:
    """Makes `build(request, *args)`, which reads a shared page's values, into
    `serve(request, *args)`, which answers with the page: rendered once for everyone
    with the same roles, language and `args` (plain values: a round id, yes or no,
    never anything of a person), reused until a key of `depends(*args)` changes or the
    memo's lifetime ends.

    The template is given the declared `names` only (and the layout's), and the person
    as their roles only, so nothing of one person can reach another's page."""
    page = SharedPage(template, frozenset(names), depends)
    SHARED_PAGES.append(page)

    def decorate(build: Build) -> Serve:
        @functools.wraps(build)
        async def serve(request: Request, *args: Hashable) -> Response:
            since = generation(*page.depends(*args))
            renderer = services(request).renderer
            response: Response = await renderer.render_shared(
                request, page, args, lambda: build(request, *args), since
            )
            return response

        return serve

    return decorate
