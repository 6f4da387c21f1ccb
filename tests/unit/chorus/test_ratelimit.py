"""Rate limits count per key, say when to retry, and work in memory and in Redis."""

import secrets
import socket

import pytest

from chorus.ratelimit import SIGN_IN, RateLimited, RateLimiter


def redis_running() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


STORAGES = [
    "memory://",
    pytest.param(
        "redis://127.0.0.1:6379",
        marks=pytest.mark.skipif(not redis_running(), reason="no Redis on 127.0.0.1:6379"),
    ),
]


@pytest.mark.parametrize("storage", STORAGES)
async def test_ten_failures_lock_one_name_for_fifteen_minutes_and_no_other(storage: str):
    limiter = RateLimiter(storage)
    name, other = f"ana-{secrets.token_hex(4)}", f"bao-{secrets.token_hex(4)}"
    for _ in range(9):
        await limiter.count(SIGN_IN, name)
    await limiter.check(SIGN_IN, name)
    await limiter.count(SIGN_IN, name)
    with pytest.raises(RateLimited) as caught:
        await limiter.check(SIGN_IN, name)
    assert 14 * 60 < caught.value.retry_after_seconds <= 15 * 60
    await limiter.check(SIGN_IN, other)
    await limiter.clear(SIGN_IN, name)
    await limiter.check(SIGN_IN, name)


async def test_two_processes_share_counts_through_redis():
    if not redis_running():
        pytest.skip("no Redis on 127.0.0.1:6379")
    first, second = RateLimiter("redis://127.0.0.1:6379"), RateLimiter("redis://127.0.0.1:6379")
    name = f"shared-{secrets.token_hex(4)}"
    for _ in range(10):
        await first.count(SIGN_IN, name)
    with pytest.raises(RateLimited):
        await second.check(SIGN_IN, name)
    await first.clear(SIGN_IN, name)
