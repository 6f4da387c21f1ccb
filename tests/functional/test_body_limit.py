"""The 1 MiB limit on what a request sends is kept while the body streams in: chunked, with
a Content-Length that lies, urlencoded or multipart, it is answered 413 with the usual page
once the limit is passed, and the rest is never read."""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from benchmarks.home import chorus_app
from benchmarks.pages import chorus_environ, free_port
from benchmarks.voting import fresh_sql
from chorus.bodylimit import MAX_BODY_BYTES
from chorus.services import services
from tests.common.forms import csrf_token

pytestmark = pytest.mark.usefixtures("db")

CHUNK = 64 * 1024


class Sender:
    """A request body made on demand, counting what the app took of it."""

    def __init__(self, total: int, first: bytes = b"") -> None:
        self.total, self.first, self.sent = total, first, 0

    async def chunks(self) -> AsyncIterator[bytes]:
        if self.first:
            self.sent += len(self.first)
            yield self.first
        while self.sent < self.total:
            self.sent += CHUNK
            yield b"a" * CHUNK


def refused_as_too_large(response: httpx.Response) -> None:
    assert response.status_code == 413
    assert "Too much was sent" in response.text
    assert "Exit this page" in response.text  # the usual page, in the layout


async def test_a_chunked_urlencoded_post_is_stopped_once_past_the_limit(client):
    token = csrf_token(await client.get("/sign-in"))
    sender = Sender(64 * MAX_BODY_BYTES, f"csrf_token={token}&pseudonym=".encode())
    response = await client.post(
        "/sign-in",
        content=sender.chunks(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    refused_as_too_large(response)
    assert "content-length" not in response.request.headers  # sent chunked
    assert sender.sent <= MAX_BODY_BYTES + 2 * CHUNK


async def test_a_chunked_multipart_post_is_stopped_once_past_the_limit(client):
    token = csrf_token(await client.get("/sign-in"))
    head = (
        f'--b\r\ncontent-disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
        '--b\r\ncontent-disposition: form-data; name="pseudonym"\r\n\r\n'
    ).encode()
    sender = Sender(64 * MAX_BODY_BYTES, head)
    response = await client.post(
        "/sign-in",
        content=sender.chunks(),
        headers={"content-type": "multipart/form-data; boundary=b"},
    )
    refused_as_too_large(response)
    assert sender.sent <= MAX_BODY_BYTES + 2 * CHUNK


async def test_a_content_length_that_lies_does_not_lift_the_limit(client):
    token = csrf_token(await client.get("/sign-in"))
    sender = Sender(64 * MAX_BODY_BYTES, f"csrf_token={token}&pseudonym=".encode())
    response = await client.post(
        "/sign-in",
        content=sender.chunks(),
        headers={"content-type": "application/x-www-form-urlencoded", "content-length": "100"},
    )
    refused_as_too_large(response)
    assert sender.sent <= MAX_BODY_BYTES + 2 * CHUNK


async def test_a_declared_length_past_the_limit_is_refused_before_reading(client):
    sender = Sender(2 * MAX_BODY_BYTES)
    response = await client.post(
        "/sign-in",
        content=sender.chunks(),
        headers={
            "content-type": "application/x-www-form-urlencoded",
            "content-length": str(2 * MAX_BODY_BYTES),
        },
    )
    refused_as_too_large(response)
    assert sender.sent == 0


async def test_a_body_within_the_limit_still_reaches_its_page(client):
    token = csrf_token(await client.get("/sign-in"))
    body = f"csrf_token={token}&pseudonym=Nobody&passphrase={'p' * 1000}".encode()
    sender = Sender(len(body), body)
    response = await client.post(
        "/sign-in",
        content=sender.chunks(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400  # the sign-in page, saying the name is not right
    assert "The name or passphrase is not right" in response.text


def peak_memory_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM")


async def chunked_post(port: int, path: str, total: int) -> tuple[bytes, int]:
    """Send `total` bytes in chunks until the server answers; its answer and what was sent."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"POST {path} HTTP/1.1\r\nhost: 127.0.0.1\r\nsec-fetch-site: same-origin\r\n"
        "content-type: application/x-www-form-urlencoded\r\n"
        "transfer-encoding: chunked\r\n\r\n".encode()
    )
    chunk = f"{CHUNK:x}\r\n".encode() + b"a" * CHUNK + b"\r\n"
    sent = 0
    answer = asyncio.ensure_future(reader.read(65536))
    try:
        while sent < total and not answer.done():
            writer.write(chunk)
            sent += CHUNK
            await writer.drain()
    except ConnectionError:
        pass  # the server closed the connection: it will not read the rest
    try:
        return await asyncio.wait_for(answer, 10), sent
    finally:
        writer.close()


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
async def test_a_300_mib_chunked_post_to_a_real_server_keeps_its_memory_bounded(backend):
    if backend != "sqlite":
        pytest.skip("the server is the same on both backends")
    with tempfile.TemporaryDirectory(prefix="chorus-test-") as directory, fresh_sql():
        app = await chorus_app(Path(directory), passphrase_profile="test")
        port = free_port()
        command = [sys.executable, "-m", "chorus", "serve", "--port", str(port), "--workers", "1"]
        environ = chorus_environ(services(app).settings)
        server = await asyncio.create_subprocess_exec(
            *command, env=environ, stdout=asyncio.subprocess.DEVNULL
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    (await asyncio.open_connection("127.0.0.1", port))[1].close()
                    break
                except OSError:
                    assert time.monotonic() < deadline, "the server did not start"
                    await asyncio.sleep(0.05)
            before = peak_memory_kib(server.pid)
            answer, sent = await chunked_post(port, "/sign-in", 300 * 1024 * 1024)
            grown = peak_memory_kib(server.pid) - before
        finally:
            server.terminate()
            await asyncio.wait_for(server.wait(), 10)
    print(f"sent {sent / 2**20:.0f} MiB before the answer; peak memory grew {grown} KiB")
    assert answer.startswith(b"HTTP/1.1 413"), answer[:80]
    assert sent < 300 * 1024 * 1024
    assert grown < 16 * 1024, f"the server's peak memory grew by {grown} KiB"
