"""Pseudonymous accounts: joining, signing in, recovery, passphrases, deletion.

What a person keeps to sign in is a Credential row that nothing ties to their
Person row but their own personal key: the person's id is sealed with it. So the
explicit acts a person does for themselves (joining, a new passphrase, recovery,
new recovery codes, signing out everywhere) write no row that a copy of the
database can trace to them, and cannot be lined up with what they do next
(DESIGN.md, anonymity point 2). The pseudonym lives in the key directory only
(governance.identity.service.invitees).

Stretching a passphrase is slow on purpose (argon2id), so it runs in a thread,
off the event loop (anonymity.wrapping.stretch_off_loop), and before any
transaction opens.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argon2 import Parameters
from nacl.exceptions import CryptoError
from nacl.secret import SecretBox
from tortoise import connections
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from anonymity.codes import new_code, normalise_code
from anonymity.wrapping import (
    Stretched,
    WrongSecret,
    check_off_loop,
    keyed_hash,
    new_personal_key,
    stretch_off_loop,
    unwrap,
    wrap,
)
from chorus import memo
from chorus.database import forget_deleted_rows, placeholders
from governance.identity import passphrases, pseudonyms
from governance.identity.errors import (
    AccountSuspended,
    InviteNotUsable,
    PassphraseBlank,
    PassphrasesDiffer,
    PassphraseTooLong,
    PassphraseTooShort,
    PassphraseWeak,
    PseudonymInvalid,
    PseudonymLookalike,
    PseudonymTaken,
    WrongCredentials,
)
from governance.identity.models import Credential, Person, RecoveryCode, Suspension
from governance.identity.service import invitees
from governance.identity.service.invites import check_invite, claim_invite

PSEUDONYM_MIN = 2
PSEUDONYM_MAX = 40
RECOVERY_CODE_COUNT = 10


@dataclass(frozen=True)
class Secrets:
    """What account functions need from the key directory and settings."""

    lookup_key: bytes  # keyed hashes of invite and recovery codes, and of pseudonyms
    profile: Parameters  # argon2id cost
    passphrase_min_length: int
    key_directory: Path  # where pseudonyms and the invitees' pools live


@dataclass(frozen=True)
class SignedIn:
    person: Person
    credential: Credential
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


def choose_pseudonym(text: str) -> tuple[str, str, str]:
    """A new pseudonym as shown, its folded form and what it looks like
    (governance.identity.pseudonyms); or PseudonymInvalid. Only for names being chosen: signing
    in finds any name chosen before by clean_pseudonym."""
    try:
        shown = pseudonyms.new_name(text)
    except pseudonyms.NameRefused as refused:
        raise PseudonymInvalid(refused.problem) from refused
    _, folded = clean_pseudonym(shown)
    return shown, folded, pseudonyms.likeness(shown)


def name_likeness(likeness: str, secrets_: Secrets) -> str:
    """HMAC(lookup secret, what a pseudonym looks like): no name, nor its look."""
    return keyed_hash(secrets_.lookup_key, "likeness|" + likeness)


def name_lookup(folded: str, secrets_: Secrets) -> str:
    """How a pseudonym is found: HMAC(lookup secret, folded pseudonym), never the name."""
    return keyed_hash(secrets_.lookup_key, "pseudonym|" + folded)


def person_tag(person_id: uuid.UUID, secrets_: Secrets) -> str:
    """One set of credentials per person, enforced by the database: HMAC(lookup secret,
    person), which a copy of the database cannot tie to the person's row."""
    return keyed_hash(secrets_.lookup_key, f"person|{person_id}")


def _person_box(personal_key: bytes) -> SecretBox:
    return SecretBox(hmac.new(personal_key, b"chorus:person", hashlib.sha256).digest())


def seal_person(personal_key: bytes, person_id: uuid.UUID) -> bytes:
    return bytes(_person_box(personal_key).encrypt(person_id.bytes))


def open_person(personal_key: bytes, sealed: bytes) -> uuid.UUID:
    try:
        return uuid.UUID(bytes=bytes(_person_box(personal_key).decrypt(sealed)))
    except (CryptoError, ValueError) as error:
        raise WrongCredentials from error


async def check_new_passphrase(
    passphrase: str, confirmation: str, minimum: int, pseudonym: str = ""
) -> None:
    """The rules of governance.identity.passphrases, for a passphrase being set."""
    found = await asyncio.to_thread(passphrases.problem, passphrase, minimum, pseudonym.split())
    if found == "blank":
        raise PassphraseBlank
    if found == "short":
        raise PassphraseTooShort(minimum)
    if found == "long":
        raise PassphraseTooLong(passphrases.MAXIMUM)
    if found == "weak":
        raise PassphraseWeak
    if passphrase != confirmation:
        raise PassphrasesDiffer


def as_once_kept(passphrase: str) -> str | None:
    """The form in which a passphrase set before the length rule was kept (cut), when it
    differs from the passphrase as typed: checking tries it too, so it still signs in."""
    return (
        passphrase[: passphrases.LEGACY_CUT] if len(passphrase) > passphrases.LEGACY_CUT else None
    )


async def check_passphrase(passphrase: str, stored: Stretched, *, first: bool = False) -> bytes:
    """The wrapping key, from the passphrase as typed or as it was once kept; or WrongSecret.
    `first`: from the person's own device, so checked before the others who wait."""
    try:
        return await check_off_loop(passphrase, stored, first=first)
    except WrongSecret:
        cut = as_once_kept(passphrase)
        if cut is None:
            raise
        return await check_off_loop(cut, stored, first=first)


def code_wrapping_key(code: str) -> bytes:
    # Codes carry 80 random bits, so a plain hash is enough to make a key of them.
    return hashlib.sha256(b"chorus:recovery-code:" + code.encode()).digest()


def _recovery_rows(
    credential_id: uuid.UUID, personal_key: bytes, lookup_key: bytes
) -> tuple[list[RecoveryCode], list[str]]:
    codes = [new_code() for _ in range(RECOVERY_CODE_COUNT)]
    rows = [
        RecoveryCode(
            credential_id=credential_id,
            lookup=keyed_hash(lookup_key, code),
            wrapped_key=wrap(personal_key, code_wrapping_key(code)),
        )
        for code in codes
    ]
    return rows, codes


async def join(
    invite_code: str, pseudonym: str, passphrase: str, confirmation: str, secrets_: Secrets
) -> Joined:
    """Redeem an invite: credentials for the person it hands out, and 10 recovery codes.

    No row naming a person is written: the invite is deleted (it never held whom it
    hands out), the credentials hold the person's id sealed with their personal key,
    and the pseudonym goes to the key directory."""
    shown, folded, likeness = choose_pseudonym(pseudonym)
    await check_new_passphrase(passphrase, confirmation, secrets_.passphrase_min_length, shown)
    lookup = keyed_hash(secrets_.lookup_key, normalise_code(invite_code))
    await check_invite(lookup)
    lookup_name = name_lookup(folded, secrets_)
    looks = name_likeness(likeness, secrets_)
    await _raise_if_name_taken(lookup_name, looks)
    stored, wrapping_key = await stretch_off_loop(passphrase, secrets_.profile)
    personal_key = new_personal_key()
    keys = secrets_.key_directory
    named: uuid.UUID | None = None  # whose pseudonym this call kept, to undo on failure
    try:
        async with in_transaction():
            # Claim the invite first, atomically: of two people racing, one wins.
            invite = await claim_invite(lookup)
            if invite is None:
                raise InviteNotUsable("used")
            given = invitees.given_to(keys, invite.id)
            person = await Person.get_or_none(id=given) if given else None
            if person is None or invitees.has_joined(keys, person.id):
                raise InviteNotUsable("used")
            credential = Credential(
                id=uuid.uuid4(),
                name_lookup=lookup_name,
                name_likeness=looks,
                person_tag=person_tag(person.id, secrets_),
                passphrase=stored.encode(),
                wrapped_key=wrap(personal_key, wrapping_key),
                sealed_person=seal_person(personal_key, person.id),
            )
            # A name taken meanwhile, or one that looks like it, writes no row, and makes
            # the database log no error. Nor does a person who has credentials already: the
            # database, not the key directory, makes sure nobody is handed out twice.
            await Credential.bulk_create([credential], ignore_conflicts=True)
            if not await Credential.exists(id=credential.id):
                if await Credential.exists(person_tag=credential.person_tag):
                    raise InviteNotUsable("used")
                await _raise_if_name_taken(lookup_name, looks)
                raise PseudonymTaken  # pragma: no cover (nothing else is unique)
            rows, codes = _recovery_rows(credential.id, personal_key, secrets_.lookup_key)
            await RecoveryCode.bulk_create(rows)
            # Last, so that it exists exactly when the account does.
            invitees.keep_pseudonym(keys, person.id, shown)
            named = person.id
    except BaseException:
        # Only if the transaction really did not commit (a cancellation can come after).
        if named is not None and not await Credential.exists(id=credential.id):
            invitees.forget_pseudonym(keys, named)
        raise
    invitees.settle(keys, invite.id)
    return Joined(person, credential, personal_key, shown, codes)


async def _raise_if_name_taken(lookup_name: str, looks: str) -> None:
    if await Credential.exists(name_lookup=lookup_name):
        raise PseudonymTaken
    if await Credential.exists(name_likeness=looks):
        raise PseudonymLookalike


async def _credential_of(pseudonym: str, secrets_: Secrets) -> Credential | None:
    try:
        _, folded = clean_pseudonym(pseudonym)
    except PseudonymInvalid:
        return None
    return await Credential.get_or_none(name_lookup=name_lookup(folded, secrets_))


async def person_named(pseudonym: str, secrets_: Secrets) -> Person | None:
    """Who goes by this name, for the command line: only the host, holding the lookup
    secret, can tie a name to a person. One keyed hash per person: never on a page."""
    credential = await _credential_of(pseudonym, secrets_)
    if credential is None:
        return None
    found: list[Any] = await Person.all().values_list("id", flat=True)
    for person_id in (uuid.UUID(str(each)) for each in found):
        if hmac.compare_digest(person_tag(person_id, secrets_), credential.person_tag):
            return await Person.get(id=person_id)
    return None


async def _person_behind(credential: Credential, personal_key: bytes) -> Person:
    """The person these credentials are for; WrongCredentials if a lead closed the account
    (its credentials, which a lead cannot find, go then)."""
    person = await Person.get_or_none(id=open_person(personal_key, credential.sealed_person))
    if person is None:
        await Credential.filter(id=credential.id).delete()
        raise WrongCredentials
    return person


async def sign_in(
    pseudonym: str, passphrase: str, secrets_: Secrets, *, first: bool = False
) -> SignedIn:
    """`first`: from the person's own device, so checked before the others who wait."""
    credential = await _credential_of(pseudonym, secrets_)
    if credential is None:
        # Spend the same time as a real check, in the same queue, so that timing does not
        # reveal who has an account.
        for _ in range(1 if as_once_kept(passphrase) is None else 2):
            await stretch_off_loop(passphrase, secrets_.profile, first=first)
        raise WrongCredentials
    try:
        stored = Stretched.decode(credential.passphrase)
        wrapping_key = await check_passphrase(passphrase, stored, first=first)
        personal_key = unwrap(credential.wrapped_key, wrapping_key)
    except WrongSecret as error:
        raise WrongCredentials from error
    person = await _person_behind(credential, personal_key)
    await raise_if_suspended(person)
    shown = invitees.pseudonym_of(secrets_.key_directory, person.id)
    return SignedIn(person, credential, personal_key, shown)


async def raise_if_suspended(person: Person) -> None:
    suspension = await Suspension.filter(person=person, active=True).first()
    if suspension is not None:
        raise AccountSuspended(suspension.reason)


async def recover(
    pseudonym: str,
    code: str,
    passphrase: str,
    confirmation: str,
    secrets_: Secrets,
    *,
    first: bool = False,
) -> Joined:
    """Sign in with a recovery code and set a new passphrase; the code is used up.

    Every other session ends, in case someone else knew the old passphrase.
    Returns the remaining codes' count through `recovery_codes` being empty.
    """
    credential = await _credential_of(pseudonym, secrets_)
    await check_new_passphrase(
        passphrase, confirmation, secrets_.passphrase_min_length, pseudonym.strip()
    )
    code = normalise_code(code)
    row = await RecoveryCode.get_or_none(lookup=keyed_hash(secrets_.lookup_key, code))
    if credential is None or row is None or row.credential_id != credential.id:
        raise WrongCredentials
    try:
        personal_key = unwrap(row.wrapped_key, code_wrapping_key(code))
    except WrongSecret as error:
        raise WrongCredentials from error
    person = await _person_behind(credential, personal_key)
    await raise_if_suspended(person)  # before anything changes: the code stays unused
    stored, wrapping_key = await stretch_off_loop(passphrase, secrets_.profile, first=first)
    async with in_transaction():
        if await RecoveryCode.filter(id=row.id).delete() != 1:
            raise WrongCredentials
        await _set_passphrase(credential, stored, wrap(personal_key, wrapping_key))
    shown = invitees.pseudonym_of(secrets_.key_directory, person.id)
    return Joined(person, credential, personal_key, shown, [])


async def _set_passphrase(credential: Credential, stored: Stretched, wrapped_key: bytes) -> None:
    """A new passphrase ends every other session: the credentials' generation moves on."""
    await Credential.filter(id=credential.id).update(
        passphrase=stored.encode(),
        wrapped_key=wrapped_key,
        session_generation=F("session_generation") + 1,
    )
    credential.passphrase = stored.encode()
    credential.wrapped_key = wrapped_key
    credential.session_generation += 1
    memo.changed(memo.SESSIONS)


async def credential_of(credential_id: uuid.UUID) -> Credential | None:
    """The credentials a session was issued for; None once the account is gone."""
    return await Credential.get_or_none(id=credential_id)


async def change_passphrase(
    credential: Credential,
    current: str,
    new: str,
    confirmation: str,
    secrets_: Secrets,
    pseudonym: str = "",
) -> None:
    """A new passphrase; the personal key stays the same, wrapped anew. Every session
    ends (the caller gives this browser a fresh one)."""
    try:
        old_key = await check_passphrase(current, Stretched.decode(credential.passphrase))
    except WrongSecret as error:
        raise WrongCredentials from error
    await check_new_passphrase(new, confirmation, secrets_.passphrase_min_length, pseudonym)
    personal_key = unwrap(credential.wrapped_key, old_key)
    stored, wrapping_key = await stretch_off_loop(new, secrets_.profile)
    await _set_passphrase(credential, stored, wrap(personal_key, wrapping_key))


async def end_every_session(credential: Credential) -> None:
    """Sign out everywhere: only the credentials' generation moves on."""
    await Credential.filter(id=credential.id).update(session_generation=F("session_generation") + 1)
    credential.session_generation += 1
    memo.changed(memo.SESSIONS)


async def replace_recovery_codes(
    credential: Credential, passphrase: str, personal_key: bytes, secrets_: Secrets
) -> list[str]:
    """Ten new codes for the old ones, once the passphrase is typed again: a minute at a
    signed-in device must not be enough to take the account later (as deleting asks)."""
    try:
        await check_passphrase(passphrase, Stretched.decode(credential.passphrase))
    except WrongSecret as error:
        raise WrongCredentials from error
    rows, codes = _recovery_rows(credential.id, personal_key, secrets_.lookup_key)
    async with in_transaction():
        await RecoveryCode.filter(credential_id=credential.id).delete()
        await RecoveryCode.bulk_create(rows)
    return codes


async def remaining_recovery_codes(credential_id: uuid.UUID) -> int:
    # Written out rather than built by the ORM: the account page asks on every visit.
    connection = connections.get("default")
    (credential,) = placeholders(connection, 1)
    _, rows = await connection.execute_query(
        f"SELECT count(*) AS n FROM governance_recovery_code WHERE credential_id = {credential}",  # noqa: S608
        [str(credential_id)],
    )
    return int(rows[0]["n"])


async def delete_account(
    person: Person, credential: Credential, passphrase: str, key_directory: Path
) -> None:
    """Remove the account and everything tied to it; anonymous votes and feedback stay counted."""
    try:
        await check_passphrase(passphrase, Stretched.decode(credential.passphrase))
    except WrongSecret as error:
        raise WrongCredentials from error
    async with in_transaction():
        await Credential.filter(id=credential.id).delete()
        await person.delete()
    await forget_person(person.id, key_directory)


async def forget_person(person_id: uuid.UUID, key_directory: Path) -> None:
    """Once a person's row is deleted: their pseudonym goes too, everywhere, and SQLite's
    log lets go of the deleted rows. When a lead closed the account, the credentials,
    which nothing ties to the person, go at their next use (_person_behind)."""
    memo.changed(memo.SESSIONS)  # the account's sessions end at once
    invitees.forget_pseudonym(key_directory, person_id)
    await forget_deleted_rows()
