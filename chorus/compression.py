"""Gzip for responses, tuned for small pages.

Pages here are a few kilobytes: a deflate window and memory level sized to the
body make compressing one several times cheaper than zlib's defaults, for the
same output. Whole bodies (the usual response) are compressed in one call;
streamed bodies go through one compressor; responses that already carry a
Content-Encoding (precompressed static files) pass through untouched.
"""

from __future__ import annotations

import re
import struct
import zlib

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COMPRESSIBLE = (b"text/", b"application/javascript", b"application/json", b"image/svg+xml")
LEVEL = 6


def compressor(size: int | None) -> zlib._Compress:
    if size is None:  # streamed: size unknown
        return zlib.compressobj(LEVEL, zlib.DEFLATED, 16 + 15, 8)
    window = min(15, max(9, size.bit_length()))
    return zlib.compressobj(LEVEL, zlib.DEFLATED, 16 + window, 4 if size < 16384 else 8)


def gzip_bytes(body: bytes) -> bytes:
    packer = compressor(len(body))
    return packer.compress(body) + packer.flush()


class GzipMiddleware:
    def __init__(self, app: ASGIApp, minimum_size: int = 500) -> None:
        self.app = app
        self.minimum_size = minimum_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or "gzip" not in Headers(scope=scope).get("accept-encoding", ""):
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        stream: zlib._Compress | None = None
        passthrough = False

        async def send_compressed(message: Message) -> None:
            nonlocal start, stream, passthrough
            if message["type"] == "http.response.start":
                start = message
                headers = dict(message.get("headers", []))
                passthrough = b"content-encoding" in headers or not headers.get(
                    b"content-type", b""
                ).startswith(COMPRESSIBLE)
                if passthrough:
                    await send(message)
                return
            if message["type"] != "http.response.body" or passthrough:
                await send(message)
                return
            assert start is not None
            body: bytes = message.get("body", b"")
            more = message.get("more_body", False)
            if stream is None and not more:
                if len(body) < self.minimum_size:
                    await send(start)
                    await send(message)
                    return
                compressed = gzip_bytes(body)
                await send(_with_encoding(start, len(compressed)))
                await send({"type": "http.response.body", "body": compressed})
                return
            if stream is None:
                stream = compressor(None)
                await send(_with_encoding(start, None))
            chunk = stream.compress(body)
            if not more:
                chunk += stream.flush()
            if chunk or not more:
                await send({"type": "http.response.body", "body": chunk, "more_body": more})

        await self.app(scope, receive, send_compressed)


def _with_encoding(start: Message, length: int | None) -> Message:
    headers = [
        (name, value)
        for name, value in start.get("headers", [])
        if name not in (b"content-length", b"vary")
    ]
    headers.append((b"content-encoding", b"gzip"))
    headers.append((b"vary", b"Accept-Encoding"))
    if length is not None:
        headers.append((b"content-length", str(length).encode()))
    return {**start, "headers": headers}


# --- Pages compressed once, with a fresh value spliced in per request -------------------------

GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # deflate, no name, no time, OS unknown
_FINAL_BLOCK = zlib.compressobj(LEVEL, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)


def _deflate_open(data: bytes) -> bytes:
    """Raw deflate blocks ending byte-aligned and not final, so more blocks may follow."""
    packer = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(zlib.Z_SYNC_FLUSH)


def _stored_block(data: bytes) -> bytes:
    """`data` as an uncompressed deflate block (RFC 1951, 3.2.4)."""
    if len(data) > 0xFFFF:
        raise ValueError("a stored block holds at most 65,535 bytes")
    return b"\x00" + struct.pack("<HH", len(data), len(data) ^ 0xFFFF) + data


class SplicedPage:
    """A page that differs between requests only where its slots stand (a CSRF token, a
    ballot receipt).

    The fixed parts are deflated once; each request adds the fresh values as
    stored blocks between them and a gzip trailer computed over the whole page,
    so a compressed response costs a CRC instead of a compression.
    """

    def __init__(self, html: str, *slots: str) -> None:
        pieces = re.split("(" + "|".join(map(re.escape, slots)) + ")", html)
        self.parts = [piece.encode() for piece in pieces[0::2]]
        self.gaps = [slots.index(slot) for slot in pieces[1::2]]  # the slot of each gap
        self.deflated = [_deflate_open(part) for part in self.parts]

    def plain(self, *values: str) -> bytes:
        """The page with `values` in its slots, in the order the slots were given."""
        fillers = [value.encode() for value in values]
        pieces = [self.parts[0]]
        for gap, part in zip(self.gaps, self.parts[1:], strict=True):
            pieces += [fillers[gap], part]
        return b"".join(pieces)

    def gzipped(self, *values: str) -> bytes:
        """The same, gzipped."""
        fillers = [value.encode() for value in values]
        stored = [_stored_block(filler) for filler in fillers]
        pieces = [GZIP_HEADER, self.deflated[0]]
        crc = zlib.crc32(self.parts[0])
        size = len(self.parts[0])
        for gap, part, deflated in zip(self.gaps, self.parts[1:], self.deflated[1:], strict=True):
            pieces += [stored[gap], deflated]
            crc = zlib.crc32(part, zlib.crc32(fillers[gap], crc))
            size += len(fillers[gap]) + len(part)
        pieces += [_FINAL_BLOCK, struct.pack("<II", crc, size & 0xFFFFFFFF)]
        return b"".join(pieces)
