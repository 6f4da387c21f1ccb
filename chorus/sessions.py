"""The signed-in person of a request, from the `__Host-session` cookie.

The cookie holds the opaque session id and the person's personal key,
encrypted under a key derived from the app secret and that session id. The
database holds only the id's hash and never the personal key, so neither a
copy of the database nor the key directory alone can recover it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

from nacl.exceptions import CryptoError
from nacl.secret import SecretBox
from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from governance.models import Person, Role
from governance.sessions import ID_BYTES, hash_id, resume_session

COOKIE = "__Host-session"


@dataclass(frozen=True)
class CurrentPerson:
    person: Person
    roles: frozenset[Role]
    personal_key: bytes
    session_id: bytes

    def has(self, *roles: Role | str) -> bool:
        return bool(self.roles & set(roles))


def _box(cookie_key: bytes, session_id: bytes) -> SecretBox:
    return SecretBox(hmac.new(cookie_key, session_id, hashlib.sha256).digest())


def encode_cookie(cookie_key: bytes, session_id: bytes, personal_key: bytes) -> str:
    sealed = _box(cookie_key, session_id).encrypt(personal_key)
    return base64.urlsafe_b64encode(session_id + bytes(sealed)).decode().rstrip("=")


def decode_cookie(cookie_key: bytes, value: str) -> tuple[bytes, bytes] | None:
    try:
        data = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        session_id, sealed = data[:ID_BYTES], data[ID_BYTES:]
        if len(session_id) != ID_BYTES:
            return None
        return session_id, bytes(_box(cookie_key, session_id).decrypt(sealed))
    except (ValueError, CryptoError):
        return None


def set_session_cookie(
    response: Response, cookie_key: bytes, session_id: bytes, key: bytes
) -> None:
    # No Max-Age: the browser forgets it when closed; the server ends it after 12 hours.
    response.set_cookie(
        COOKIE,
        encode_cookie(cookie_key, session_id, key),
        path="/",
        secure=True,
        httponly=True,
        samesite="strict",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/", secure=True, httponly=True, samesite="strict")


def current_person(connection: HTTPConnection) -> CurrentPerson | None:
    found = connection.scope.get("state", {}).get("person")
    return found if isinstance(found, CurrentPerson) else None


class SessionMiddleware:
    """Finds the signed-in person. On `quiet_paths` (casting a ballot) the session's idle
    time is not extended: no row about a person is written seconds before a ballot's,
    which a copy of the database could otherwise line up (DESIGN, anonymity)."""

    def __init__(
        self, app: ASGIApp, cookie_key: bytes, quiet_paths: re.Pattern[str] | None = None
    ) -> None:
        self.app = app
        self.cookie_key = cookie_key
        self.quiet_paths = quiet_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        value = HTTPConnection(scope).cookies.get(COOKIE)
        decoded = decode_cookie(self.cookie_key, value) if value else None
        if decoded is not None:
            session_id, personal_key = decoded
            quiet = self.quiet_paths is not None and self.quiet_paths.match(scope["path"])
            session = await resume_session(session_id, extend=not quiet)
            if session is not None:
                state = scope.setdefault("state", {})
                state["person"] = CurrentPerson(
                    person=session.person,
                    roles=frozenset(grant.role for grant in session.person.roles),
                    personal_key=personal_key,
                    session_id=session_id,
                )
                state["csrf_binding"] = hash_id(session_id).encode()
        await self.app(scope, receive, send)
