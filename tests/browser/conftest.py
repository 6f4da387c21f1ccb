"""Browser tests: a real Chorus, started the way the README does it, seen through Chromium.

The session starts two servers on 127.0.0.1: `chorus demo` in a temporary
directory (its `var/demo/` lands there, with the demo people it creates), and
a tiny neutral site titled "Weather" that stands in for the real exit URL (an
external site, out of reach here).

Tests that take a `chorus_page` argument run once for every page of the app.
The pages come from the app's own routes (`discover_pages`); an address with
a parameter in it is filled in from a link to it on another page. Each page is
opened by someone it lets in: anyone, or else the first demo person it accepts
(signed in over HTTP, their session cookie handed to the browser). Tests that
take a `language` argument run once for every language the app ships.

Tabs: `fresh_tab(chorus_page)` opens one in a browser context of its own (its
own cookies, its own session); `reading_tab(chorus_page, language, width)`
reuses one kept for the session, for tests that only look (never exit, never
switch language, never sign out). `invite_code` is a fresh member invite, made
with `chorus invite` against the demo's database, for journeys that join.
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
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
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

from chorus.app import DOMAINS
from chorus.assembly import all_routes
from governance.demo import DEMO_PASSPHRASE, DEMO_PEOPLE
from governance.identity.cookies import COOKIE as SESSION_COOKIE
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
LOCALES = {"en": "en-GB", "fr": "fr-FR"}
LANGUAGE_COOKIE = "__Host-lang"
NEUTRAL_TITLE = "Weather"
SERIOUS_IMPACTS = ("serious", "critical")

# GET routes these tests do not visit, and why; every other GET route is a page they visit.
# (Routes without GET are form actions, never pages; one of them serves the 405 page.)
NOT_PAGES = {
    "exit": "leaves for the neutral site (test_quick_exit.py follows it)",
    "static": "serves files, not pages",
    "member_invites": "the demo's charter does not let members invite (leads get /lead/invites)",
    "results_csv": "a download, not a page (tests/functional/test_voting.py reads it)",
    "results_json": "a download, not a page (tests/functional/test_voting.py reads it)",
}


# ---------------------------------------------------------------------------
# The pages of the app


@dataclass(frozen=True)
class ChorusPage:
    """A page someone can land on, and how they get there."""

    name: str
    path: str  # for an address with parameters, the route's template
    status: int
    # For an address with parameters: the route's pattern, to find a link that fits it.
    pattern: str | None = None
    # Reached by sending the language form from `path` with a token that is no longer valid.
    refused_form: bool = False

    @property
    def reached_by_address(self) -> bool:
        return not self.refused_form


def discover_pages(routes: Iterable[BaseRoute] | None = None, prefix: str = "") -> list[ChorusPage]:
    """Every page of the app, from its routes, plus the error pages a person can meet."""
    top_level = routes is None
    pages: list[ChorusPage] = []
    form_actions: list[str] = []
    for route in all_routes(DOMAINS) if routes is None else routes:
        if isinstance(route, Mount):
            pages += discover_pages(route.routes, prefix + route.path)
            continue
        if not isinstance(route, Route) or route.name in NOT_PAGES:
            continue
        path = prefix + route.path
        if "GET" not in (route.methods or {"GET"}):
            if not route.param_convertors:
                form_actions.append(path)
        elif route.param_convertors:
            name = re.sub(r":\w+\}", "}", path).strip("/")
            pattern = "^" + re.escape(prefix) + route.path_regex.pattern.removeprefix("^")
            pages.append(ChorusPage(name, path, 200, pattern=pattern))
        else:
            pages.append(ChorusPage(path.strip("/") or "home", path, 200))
    if top_level:
        pages.append(ChorusPage("404-not-found", "/no-such-page", 404))
        if form_actions:
            pages.append(ChorusPage("405-get-on-a-form-address", form_actions[0], 405))
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


@dataclass(frozen=True)
class Visit:
    """Where a page is, and who may open it (a demo person's pseudonym, or None for anyone)."""

    address: str
    person: str | None


@dataclass
class Tab:
    """A tab, with what a person does in it, that notes every request and logged error."""

    page: Page
    chorus_url: str
    neutral_url: str
    chorus_page: ChorusPage | None = None  # the page this tab is for, if any
    visit: Visit | None = None
    session: str = ""  # the session cookie of the demo person signed in, if any
    requested: list[str] = field(default_factory=list)
    _console: list[tuple[str, str]] = field(default_factory=list)
    _documents: dict[str, set[int]] = field(default_factory=dict)  # statuses by address

    def __post_init__(self) -> None:
        self.page.on("request", self._on_request)
        self.page.on("response", self._on_response)
        self.page.on("console", self._on_console)
        self.page.on("pageerror", self._on_page_error)

    def stop_listening(self) -> None:
        self.page.remove_listener("request", self._on_request)
        self.page.remove_listener("response", self._on_response)
        self.page.remove_listener("console", self._on_console)
        self.page.remove_listener("pageerror", self._on_page_error)

    def _on_request(self, request: BrowserRequest) -> None:
        self.requested.append(request.url)

    def _on_response(self, response: Response) -> None:
        if response.request.is_navigation_request():
            self._documents.setdefault(response.url, set()).add(response.status)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":  # CSP violations too: "Refused to load ..."
            self._console.append((message.text, message.location.get("url", "")))

    def _on_page_error(self, error: Exception) -> None:
        self._console.append((f"uncaught: {error}", ""))

    @property
    def console_errors(self) -> list[str]:
        """What the page logged as errors. Chromium logs each 4xx document as "Failed to load
        resource"; `open` (or the test) checks those statuses itself, so only those lines are
        left out."""
        return [
            text
            for text, url in self._console
            if not any(
                text.startswith(
                    f"Failed to load resource: the server responded with a status of {status} "
                )
                for status in self._documents.get(url, ())
            )
        ]

    @property
    def other_origins_requested(self) -> list[str]:
        return [url for url in self.requested if origin(url) != origin(self.chorus_url)]

    @property
    def address(self) -> str:
        assert self.visit is not None, "this tab was opened for no page in particular"
        return self.visit.address

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

    async def open(self) -> None:
        """Go to this tab's page as a person would; check the server answered as it should."""
        assert self.chorus_page is not None, "this tab was opened for no page in particular"
        response: Response | None
        if self.chorus_page.refused_form:
            await self.page.goto(self.address)
            await self.page.locator(".language-switcher input[name=csrf_token]").evaluate(
                "input => { input.value = 'no-longer-valid' }"
            )
            async with self.page.expect_navigation() as navigation:
                await self.language_button(await self.language() or "en").click()
            response = await navigation.value
        else:
            response = await self.page.goto(self.address)
        assert response is not None
        assert response.status == self.chorus_page.status, f"{self.address}: {response.status}"
        assert response.headers["content-type"].startswith("text/html")

    async def choose_language(self, code: str) -> None:
        """Press that language's button in the switcher; the same page comes back in it."""
        async with self.page.expect_navigation():
            await self.language_button(code).click()
        assert await self.language() == code

    async def remember_language(self, code: str) -> None:
        """Leave the cookie the language switcher leaves, without going through it."""
        await self.page.context.add_cookies([cookie_for(self.chorus_url, LANGUAGE_COOKIE, code)])

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


def cookie_for(chorus_url: str, name: str, value: str) -> Any:
    """A cookie as Chorus sets it. Not given by `url`: Playwright would then drop `secure`
    on http, and a `__Host-` cookie needs it (Chromium counts loopback as secure)."""
    return {
        "name": name,
        "value": value,
        "domain": urlsplit(chorus_url).hostname or "",
        "path": "/",
        "secure": True,
        "httpOnly": True,
        "sameSite": "Strict",
    }


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


def chorus_environment(**settings: str) -> dict[str, str]:
    """This process's environment for a `chorus` command, without any CHORUS_* setting of
    its own but `settings`, with the repository importable."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("CHORUS_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env.update(settings)
    return env


@pytest.fixture(scope="session")
def demo_directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where `chorus demo` runs: its `var/demo/` (database, keys) lands here."""
    return tmp_path_factory.mktemp("chorus-demo")


@pytest.fixture(scope="session")
def chorus_url(demo_directory: Path, neutral_url: str) -> Iterator[str]:
    """`chorus demo` in a temporary directory, exiting to the neutral site."""
    workdir = demo_directory
    port = free_port()
    env = chorus_environment(CHORUS_EXIT_URL=neutral_url)
    command = [sys.executable, "-m", "chorus", "demo", "--host", "127.0.0.1"]
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


INVITE_CODE = re.compile(r"\b[A-Z2-7]{4}(?:-[A-Z2-7]{4}){3}\b")


@pytest.fixture
def invite_code(chorus_url: str, demo_directory: Path) -> str:
    """A fresh member invite for the running demo, made as the README says:
    `chorus invite --role member`, against the demo's own database and keys."""
    env = chorus_environment(
        CHORUS_DATABASE_URL="sqlite://var/demo/chorus.sqlite3",
        CHORUS_KEY_DIRECTORY="var/demo/keys",
    )
    done = subprocess.run(
        [sys.executable, "-m", "chorus", "invite", "--role", "member"],
        cwd=demo_directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, f"chorus invite failed:\n{done.stdout}{done.stderr}"
    found = INVITE_CODE.search(done.stdout)
    assert found, f"no invite code in:\n{done.stdout}"
    return found[0]


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"chorus demo stopped ({process.returncode}):\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(url + "/", timeout=1):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    process.kill()
    pytest.fail(f"chorus demo did not answer within 60 s:\n{log_path.read_text()}")


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
    chorus_url: str, path: str, *, cookie: str = "", form: dict[str, str] | None = None
) -> Answer:
    """One request to Chorus outside the browser (a GET, or a POST of `form`), sent as its
    own pages would send it."""
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
        connection.request("GET" if form is None else "POST", path, body=body, headers=headers)
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read().decode())
    finally:
        connection.close()


def sign_in_over_http(chorus_url: str, pseudonym: str) -> str:
    """A new session for a demo person; returns its cookie's value."""
    token = re.search(r'name="csrf_token" value="([^"]+)"', ask(chorus_url, "/sign-in").body)
    assert token, "no CSRF token on /sign-in"
    form = {"csrf_token": token[1], "pseudonym": pseudonym, "passphrase": DEMO_PASSPHRASE}
    answer = ask(chorus_url, "/sign-in", form=form)
    for header in answer.headers.get_all("set-cookie") or []:
        name, _, value = header.split(";", 1)[0].partition("=")
        if name == SESSION_COOKIE:
            return value
    raise AssertionError(f"{pseudonym} could not sign in ({answer.status})")


class SignedIn(dict[str, str]):
    """Session cookies by pseudonym, each demo person signed in when first needed."""

    def __init__(self, chorus_url: str) -> None:
        super().__init__()
        self.chorus_url = chorus_url

    def __missing__(self, pseudonym: str) -> str:
        self[pseudonym] = sign_in_over_http(self.chorus_url, pseudonym)
        return self[pseudonym]


@pytest.fixture(scope="session")
def demo_sessions(chorus_url: str) -> SignedIn:
    """One session per demo person for the whole run, for tests that only look."""
    return SignedIn(chorus_url)


@pytest.fixture(scope="session")
def visits(chorus_url: str, demo_sessions: SignedIn) -> dict[str, Visit]:
    """Where each page (by name) is and who opens it. Pages nobody can open are missing."""
    seen: list[str] = []  # every page fetched, to find links in

    def first_visitor(address: str, status: int) -> Visit | None:
        """The first who may open it; what everyone who may sees is read for links (an
        author's page links to their edit page, a lead's to hiding)."""
        first = None
        for person in [None, *(pseudonym for pseudonym, _ in DEMO_PEOPLE)]:
            cookie = f"{SESSION_COOKIE}={demo_sessions[person]}" if person else ""
            answer = ask(chorus_url, address, cookie=cookie)
            if answer.status == status:
                seen.append(answer.body)
                first = first or Visit(address, person)
                if person is None:
                    break  # a page for anyone: the same for all
        return first

    found: dict[str, Visit] = {}
    for chorus_page in PAGES:
        if chorus_page.refused_form:
            found[chorus_page.name] = Visit(chorus_page.path, None)
        elif not chorus_page.pattern and (
            visit := first_visitor(chorus_page.path, chorus_page.status)
        ):
            found[chorus_page.name] = visit
    # Pages with parameters are found through links, followed as far as they go (a round's
    # page links to its proposals, a proposal's page to its edit page...). Every linked
    # address that fits a pattern is opened once, so its own links are read too.
    opened: set[str] = set()
    looked_at = 0
    while looked_at < len(seen):
        links = [
            urlsplit(href).path
            for html in seen[looked_at:]
            for href in re.findall(r'href="([^"]+)"', html)
        ]
        looked_at = len(seen)
        for address in dict.fromkeys(links):
            for chorus_page in PAGES:
                pattern = chorus_page.pattern
                if address in opened or not pattern or not re.match(pattern, address):
                    continue
                opened.add(address)
                visit = first_visitor(address, chorus_page.status)
                if visit and chorus_page.name not in found:
                    found[chorus_page.name] = visit
    return found


@pytest.fixture(autouse=True)
def _skip_pages_nobody_can_open(request: pytest.FixtureRequest) -> None:
    """`test_every_page_can_be_opened` names them; the other tests skip them."""
    callspec = getattr(request.node, "callspec", None)
    chorus_page = callspec.params.get("chorus_page") if callspec else None
    if isinstance(chorus_page, ChorusPage) and chorus_page.name not in request.getfixturevalue(
        "visits"
    ):
        pytest.skip(f"nobody in the demo can open {chorus_page.path}")


# ---------------------------------------------------------------------------
# Tabs

TabMaker = Callable[..., Awaitable[Tab]]
SharedPages = dict[tuple[str, int, str | None], Page]


@pytest.fixture(scope="session")
async def shared_pages(browser: Browser) -> AsyncIterator[SharedPages]:
    """Pages kept for the session, each in its own context, one per (language, width,
    person), for tests that only look. (Closed before the browser, which it asks for.)"""
    pages: SharedPages = {}
    yield pages
    for page in pages.values():
        await page.context.close()


@pytest.fixture
async def reading_tab(
    browser: Browser,
    chorus_url: str,
    neutral_url: str,
    visits: dict[str, Visit],
    demo_sessions: SignedIn,
    shared_pages: SharedPages,
) -> AsyncIterator[TabMaker]:
    """Opens a tab for someone who may see `chorus_page`, whose browser asks for `language`,
    `width` px wide. The tab is kept for other tests: the test must only look."""
    tabs: list[Tab] = []

    async def open_tab(chorus_page: ChorusPage, language: str = "en", width: int = 1024) -> Tab:
        visit = visits[chorus_page.name]
        key = (language, width, visit.person)
        session = demo_sessions[visit.person] if visit.person else ""
        if key not in shared_pages:
            context = await _new_context(browser, chorus_url, locale=LOCALES[language], width=width)
            if session:
                await context.add_cookies([cookie_for(chorus_url, SESSION_COOKIE, session)])
            shared_pages[key] = await context.new_page()
        tabs.append(Tab(shared_pages[key], chorus_url, neutral_url, chorus_page, visit, session))
        return tabs[-1]

    yield open_tab
    for tab in tabs:
        tab.stop_listening()


@pytest.fixture
async def fresh_tab(
    browser: Browser, chorus_url: str, neutral_url: str, visits: dict[str, Visit]
) -> AsyncIterator[TabMaker]:
    """Opens a tab in a browser context of its own, for someone who may see `chorus_page`
    (signed in afresh if it takes a demo person), closed after the test."""
    contexts: list[BrowserContext] = []

    async def open_tab(
        chorus_page: ChorusPage | None = None, javascript: bool = True, person: str | None = None
    ) -> Tab:
        """`person`: a demo person to sign in, for a tab opened for no page in particular."""
        context = await _new_context(browser, chorus_url, javascript=javascript)
        contexts.append(context)
        visit = visits[chorus_page.name] if chorus_page else None
        person = visit.person if visit else person
        session = sign_in_over_http(chorus_url, person) if person else ""
        if session:
            await context.add_cookies([cookie_for(chorus_url, SESSION_COOKIE, session)])
        page = await context.new_page()
        return Tab(page, chorus_url, neutral_url, chorus_page, visit, session)

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
