"""The signed-in person of a request, from the `__Host-session` cookie.

The cookie is the session (governance.identity.service.sessions): a ticket sealed with a secret
box under a key derived from the app secret, so the browser can neither read
nor alter it, and rotating the app secret ends every session. It carries the
person's personal key, which the database never holds. Nothing is written
when someone signs in or moves between pages: when the idle end moves on (at
most once per 10 minutes) the browser simply gets a fresh cookie.
"""

from __future__ import annotations

import base64
import copy
import functools
import hashlib
import hmac
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID

from nacl.exceptions import CryptoError
from nacl.secret import SecretBox
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chorus.auth import PERSON, CurrentPerson, Endpoint, current_person, signed_in
from chorus.memo import SESSIONS, Memo, generation
from chorus.middleware import clear_cookie, cookie, set_cookie
from chorus.roles import Role
from governance.identity.models import Person
from governance.identity.service.sessions import LiveSession, Ticket, end_session, resume_session

COOKIE = "__Host-session"


@dataclass(frozen=True)
class SignedInPerson:
    """The signed-in person of a request: what the shell's `chorus.auth.CurrentPerson`
    asks for, and what only this room needs (the session, the credentials)."""

    person: Person
    roles: frozenset[Role]
    session_id: bytes
    personal_key: bytes = field(repr=False)
    pseudonym: str = field(repr=False)
    expires_at: datetime
    credential_id: UUID

    @property
    def id(self) -> UUID:
        return self.person.id

    def has(self, *roles: Role | str) -> bool:
        return bool(self.roles & set(roles))


@dataclass(frozen=True)
class CookieKeys:
    """The keys of this room's cookies, each derived from the app secret."""

    seal: bytes  # seals and opens tickets
    sign_out: bytes  # HMAC of a signed-out session's id
    device: bytes  # seals and opens device cookies (governance.identity.devices)

    def signed_out_hash(self, session_id: bytes) -> str:
        return hmac.new(self.sign_out, session_id, hashlib.sha256).hexdigest()


def seal_ticket(key: bytes, ticket: Ticket) -> str:
    sealed = SecretBox(key).encrypt(ticket.pack())
    return base64.urlsafe_b64encode(bytes(sealed)).decode().rstrip("=")


def open_ticket(key: bytes, value: str) -> Ticket | None:
    """The ticket a cookie carries; None if it is not one of ours (another key, keys
    rotated since, altered, or not a ticket at all)."""
    try:
        data = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        return Ticket.unpack(bytes(SecretBox(key).decrypt(data)))
    except (ValueError, CryptoError):
        return None


def session_cookie_header(key: bytes, ticket: Ticket) -> str:
    # No Max-Age: the browser forgets it when closed; the ticket itself ends after 12 hours.
    response = Response()
    set_session_cookie(response, key, ticket)
    return response.headers["set-cookie"]


def set_session_cookie(response: Response, key: bytes, ticket: Ticket) -> None:
    set_cookie(response, COOKIE, seal_ticket(key, ticket))


def clear_session_cookie(response: Response) -> None:
    clear_cookie(response, COOKIE)


def signed_in_person(connection: HTTPConnection) -> SignedInPerson | None:
    """The signed-in person, with their session: for this room's own routes."""
    found = current_person(connection)
    return found if isinstance(found, SignedInPerson) else None


SessionEndpoint = Callable[[Request, SignedInPerson], Awaitable[Response]]


def with_session(endpoint: SessionEndpoint) -> Endpoint:
    """`chorus.auth.signed_in()` for this room's routes, which also need the session."""

    @signed_in()
    @functools.wraps(endpoint)
    async def guarded(request: Request, person: CurrentPerson) -> Response:
        assert isinstance(person, SignedInPerson)  # the one kind this middleware makes
        return await endpoint(request, person)

    return guarded


async def sign_out(keys: CookieKeys, person: SignedInPerson) -> None:
    """This browser's session ends: its cookie is refused from now on, even if kept."""
    await end_session(keys.signed_out_hash(person.session_id), person.expires_at)


class SessionMiddleware:
    """Finds the signed-in person from the session cookie, and sends a fresh cookie when
    the idle end moves on. Nothing about the person is written, on any path.

    A cookie is let in only if it opens with this app's key (so rotating the keys signs
    everyone out) and its session is live. Then it is reused from `memo`
    (chorus.memo), by the whole cookie, until it ends; ending a session, or changing
    anyone's roles or credentials, forgets it at once (chorus.memo.SESSIONS)."""

    def __init__(self, app: ASGIApp, keys: CookieKeys, memo: Memo) -> None:
        self.app = app
        self.keys = keys
        self.memo = memo

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        value = cookie(scope, COOKIE)
        found = await self._known(value) if value else None
        if found is None:
            await self.app(scope, receive, send)
            return
        ticket, known = found
        state = scope.setdefault("state", {})
        state[PERSON] = SignedInPerson(
            # A copy of its own: what one request changes, no other sees.
            person=copy.copy(known.person),
            roles=known.roles,
            session_id=ticket.session_id,
            personal_key=ticket.personal_key,
            pseudonym=ticket.pseudonym,
            expires_at=ticket.expires_at,
            credential_id=ticket.credential_id,
        )
        state["csrf_binding"] = hashlib.sha256(ticket.session_id).hexdigest().encode()
        fresh = ticket.extended(datetime.now(UTC))
        if fresh is ticket:
            await self.app(scope, receive, send)
            return
        header = session_cookie_header(self.keys.seal, fresh)

        async def send_fresh(message: Message) -> None:
            # Unless the response sets or clears the session cookie itself (signing out).
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if not any(v.startswith(COOKIE + "=") for v in headers.getlist("set-cookie")):
                    headers.append("set-cookie", header)
            await send(message)

        await self.app(scope, receive, send_fresh)

    async def _known(self, value: str) -> tuple[Ticket, LiveSession] | None:
        """The ticket and live session of this cookie: from the memo if this very cookie
        was let in lately and has not ended, else only if it opens and its session lives."""
        moment = time.time()
        key = ("session", hashlib.sha256(value.encode()).digest())
        known: tuple[Ticket, LiveSession] | None = self.memo.get(key)
        if known is not None and moment < known[1].ends:
            return known
        ticket = open_ticket(self.keys.seal, value)
        if ticket is None:
            return None
        began = generation(SESSIONS)
        live = await resume_session(
            ticket,
            self.keys.signed_out_hash(ticket.session_id),
            datetime.fromtimestamp(moment, UTC),
        )
        if live is None:
            return None
        self.memo.put(key, (ticket, live), began)
        return ticket, live
