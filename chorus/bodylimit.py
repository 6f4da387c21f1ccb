"""A limit on the size of what a request sends, counted as it arrives.

A declared `Content-Length` over the limit is answered at once, before a byte of the body
is read; every other body (chunked, or with a length that lies) is counted chunk by
chunk as whoever reads it (the CSRF check first) takes it in, and the request is answered
413 as soon as the count passes the limit. So no request makes the server hold more than
the limit and one chunk, whatever its form (urlencoded, multipart or anything else).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 1024 * 1024


class BodyTooLarge(Exception):
    """The request sent more than the limit."""


def declared_too_large(headers: Headers, limit: int) -> bool:
    declared = headers.get("content-length", "")
    return declared.isdigit() and int(declared) > limit


class BodyLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        refuse: Callable[[Request], Awaitable[Response]],
        limit: int = MAX_BODY_BYTES,
    ) -> None:
        self.app = app
        self.refuse = refuse
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if declared_too_large(Headers(scope=scope), self.limit):
            await self._refuse(scope, receive, send)
            return
        received = 0
        started = False

        async def counting() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge
            return message

        async def watching(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting, watching)
        except BodyTooLarge:
            if started:  # pragma: no cover (every body is read before a page is sent)
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await self.refuse(Request(scope, receive))
        # The rest of the body is never read: the connection cannot carry another request.
        response.headers["connection"] = "close"
        await response(scope, receive, send)
