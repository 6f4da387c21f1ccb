"""Nobody can link a member to what they submitted: not from the tables, the files or the logs.

Thirty members join, sign in and each submit through the anonymity library, in a
random order, to a round in a database of this test's own (so that everything
is really written and committed). Then the test plays the adversaries of
DESIGN.md: a copy of the database, the raw database files (WAL included) and the
log output are searched for anything that ties a content row to a person.
"""

from __future__ import annotations

import itertools
import random
import secrets
from pathlib import Path

import asyncpg
import pytest
from tortoise import connections, fields
from tortoise.context import TortoiseContext
from tortoise.models import Model

from anonymity import models as anonymity_models
from anonymity.ballots import close_round, open_round, submit
from anonymity.models import ClearBallot, CountedReceipt, ReceiptHash, SealedBallot
from chorus.app import migrate, tortoise_config
from chorus.database import postgres_url
from chorus.roles import Role
from chorus.settings import Settings
from governance import models as governance_models
from governance.identity import models as identity_models
from governance.identity.service.accounts import Secrets, join
from governance.identity.service.invites import create_invite
from governance.service.charter import Charter
from tests.common.dumps import logged_chorus, long_values, read_files, rows_of
from tests.common.postgres import (
    fresh_wal_segment,
    local_data_directory,
    server_log_or_skip,
    transaction_ids,
    wal_since,
)

MEMBERS = 30
CONTENT_MODELS: list[type[Model]] = [SealedBallot, ReceiptHash, ClearBallot, CountedReceipt]
PERSON_MODELS: list[type[Model]] = [
    identity_models.Person,
    identity_models.RoleGrant,
    identity_models.SignedOut,
    identity_models.RecoveryCode,
    identity_models.Invite,
    governance_models.Notice,
    anonymity_models.Marker,
]


async def test_nothing_links_a_member_to_a_ballot(
    backend: str, own_database: tuple[str, Path], tmp_path: Path, capfd: pytest.CaptureFixture[str]
):
    url, db_folder = own_database
    db_folder.mkdir(exist_ok=True)
    settings = await logged_chorus(url, tmp_path / "keys")
    from argon2.profiles import CHEAPEST

    secrets_ = Secrets(
        lookup_key=secrets.token_bytes(32),
        profile=CHEAPEST,
        passphrase_min_length=12,
        key_directory=settings.key_directory,
    )
    round_id = "unlink" + secrets.token_hex(4)
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(settings))
        members = []
        for index in range(MEMBERS):
            invite = await create_invite(
                None,
                Role.MEMBER,
                Charter(),
                secrets_.lookup_key,
                key_directory=secrets_.key_directory,
            )
            joined = await join(
                invite.code,
                f"Member {index:02d}",
                "a long passphrase",
                "a long passphrase",
                secrets_,
            )
            members.append((joined, secrets.token_bytes(16)))
        await open_round(settings.key_directory, round_id)
        if backend == "postgres":
            pg = await asyncpg.connect(postgres_url(url, "postgresql"))
            wal_directory = await local_data_directory(pg)
            first_segment = await fresh_wal_segment(pg)
        order = list(range(MEMBERS))
        random.shuffle(order)
        contents = {index: f"choice {secrets.token_hex(6)}".encode() for index in order}
        receipts = []
        for index in order:
            joined, _ = members[index]
            cast = await submit(
                settings.key_directory,
                round_id,
                str(joined.person.id),
                joined.personal_key,
                contents[index],
            )
            receipts.append(cast.receipt)

        # A copy of the database while the round is open.
        person_rows = {model.__name__: await rows_of(model) for model in PERSON_MODELS}
        content_rows = {model.__name__: await rows_of(model) for model in CONTENT_MODELS}
        person_values = set().union(
            *(long_values(rows, skip={"round_id"}) for rows in person_rows.values())
        )
        content_values = set().union(
            *(long_values(rows, skip={"round_id"}) for rows in content_rows.values())
        )
        assert person_values & content_values == set()
        secrets_of_people = (
            [joined.personal_key for joined, _ in members]
            + [session_id for _, session_id in members]
            + [str(joined.person.id).encode() for joined, _ in members]
        )
        for rows in content_rows.values():
            for row in rows:
                blob = repr(row).encode()
                assert not any(value in blob for value in secrets_of_people)
        for model in CONTENT_MODELS:
            kinds = {type(field) for field in model._meta.fields_map.values()}
            assert not kinds & {fields.DatetimeField, fields.DateField, fields.TimeField}, model

        if backend == "postgres":
            person_xmins = await transaction_ids(
                "governance_person",
                "governance_signed_out",
                "governance_role_grant",
                "governance_recovery_code",
                "governance_invite",
                "anonymity_marker",
            )
            content_xmins = await transaction_ids(
                "anonymity_sealed_ballot", "anonymity_receipt_hash"
            )
            assert content_xmins & person_xmins == set()
            # The write-ahead log of the whole open round: what a copy of pg_wal would give.
            try:
                raw, joined_pages = await wal_since(pg, wal_directory, first_segment)
            finally:
                await pg.close()
            sealed_rows = content_rows["SealedBallot"]
            assert any(bytes(row["sealed"])[:64] in joined_pages for row in sealed_rows), (
                "the WAL read is the one the ballots were written to"
            )
            for wal in (raw, joined_pages):
                assert not any(content in wal for content in contents.values())
                assert not any(key in wal for key in secrets_of_people[: 2 * MEMBERS])

        if backend == "sqlite":
            files = read_files(db_folder)
            assert files, "the database files were found"
            assert not any(content in files for content in contents.values())
            assert not any(key in files for key in secrets_of_people[:MEMBERS])

        closed = await close_round(settings.key_directory, round_id)
        assert sorted(closed.contents) == sorted(contents.values())

        # After close: the stored order must not follow the order of submission.
        position = {contents[index]: rank for rank, index in enumerate(order)}
        if backend == "postgres":
            _, rows = await connections.get("default").execute_query(
                "SELECT content FROM anonymity_clear_ballot WHERE round_id = $1 ORDER BY ctid",
                [round_id],
            )
        else:
            _, rows = await connections.get("default").execute_query(
                "SELECT content FROM anonymity_clear_ballot WHERE round_id = ? ORDER BY rowid",
                [round_id],
            )
        stored = [position[bytes(row["content"])] for row in rows]
        successions = sum(1 for a, b in itertools.pairwise(stored) if b == a + 1)
        # A random order of 30 has about one such pair; in submission order it has 29.
        assert successions < 8, stored
        assert await SealedBallot.filter(round_id=round_id).count() == 0

    output = capfd.readouterr()
    logged = (output.out + output.err).encode()
    for joined, _ in members:
        assert joined.pseudonym.encode() not in logged
        assert str(joined.person.id).encode() not in logged
    assert not any(content in logged for content in contents.values())
    assert not any(receipt and receipt.encode() in logged for receipt in receipts)


async def test_a_pseudonym_is_never_written_in_the_clear_and_dies_with_its_account(
    backend: str, own_database: tuple[str, Path], tmp_path: Path
):
    """Point 8 of "Unlinkable at every moment": the name, as shown and as folded, is in no
    data file, WAL segment or statistics sample, only as a keyed hash; it lives in the key
    directory, and deleting the account shreds it there."""
    from argon2.profiles import CHEAPEST

    from governance.identity.service.accounts import delete_account, name_lookup, sign_in
    from governance.identity.service.invitees import pseudonym_of

    url, folder = own_database
    folder.mkdir(exist_ok=True)
    settings = Settings(database_url=url, key_directory=tmp_path / "keys")
    await migrate(settings)
    secrets_ = Secrets(
        lookup_key=secrets.token_bytes(32),
        profile=CHEAPEST,
        passphrase_min_length=12,
        key_directory=tmp_path / "keys",
    )
    name = "Zébulon" + secrets.token_hex(4).upper()
    forms = [name.encode(), name.casefold().encode(), name.encode("utf-16-le")]
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(settings))
        pg = None
        if backend == "postgres":
            pg = await asyncpg.connect(postgres_url(url, "postgresql"))
            wal_directory = await local_data_directory(pg)
            first_segment = await fresh_wal_segment(pg)
            log = await server_log_or_skip(postgres_url(url, "postgresql"))
            log_start = log.mark()
            database = await pg.fetchval(
                "SELECT oid FROM pg_database WHERE datname = current_database()"
            )
        invite = await create_invite(
            None,
            Role.MEMBER,
            Charter(),
            secrets_.lookup_key,
            key_directory=secrets_.key_directory,
        )
        joined = await join(invite.code, name, "a long passphrase", "a long passphrase", secrets_)
        signed = await sign_in(name.upper(), "a long passphrase", secrets_)
        assert signed.pseudonym == name
        credential = await identity_models.Credential.get(id=joined.credential.id)
        written = bytes(credential.passphrase)

        async def copies() -> bytes:
            if pg is None:
                return read_files(folder)
            await pg.execute("CHECKPOINT")
            await pg.execute("ANALYZE")
            stats = await pg.fetch(
                "SELECT attname, most_common_vals::text, histogram_bounds::text FROM pg_stats"
            )
            # Every data file of the database, the WAL since it was made, the server's log.
            files = read_files(wal_directory / "base" / str(database))
            raw, pages = await wal_since(pg, wal_directory, first_segment)
            logged = "\n".join(log.since(log_start)).encode()
            return bytes(raw + pages + files + logged + repr(stats).encode())

        before = await copies()
        assert not any(form in before for form in forms)
        assert written[-24:] in before, "the copy read is the one the person was written to"
        # Only the keyed hash of the folded name is in the database: sign-in looks it up.
        assert credential.name_lookup == name_lookup(name.casefold(), secrets_)
        assert pseudonym_of(secrets_.key_directory, joined.person.id) == name

        await delete_account(
            joined.person, joined.credential, "a long passphrase", secrets_.key_directory
        )
        after = await copies()
        assert not any(form in after for form in forms)
        assert pseudonym_of(secrets_.key_directory, joined.person.id) == ""
        assert not any(form in read_files(secrets_.key_directory) for form in forms)
        if pg is not None:
            await pg.close()
