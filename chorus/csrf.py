"""Protection against cross-site requests, with and without htmx.

Two independent checks on every unsafe request (anything but GET, HEAD, OPTIONS):
1. the browser's own word: `Sec-Fetch-Site` must be same-origin (or "none", typed
   by the person), and an `Origin` header, when sent, must be this site;
2. a signed token, from the form field `csrf_token` or the `X-CSRF-Token` header
   (htmx sends it from `data-hx-headers` on the body). The token carries its issue time
   and is bound to the session when there is one; it is masked with fresh random
   bytes in every response, so compressed pages do not leak it (BREACH).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qsl

from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

FIELD = "csrf_token"
HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_AGE_SECONDS = 12 * 3600
_RAW_BYTES = 8 + 16


class CSRFError(Exception):
    """The request may not come from this site's own pages."""


def derive_key(secret: bytes, purpose: str) -> bytes:
    """A separate key per purpose, so that no two uses share one secret."""
    return hmac.new(secret, b"chorus:" + purpose.encode(), hashlib.sha256).digest()


def issue_token(key: bytes, binding: bytes = b"", now: float | None = None) -> str:
    issued = int(time.time() if now is None else now).to_bytes(8, "big")
    raw = issued + _mac(key, binding, issued)
    pad = secrets.token_bytes(_RAW_BYTES)
    return base64.urlsafe_b64encode(pad + _xor(pad, raw)).decode().rstrip("=")


def token_is_valid(key: bytes, token: str, binding: bytes = b"", now: float | None = None) -> bool:
    try:
        data = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (ValueError, TypeError):
        return False
    if len(data) != 2 * _RAW_BYTES:
        return False
    pad, masked = data[:_RAW_BYTES], data[_RAW_BYTES:]
    raw = _xor(pad, masked)
    issued, mac = raw[:8], raw[8:]
    if not hmac.compare_digest(mac, _mac(key, binding, issued)):
        return False
    age = (time.time() if now is None else now) - int.from_bytes(issued, "big")
    return -60 <= age <= MAX_AGE_SECONDS


def _xor(a: bytes, b: bytes) -> bytes:
    return (int.from_bytes(a, "big") ^ int.from_bytes(b, "big")).to_bytes(len(a), "big")


def _mac(key: bytes, binding: bytes, issued: bytes) -> bytes:
    return hmac.new(key, b"csrf|" + binding + b"|" + issued, hashlib.sha256).digest()[:16]


def same_origin(headers: dict[str, str]) -> bool:
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return False
    origin = headers.get("origin")
    if origin is None:
        return True
    if origin == "null":
        # Our Referrer-Policy (no-referrer) makes browsers send `Origin: null` on every
        # form POST, even to the same site: then only Sec-Fetch-Site can vouch for it.
        return fetch_site == "same-origin"
    host = headers.get("host", "")
    return origin.split("://", 1)[-1] == host


def binding_of(scope: Scope) -> bytes:
    """What the token is bound to: the session, once the person has one."""
    return bytes(scope.get("state", {}).get("csrf_binding", b""))


class CSRFMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        key: bytes,
        refuse: Callable[[Request], Awaitable[Response]],
    ) -> None:
        self.app = app
        self.key = key
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        headers = {k: v for k, v in request.headers.items()}
        body = b""
        try:
            if not same_origin(headers):
                raise CSRFError
            # Its size is kept within bounds as it arrives (chorus.bodylimit, outside this).
            body = await request.body()
            token = headers.get(HEADER) or await _form_token(request, body)
            if not token or not token_is_valid(self.key, token, binding_of(scope)):
                raise CSRFError
        except CSRFError:
            response = await self.refuse(request)
            await response(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)


async def _form_token(request: Request, body: bytes) -> str | None:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/x-www-form-urlencoded"):
        # Read as Starlette reads it (the last value of a field wins), without its
        # streaming parser: the body is already here, and only the token is wanted.
        pairs = parse_qsl(body.decode("latin-1"), keep_blank_values=True)
        tokens = [value for name, value in pairs if name == FIELD]
        return tokens[-1] if tokens else None
    if not content_type.startswith("multipart/form-data"):
        return None
    try:
        form = await request.form()
    except (HTTPException, MultiPartException):
        # A body that does not parse holds no token; refused here, not a server error.
        return None
    value = form.get(FIELD)
    return value if isinstance(value, str) else None


def _replay(body: bytes, receive: Receive) -> Receive:
    """Hand the body, already read for the check, to the route as if it were fresh."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
