"""Middleware that applies to every response: language and protective headers."""

from __future__ import annotations

import functools
import re

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chorus import memo
from chorus.i18n import LANGUAGE_COOKIE, Catalogs, use_language

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

PROTECTIVE_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}


_RAW_PROTECTIVE_HEADERS = [
    (name.encode(), value.encode()) for name, value in PROTECTIVE_HEADERS.items()
]
# Pages are never stored; only responses that set their own caching (static files) may be.
_RAW_PAGE_HEADERS = [*_RAW_PROTECTIVE_HEADERS, (b"cache-control", b"no-store")]
_REPLACED = {name for name, _ in _RAW_PROTECTIVE_HEADERS} | {b"server"}


class SecurityHeadersMiddleware:
    """Adds the protective headers; pages are never stored (static files set their own caching)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name not in _REPLACED
                ]
                has_cache_control = any(name == b"cache-control" for name, _ in headers)
                headers += _RAW_PROTECTIVE_HEADERS if has_cache_control else _RAW_PAGE_HEADERS
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ChangesMiddleware:
    """What a request announced it changed (chorus.memo.changed, where each write happens)
    is announced once more when its work is done, before anyone has seen the answer, and
    again when it ends: a value another request read meanwhile, before the write was
    committed, is not kept past it. A request that announced nothing (a GET, a change of
    language, a form refused) makes this process forget nothing."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        with memo.announced() as keys:

            async def send_after_change(message: Message) -> None:
                if message["type"] == "http.response.start":
                    memo.changed_again(keys)
                await send(message)

            try:
                await self.app(scope, receive, send_after_change)
            finally:
                memo.changed_again(keys)


class LanguageMiddleware:
    """Chooses the language of the request: the person's choice, then their browser's."""

    def __init__(self, app: ASGIApp, catalogs: Catalogs) -> None:
        self.app = app
        self.catalogs = catalogs

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        code = self.catalogs.negotiate(
            cookie(scope, LANGUAGE_COOKIE),
            Headers(scope=scope).get("accept-language"),
        )
        scope.setdefault("state", {})["language"] = code
        use_language(self.catalogs, code)
        await self.app(scope, receive, send)


def set_cookie(response: Response, name: str, value: str, max_age: int | None = None) -> None:
    """Every cookie Chorus sets: for this site only, over HTTPS, out of scripts' reach and
    never sent with a request from another site. Without `max_age`, it ends with the browser."""
    response.set_cookie(
        name, value, max_age=max_age, path="/", secure=True, httponly=True, samesite="strict"
    )


def clear_cookie(response: Response, name: str) -> None:
    response.delete_cookie(name, path="/", secure=True, httponly=True, samesite="strict")


def cookie(scope: Scope, name: str) -> str | None:
    """One cookie of the request, without parsing all the others: as Starlette reads the
    cookies Chorus sets (the first Cookie header; the last of two same names wins), but
    a quoted value stays quoted (Chorus never quotes one: such a cookie is not ours)."""
    for header, value in scope["headers"]:
        if header == b"cookie":
            found = _cookie_pattern(name).findall(value.decode("latin-1"))
            return found[-1].strip() if found else None
    return None


@functools.cache
def _cookie_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?:^|;)\s*{re.escape(name)}=([^;]*)")
