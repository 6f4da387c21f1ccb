"""Keys wrapped by something only a person knows (a passphrase or a recovery code).

A passphrase is stretched once with argon2id into 64 bytes: the first half
verifies the passphrase, the second half is the key that wraps the person's
personal key (a NaCl secret box). The server stores the parameters, the salt,
the verifier and the wrapped key, never the personal key in the clear; without
the passphrase (or a recovery code) it cannot be unwrapped.

Stretching takes a tenth of a second of every core on purpose. In the app it runs
only through `stretch_off_loop` and `check_off_loop`, on the process's stretch
queue (anonymity.stretching: one worker thread per core, argon2 releasing the GIL,
those marked `first` before the rest, Busy when 20 wait), so the event loop keeps
serving pages meanwhile; callers stretch before opening a transaction, so no lock
is held while it runs.
"""

from __future__ import annotations

import asyncio
import hmac
import secrets
from dataclasses import dataclass

from argon2 import Parameters, Type
from argon2.low_level import hash_secret_raw
from argon2.profiles import CHEAPEST, RFC_9106_LOW_MEMORY
from nacl.exceptions import CryptoError
from nacl.secret import SecretBox

from anonymity import stretching

PERSONAL_KEY_BYTES = 32
SALT_BYTES = 16

# The standard profile for real use; the cheapest one only where tests ask for it.
PROFILES = {"standard": RFC_9106_LOW_MEMORY, "test": CHEAPEST}


class WrongSecret(Exception):
    """The passphrase or code does not open this key."""


@dataclass(frozen=True)
class Stretched:
    """What the server keeps of a passphrase: enough to check it, never to recover it."""

    time_cost: int
    memory_cost: int
    parallelism: int
    salt: bytes
    verifier: bytes

    def encode(self) -> bytes:
        head = f"{self.time_cost}:{self.memory_cost}:{self.parallelism}:".encode()
        return head + self.salt + self.verifier

    @classmethod
    def decode(cls, data: bytes) -> Stretched:
        parts = data.split(b":", 3)
        time_cost, memory_cost, parallelism = (int(p) for p in parts[:3])
        rest = parts[3]
        return cls(time_cost, memory_cost, parallelism, rest[:SALT_BYTES], rest[SALT_BYTES:])


def new_personal_key() -> bytes:
    return secrets.token_bytes(PERSONAL_KEY_BYTES)


def stretch(secret: str, profile: Parameters, salt: bytes | None = None) -> tuple[Stretched, bytes]:
    """Stretch a passphrase or code: (what to store, the key that wraps). Slow by design."""
    salt = salt or secrets.token_bytes(SALT_BYTES)
    raw = hash_secret_raw(
        secret.encode(),
        salt,
        time_cost=profile.time_cost,
        memory_cost=profile.memory_cost,
        parallelism=profile.parallelism,
        hash_len=64,
        type=Type.ID,
    )
    stored = Stretched(profile.time_cost, profile.memory_cost, profile.parallelism, salt, raw[:32])
    return stored, raw[32:]


def check(secret: str, stored: Stretched) -> bytes:
    """The wrapping key if `secret` is right; WrongSecret otherwise. Slow by design."""
    profile = Parameters(
        type=Type.ID,
        version=19,
        salt_len=SALT_BYTES,
        hash_len=64,
        time_cost=stored.time_cost,
        memory_cost=stored.memory_cost,
        parallelism=stored.parallelism,
    )
    again, wrapping_key = stretch(secret, profile, stored.salt)
    if not hmac.compare_digest(again.verifier, stored.verifier):
        raise WrongSecret
    return wrapping_key


# For the sign-in benchmark only: True runs each stretch in a thread of its own, as before.
unqueued = False


async def stretch_off_loop(
    secret: str, profile: Parameters, salt: bytes | None = None, *, first: bool = False
) -> tuple[Stretched, bytes]:
    """`stretch`, on the stretch queue (`first`: before those not marked so); Busy when
    too many wait. The event loop goes on meanwhile."""
    if unqueued:
        return await asyncio.to_thread(stretch, secret, profile, salt)
    return await stretching.queue().run(stretch, secret, profile, salt, first=first)


async def check_off_loop(secret: str, stored: Stretched, *, first: bool = False) -> bytes:
    """`check`, on the stretch queue, as `stretch_off_loop`."""
    if unqueued:
        return await asyncio.to_thread(check, secret, stored)
    return await stretching.queue().run(check, secret, stored, first=first)


def wrap(personal_key: bytes, wrapping_key: bytes) -> bytes:
    return bytes(SecretBox(wrapping_key).encrypt(personal_key))


def unwrap(wrapped: bytes, wrapping_key: bytes) -> bytes:
    try:
        return bytes(SecretBox(wrapping_key).decrypt(wrapped))
    except CryptoError as error:
        raise WrongSecret from error


def keyed_hash(key: bytes, value: str) -> str:
    """A lookup value for a high-entropy code: useless without the key directory."""
    return hmac.new(key, value.encode(), "sha256").hexdigest()
