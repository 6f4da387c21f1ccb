"""What only the command line does until the complaints committee's queue is in Chorus:
suspending a lead, a committee member or a steward, closing an account, seating the
first (interim) committee of at least 3; and invites for the first steward and leads.

Each command runs once as a person would run it (`python -m chorus ...`,
tests/common/cli.py), on a database and key directory of the test's own; its refusals
run through the same `chorus` entry point inside this process (`here`), which is
quicker than starting Python each time."""

from __future__ import annotations

import asyncio
import contextlib
import io
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from tortoise.context import TortoiseContext

from chorus.app import main, migrate, services_of, tortoise_config
from chorus.keys import init_key_directory
from chorus.roles import Role
from chorus.settings import Settings
from governance.identity.models import Closure, Credential, Person, RoleGrant, Suspension
from governance.models import Notice
from tests.common.cli import run_chorus
from tests.common.people import make_person

MEANWHILE = "until the complaints committee's queue is in Chorus"


@contextlib.asynccontextmanager
async def opened(settings: Settings) -> AsyncIterator[None]:
    """The test's own database, open in this process between two commands."""
    async with TortoiseContext() as context:
        await context.init(config=tortoise_config(settings))
        yield


@pytest.fixture
async def network(own_database: tuple[str, Path], tmp_path: Path) -> Settings:
    """A migrated database with a lead, two members (one on the committee), an ally and
    a steward, committed for the commands to see."""
    url, folder = own_database
    folder.mkdir(parents=True, exist_ok=True)
    settings = Settings(
        database_url=url, key_directory=tmp_path / "keys", passphrase_profile="test"
    )
    init_key_directory(settings.key_directory)
    await migrate(settings)
    async with opened(settings):
        services = services_of(settings)
        await make_person(services, "Lena", Role.LEAD, Role.MEMBER)
        await make_person(services, "Amina")
        await make_person(services, "Bao")
        await make_person(services, "Carmen", Role.MEMBER, Role.COMMITTEE)
        await make_person(services, "Dara", Role.ALLY)
        await make_person(services, "Gus", Role.STEWARD)
    return settings


def chorus(
    settings: Settings, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {
        "CHORUS_DATABASE_URL": settings.database_url,
        "CHORUS_KEY_DIRECTORY": str(settings.key_directory),
    }
    return run_chorus(settings.key_directory.parent, *args, settings=environment, stdin=stdin)


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def here(network: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """`chorus ARGS` run by the same entry point as the command, in a thread of its own
    (it opens the database with its own event loop)."""
    monkeypatch.setenv("CHORUS_DATABASE_URL", network.database_url)
    monkeypatch.setenv("CHORUS_KEY_DIRECTORY", str(network.key_directory))

    async def run(*args: str, stdin: str = "") -> Ran:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        capsys.readouterr()
        try:
            code = await asyncio.to_thread(main, list(args))
        except SystemExit as exit_:  # argparse refusing an argument
            code = int(exit_.code or 0)
        out, err = capsys.readouterr()
        return Ran(code, out, err)

    return run


async def person(settings: Settings, name: str) -> Person | None:
    from governance.identity.keyring import keyring_of
    from governance.identity.service.accounts import person_named

    async with opened(settings):
        return await person_named(name, keyring_of(services_of(settings)).secrets)


async def test_the_command_line_suspends_a_committee_member_a_lead_and_a_steward(network, here):
    done = chorus(network, "suspend", "Carmen", "--reason", "Threats in the group chat.")
    assert done.returncode == 0, done.stderr
    assert "Suspended Carmen: signed out everywhere" in done.stdout
    assert "review it within 7 days" in done.stdout and MEANWHILE in done.stdout
    for name in ("Lena", "Gus"):
        ran = await here("suspend", name, "--reason", "Threats in the group chat.")
        assert ran.returncode == 0 and f"Suspended {name}" in ran.stdout, ran.stderr
    async with opened(network):
        suspensions = await Suspension.all()
        assert len(suspensions) == 3
        assert all(row.suspended_by_id is None and row.active for row in suspensions)
        assert {row.reason for row in suspensions} == {"Threats in the group chat."}
    carmen = await person(network, "Carmen")
    assert carmen is not None and carmen.session_generation == 1

    again = await here("suspend", "Carmen", "--reason", "Again.")
    assert again.returncode == 2 and "already suspended" in again.stderr
    unknown = await here("suspend", "Nobody", "--reason", "Why.")
    assert unknown.returncode == 2 and "Nobody goes by the name 'Nobody'" in unknown.stderr
    blank = await here("suspend", "Bao", "--reason", "   ")
    assert blank.returncode == 2 and "Write why" in blank.stderr
    async with opened(network):
        assert await Suspension.all().count() == 3


async def test_the_command_line_closes_an_account_once_confirmed(network, here):
    bao = await person(network, "Bao")
    assert bao is not None
    kept = await here("close-account", "Bao", stdin="no\n")
    assert kept.returncode == 1 and "Nothing was closed." in kept.stdout
    assert await person(network, "Bao") is not None

    closed = chorus(network, "close-account", "Bao", stdin="CLOSE\n")
    assert closed.returncode == 0, closed.stderr
    assert "Closed the account of Bao" in closed.stdout and MEANWHILE in closed.stdout
    assert await person(network, "Bao") is None
    async with opened(network):
        assert not await Person.exists(id=bao.id)
        assert await Credential.all().count() == 5  # Bao's are gone at once
        closure = await Closure.get()
        assert closure.closed_by_id is None and str(bao.id) not in str(closure.__dict__)
    assert not (network.key_directory / "people" / str(bao.id)).exists()


async def test_an_interim_committee_needs_three_members_and_is_seated_once(network, here):
    async with opened(network):
        # Carmen of the fixture sat on a committee: start from a network without one.
        await RoleGrant.filter(role=Role.COMMITTEE).delete()
        before = await Notice.all().count()
    too_few = await here("seat-committee", "Amina", "Bao", "Bao")
    assert too_few.returncode == 2 and "at least 3 different members" in too_few.stderr
    an_ally = await here("seat-committee", "Amina", "Bao", "Dara")
    assert an_ally.returncode == 2 and "Only members" in an_ally.stderr

    seated = chorus(network, "seat-committee", "Amina", "Bao", "Lena")
    assert seated.returncode == 0, seated.stderr
    assert "Seated an interim complaints committee: Amina, Bao, Lena." in seated.stdout
    assert "members elect the committee" in seated.stdout and MEANWHILE in seated.stdout
    async with opened(network):
        assert await RoleGrant.filter(role=Role.COMMITTEE).count() == 3
        assert await Notice.all().count() == before + 3

    again = await here("seat-committee", "Carmen", "Amina", "Bao")
    assert again.returncode == 2 and "already sits" in again.stderr
    async with opened(network):
        assert await RoleGrant.filter(role=Role.COMMITTEE).count() == 3


async def test_the_command_line_invites_the_first_steward_and_leads_never_the_committee(
    network, here
):
    lead = chorus(network, "invite", "--role", "lead")
    assert lead.returncode == 0 and "later ones come from members' elections" in lead.stdout
    steward = await here("create-steward")
    assert steward.returncode == 0 and "'steward'" in steward.stdout
    committee = await here("invite", "--role", "committee")
    assert committee.returncode == 2 and "invalid choice: 'committee'" in committee.stderr
