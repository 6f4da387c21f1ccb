"""Small values kept in the key directory instead of the database, one file per owner.

A copy of the database holds none of them: not in a table, a WAL segment, a
freed page, a statistics sample or a backup. Destroying the file (overwritten,
then removed) is deleting the value everywhere at once, which no rewrite of a
database could promise (VACUUM does not zero freed space; recycled WAL segments
keep old bytes). Chorus keeps pseudonyms this way: writing one at joining
touches no row, so a copy of the database cannot line the joining up with what
the newcomer does next.
"""

from __future__ import annotations

import re
from pathlib import Path

from anonymity.files import shred_file, write_private

_SAFE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _path(key_directory: Path, folder: str, owner: str) -> Path:
    if not _SAFE.match(folder) or not _SAFE.match(owner):
        raise ValueError("a folder or owner is 1 to 64 letters, digits, - or _")
    return key_directory / folder / owner


def keep(key_directory: Path, folder: str, owner: str, value: bytes) -> None:
    """Keep `value` for `owner`, readable by this process's user only. Written once: a
    value already kept is never overwritten in place (FileExistsError)."""
    path = _path(key_directory, folder, owner)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_private(path, value)


def read(key_directory: Path, folder: str, owner: str) -> bytes | None:
    """The owner's value; None if there is none (never kept, or destroyed)."""
    try:
        return _path(key_directory, folder, owner).read_bytes()
    except FileNotFoundError:
        return None


def holds(key_directory: Path, folder: str, owner: str) -> bool:
    return _path(key_directory, folder, owner).exists()


def destroy(key_directory: Path, folder: str, owner: str) -> bool:
    """Overwrite, then remove, the owner's value. True if there was one."""
    return shred_file(_path(key_directory, folder, owner))


def owners(key_directory: Path, folder: str) -> list[str]:
    """Every owner with a value kept in `folder` (none if it was never made)."""
    path = key_directory / folder
    if not _SAFE.match(folder) or not path.is_dir():
        return []
    return sorted(entry.name for entry in path.iterdir() if _SAFE.match(entry.name))
