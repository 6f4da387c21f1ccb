"""Small secrets sealed under a key of their owner's own, kept in the key directory.

A copy of the database holds only the sealed bytes; the key lives in
`owners/<owner id>` in the key directory. Destroying that one file is deleting
the secret everywhere at once: in the table, and in every WAL segment, freed
page, statistics sample and backup that kept an old copy of the row, which no
rewrite of the database could promise (VACUUM does not zero freed space,
recycled WAL segments keep old bytes). Chorus seals pseudonyms this way.

Sealed values are padded to a fixed size, so their length does not tell a short
name from a long one.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from nacl.exceptions import CryptoError
from nacl.secret import SecretBox

from anonymity.files import shred_file, write_private

OWNERS = "owners"
KEY_BYTES = 32
_LENGTH_BYTES = 2
_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class SecretTooLong(ValueError):
    pass


def _key_path(key_directory: Path, owner: str) -> Path:
    if not _SAFE_ID.match(owner):
        raise ValueError("an owner id is 1 to 64 letters, digits, - or _")
    return key_directory / OWNERS / owner


def _pad(value: bytes, size: int) -> bytes:
    if len(value) > size:
        raise SecretTooLong(len(value))
    return len(value).to_bytes(_LENGTH_BYTES, "big") + value + bytes(size - len(value))


def _unpad(padded: bytes) -> bytes:
    length = int.from_bytes(padded[:_LENGTH_BYTES], "big")
    return padded[_LENGTH_BYTES : _LENGTH_BYTES + length]


def seal(key_directory: Path, owner: str, value: bytes, size: int) -> bytes:
    """`value` padded to `size` bytes and sealed under the owner's key (made if missing)."""
    path = _key_path(key_directory, owner)
    try:
        key = path.read_bytes()
    except FileNotFoundError:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = secrets.token_bytes(KEY_BYTES)
        write_private(path, key)
    return bytes(SecretBox(key).encrypt(_pad(value, size)))


def open_sealed(key_directory: Path, owner: str, sealed: bytes) -> bytes | None:
    """The value, or None once the owner's key was destroyed (or never made here)."""
    try:
        key = _key_path(key_directory, owner).read_bytes()
        return _unpad(SecretBox(key).decrypt(sealed))
    except (FileNotFoundError, CryptoError):
        return None


def destroy(key_directory: Path, owner: str) -> bool:
    """Overwrite, then remove, the owner's key. True if there was one."""
    return shred_file(_key_path(key_directory, owner))
