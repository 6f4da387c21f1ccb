"""Codes people hold: ballot receipts, follow-up codes, invite and recovery codes.

All are 80 random bits written as XXXX-XXXX-XXXX-XXXX (base32: no 0/1/8/9 to
confuse with letters), forgiving to type. Two kinds with two purposes:
- a *ballot receipt* proves that a ballot was counted, nothing more; only its
  SHA-256 is stored, and after close the sorted hashes of counted receipts are
  published, so anyone can check offline (`sha256sum` of the code);
- a *follow-up code* lets its holder withdraw, follow or reply to feedback or a
  complaint without an account; it is stored as a keyed hash (useless without
  the key directory), like invite and recovery codes.
"""

from __future__ import annotations

import base64
import hashlib
import secrets

from anonymity.wrapping import keyed_hash


def new_code() -> str:
    raw = base64.b32encode(secrets.token_bytes(10)).decode()
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def normalise_code(text: str) -> str:
    compact = "".join(char for char in text.upper() if char.isalnum())
    return "-".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def receipt_hash(receipt: str) -> str:
    """What is stored and published of a ballot receipt: SHA-256 of its normal form."""
    return hashlib.sha256(normalise_code(receipt).encode()).hexdigest()


def follow_up_lookup(lookup_key: bytes, code: str) -> str:
    return keyed_hash(lookup_key, "follow-up:" + normalise_code(code))
