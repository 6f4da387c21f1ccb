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

from anonymity.files import overwrite, shred_folder, write_private

# The secrets the shell needs; each is 32 random bytes, stored as hex.
# - app_secret signs sessions' cookies and CSRF tokens; `chorus keys rotate` replaces it.
# - lookup_secret keys the hashes of invite, recovery and follow-up codes; rotating it
#   would void every code people hold, so it is never rotated (only destroyed).
REQUIRED_KEYS = ("app_secret", "lookup_secret")
ROTATED_KEYS = ("app_secret",)
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

    @property
    def lookup_secret(self) -> bytes:
        return self._values["lookup_secret"]


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
    write_private(path, (value.hex() + "\n").encode())


def rotate_keys(directory: Path) -> list[str]:
    """Replace the rotated keys with new ones; the old ones are overwritten, then removed.

    Every session ends and every open form must be reloaded. Round keys and the
    lookup secret stay: open rounds keep their keys until they close.
    """
    load_keys(directory)  # refuse to rotate an incomplete or unsafe directory
    for name in ROTATED_KEYS:
        fresh = directory / f"{name}.new"
        write_key_file(fresh, secrets.token_bytes(KEY_BYTES))
        overwrite(directory / name)
        os.replace(fresh, directory / name)
    return list(ROTATED_KEYS)


def destroy_keys(directory: Path) -> None:
    """Panic: overwrite and remove the whole key directory, round and retention keys too.

    Every open ballot, every stored secret and every code becomes unreadable at once;
    Chorus will not start again until `chorus keys init` makes new keys.
    """
    if directory.exists():
        shred_folder(directory)


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
