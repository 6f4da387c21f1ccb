"""Rate limits count per key, say when to retry, and work in memory and in Redis;
the storage holds keyed hashes only, never a name or a code in the clear."""

import secrets
import socket
from typing import Any

import pytest

from chorus.ratelimit import INVITE, RECOVERY, SIGN_IN, RateLimited, RateLimiter

KEY = secrets.token_bytes(32)
REDIS = "redis://127.0.0.1:6379"


def redis_running() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


STORAGES = [
    "memory://",
    pytest.param(
        REDIS,
        marks=pytest.mark.skipif(not redis_running(), reason="no Redis on 127.0.0.1:6379"),
    ),
]


@pytest.mark.parametrize("storage", STORAGES)
async def test_ten_failures_lock_one_name_for_fifteen_minutes_and_no_other(storage: str):
    limiter = RateLimiter(storage, key=KEY)
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
    first, second = RateLimiter(REDIS, key=KEY), RateLimiter(REDIS, key=KEY)
    name = f"shared-{secrets.token_hex(4)}"
    for _ in range(10):
        await first.count(SIGN_IN, name)
    with pytest.raises(RateLimited):
        await second.check(SIGN_IN, name)
    await first.clear(SIGN_IN, name)


def test_a_short_key_is_refused():
    with pytest.raises(ValueError):
        RateLimiter("memory://", key=b"short")


def secrets_of_a_person() -> tuple[str, str, list[str]]:
    """A pseudonym as typed, its folded form, an invite code; and every form to look for."""
    typed = f"Ana-{secrets.token_hex(4).upper()}"
    folded = typed.casefold()
    code = f"{secrets.token_hex(3)}-{secrets.token_hex(3)}"
    return typed, code, [typed, folded, code, code.replace("-", ""), code.upper()]


def everything_in(value: Any, seen: set[int] | None = None) -> str:
    """The text of every key and value reachable from the storage's own attributes."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return ""
    seen.add(id(value))
    if isinstance(value, dict):
        return " ".join(
            f"{everything_in(k, seen)} {everything_in(v, seen)}" for k, v in value.items()
        )
    if isinstance(value, list | tuple | set | frozenset):
        return " ".join(everything_in(item, seen) for item in value)
    if isinstance(value, str | bytes | int | float):
        return repr(value)
    if hasattr(value, "__dict__"):
        return everything_in(vars(value), seen)
    return repr(value)


async def test_memory_storage_holds_neither_names_nor_codes():
    limiter = RateLimiter("memory://", key=KEY)
    typed, code, forms = secrets_of_a_person()
    for _ in range(10):
        await limiter.count(SIGN_IN, typed.casefold())
        await limiter.count(RECOVERY, typed.casefold())
        await limiter.count(INVITE, code)
    storage = limiter._limiter.storage
    held = everything_in(storage)
    assert "events" in vars(storage) and vars(storage)["events"], "the counts are where we look"
    assert len(vars(storage)["events"]) == 3
    for form in forms:
        assert form not in held
        assert form.casefold() not in held.casefold()
    # The limits still hold: the tenth failure locks, for that name or code only.
    with pytest.raises(RateLimited):
        await limiter.check(SIGN_IN, typed.casefold())
    with pytest.raises(RateLimited):
        await limiter.check(INVITE, code)
    await limiter.check(SIGN_IN, "someone-else")
    # Another key (another installation) counts the same name apart.
    await RateLimiter("memory://", key=secrets.token_bytes(32)).check(SIGN_IN, typed.casefold())


async def test_redis_holds_neither_names_nor_codes():
    if not redis_running():
        pytest.skip("no Redis on 127.0.0.1:6379: Redis keys unchecked")
    import redis.asyncio

    limiter = RateLimiter(REDIS, key=KEY)
    typed, code, forms = secrets_of_a_person()
    for _ in range(10):
        await limiter.count(SIGN_IN, typed.casefold())
        await limiter.count(INVITE, code)
    client = redis.asyncio.Redis.from_url(REDIS)
    try:
        keys = [key async for key in client.scan_iter(match="*", count=1000)]
        dumped: list[bytes] = []
        # What `redis-cli --scan` then TYPE, GET, LRANGE, ZRANGE, SMEMBERS or HGETALL shows.
        read = {"string": ("GET",), "list": ("LRANGE", 0, -1), "zset": ("ZRANGE", 0, -1)}
        read |= {"set": ("SMEMBERS",), "hash": ("HGETALL",)}
        for key in keys:
            dumped.append(key)
            kind = (await client.type(key)).decode()
            command, *arguments = read[kind]
            value = await client.execute_command(command, key, *arguments)  # type: ignore[no-untyped-call]
            if isinstance(value, dict):
                dumped.extend(b"%s=%s" % item for item in value.items())
            elif isinstance(value, list | set):
                dumped.extend(value)
            else:
                dumped.append(value or b"")
    finally:
        await client.aclose()
    text = b"\n".join(dumped).decode(errors="replace").casefold()
    assert any(SIGN_IN.name in key.decode() for key in keys), "the counts are where we look"
    for form in forms:
        assert form.casefold() not in text
    with pytest.raises(RateLimited):
        await limiter.check(SIGN_IN, typed.casefold())
    await limiter.clear(SIGN_IN, typed.casefold())
    await limiter.clear(INVITE, code)
