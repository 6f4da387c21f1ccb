"""The key directory: the app's secrets, kept outside the database.

A copy of the database alone must give nothing away, so every secret lives
here, in files readable by the owner only (mode 0600), or in CHORUS_KEY_<NAME>
environment variables holding the same hex values. Deleting a key file is
deleting what it protects (crypto-shredding); the anonymity package adds its
per-round keys to this directory.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Mapping
from pathlib import Path

# The secrets the shell needs; each is 32 random bytes, stored as hex.
REQUIRED_KEYS = ("app_secret",)
KEY_BYTES = 32


class KeyDirectoryError(RuntimeError):
    """The key directory is missing, incomplete or unsafe; the message says what to do."""


class Keys:
    """Read access to the secrets, loaded once at start-up."""

    def __init__(self, directory: Path, values: Mapping[str, bytes]) -> None:
        self.directory = directory
        self._values = dict(values)

    def get(self, name: str) -> bytes:
        return self._values[name]

    @property
    def app_secret(self) -> bytes:
        return self._values["app_secret"]


def init_key_directory(directory: Path) -> list[str]:
    """Create the directory and any missing key; never overwrite one. Returns the names created."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    created = []
    for name in REQUIRED_KEYS:
        path = directory / name
        if path.exists():
            continue
        write_key_file(path, secrets.token_bytes(KEY_BYTES))
        created.append(name)
    return created


def write_key_file(path: Path, value: bytes) -> None:
    """Write a key so that only its owner can read it, even for a moment."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value.hex() + "\n")


def load_keys(directory: Path, environ_values: Mapping[str, str] | None = None) -> Keys:
    """Load every required key from the environment values or the directory, or explain."""
    environ_values = environ_values or {}
    values: dict[str, bytes] = {}
    for name in REQUIRED_KEYS:
        if name in environ_values:
            values[name] = _decode(name, environ_values[name], f"CHORUS_KEY_{name.upper()}")
            continue
        path = directory / name
        if not path.is_file():
            raise KeyDirectoryError(
                f"The key directory {directory} has no key {name!r}. "
                "Create it with `chorus keys init` (or set "
                f"CHORUS_KEY_{name.upper()}), then start Chorus again."
            )
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise KeyDirectoryError(
                f"The key file {path} can be read by other users (mode {mode:o}). "
                f"Make it private with `chmod 600 {path}`, then start Chorus again."
            )
        values[name] = _decode(name, path.read_text().strip(), str(path))
    return Keys(directory, values)


def _decode(name: str, text: str, source: str) -> bytes:
    try:
        value = bytes.fromhex(text)
    except ValueError:
        value = b""
    if len(value) != KEY_BYTES:
        raise KeyDirectoryError(
            f"The key {name!r} from {source} is not {KEY_BYTES} bytes written as hex."
        )
    return value
