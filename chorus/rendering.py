"""Rendering pages: one Jinja environment, translated, with hashed static URLs.

A page is one template; for htmx requests a named block of that same template
is rendered alone (jinja2-fragments), so a fragment never drifts from its page.
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Awaitable, Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from gettext import NullTranslations
from pathlib import Path
from typing import Any

import jinja2
from jinja2.ext import Extension
from jinja2.lexer import TOKEN_DATA, Token, TokenStream
from jinja2_fragments.starlette import Jinja2Blocks
from markupsafe import escape
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response

from chorus import i18n
from chorus.compression import SplicedPage, gzip_bytes
from chorus.csrf import binding_of, issue_token
from chorus.i18n import Catalogs
from chorus.memo import Memo, SharedPage, Stamp
from chorus.resources import static_directory, templates_directory
from chorus.services import services
from chorus.text import plain_text_html

IMMUTABLE = "public, max-age=31536000, immutable"
COMPRESSED_SUFFIXES = {".css", ".js", ".svg"}
# Stands for the CSRF token in pages rendered once for every visitor.
TOKEN_SLOT = "\x00csrf-token\x00"  # noqa: S105 (a placeholder, replaced on every request)


class ConstantTranslations(Extension):
    """`{{ _("Some text") }}`, a string and nothing else, is translated when the template
    is compiled (one environment per language), so rendering calls no gettext for it.

    The output is what the i18n extension gives at render time: the translation, not
    escaped (it is the template's own text), formatted with no values ("%%" becomes
    "%"). Calls with values, or inside other expressions, stay as they are."""

    PATTERN = ("variable_begin", "name", "lparen", "string", "rparen", "variable_end")

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        translate = self.environment.constant_translation  # type: ignore[attr-defined]
        window: list[Token] = []
        for token in stream:
            window.append(token)
            if len(window) < len(self.PATTERN):
                continue
            if [t.type for t in window] == list(self.PATTERN) and window[1].value == "_":
                yield Token(window[0].lineno, TOKEN_DATA, translate(window[3].value) % {})
                window = []
            else:
                yield window.pop(0)
        yield from window


class StaticAssets:
    """Static files under content-hashed URLs, so browsers may keep them for good.

    Text files are also kept gzipped, compressed once at start-up.
    """

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or static_directory()
        files = [path for path in sorted(self.directory.rglob("*")) if path.is_file()]
        self.digests = {
            path.relative_to(self.directory).as_posix(): _digest(path) for path in files
        }
        self.gzipped = {
            path.relative_to(self.directory).as_posix(): gzip_bytes(path.read_bytes())
            for path in files
            if path.suffix in COMPRESSED_SUFFIXES
        }

    def url(self, name: str) -> str:
        return f"/static/{self.digests[name]}/{name}"

    async def serve(self, request: Request) -> Response:
        name = request.path_params["name"]
        if self.digests.get(name) != request.path_params["digest"]:
            raise HTTPException(404)
        packed = self.gzipped.get(name)
        if packed is not None and "gzip" in request.headers.get("accept-encoding", ""):
            return Response(
                packed,
                media_type=mimetypes.guess_type(name)[0],
                headers={
                    "cache-control": IMMUTABLE,
                    "content-encoding": "gzip",
                    "vary": "Accept-Encoding",
                },
            )
        return FileResponse(self.directory / name, headers={"cache-control": IMMUTABLE})


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


@dataclass(frozen=True)
class RolesOnly:
    """Who a page shared between people is for: their roles, and nothing of who they are."""

    roles: frozenset[str]

    @classmethod
    def of(cls, person: Any) -> RolesOnly | None:
        """The stand-in for the signed-in person (chorus.auth.CurrentPerson), if any."""
        return cls(frozenset(person.roles)) if person is not None else None


class Renderer:
    def __init__(
        self,
        catalogs: Catalogs,
        assets: StaticAssets,
        csrf_key: bytes,
        exit_url: str,
        memo: Memo,
        kept: Memo,
        directory: Path | None = None,
    ) -> None:
        self.catalogs = catalogs
        self.assets = assets
        self.csrf_key = csrf_key
        self.exit_url = exit_url
        self.memo = memo
        self.kept = kept
        loader = jinja2.FileSystemLoader(directory or templates_directory())
        # One environment per language: each compiles its own copy of a template, with
        # the text that needs no value already translated (ConstantTranslations).
        self.by_language = {
            code: Jinja2Blocks(env=self._environment(loader, catalogs.translations(code)))
            for code in catalogs.languages
        }
        self.templates = self.by_language[catalogs.default]

    def _environment(
        self, loader: jinja2.BaseLoader, translations: NullTranslations
    ) -> jinja2.Environment:
        env = jinja2.Environment(
            loader=loader,
            extensions=["jinja2.ext.i18n", ConstantTranslations],
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            # Templates ship with the code and never change while it runs: no file check
            # on every render.
            auto_reload=False,
        )
        env.install_gettext_callables(  # type: ignore[attr-defined]
            i18n.gettext, i18n.ngettext, newstyle=True
        )
        env.extend(constant_translation=translations.gettext)
        env.globals["static"] = self.assets.url
        env.filters["plain_text"] = plain_text_html
        return env

    def add_globals(self, **values: object) -> None:
        """Names every template of every language reads."""
        for templates in self.by_language.values():
            templates.env.globals.update(values)

    def language_code(self, request: Request) -> str:
        """The language this request is answered in (chorus.middleware.LanguageMiddleware)."""
        code: str = request.scope.get("state", {}).get("language", self.catalogs.default)
        return code

    def templates_for(self, request: Request) -> Jinja2Blocks:
        return self.by_language[self.language_code(request)]

    def page_context(
        self, request: Request, csrf_token: str | None = None, person: object = None
    ) -> dict[str, Any]:
        language = self.catalogs.languages[self.language_code(request)]
        return {
            "request": request,
            "lang": language.code,
            "dir": language.direction,
            "languages": list(self.catalogs.languages.values()),
            "csrf_token": csrf_token or issue_token(self.csrf_key, binding_of(request.scope)),
            "exit_url": self.exit_url,
            "current_path": request.url.path,
            "person": person or request.scope.get("state", {}).get("person"),
        }

    def render(
        self,
        request: Request,
        name: str,
        context: Mapping[str, Any] | None = None,
        *,
        status_code: int = 200,
        block: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        # A page htmx fetches for a link or a form (hx-boost) is a whole page; only its own
        # requests (hx-post on an element) want the named block.
        wants_fragment = (
            block is not None
            and request.headers.get("hx-request") == "true"
            and request.headers.get("hx-boosted") != "true"
        )
        state = request.scope.get("state", {})
        if not context and not wants_fragment and state.get("person") is None:
            return self.render_kept(request, name, status_code=status_code, headers=headers)
        full = self.page_context(request) | dict(context or {})
        return self.templates_for(request).TemplateResponse(
            request,
            name,
            full,
            status_code=status_code,
            headers=dict(headers or {}),
            block_name=block if wants_fragment else None,
        )

    def render_kept(
        self,
        request: Request,
        name: str,
        values: Mapping[str, Hashable] | None = None,
        slots: Mapping[str, str] | None = None,
        *,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """A page made only of plain `values` (strings, numbers, yes or no), the language
        and the person's roles: rendered and compressed at most once a second, and reused
        by whoever asks meanwhile (`kept`: no change can make it wrong, and it leaves
        memory when its second is over). This request's own values (a ballot receipt:
        `slots`, shown as text) and a fresh CSRF token are spliced in
        (chorus.compression.SplicedPage).

        The template sees the person's roles only, never who they are."""
        values, names = dict(values or {}), sorted(slots or {})
        key = (*self._shared_key(request, name), tuple(sorted(values.items())), tuple(names))
        page: SplicedPage | None = self.kept.get(key)
        if page is None:
            page = self._shared_page(request, name, values, names)
            self.kept.put(key, page)
        own = [str(escape((slots or {})[slot])) for slot in names]
        return self._spliced(request, page, status_code, headers, own)

    async def render_shared(
        self,
        request: Request,
        page: SharedPage,
        args: tuple[Hashable, ...],
        values: Callable[[], Awaitable[Mapping[str, Any]]],
        since: Stamp,
    ) -> Response:
        """A page the same for everyone with the same roles but for its CSRF token (a
        ballot, a round's results; chorus.memo.shared_page): read and rendered once, then
        reused from the app's memo by everyone who asks until what it depends on changes
        (`since`, taken before reading it) or its lifetime ends, with a fresh token spliced
        in. The template sees the declared names and the person's roles only."""
        memo_key = ("page", *self._shared_key(request, page.template), args)
        found: SplicedPage | None = self.memo.get(memo_key)
        if found is None:
            found = self._shared_page(request, page.template, page.context_of(await values()))
            self.memo.put(memo_key, found, since)
        return self._spliced(request, found, 200, None)

    def _shared_key(self, request: Request, name: str) -> tuple[Hashable, ...]:
        """What every page shared between people depends on: the template, the language,
        the path and the roles of whoever asks."""
        state = request.scope.get("state", {})
        return name, state.get("language"), request.scope["path"], RolesOnly.of(state.get("person"))

    def _shared_page(
        self,
        request: Request,
        name: str,
        values: Mapping[str, Any],
        slots: Sequence[str] = (),
    ) -> SplicedPage:
        """`name` rendered for everyone with the asker's roles, with a slot for the CSRF
        token and one for each of `slots` (values of each request's own)."""
        shared_person = RolesOnly.of(request.scope.get("state", {}).get("person"))
        placeholders = {slot: f"\x00{slot}\x00" for slot in slots}
        context = self.page_context(request, TOKEN_SLOT, shared_person) | dict(values)
        del context["request"]  # the request holds the session cookie: not for a shared page
        html = self.templates_for(request).get_template(name).render(context | placeholders)
        return SplicedPage(html, TOKEN_SLOT, *placeholders.values())

    def _spliced(
        self,
        request: Request,
        page: SplicedPage,
        status_code: int,
        headers: Mapping[str, str] | None,
        own: Sequence[str] = (),
    ) -> Response:
        """`page` with a fresh CSRF token (and `own` values in its other slots), gzipped if
        the browser takes it."""
        token = issue_token(self.csrf_key, binding_of(request.scope))
        response_headers = dict(headers or {})
        if "gzip" in request.headers.get("accept-encoding", ""):
            response_headers |= {"content-encoding": "gzip", "vary": "Accept-Encoding"}
            body = page.gzipped(token, *own)
        else:
            body = page.plain(token, *own)
        return HTMLResponse(body, status_code=status_code, headers=response_headers)


def render(
    request: Request,
    name: str,
    context: Mapping[str, Any] | None = None,
    **options: Any,
) -> Response:
    """Render a page with the app's renderer: what every route calls."""
    renderer = services(request).renderer
    return renderer.render(request, name, context, **options)


def render_kept(
    request: Request,
    name: str,
    values: Mapping[str, Hashable],
    slots: Mapping[str, str] | None = None,
) -> Response:
    """A page made only of plain values, with the app's renderer (see Renderer.render_kept)."""
    renderer = services(request).renderer
    return renderer.render_kept(request, name, values, slots)


def done_message(request: Request, messages: Mapping[str, str]) -> str:
    """What a form did, translated, from `?done=` on the page it sent the person on to."""
    done = request.query_params.get("done", "")
    return i18n.gettext(messages[done]) if done in messages else ""
