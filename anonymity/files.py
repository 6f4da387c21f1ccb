"""Key files: written readable by the owner only, destroyed by overwriting then removing.

Shared by the per-round keys (keystore) and the retention keys (retention).
Overwriting helps on plain disks; on journaling or copy-on-write file systems
only removing the key everywhere (backups too) is deletion. Both are done.
"""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path


def write_private(path: Path, value: bytes) -> None:
    """Create `path` (never overwrite it) readable by its owner only, even for a moment."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(value)
        handle.flush()
        os.fsync(handle.fileno())


def key_made_once(path: Path, size: int = 32) -> bytes:
    """The random key at `path`, made now if it is missing. It is written whole under a
    name of its own, then linked into place, which fails if another process got there
    first: every process then reads the same, complete key."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    fresh = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    write_private(fresh, secrets.token_bytes(size))
    try:
        os.link(fresh, path)
    except FileExistsError:
        shred_file(fresh)  # unused: another process made the key
    else:
        fresh.unlink()  # the key stays, under its own name
    return path.read_bytes()


def overwrite(path: Path) -> None:
    """Replace a file's bytes with random ones, in place, and push them to the disk."""
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.write(secrets.token_bytes(size))
        handle.flush()
        os.fsync(handle.fileno())


def shred_file(path: Path) -> bool:
    """Overwrite, then remove, one file. False if it was already gone (shredded elsewhere)."""
    try:
        overwrite(path)
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def shred_folder(folder: Path) -> None:
    """Overwrite every file of the folder, then remove the folder."""
    for path in folder.iterdir():
        if path.is_file():
            overwrite(path)
    shutil.rmtree(folder)
