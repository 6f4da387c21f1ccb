"""Per-round keys, kept in the key directory and never in the database.

Each round (a vote, or a survey of anonymous submissions) has its own folder
`rounds/<round id>/` with:
- `marker_key`: the HMAC key of participation markers;
- `public_key`: the key ballots are sealed to;
- `private_key`: the key that opens them, in the clear by default, or
  `private_key.wrapped` in teller mode: wrapped by a passphrase that the
  tellers hold, so that nobody, the host included, opens a ballot before close;
- `electorate_key`: the HMAC key of the electorate fixed when voting opens
  (`anonymity.electorate`), apart from the marker key.
Destroying a round's folder is what makes its markers and electorate meaningless
and its sealed ballots unreadable for good.

The tellers' passphrase is stretched (argon2id, slow on purpose) in a thread, off
the event loop, and before any transaction: `teller_key` when a round opens,
`open_private_key` when it closes.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from argon2 import Parameters
from nacl.public import PrivateKey, PublicKey

from anonymity.files import key_made_once, shred_file, shred_folder, write_private
from anonymity.wrapping import (
    Stretched,
    WrongSecret,
    check_off_loop,
    stretch_off_loop,
    unwrap,
    wrap,
)

ROUNDS = "rounds"
_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class RoundKeysMissing(Exception):
    """The round's keys are gone (closed, destroyed) or were never made here."""


class TellerPassphraseNeeded(Exception):
    """The round is in teller mode: its ballots open only with the tellers' passphrase."""


@dataclass(frozen=True)
class RoundKeys:
    marker_key: bytes
    public_key: bytes
    teller_mode: bool


@dataclass(frozen=True)
class TellerKey:
    """The tellers' passphrase, stretched: what wraps a round's private key in teller mode."""

    stretched: Stretched
    wrapping_key: bytes


async def teller_key(passphrase: str, profile: Parameters) -> TellerKey:
    """Stretch the tellers' passphrase (in a thread); call it before opening a transaction."""
    stored, wrapping_key = await stretch_off_loop(passphrase, profile)
    return TellerKey(stored, wrapping_key)


def round_directory(key_directory: Path, round_id: str) -> Path:
    if not _SAFE_ID.match(round_id):
        raise ValueError("a round id is 1 to 64 letters, digits, - or _")
    return key_directory / ROUNDS / round_id


def create_round_keys(
    key_directory: Path, round_id: str, teller: TellerKey | None = None
) -> RoundKeys:
    """Make a round's keys; in teller mode (`teller`: the tellers' passphrase, stretched
    by `teller_key`), the private key exists only wrapped."""
    folder = round_directory(key_directory, round_id)
    folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.mkdir(mode=0o700)
    private = PrivateKey.generate()
    marker_key = secrets.token_bytes(32)
    write_private(folder / "marker_key", marker_key)
    write_private(folder / "public_key", bytes(private.public_key))
    if teller is None:
        write_private(folder / "private_key", bytes(private))
    else:
        write_private(folder / "private_key.stretched", teller.stretched.encode())
        write_private(folder / "private_key.wrapped", wrap(bytes(private), teller.wrapping_key))
    return RoundKeys(marker_key, bytes(private.public_key), teller is not None)


def load_round_keys(key_directory: Path, round_id: str) -> RoundKeys:
    folder = round_directory(key_directory, round_id)
    try:
        return RoundKeys(
            marker_key=(folder / "marker_key").read_bytes(),
            public_key=(folder / "public_key").read_bytes(),
            teller_mode=(folder / "private_key.wrapped").exists(),
        )
    except FileNotFoundError as error:
        raise RoundKeysMissing(round_id) from error


async def open_private_key(
    key_directory: Path, round_id: str, teller_passphrase: str | None = None
) -> PrivateKey:
    """The round's private key; in teller mode the passphrase is checked in a thread."""
    folder = round_directory(key_directory, round_id)
    if (folder / "private_key").exists():
        return PrivateKey((folder / "private_key").read_bytes())
    if not (folder / "private_key.wrapped").exists():
        raise RoundKeysMissing(round_id)
    if teller_passphrase is None:
        raise TellerPassphraseNeeded(round_id)
    stored = Stretched.decode((folder / "private_key.stretched").read_bytes())
    try:
        wrapping_key = await check_off_loop(teller_passphrase, stored)
    except WrongSecret as error:
        raise TellerPassphraseNeeded(round_id) from error
    return PrivateKey(unwrap((folder / "private_key.wrapped").read_bytes(), wrapping_key))


def public_key(keys: RoundKeys) -> PublicKey:
    return PublicKey(keys.public_key)


def destroy_round_keys(key_directory: Path, round_id: str) -> bool:
    """Overwrite, then remove, the round's keys. True if there was anything to destroy."""
    folder = round_directory(key_directory, round_id)
    if not folder.exists():
        return False
    shred_folder(folder)
    return True


def destroy_all_round_keys(key_directory: Path) -> int:
    """Panic: every round's keys at once. Returns how many rounds lost their keys."""
    rounds = key_directory / ROUNDS
    if not rounds.exists():
        return 0
    folders = [folder for folder in rounds.iterdir() if folder.is_dir()]
    for folder in folders:
        shred_folder(folder)
    return len(folders)


def electorate_key(key_directory: Path, round_id: str, *, create: bool = False) -> bytes:
    """The key of the round's electorate rows, in the round's folder (so it is destroyed
    with the round's other keys); made when `create` and missing.

    A key of its own, not the marker key: the electorate row and the participation marker
    of one person must not share a value, or the rows would show who took part.
    """
    path = round_directory(key_directory, round_id) / "electorate_key"
    if not path.exists() and (not create or not path.parent.is_dir()):
        raise RoundKeysMissing(round_id)
    return key_made_once(path)


# -- Tag keys ---------------------------------------------------------------------------------
# A round's tag key makes keyed tags for "this person did that in this round" (wrote a
# proposal, co-signed, signed a petition) that let the person act again and nobody else
# link them. It lives in `tags/<round id>` and is destroyed when the round closes: from
# then on not even the whole host can tell whose tag is whose.

TAGS = "tags"


def tag_key(key_directory: Path, round_id: str, *, create: bool = False) -> bytes | None:
    """The round's tag key; made when `create` and missing; None once destroyed."""
    if not _SAFE_ID.match(round_id):
        raise ValueError("a round id is 1 to 64 letters, digits, - or _")
    path = key_directory / TAGS / round_id
    if not create:
        return path.read_bytes() if path.exists() else None
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    return key_made_once(path)


def destroy_tag_key(key_directory: Path, round_id: str) -> bool:
    """Overwrite, then remove, the round's tag key. True if there was one."""
    return shred_file(key_directory / TAGS / round_id)
