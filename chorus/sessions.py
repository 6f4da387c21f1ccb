"""The signed-in person of a request, from the `__Host-session` cookie.

The cookie holds the opaque session id and the person's personal key,
encrypted under a key derived from the app secret and that session id. The
database holds only the id's hash and never the personal key, so neither a
copy of the database nor the key directory alone can recover it.
"""

from __future__ import annotations

import base64
import copy
import functools
import hashlib
import hmac
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from nacl.exceptions import CryptoError
from nacl.secret import SecretBox
from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from chorus.memo import Memo, generation
from chorus.middleware import cookie
from governance.models import Person, Role
from governance.sessions import ID_BYTES, LiveSession, hash_id, resume_session

COOKIE = "__Host-session"


@dataclass(frozen=True)
class CurrentPerson:
    person: Person
    roles: frozenset[Role]
    session_id: bytes
    sealed_key: bytes = field(repr=False)  # the personal key, as the cookie holds it
    cookie_key: bytes = field(repr=False)

    def has(self, *roles: Role | str) -> bool:
        return bool(self.roles & set(roles))

    @functools.cached_property
    def personal_key(self) -> bytes:
        """Opened again only for the actions that need it (most pages do not); the
        middleware opened this very cookie before it let the session in."""
        opened = open_key(self.cookie_key, self.session_id, self.sealed_key)
        if opened is None:
            raise HTTPException(403)
        return opened


def _box(cookie_key: bytes, session_id: bytes) -> SecretBox:
    return SecretBox(hmac.new(cookie_key, session_id, hashlib.sha256).digest())


def open_key(cookie_key: bytes, session_id: bytes, sealed_key: bytes) -> bytes | None:
    """The personal key the cookie carries; None if it was not sealed with this app's key
    (another key, or keys rotated since) or was altered."""
    try:
        return bytes(_box(cookie_key, session_id).decrypt(sealed_key))
    except CryptoError:
        return None


def encode_cookie(cookie_key: bytes, session_id: bytes, personal_key: bytes) -> str:
    sealed = _box(cookie_key, session_id).encrypt(personal_key)
    return base64.urlsafe_b64encode(session_id + bytes(sealed)).decode().rstrip("=")


def split_cookie(value: str) -> tuple[bytes, bytes] | None:
    """The session id and the sealed personal key; None if the cookie is not one of ours."""
    try:
        data = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except ValueError:
        return None
    session_id, sealed = data[:ID_BYTES], data[ID_BYTES:]
    if len(session_id) != ID_BYTES or not sealed:
        return None
    return session_id, sealed


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
    which a copy of the database could otherwise line up (DESIGN, anonymity).

    A cookie is let in only if the personal key it carries opens with this app's key
    (so rotating the keys signs everyone out) and its session is live. Then it is
    reused from `memo` (chorus.memo), by the whole cookie, while the session is live
    and its idle time needs no writing; ending a session forgets it at once."""

    def __init__(
        self,
        app: ASGIApp,
        cookie_key: bytes,
        memo: Memo,
        quiet_paths: re.Pattern[str] | None = None,
    ) -> None:
        self.app = app
        self.cookie_key = cookie_key
        self.memo = memo
        self.quiet_paths = quiet_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        value = cookie(scope, COOKIE)
        split = split_cookie(value) if value else None
        if value and split is not None:
            session_id, sealed_key = split
            known = await self._known(value, session_id, sealed_key, scope["path"])
            if known is not None:
                state = scope.setdefault("state", {})
                state["person"] = CurrentPerson(
                    # A copy of its own: what one request changes, no other sees.
                    person=copy.copy(known.person),
                    roles=known.roles,
                    session_id=session_id,
                    sealed_key=sealed_key,
                    cookie_key=self.cookie_key,
                )
                state["csrf_binding"] = hash_id(session_id).encode()
        await self.app(scope, receive, send)

    async def _known(
        self, value: str, session_id: bytes, sealed_key: bytes, path: str
    ) -> LiveSession | None:
        """The live session of this cookie: from the memo if this very cookie was let in
        lately, else only if its key opens with this app's key and its session is live."""
        extend = self.quiet_paths is None or not self.quiet_paths.match(path)
        moment = time.time()
        key = ("session", hashlib.sha256(value.encode()).digest())
        known: LiveSession | None = self.memo.get(key)
        if known is not None and known.still_live(moment, extend=extend):
            return known
        if open_key(self.cookie_key, session_id, sealed_key) is None:
            return None
        began = generation()
        known = await resume_session(session_id, datetime.fromtimestamp(moment, UTC), extend=extend)
        if known is not None:
            self.memo.put(key, known, began)
        return known
