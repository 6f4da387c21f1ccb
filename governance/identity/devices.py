""" "This is my own device": signing in while someone else keeps a name locked.

Wrong tries are limited per name (10 passphrases in 15 minutes, 5 recovery codes in an
hour), so anyone who knows a name can lock its owner out. At sign-in a person may say
the device is their own. Their browser then keeps the `__Host-device` cookie for 30
days (HttpOnly, Secure, SameSite=Strict, like the session cookie), sealed with a secret
box under a key derived from the app secret: a random device id, HMAC(lookup secret,
folded name) for the one name it is for, and its end. Nothing else is kept anywhere:
no row, so signing in still writes nothing (DESIGN.md, anonymity point 2).

A try (signing in, or recovery) from a browser that shows a valid device cookie for
the name typed:
- is not held back by the name's lock;
- counts its wrong passphrases or codes in the rate limiter under HMAC(lookup secret,
  device id), not under the name: 10 void the cookie (a right try starts again from 0);
- has its passphrase checked first (anonymity.stretching), ahead of anyone without one.
Signing out keeps the cookie; "Exit this page" removes it, and so does deleting the
account.
"""

from __future__ import annotations

import base64
import secrets
import struct
import time
from dataclasses import dataclass

from nacl.exceptions import CryptoError
from nacl.secret import SecretBox
from starlette.requests import HTTPConnection
from starlette.responses import Response

from anonymity.wrapping import keyed_hash
from chorus.middleware import clear_cookie, cookie, set_cookie
from chorus.ratelimit import DEVICE, Limit, RateLimited, RateLimiter
from governance.identity.service.accounts import Secrets, name_lookup

COOKIE = "__Host-device"
LIFETIME_SECONDS = 30 * 24 * 3600
ID_BYTES = 16
_PACKED = struct.Struct(f">{ID_BYTES}s32sQ")  # device id, name, end (seconds since the epoch)


@dataclass(frozen=True)
class Device:
    """What a device cookie carries, once opened."""

    id: bytes
    name: bytes  # HMAC(lookup secret, folded name): the one name it is for
    expires_at: int

    def counter(self, lookup_key: bytes) -> str:
        """Where its wrong tries are counted: HMAC(lookup secret, device id)."""
        return keyed_hash(lookup_key, "device|" + self.id.hex())


def device_name(folded: str, secrets_: Secrets) -> bytes:
    """Which name a device cookie is for: HMAC(lookup secret, folded name), as credentials
    are found (governance.identity.service.accounts.name_lookup)."""
    return bytes.fromhex(name_lookup(folded, secrets_))


def new_device(name: bytes, now: float | None = None) -> Device:
    moment = time.time() if now is None else now
    return Device(secrets.token_bytes(ID_BYTES), name, int(moment) + LIFETIME_SECONDS)


def seal_device(key: bytes, device: Device) -> str:
    sealed = SecretBox(key).encrypt(_PACKED.pack(device.id, device.name, device.expires_at))
    return base64.urlsafe_b64encode(bytes(sealed)).decode().rstrip("=")


def open_device(key: bytes, value: str) -> Device | None:
    """The device a cookie stands for; None if it is not one of ours (another key, keys
    rotated since, altered, or not a device cookie at all)."""
    try:
        data = SecretBox(key).decrypt(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
        return Device(*_PACKED.unpack(bytes(data)))
    except (ValueError, CryptoError, struct.error):
        return None


def device_for(
    connection: HTTPConnection, key: bytes, name: bytes, now: float | None = None
) -> Device | None:
    """The device cookie this browser shows, if it is valid and for this name."""
    value = cookie(connection.scope, COOKIE)
    device = open_device(key, value) if value else None
    moment = time.time() if now is None else now
    if device is None or device.name != name or device.expires_at <= moment:
        return None
    return device


def set_device_cookie(response: Response, key: bytes, device: Device) -> None:
    """A new device's cookie: the browser keeps it for its 30 days, signing out or not."""
    set_cookie(response, COOKIE, seal_device(key, device), max_age=LIFETIME_SECONDS)


def clear_device_cookie(response: Response) -> None:
    clear_cookie(response, COOKIE)


@dataclass
class Tries:
    """What one sign-in or recovery try counts against: its device, when the browser shows
    a valid device cookie for the name typed and the device has tries left; else the name.
    `void`: the browser's device cookie for this name was used up (its response forgets it).
    """

    limiter: RateLimiter
    limit: Limit  # the name's (sign-in or recovery)
    name_key: str
    device: Device | None
    device_key: str = ""
    void: bool = False

    @property
    def first(self) -> bool:
        """A try from its owner's own device: its passphrase is checked before the others'."""
        return self.device is not None

    async def check(self) -> None:
        """RateLimited if what this try counts against has used up its tries."""
        if self.device is not None:
            await self.limiter.check(DEVICE, self.device_key)
        else:
            await self.limiter.check(self.limit, self.name_key)

    async def wrong(self) -> None:
        """Count a wrong passphrase or code; the tenth from a device voids it."""
        if self.device is None:
            await self.limiter.count(self.limit, self.name_key)
            return
        await self.limiter.count(DEVICE, self.device_key)
        try:
            await self.limiter.check(DEVICE, self.device_key)
        except RateLimited:
            self.device, self.void = None, True

    async def right(self) -> None:
        """A right passphrase or code: the count starts again."""
        if self.device is not None:
            await self.limiter.clear(DEVICE, self.device_key)
        else:
            await self.limiter.clear(self.limit, self.name_key)


async def tries_for(
    connection: HTTPConnection,
    limiter: RateLimiter,
    limit: Limit,
    name_key: str,
    device_key: bytes,
    secrets_: Secrets,
) -> Tries:
    """The tries of this request for the name `name_key` (folded), under `limit`."""
    device = device_for(connection, device_key, device_name(name_key, secrets_))
    if device is None:
        return Tries(limiter, limit, name_key, None)
    tries = Tries(limiter, limit, name_key, device, device.counter(secrets_.lookup_key))
    try:
        await limiter.check(DEVICE, tries.device_key)
    except RateLimited:
        return Tries(limiter, limit, name_key, None, void=True)
    return tries
