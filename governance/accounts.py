"""Pseudonymous accounts: joining, signing in, recovery, passphrases, deletion.

Stretching a passphrase is slow on purpose (argon2id), so it runs in a thread,
off the event loop, and before any transaction opens.
"""

from __future__ import annotations

import asyncio
import hashlib
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path

from argon2 import Parameters
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from anonymity import owner_keys
from anonymity.codes import new_code, normalise_code
from anonymity.wrapping import (
    Stretched,
    WrongSecret,
    check,
    keyed_hash,
    new_personal_key,
    stretch,
    unwrap,
    wrap,
)
from chorus.database import forget_deleted_rows
from governance.errors import (
    AccountSuspended,
    InviteNotUsable,
    PassphrasesDiffer,
    PassphraseTooShort,
    PseudonymInvalid,
    PseudonymTaken,
    WrongCredentials,
)
from governance.invites import check_invite, claim_invite
from governance.models import (
    Invite,
    Person,
    RecoveryCode,
    RoleGrant,
    Suspension,
)

PSEUDONYM_MIN = 2
PSEUDONYM_MAX = 40
RECOVERY_CODE_COUNT = 10


@dataclass(frozen=True)
class Secrets:
    """What account functions need from the key directory and settings."""

    lookup_key: bytes  # keyed hashes of invite and recovery codes, and of pseudonyms
    profile: Parameters  # argon2id cost
    passphrase_min_length: int
    key_directory: Path  # where each person's name key lives (anonymity.owner_keys)


@dataclass(frozen=True)
class SignedIn:
    person: Person
    personal_key: bytes
    pseudonym: str


@dataclass(frozen=True)
class Joined(SignedIn):
    recovery_codes: list[str]


def clean_pseudonym(text: str) -> tuple[str, str]:
    """The pseudonym as shown, and its folded form for uniqueness; or PseudonymInvalid."""
    shown = unicodedata.normalize("NFC", text.strip())
    if not shown:
        raise PseudonymInvalid("empty")
    if any(
        unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") for char in shown
    ):
        raise PseudonymInvalid("characters")
    if len(shown) < PSEUDONYM_MIN:
        raise PseudonymInvalid("short")
    if len(shown) > PSEUDONYM_MAX:
        raise PseudonymInvalid("long")
    folded = unicodedata.normalize("NFKC", shown).casefold()
    return shown, " ".join(folded.split())


def name_lookup(folded: str, secrets_: Secrets) -> str:
    """How a pseudonym is found: HMAC(lookup secret, folded pseudonym), never the name."""
    return keyed_hash(secrets_.lookup_key, "pseudonym|" + folded)


# A pseudonym's sealed bytes have one size, whatever its length (40 characters, 4 bytes each).
NAME_BYTES = PSEUDONYM_MAX * 4


def seal_name(person_id: str, shown: str, key_directory: Path) -> bytes:
    return owner_keys.seal(key_directory, person_id, shown.encode(), NAME_BYTES)


def pseudonym_of(person: Person, key_directory: Path) -> str:
    """The person's pseudonym as they chose it; empty once their account is deleted."""
    opened = owner_keys.open_sealed(key_directory, str(person.id), person.sealed_name)
    return opened.decode() if opened is not None else ""


def check_new_passphrase(passphrase: str, confirmation: str, minimum: int) -> None:
    if len(passphrase) < minimum:
        raise PassphraseTooShort(minimum)
    if passphrase != confirmation:
        raise PassphrasesDiffer


def code_wrapping_key(code: str) -> bytes:
    # Codes carry 80 random bits, so a plain hash is enough to make a key of them.
    return hashlib.sha256(b"chorus:recovery-code:" + code.encode()).digest()


async def _stretch(passphrase: str, profile: Parameters) -> tuple[Stretched, bytes]:
    return await asyncio.to_thread(stretch, passphrase, profile)


async def _check(passphrase: str, stored: Stretched) -> bytes:
    return await asyncio.to_thread(check, passphrase, stored)


def _recovery_rows(
    person: Person, personal_key: bytes, lookup_key: bytes
) -> tuple[list[RecoveryCode], list[str]]:
    codes = [new_code() for _ in range(RECOVERY_CODE_COUNT)]
    rows = [
        RecoveryCode(
            person=person,
            lookup=keyed_hash(lookup_key, code),
            wrapped_key=wrap(personal_key, code_wrapping_key(code)),
        )
        for code in codes
    ]
    return rows, codes


async def find_invite(code: str, secrets_: Secrets) -> Invite:
    return await check_invite(keyed_hash(secrets_.lookup_key, normalise_code(code)))


async def join(
    invite_code: str, pseudonym: str, passphrase: str, confirmation: str, secrets_: Secrets
) -> Joined:
    """Redeem an invite: a new pseudonymous account, its role, and 10 recovery codes."""
    shown, folded = clean_pseudonym(pseudonym)
    check_new_passphrase(passphrase, confirmation, secrets_.passphrase_min_length)
    await find_invite(invite_code, secrets_)
    lookup_name = name_lookup(folded, secrets_)
    if await Person.exists(name_lookup=lookup_name):
        raise PseudonymTaken
    stored, wrapping_key = await _stretch(passphrase, secrets_.profile)
    personal_key = new_personal_key()
    lookup = keyed_hash(secrets_.lookup_key, normalise_code(invite_code))
    person_id = uuid.uuid4()
    try:
        async with in_transaction():
            # Claim the invite first, atomically: of two people racing, one wins.
            role = await claim_invite(lookup)
            if role is None:
                raise InviteNotUsable("used")
            # A name taken meanwhile writes no row, and makes the database log no error.
            await Person.bulk_create(
                [
                    Person(
                        id=person_id,
                        name_lookup=lookup_name,
                        sealed_name=seal_name(str(person_id), shown, secrets_.key_directory),
                        passphrase=stored.encode(),
                        wrapped_key=wrap(personal_key, wrapping_key),
                    )
                ],
                ignore_conflicts=True,
            )
            person = await Person.get_or_none(id=person_id)
            if person is None:
                raise PseudonymTaken
            await RoleGrant.create(person=person, role=role)
            rows, codes = _recovery_rows(person, personal_key, secrets_.lookup_key)
            await RecoveryCode.bulk_create(rows)
    except BaseException:
        owner_keys.destroy(secrets_.key_directory, str(person_id))  # nothing to keep it for
        raise
    return Joined(person, personal_key, shown, codes)


async def sign_in(pseudonym: str, passphrase: str, secrets_: Secrets) -> SignedIn:
    try:
        _, folded = clean_pseudonym(pseudonym)
    except PseudonymInvalid as error:
        raise WrongCredentials from error
    person = await Person.get_or_none(name_lookup=name_lookup(folded, secrets_))
    if person is None:
        # Spend the same time as a real check, so timing does not reveal who has an account.
        await _stretch(passphrase, secrets_.profile)
        raise WrongCredentials
    try:
        wrapping_key = await _check(passphrase, Stretched.decode(person.passphrase))
        personal_key = unwrap(person.wrapped_key, wrapping_key)
    except WrongSecret as error:
        raise WrongCredentials from error
    await raise_if_suspended(person)
    return SignedIn(person, personal_key, pseudonym_of(person, secrets_.key_directory))


async def raise_if_suspended(person: Person) -> None:
    suspension = await Suspension.filter(person=person, active=True).first()
    if suspension is not None:
        raise AccountSuspended(suspension.reason)


async def recover(
    pseudonym: str, code: str, passphrase: str, confirmation: str, secrets_: Secrets
) -> Joined:
    """Sign in with a recovery code and set a new passphrase; the code is used up.

    Every other session ends, in case someone else knew the old passphrase.
    Returns the remaining codes' count through `recovery_codes` being empty.
    """
    try:
        _, folded = clean_pseudonym(pseudonym)
    except PseudonymInvalid as error:
        raise WrongCredentials from error
    check_new_passphrase(passphrase, confirmation, secrets_.passphrase_min_length)
    code = normalise_code(code)
    row = await RecoveryCode.get_or_none(
        lookup=keyed_hash(secrets_.lookup_key, code),
        person__name_lookup=name_lookup(folded, secrets_),
    ).prefetch_related("person")
    if row is None:
        raise WrongCredentials
    try:
        personal_key = unwrap(row.wrapped_key, code_wrapping_key(code))
    except WrongSecret as error:
        raise WrongCredentials from error
    person = row.person
    await raise_if_suspended(person)  # before anything changes: the code stays unused
    stored, wrapping_key = await _stretch(passphrase, secrets_.profile)
    async with in_transaction():
        if await RecoveryCode.filter(id=row.id).delete() != 1:
            raise WrongCredentials
        await _set_passphrase(person, stored, wrap(personal_key, wrapping_key))
    return Joined(person, personal_key, pseudonym_of(person, secrets_.key_directory), [])


async def _set_passphrase(person: Person, stored: Stretched, wrapped_key: bytes) -> None:
    """A new passphrase ends every other session: the person's generation moves on."""
    await Person.filter(id=person.id).update(
        passphrase=stored.encode(),
        wrapped_key=wrapped_key,
        session_generation=F("session_generation") + 1,
    )
    person.passphrase = stored.encode()
    person.wrapped_key = wrapped_key
    person.session_generation += 1


async def change_passphrase(
    person: Person, current: str, new: str, confirmation: str, secrets_: Secrets
) -> None:
    """A new passphrase; the personal key stays the same, wrapped anew. Every session
    ends (the caller gives this browser a fresh one)."""
    try:
        old_key = await _check(current, Stretched.decode(person.passphrase))
    except WrongSecret as error:
        raise WrongCredentials from error
    check_new_passphrase(new, confirmation, secrets_.passphrase_min_length)
    personal_key = unwrap(person.wrapped_key, old_key)
    stored, wrapping_key = await _stretch(new, secrets_.profile)
    await _set_passphrase(person, stored, wrap(personal_key, wrapping_key))


async def replace_recovery_codes(
    person: Person, personal_key: bytes, secrets_: Secrets
) -> list[str]:
    rows, codes = _recovery_rows(person, personal_key, secrets_.lookup_key)
    async with in_transaction():
        await RecoveryCode.filter(person=person).delete()
        await RecoveryCode.bulk_create(rows)
    return codes


async def remaining_recovery_codes(person: Person) -> int:
    return await RecoveryCode.filter(person=person).count()


async def delete_account(person: Person, passphrase: str, key_directory: Path) -> None:
    """Remove the account and everything tied to it; anonymous votes and feedback stay counted."""
    try:
        await _check(passphrase, Stretched.decode(person.passphrase))
    except WrongSecret as error:
        raise WrongCredentials from error
    await remove_person(person, key_directory)


async def remove_person(person: Person, key_directory: Path) -> None:
    """The row goes, and with the name key every copy of the pseudonym anywhere."""
    await person.delete()
    owner_keys.destroy(key_directory, str(person.id))
    await forget_deleted_rows()
