"""Retention by crypto-shredding: content is deleted by destroying the key it was sealed with.

Stored content is encrypted under a key per retention period, kept in the key
directory and never in the database. Destroying the key deletes the content
everywhere it was copied in its sealed form: the table, the WAL files, replicas
and backups of the database (DESIGN.md, "Anonymity", point 9).

Periods. A period is the calendar month (UTC) in which content is written; its
id is "YYYY-MM", e.g. "2026-11". Content is kept for `keep` whole months after
its period ends (the setting `retention_months`): with keep=24, everything
written in November 2026 stays readable until 2028-12-01 00:00 UTC and is
shredded by the first retention run after that. So content lives at least
`keep` months and at most `keep` + 1 months plus the time until the next run.
With keep=0 a month's content goes at the first run after the month ends.

Keys. `retention/<period id>` in the key directory: 32 random bytes (a NaCl
secret box key), mode 0600, in a folder of mode 0700. A key is made by the
first seal of its period, published atomically (written to a private
temporary file, then hard-linked to its name, which never replaces an
existing key), so that processes sealing at the same moment agree on one key.

Blobs. `seal_for_retention` returns b"<period id>:" followed by the secret
box (24-byte nonce, then the ciphertext with its 16-byte authenticator). The
period id (the month of writing) is in the clear, so that the blob says which
key opens it; nothing else is. Lengths are not hidden.

The interface:

    blob = seal_for_retention(key_directory, plaintext, now)   # bytes -> bytes
    open_retained(key_directory, blob)                         # bytes, or ContentExpired
    expired_periods(key_directory, now, keep)                  # ["2024-09", ...]
    shred_expired(key_directory, now, keep)                    # what it destroyed
    run_retention(key_directory, now, keep)                    # `chorus retention run`
    await retention_job(key_directory, keep)                   # the scheduled job

and, for domains that keep text in a binary column (a Tortoise BinaryField):

    retained = RetainedText(key_directory)
    row.body = retained.protect("what they wrote")
    retained.reveal(row.body)  # the text, or None once its period was shredded
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from nacl.exceptions import CryptoError
from nacl.secret import SecretBox

from anonymity.files import shred_file, write_private

RETENTION = "retention"
KEY_BYTES = SecretBox.KEY_SIZE
_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_LEFTOVER = re.compile(r"^\.(\d{4}-\d{2})\.[0-9a-f]+\.tmp$")
_SEPARATOR = b":"
_PERIOD_BYTES = len("YYYY-MM")


class ContentExpired(Exception):
    """The key of the content's retention period is gone: the content is deleted for good."""


def retention_directory(key_directory: Path) -> Path:
    return key_directory / RETENTION


def period_of(now: datetime) -> str:
    """The id of the period content written at `now` belongs to: its month in UTC."""
    return _utc(now).strftime("%Y-%m")


def expires_at(period: str, keep: int) -> datetime:
    """When content of `period` stops being readable: `keep` months after the period ends."""
    year, month = _parse(period)
    if keep < 0:
        raise ValueError("content is kept for 0 or more months")
    index = year * 12 + (month - 1) + 1 + keep
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def seal_for_retention(key_directory: Path, plaintext: bytes, now: datetime) -> bytes:
    """Encrypt under the key of the current period, making that key if it is the first use."""
    period = period_of(now)
    box = SecretBox(_period_key(key_directory, period))
    return period.encode() + _SEPARATOR + bytes(box.encrypt(plaintext))


def open_retained(key_directory: Path, blob: bytes) -> bytes:
    """The plaintext of a sealed blob; ContentExpired once its period's key was shredded.

    A blob that is not one (or was altered) raises ValueError: damage is not expiry.
    """
    period, sealed = _split(blob)
    try:
        key = (retention_directory(key_directory) / period).read_bytes()
    except FileNotFoundError as error:
        raise ContentExpired(period) from error
    try:
        return bytes(SecretBox(key).decrypt(sealed))
    except CryptoError as error:
        raise ValueError(f"a retained blob of {period} does not open with its key") from error


def expired_periods(key_directory: Path, now: datetime, keep: int) -> list[str]:
    """The periods whose key material is still on disk although their content has expired."""
    moment = _utc(now)
    return sorted(p for p in _periods_on_disk(key_directory) if expires_at(p, keep) <= moment)


def shred_expired(key_directory: Path, now: datetime, keep: int) -> list[str]:
    """Overwrite, then remove, the key of every expired period. Returns the periods shredded.

    Idempotent, and safe against a simultaneous run: what is already gone is skipped.
    """
    folder = retention_directory(key_directory)
    shredded = []
    for period in expired_periods(key_directory, now, keep):
        # Leftover temporary files of a period (a crash while publishing its key) may hold
        # the key too: they go with it.
        leftovers = [p for p in folder.iterdir() if _leftover_period(p.name) == period]
        destroyed = [shred_file(path) for path in [folder / period, *leftovers]]
        if any(destroyed):
            shredded.append(period)
    return shredded


def run_retention(key_directory: Path, now: datetime, keep: int) -> list[str]:
    """What `chorus retention run` and the scheduled job do: shred every expired period."""
    return shred_expired(key_directory, now, keep)


async def retention_job(key_directory: Path, keep: int) -> None:
    """The scheduled job (wrap it in a PeriodicJob with functools.partial)."""
    await asyncio.to_thread(run_retention, key_directory, datetime.now(UTC), keep)


@dataclass(frozen=True)
class RetainedText:
    """Text kept under retention, for a binary column of a domain's table."""

    key_directory: Path

    def protect(self, text: str, now: datetime | None = None) -> bytes:
        return seal_for_retention(
            self.key_directory, text.encode(), now if now is not None else datetime.now(UTC)
        )

    def reveal(self, blob: bytes) -> str | None:
        """The text, or None when its retention period is over and its key destroyed."""
        try:
            return open_retained(self.key_directory, bytes(blob)).decode()
        except ContentExpired:
            return None


def _period_key(key_directory: Path, period: str) -> bytes:
    folder = retention_directory(key_directory)
    path = folder / period
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    key_directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.mkdir(mode=0o700, exist_ok=True)
    temporary = folder / f".{period}.{secrets.token_hex(8)}.tmp"
    write_private(temporary, secrets.token_bytes(KEY_BYTES))
    try:
        os.link(temporary, path)  # atomic, and never replaces a key another process made
    except FileExistsError:
        shred_file(temporary)  # that process won: everyone uses its key
    else:
        temporary.unlink()
    return _read_key(path)


def _read_key(path: Path) -> bytes:
    key = path.read_bytes()
    if len(key) != KEY_BYTES:
        raise ValueError(f"the retention key {path} is not {KEY_BYTES} bytes")
    return key


def _periods_on_disk(key_directory: Path) -> set[str]:
    folder = retention_directory(key_directory)
    if not folder.is_dir():
        return set()
    periods = set()
    for path in folder.iterdir():
        if _PERIOD.match(path.name):
            periods.add(path.name)
        elif (leftover := _leftover_period(path.name)) is not None:
            periods.add(leftover)
    return periods


def _leftover_period(name: str) -> str | None:
    match = _LEFTOVER.match(name)
    return match.group(1) if match and _PERIOD.match(match.group(1)) else None


def _split(blob: bytes) -> tuple[str, bytes]:
    head, separator, sealed = bytes(blob).partition(_SEPARATOR)
    period = head.decode("ascii", errors="replace")
    if not separator or len(head) != _PERIOD_BYTES or not _PERIOD.match(period):
        raise ValueError("not a retained blob")
    return period, sealed


def _parse(period: str) -> tuple[int, int]:
    match = _PERIOD.match(period)
    if not match:
        raise ValueError(f"a period id is YYYY-MM, not {period!r}")
    return int(match.group(1)), int(match.group(2))


def _utc(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError("a moment with its time zone, please (datetime.now(UTC))")
    return now.astimezone(UTC)
