"""Rate limits on guessing: per pseudonym and per code, never per address.

Memory storage for one process; Redis (CHORUS_RATE_LIMIT_STORAGE=redis://...)
to share the counts between processes. Every key is replaced by a keyed hash
(HMAC-SHA256 under a key derived from the lookup secret) before it reaches the
storage, so neither memory nor Redis ever holds a name or a code in the clear.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from dataclasses import dataclass

from limits import RateLimitItemPerDay, RateLimitItemPerHour, RateLimitItemPerMinute
from limits.aio.strategies import MovingWindowRateLimiter
from limits.limits import RateLimitItem
from limits.storage import storage_from_string

from chorus.i18n import _


@dataclass(frozen=True)
class Limit:
    name: str
    item: RateLimitItem


SIGN_IN = Limit("sign-in", RateLimitItemPerMinute(10, 15))  # 10 failures per 15 minutes
RECOVERY = Limit("recovery", RateLimitItemPerHour(5))
INVITE = Limit("invite", RateLimitItemPerHour(10))
# Wrong tries from a person's own device (governance.identity.devices), over its 30 days.
DEVICE = Limit("device", RateLimitItemPerDay(10, 30))
TELLERS = Limit("tellers", RateLimitItemPerHour(10))  # wrong teller passphrases, per round


class RateLimited(Exception):
    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(retry_after_seconds)
        self.retry_after_seconds = retry_after_seconds


def wait_message(seconds: int) -> str:
    """What a person reads when they are held back, in whole minutes."""
    minutes = max(1, math.ceil(seconds / 60))
    return _("Too many tries. Wait %(minutes)s minutes, then try again.", minutes=minutes)


class RateLimiter:
    """Counts attempts per key; `key` (from the lookup secret) hides every key it is given.

    Callers pass what they count against (a folded pseudonym, a code, a tag); the
    storage sees only HMAC-SHA256(key, limit name, value), different for each limit.
    """

    def __init__(self, storage_uri: str, *, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the rate limiter's key must be at least 16 bytes")
        uri = storage_uri if storage_uri.startswith("async+") else f"async+{storage_uri}"
        # redis-py (a dependency of ours already) rather than the default coredis client.
        options = {"implementation": "redispy"} if "redis" in uri.split("://")[0] else {}
        self._key = key
        self._limiter = MovingWindowRateLimiter(storage_from_string(uri, **options))

    def _hidden(self, limit: Limit, key: str) -> str:
        message = limit.name.encode() + b"\0" + key.encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    async def check(self, limit: Limit, key: str) -> None:
        """RateLimited if `key` has used up `limit`; counts nothing."""
        hidden = self._hidden(limit, key)
        if not await self._limiter.test(limit.item, limit.name, hidden):
            stats = await self._limiter.get_window_stats(limit.item, limit.name, hidden)
            raise RateLimited(max(1, math.ceil(stats.reset_time - time.time())))

    async def count(self, limit: Limit, key: str) -> None:
        """Count one attempt (a failure) against `key`."""
        await self._limiter.hit(limit.item, limit.name, self._hidden(limit, key))

    async def clear(self, limit: Limit, key: str) -> None:
        await self._limiter.clear(limit.item, limit.name, self._hidden(limit, key))
