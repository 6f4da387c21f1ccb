"""Browser tests: a real Chorus, started the way the README does it, seen through Chromium.

The session starts two servers on 127.0.0.1: `chorus demo` in a temporary
directory (its `var/demo/` lands there, with the demo people it creates), and
a tiny neutral site titled "Weather" that stands in for the real exit URL (an
external site, out of reach here).

Tests that take a `chorus_page` argument run once for every page of the app:
the pages are discovered from the app's own routes (`discover_pages`), and
each is opened by someone it lets in: anyone, or else the first demo person
who may see it (signed in over HTTP, their session cookie handed to the
browser). Tests that take a `language` argument run once per language shipped.

Tabs: `fresh_tab()` opens one in a browser context of its own (its own
cookies, its own session); `reading_tab()` opens one in a context kept for the
session, for tests that only look (never exit, never switch language).
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Locator,
    Page,
    Response,
    async_playwright,
)
from playwright.async_api import Request as BrowserRequest
from starlette.routing import BaseRoute, Mount, Route

from chorus.app import all_routes
from chorus.sessions import COOKIE as SESSION_COOKIE
from governance.demo import DEMO_PASSPHRASE, DEMO_PEOPLE
from tests.browser.chromium import chromium_path

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NO_CHROMIUM = "Chromium is not installed (apt-get install chromium, or set CHORUS_CHROMIUM)"
# Every test module starts with `pytestmark = BROWSER_TESTS`.
BROWSER_TESTS = [
    pytest.mark.browser,
    pytest.mark.skipif(chromium_path() is None, reason=NO_CHROMIUM),
]

# Every language the app ships, by the name its switcher button shows (in that language).
LANGUAGES = {"en": "English", "fr": "Français"}
LANGUAGE_COOKIE = "__Host-lang"
NEUTRAL_TITLE = "Weather"
SERIOUS_IMPACTS = ("serious", "critical")

# Routes that are not pages, and why; every other GET route is one.
NOT_PAGES = {
    "exit": "leaves for the neutral site (test_quick_exit.py follows it)",
    "static": "serves files, not pages",
    "lead_revoke_invite": "a form action (POST) of /lead/invites, not a page",
    "notice_read": "a form action (POST) of /inbox, not a page",
    "notice_delete": "a form action (POST) of /inbox, not a page",
    # Known gap: these two need a real person's id; not yet visited by the browser tests.
    "lead_suspend": "needs a real person's id (known gap: not yet in the browser pass)",
    "lead_close": "needs a real person's id (known gap: not yet in the browser pass)",
}


# ---------------------------------------------------------------------------
# The pages of the app


@dataclass(frozen=True)
class ChorusPage:
    """A page someone can land on, and how they get there."""

    name: str
    path: str
    status: int
    # Reached by sending the language form from `path` with a token that is no longer valid.
    refused_form: bool = False

    @property
    def reached_by_address(self) -> bool:
        return not self.refused_form


UNMAPPED_ROUTES: list[str] = []


def discover_pages(routes: list[BaseRoute] | None = None, prefix: str = "") -> list[ChorusPage]:
    """Every page of the app, from its routes, plus the error pages a person can meet."""
    top_level = routes is None
    pages: list[ChorusPage] = []
    post_only: list[str] = []
    for route in all_routes() if routes is None else routes:
        if isinstance(route, Mount):
            pages += discover_pages(list(route.routes), prefix + route.path)
            continue
        if not isinstance(route, Route) or route.name in NOT_PAGES:
            continue
        path = prefix + route.path
        if route.param_convertors:
            UNMAPPED_ROUTES.append(path)  # test_every_route_is_a_page_or_explained says so
            continue
        if "GET" in (route.methods or {"GET"}):
            pages.append(ChorusPage(path.strip("/") or "home", path, 200))
        else:
            post_only.append(path)
    if top_level:
        pages.append(ChorusPage("404-not-found", "/no-such-page", 404))
        if post_only:
            pages.append(ChorusPage("405-get-on-a-form-address", post_only[0], 405))
        pages.append(ChorusPage("403-refused-form", "/", 403, refused_form=True))
    return pages


PAGES = discover_pages()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "chorus_page" in metafunc.fixturenames:
        metafunc.parametrize("chorus_page", PAGES, ids=[page.name for page in PAGES])
    if "language" in metafunc.fixturenames:
        metafunc.parametrize("language", list(LANGUAGES))


# ---------------------------------------------------------------------------
# A browser tab that remembers what it asked for and what it logged


@dataclass
class Tab:
    page: Page
    chorus_url: str
    neutral_url: str
    person: str | None = None  # the demo person signed in, if any
    requested: list[str] = field(default_factory=list)
    _console: list[tuple[str, str]] = field(default_factory=list)
    _documents: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.page.on("request", self._on_request)
        self.page.on("response", self._on_response)
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self._console.append((f"uncaught: {error}", "")))

    def _on_request(self, request: BrowserRequest) -> None:
        self.requested.append(request.url)

    def _on_response(self, response: Response) -> None:
        if response.request.is_navigation_request():
            self._documents[response.url] = response.status

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":  # CSP violations too: "Refused to load ..."
            self._console.append((message.text, message.location.get("url", "")))

    @property
    def console_errors(self) -> list[str]:
        """What the page logged as errors. Chromium logs each 4xx document as "Failed to load
        resource"; `open` checks those statuses itself, so only those lines are left out."""
        return [
            text
            for text, url in self._console
            if not (
                url in self._documents
                and text.startswith(
                    "Failed to load resource: the server responded with a status of "
                    f"{self._documents[url]} "
                )
            )
        ]

    @property
    def other_origins_requested(self) -> list[str]:
        return [url for url in self.requested if origin(url) != origin(self.chorus_url)]

    @property
    def heading(self) -> Locator:
        return self.page.get_by_role("heading", level=1)

    @property
    def exit_link(self) -> Locator:
        return self.page.locator("#exit-this-page")

    @property
    def skip_link(self) -> Locator:
        return self.page.locator("a.skip-link")

    def language_button(self, code: str) -> Locator:
        return self.page.locator(".language-switcher").get_by_role("button", name=LANGUAGES[code])

    async def language(self) -> str | None:
        return await self.page.get_attribute("html", "lang")

    async def open(self, chorus_page: ChorusPage) -> None:
        """Go to the page as a person would, and check the server answered as it should."""
        response: Response | None
        if chorus_page.refused_form:
            await self.page.goto(chorus_page.path)
            await self.page.locator(".language-switcher input[name=csrf_token]").evaluate(
                "input => { input.value = 'no-longer-valid' }"
            )
            async with self.page.expect_navigation() as navigation:
                await self.language_button(await self.language() or "en").click()
            response = await navigation.value
        else:
            response = await self.page.goto(chorus_page.path)
        assert response is not None
        assert response.status == chorus_page.status, f"{chorus_page.name}: {response.status}"
        assert response.headers["content-type"].startswith("text/html")

    async def choose_language(self, code: str) -> None:
        """Press that language's button in the switcher; the same page comes back in it."""
        async with self.page.expect_navigation():
            await self.language_button(code).click()
        assert await self.language() == code

    async def press_shift(self, times: int) -> None:
        for _ in range(times):
            await self.page.keyboard.press("Shift")

    async def wait_until_left(self) -> None:
        await self.page.wait_for_url(self.neutral_url)
        assert await self.page.title() == NEUTRAL_TITLE

    async def cookie_names(self) -> list[str]:
        return sorted(cookie.get("name", "") for cookie in await self.page.context.cookies())

    async def wait_for_no_cookies(self, seconds: float = 5) -> list[str]:
        """The cookies left after `seconds` (sooner if none are): clearing can lag a moment."""
        deadline = time.monotonic() + seconds
        while (names := await self.cookie_names()) and time.monotonic() < deadline:
            await self.page.wait_for_timeout(100)
        return names

    async def scroll_width(self) -> int:
        return int(await self.page.evaluate("document.documentElement.scrollWidth"))

    async def serious_accessibility_violations(self) -> list[dict[str, Any]]:
        results = await AXE.run(self.page)
        violations: list[dict[str, Any]] = results.response["violations"]
        return [v for v in violations if v.get("impact") in SERIOUS_IMPACTS]


AXE = Axe()


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"  - {node['target']}: {node.get('failureSummary', '')}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# The servers and the browser


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class NeutralSite(BaseHTTPRequestHandler):
    """Where the exit leads: a page that draws no attention (and asks for nothing else)."""

    PAGE = (
        b'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        b'<link rel="icon" href="data:,"><title>Weather</title></head>'
        b"<body><h1>Weather</h1><p>Sunny spells, light wind.</p></body></html>"
    )

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/html; charset=utf-8")
        self.send_header("content-length", str(len(self.PAGE)))
        self.end_headers()
        self.wfile.write(self.PAGE)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def neutral_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), NeutralSite)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/weather"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def chorus_url(tmp_path_factory: pytest.TempPathFactory, neutral_url: str) -> Iterator[str]:
    """`chorus demo` in a temporary directory, exiting to the neutral site."""
    workdir = tmp_path_factory.mktemp("chorus-demo")
    port = free_port()
    env = {name: value for name, value in os.environ.items() if not name.startswith("CHORUS_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env["CHORUS_EXIT_URL"] = neutral_url
    command = [sys.executable, "-m", "chorus.cli", "demo", "--host", "127.0.0.1"]
    log_path = workdir / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*command, "--port", str(port)], cwd=workdir, env=env, stdout=log, stderr=log
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, log_path)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"chorus demo stopped ({process.returncode}):\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(url + "/", timeout=1):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    process.kill()
    pytest.fail(f"chorus demo did not answer within 30 s:\n{log_path.read_text()}")


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    executable = chromium_path()
    if executable is None:
        pytest.skip(NO_CHROMIUM)
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            await chromium.close()


# ---------------------------------------------------------------------------
# Who opens each page: anyone, or a demo person signed in over plain HTTP


@dataclass(frozen=True)
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str


def ask(
    chorus_url: str, method: str, path: str, *, cookie: str = "", form: dict[str, str] | None = None
) -> Answer:
    """One request to Chorus outside the browser, sent as its own pages would send it."""
    address = urlsplit(chorus_url)
    headers = {"sec-fetch-site": "same-origin"}
    if cookie:
        headers["cookie"] = cookie
    body = None
    if form is not None:
        body = urlencode(form)
        headers["content-type"] = "application/x-www-form-urlencoded"
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read().decode())
    finally:
        connection.close()


def sign_in_over_http(chorus_url: str, pseudonym: str) -> str:
    """A new session for a demo person; returns its cookie as `name=value`."""
    form = ask(chorus_url, "GET", "/sign-in")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.body)
    assert token, "no CSRF token on /sign-in"
    answer = ask(
        chorus_url,
        "POST",
        "/sign-in",
        form={"csrf_token": token[1], "pseudonym": pseudonym, "passphrase": DEMO_PASSPHRASE},
    )
    for header in answer.headers.get_all("set-cookie") or []:
        name_value = header.split(";", 1)[0]
        if name_value.startswith(f"{SESSION_COOKIE}="):
            return name_value
    raise AssertionError(f"{pseudonym} could not sign in ({answer.status})")


@pytest.fixture(scope="session")
def demo_sessions(chorus_url: str) -> dict[str, str]:
    """One session per demo person, signed in when first needed, for tests that only look."""
    return _SignedIn(chorus_url)


class _SignedIn(dict[str, str]):
    def __init__(self, chorus_url: str) -> None:
        super().__init__()
        self.chorus_url = chorus_url

    def __missing__(self, pseudonym: str) -> str:
        self[pseudonym] = sign_in_over_http(self.chorus_url, pseudonym)
        return self[pseudonym]


@pytest.fixture(scope="session")
def visitors(chorus_url: str, demo_sessions: dict[str, str]) -> dict[str, str | None]:
    """For each page (by name), who opens it: None when anyone may, else the first demo
    person it lets in. Pages nobody in the demo can open are missing."""
    found: dict[str, str | None] = {}
    for chorus_page in PAGES:
        path = chorus_page.path
        if not chorus_page.reached_by_address or (
            ask(chorus_url, "GET", path).status == chorus_page.status
        ):
            found[chorus_page.name] = None
            continue
        for pseudonym, _roles in DEMO_PEOPLE:
            answer = ask(chorus_url, "GET", path, cookie=demo_sessions[pseudonym])
            if answer.status == chorus_page.status:
                found[chorus_page.name] = pseudonym
                break
    return found


@pytest.fixture(autouse=True)
def _skip_pages_nobody_can_open(request: pytest.FixtureRequest) -> None:
    callspec = getattr(request.node, "callspec", None)
    chorus_page = callspec.params.get("chorus_page") if callspec else None
    if not isinstance(chorus_page, ChorusPage):
        return
    visitors: dict[str, str | None] = request.getfixturevalue("visitors")
    if chorus_page.name not in visitors:
        pytest.skip(f"neither a visitor nor any demo person can open {chorus_page.path}")


# ---------------------------------------------------------------------------
# Tabs

LOCALES = {"en": "en-GB", "fr": "fr-FR"}
TabMaker = Callable[..., Awaitable[Tab]]


@pytest.fixture(scope="session")
async def shared_contexts(
    browser: Browser,
) -> AsyncIterator[dict[tuple[str, int, str | None], BrowserContext]]:
    """Browser contexts kept for the session, one per (language, width, person), for tests
    that only look. (Closed before the browser, which it therefore asks for.)"""
    contexts: dict[tuple[str, int, str | None], BrowserContext] = {}
    yield contexts
    for context in contexts.values():
        await context.close()


@pytest.fixture
async def reading_tab(
    browser: Browser,
    chorus_url: str,
    neutral_url: str,
    visitors: dict[str, str | None],
    demo_sessions: dict[str, str],
    shared_contexts: dict[tuple[str, int, str | None], BrowserContext],
) -> AsyncIterator[TabMaker]:
    """Opens a tab for someone who may see `chorus_page`, whose browser asks for `language`,
    `width` px wide. Its context is shared: the test must only look."""
    pages: list[Page] = []

    async def open_tab(chorus_page: ChorusPage, language: str = "en", width: int = 1024) -> Tab:
        person = visitors[chorus_page.name]
        key = (language, width, person)
        if key not in shared_contexts:
            context = await _new_context(browser, chorus_url, locale=LOCALES[language], width=width)
            if person:
                await _hand_over(context, chorus_url, demo_sessions[person])
            shared_contexts[key] = context
        page = await shared_contexts[key].new_page()
        pages.append(page)
        return Tab(page, chorus_url, neutral_url, person)

    yield open_tab
    for page in pages:
        await page.close()


@pytest.fixture
async def fresh_tab(
    browser: Browser, chorus_url: str, neutral_url: str, visitors: dict[str, str | None]
) -> AsyncIterator[TabMaker]:
    """Opens a tab in a browser context of its own, for someone who may see `chorus_page`
    (with a session of their own), closed after the test."""
    contexts: list[BrowserContext] = []

    async def open_tab(chorus_page: ChorusPage | None = None, javascript: bool = True) -> Tab:
        context = await _new_context(browser, chorus_url, javascript=javascript)
        contexts.append(context)
        person = visitors[chorus_page.name] if chorus_page else None
        if person:
            await _hand_over(context, chorus_url, sign_in_over_http(chorus_url, person))
        return Tab(await context.new_page(), chorus_url, neutral_url, person)

    yield open_tab
    for context in contexts:
        await context.close()


async def _new_context(
    browser: Browser,
    chorus_url: str,
    *,
    javascript: bool = True,
    locale: str = "en-GB",
    width: int = 1024,
) -> BrowserContext:
    context = await browser.new_context(
        base_url=chorus_url,
        java_script_enabled=javascript,
        locale=locale,
        viewport={"width": width, "height": 800},
    )
    context.set_default_timeout(10_000)
    return context


async def _hand_over(context: BrowserContext, chorus_url: str, cookie: str) -> None:
    """Give the browser a session cookie, as if it had signed in itself."""
    name, value = cookie.split("=", 1)
    await context.add_cookies(
        [
            {
                "name": name,
                "value": value,
                # Not `url`: Playwright would then drop `secure` on http, which __Host- needs.
                "domain": urlsplit(chorus_url).hostname or "",
                "path": "/",
                "secure": True,
                "httpOnly": True,
                "sameSite": "Strict",
            }
        ]
    )
