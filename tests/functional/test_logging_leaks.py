"""Nothing a request carries ever reaches the logs (DESIGN.md, anonymity point 10).

The main test starts the server as the README does (`chorus demo`), at the most
verbose log level the settings accept, sends requests carrying unique markers
in every place a request can carry content (path, query, headers, cookies,
forms, bodies, even a broken request line), stops the server and looks for
the markers in everything it wrote: stdout, stderr and every file it created,
the demo's SQLite database included. The client's address must not appear
either. Smaller in-process tests check the two promises of chorus.logs that
no request reaches: exceptions are logged without their message, and the
database client never logs query values.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from chorus.logs import QUIET_LIBRARIES, configure_logging
from chorus.models import JobBeat
from chorus.settings import LOG_LEVELS, Settings

REPO_ROOT = Path(__file__).resolve().parents[2]
MOST_VERBOSE = "debug"
CLIENT_ADDRESS = "127.0.0.1"
START_TIMEOUT_SECONDS = 30
STOP_TIMEOUT_SECONDS = 15


@dataclass
class Markers:
    """Unique values to plant in requests; none may come out anywhere."""

    issued: list[str] = field(default_factory=list)

    def new(self) -> str:
        marker = "mk" + secrets.token_hex(8)
        self.issued.append(marker)
        return marker

    def found_in(self, text: str) -> list[str]:
        return [marker for marker in self.issued if marker in text]


@dataclass
class DemoServer:
    process: subprocess.Popen[bytes]
    port: int
    workdir: Path
    stdout: Path
    stderr: Path

    @property
    def url(self) -> str:
        return f"http://{CLIENT_ADDRESS}:{self.port}"

    def output(self) -> dict[str, str]:
        return {
            "stdout": self.stdout.read_text(errors="replace"),
            "stderr": self.stderr.read_text(errors="replace"),
        }


# --- The server, run as the README runs it ---------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((CLIENT_ADDRESS, 0))
        return int(probe.getsockname()[1])


def server_environment() -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("CHORUS_")}
    env["PYTHONPATH"] = str(REPO_ROOT)
    env["CHORUS_LOG_LEVEL"] = MOST_VERBOSE
    return env


def wait_until_listening(server: DemoServer) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"the demo server exited early:\n{server.output()['stderr']}")
        try:
            socket.create_connection((CLIENT_ADDRESS, server.port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"the demo server did not listen within {START_TIMEOUT_SECONDS} s")


def stop(server: DemoServer) -> None:
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGINT)
    try:
        server.process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
        pytest.fail("the demo server did not stop on SIGINT")


@pytest.fixture
def demo_server(tmp_path: Path) -> Iterator[DemoServer]:
    workdir = tmp_path / "demo"
    workdir.mkdir()
    stdout, stderr = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    port = free_port()
    command = [sys.executable, "-m", "chorus", "demo", "--host", CLIENT_ADDRESS]
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(
            [*command, "--port", str(port)],
            cwd=workdir,
            env=server_environment(),
            stdout=out,
            stderr=err,
        )
    server = DemoServer(process, port, workdir, stdout, stderr)
    try:
        wait_until_listening(server)
        yield server
    finally:
        stop(server)


# --- Requests carrying markers -----------------------------------------------------------------


def csrf_token_from(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page has no CSRF token"
    return found.group(1)


def send_raw(port: int, data: bytes) -> bytes:
    """Send bytes no HTTP client would send; returns the start of the answer."""
    with socket.create_connection((CLIENT_ADDRESS, port), timeout=5) as connection:
        connection.sendall(data)
        return connection.recv(4096)


def request_with_markers_everywhere(http: httpx.Client, markers: Markers) -> None:
    """Path, query, headers and cookies, on pages that exist and pages that do not."""
    assert http.get(f"/{markers.new()}").status_code == 404
    assert http.get(f"/static/{markers.new()}/x").status_code == 404
    assert http.get("/", params={"q": markers.new(), markers.new(): "1"}).status_code == 200
    assert http.get("/privacy", params={"next": markers.new()}).status_code == 200
    assert http.head("/", params={"q": markers.new()}).status_code == 200
    assert http.get("/language", params={"q": markers.new()}).status_code == 405
    cookies = f"__Host-session={markers.new()}; __Host-lang={markers.new()}; other={markers.new()}"
    headers = {
        "X-Marker": markers.new(),
        "User-Agent": f"Mozilla/5.0 {markers.new()}",
        "Referer": f"https://{markers.new()}.example/{markers.new()}",
        "X-Forwarded-For": f"203.0.113.7, {markers.new()}",
        "Accept-Language": f"{markers.new()}, en;q=0.5",
        "Cookie": cookies,
    }
    assert http.get("/", headers=headers).status_code == 200
    assert http.get("/", headers={"Host": f"{markers.new()}.example"}).status_code == 200


def post_forms_with_markers(http: httpx.Client, markers: Markers) -> None:
    """The language form, with and without a valid token, urlencoded and multipart."""
    token = csrf_token_from(http.get("/").text)
    same_origin = {"sec-fetch-site": "same-origin"}
    valid = {"csrf_token": token, "language": "fr", "next": f"/{markers.new()}"}

    answer = http.post("/language", data={**valid, "note": markers.new()}, headers=same_origin)
    assert answer.status_code == 303
    answer = http.post(
        "/language", data={"csrf_token": token, "language": markers.new()}, headers=same_origin
    )
    assert answer.status_code == 400
    answer = http.post(
        "/language", data={"language": "fr", "note": markers.new()}, headers=same_origin
    )
    assert answer.status_code == 403
    answer = http.post(
        "/language",
        data={**valid, "note": markers.new()},
        files={"upload": (f"{markers.new()}.txt", markers.new().encode(), "text/plain")},
        headers=same_origin,
    )
    assert answer.status_code == 303


def post_malformed_bodies_with_markers(http: httpx.Client, markers: Markers) -> None:
    """Bodies that do not parse, read by the CSRF check and (with a header token) by the route."""
    token = csrf_token_from(http.get("/").text)
    broken_multipart = (
        f'--{markers.new()}\r\nContent-Disposition: form-data; name="{markers.new()}"\r\n'
        f"\r\n{markers.new()}\r\n--other--\r\n"
    ).encode()
    multipart = {"Content-Type": "multipart/form-data; boundary=expected"}
    answer = http.post("/language", content=broken_multipart, headers=multipart)
    assert answer.status_code == 403
    answer = http.post(
        "/language", content=broken_multipart, headers={**multipart, "X-CSRF-Token": token}
    )
    assert answer.status_code == 400
    urlencoded = {"Content-Type": "application/x-www-form-urlencoded"}
    garbage = b"\xff\xfe" + markers.new().encode() + b"=%%%&&=" + markers.new().encode()
    assert http.post("/language", content=garbage, headers=urlencoded).status_code == 403
    answer = http.post(
        "/language",
        content=f'{{"language": "{markers.new()}"'.encode(),
        headers={"Content-Type": "application/json", "X-CSRF-Token": token},
    )
    assert answer.status_code == 400


def post_account_forms_with_markers(http: httpx.Client, markers: Markers) -> None:
    """Where the most sensitive values are typed: names, passphrases and invite codes."""
    same_origin = {"sec-fetch-site": "same-origin"}
    token = csrf_token_from(http.get("/sign-in").text)
    sign_in = {"csrf_token": token, "pseudonym": markers.new(), "passphrase": markers.new()}
    assert http.post("/sign-in", data=sign_in, headers=same_origin).status_code == 400
    token = csrf_token_from(http.get("/join").text)
    passphrase = markers.new()
    join = {
        "csrf_token": token,
        "invite_code": markers.new(),
        "pseudonym": markers.new(),
        "passphrase": passphrase,
        "confirmation": passphrase,
    }
    assert http.post("/join", data=join, headers=same_origin).status_code == 400


def send_broken_http_with_markers(port: int, markers: Markers) -> None:
    """What uvicorn itself answers and warns about: bad request lines and upgrade requests."""
    bad_request_line = f"GET /{markers.new()} HTTP/1.1 {markers.new()}\r\nHost: x\r\n\r\n"
    assert send_raw(port, bad_request_line.encode()).startswith(b"HTTP/1.1 400")
    bad_header = f"GET / HTTP/1.1\r\nHost: x\r\n{markers.new()}\r\n\r\n"
    assert send_raw(port, bad_header.encode()).startswith(b"HTTP/1.1 400")
    upgrade = (
        f"GET /{markers.new()}?{markers.new()} HTTP/1.1\r\nHost: x\r\n"
        "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
        f"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nX-Marker: {markers.new()}\r\n\r\n"
    )
    assert send_raw(port, upgrade.encode()).startswith(b"HTTP/1.1 404")


# --- What may appear in the output -------------------------------------------------------------


def lines_naming_the_client_address(text: str, port: int) -> list[str]:
    """Lines with 127.0.0.1 beyond the single announcement of the server's own URL."""
    lines = [line for line in text.splitlines() if CLIENT_ADDRESS in line]
    listening_url = f"http://{CLIENT_ADDRESS}:{port}"
    announcements = [
        line for line in lines if line.count(CLIENT_ADDRESS) == 1 and listening_url in line
    ]
    allowed = announcements[:1]
    return [line for line in lines if line not in allowed]


def files_under(directory: Path) -> list[Path]:
    return sorted(path for path in directory.rglob("*") if path.is_file())


def test_the_most_verbose_setting_is_debug() -> None:
    assert MOST_VERBOSE in LOG_LEVELS
    assert logging.getLevelName(MOST_VERBOSE.upper()) == min(
        logging.getLevelName(level.upper()) for level in LOG_LEVELS
    )


def test_no_request_content_or_client_address_reaches_any_output(
    demo_server: DemoServer,
) -> None:
    markers = Markers()
    with httpx.Client(base_url=demo_server.url, timeout=10) as http:
        request_with_markers_everywhere(http, markers)
        post_forms_with_markers(http, markers)
        post_malformed_bodies_with_markers(http, markers)
        post_account_forms_with_markers(http, markers)
    send_broken_http_with_markers(demo_server.port, markers)
    stop(demo_server)

    output = demo_server.output()
    assert "uvicorn.error" in output["stderr"], "the server's log was not captured"
    for stream, text in output.items():
        assert markers.found_in(text) == [], f"request content in {stream}:\n{text}"
        assert lines_naming_the_client_address(text, demo_server.port) == [], stream

    created = files_under(demo_server.workdir)
    database = demo_server.workdir / "var" / "demo" / "chorus.sqlite3"
    assert database in created
    for path in created:
        relative = path.relative_to(demo_server.workdir).as_posix()
        assert relative.startswith("var/demo/"), f"unexpected file {relative}"
        content = path.read_bytes().decode("latin-1")
        assert markers.found_in(content) == [], f"request content stored in {relative}"


# --- Chorus' logging, in-process ----------------------------------------------------------------

WATCHED_LOGGERS = ("chorus", "uvicorn", "uvicorn.error", "uvicorn.access", *QUIET_LIBRARIES)


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Undo configure_logging after the test, so that later tests log as before."""
    root = logging.getLogger()
    saved_root = (root.level, list(root.handlers))
    saved = {
        name: (logger.level, list(logger.handlers), logger.propagate, logger.disabled)
        for name in WATCHED_LOGGERS
        for logger in [logging.getLogger(name)]
    }
    try:
        yield
    finally:
        root.setLevel(saved_root[0])
        root.handlers[:] = saved_root[1]
        for name, (level, handlers, propagate, disabled) in saved.items():
            logger = logging.getLogger(name)
            logger.setLevel(level)
            logger.handlers[:] = handlers
            logger.propagate = propagate
            logger.disabled = disabled


def log_verbosely() -> None:
    """Chorus' own logging at its most verbose, writing to the (captured) stderr of now."""
    configure_logging(Settings(log_level=MOST_VERBOSE))


def new_marker() -> str:
    return Markers().new()


class MarkedError(RuntimeError):
    pass


def raise_marked_error(marker: str) -> None:
    raise MarkedError(f"could not handle {marker}")


def raise_chained_errors(marker: str) -> None:
    try:
        raise_marked_error(marker)
    except MarkedError as cause:
        raise ValueError(f"while handling {marker}") from cause


@pytest.mark.usefixtures("restore_logging")
@pytest.mark.parametrize("logger_name", ["chorus.test", "uvicorn.error"])
def test_an_exception_is_logged_as_type_and_places_without_its_message(
    logger_name: str, capfd: pytest.CaptureFixture[str]
) -> None:
    log_verbosely()
    marker = new_marker()
    try:
        raise_chained_errors(marker)
    except ValueError:
        logging.getLogger(logger_name).exception("request failed", stack_info=True)

    written = capfd.readouterr()
    assert marker not in written.out + written.err
    assert "ValueError" in written.err
    assert "raise_chained_errors" in written.err


@pytest.mark.usefixtures("restore_logging")
def test_a_broken_log_call_does_not_spill_its_arguments_or_the_exception(
    capfd: pytest.CaptureFixture[str],
) -> None:
    log_verbosely()
    marker = new_marker()
    try:
        raise_chained_errors(marker)
    except ValueError:
        # One argument too many: logging fails to format the message, and by default
        # prints the arguments and the exception being handled, messages included.
        logging.getLogger("chorus.test").error("job %s failed", "heartbeat", marker)

    written = capfd.readouterr()
    assert marker not in written.out + written.err
    assert "TypeError" in written.err


@pytest.mark.usefixtures("db")
async def test_the_query_log_would_show_values_if_it_were_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The control for the next test: Tortoise does log query values at DEBUG."""
    marker = new_marker()
    with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
        await JobBeat.filter(name=marker).first()
    assert marker in caplog.text


@pytest.mark.usefixtures("db", "restore_logging")
async def test_the_database_client_never_logs_query_values(
    capfd: pytest.CaptureFixture[str],
) -> None:
    log_verbosely()
    marker = new_marker()
    await JobBeat.create(name=marker, runs=1)
    assert await JobBeat.filter(name=marker).count() == 1
    await JobBeat.filter(name=marker).update(runs=2)

    assert logging.getLogger("chorus").isEnabledFor(logging.DEBUG)
    assert not logging.getLogger("tortoise.db_client").isEnabledFor(logging.DEBUG)
    written = capfd.readouterr()
    assert marker not in written.out + written.err
