"""Fixtures shared by every test: a migrated database per session, a clean one per test.

The database is built once per session with the real migrations, on SQLite
(a temporary file) or PostgreSQL (a new database, dropped at the end) as
`--backend` says. Each test then runs inside a transaction that is rolled
back, so it starts from a clean database and leaves nothing behind; HTTP
requests through httpx's ASGI transport run in the test's task and see it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import hypothesis
import pytest
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette
from tortoise.context import TortoiseContext
from tortoise.transactions import in_transaction

from chorus.app import create_app, migrate, services_of, tortoise_config
from chorus.keys import init_key_directory
from chorus.services import Services
from chorus.settings import Settings
from governance.identity.service.invitees import NAMES
from tests.common.postgres import scratch_database

BASE_URL = "https://chorus.test"

# Properties are checked for what they say, not for speed: a loaded CI machine must not
# turn a slow example into a failure (speed is measured by benchmarks/).
hypothesis.settings.register_profile("chorus", deadline=None, print_blob=True)
hypothesis.settings.load_profile("chorus")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backend",
        choices=("sqlite", "postgres"),
        default="sqlite",
        help="database for this run; postgres reads CHORUS_TEST_DATABASE_URL",
    )


def pytest_report_header(config: pytest.Config) -> str:
    return f"chorus database backend: {config.getoption('--backend')}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--backend") == "postgres":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (--backend postgres)")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.config.getoption("--backend"))


@pytest.fixture(scope="session")
def key_directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("keys") / "keys"
    init_key_directory(directory)
    return directory


@pytest.fixture(scope="session")
async def database_url(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    if backend == "sqlite":
        url = f"sqlite://{tmp_path_factory.mktemp('db') / 'chorus.sqlite3'}"
        await migrate(Settings(database_url=url))
        yield url
        return
    server = os.environ.get("CHORUS_TEST_DATABASE_URL")
    if not server:
        pytest.exit("--backend postgres needs CHORUS_TEST_DATABASE_URL", returncode=2)
    async with scratch_database(server, "chorus_test", migrated=True) as url:
        yield url


@pytest.fixture
def settings(database_url: str, key_directory: Path) -> Settings:
    return Settings(
        database_url=database_url,
        key_directory=key_directory,
        heartbeat_seconds=3600,
        passphrase_profile="test",  # argon2id's cheapest parameters: tests only
    )


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Starlette]:
    application = create_app(settings)
    async with LifespanManager(application):
        yield application


class Rollback(Exception):
    """Raised at the end of a test to undo everything it wrote."""


@pytest.fixture
async def db(app: Starlette, key_directory: Path) -> AsyncIterator[None]:
    """Everything the test (and the app, through the client) writes is rolled back after it,
    and what joining keeps in the key directory beside those rows goes with them."""
    try:
        async with in_transaction():
            yield
            raise Rollback
    except Rollback:
        pass
    finally:
        forget_what_joining_kept(key_directory)


def forget_what_joining_kept(key_directory: Path) -> None:
    for folder in key_directory.glob("invitees-*"):
        shutil.rmtree(folder)
    shutil.rmtree(key_directory / NAMES, ignore_errors=True)


@pytest.fixture
async def orm(settings: Settings, key_directory: Path) -> AsyncIterator[Services]:
    """The database and every service, without an app (no routes, middleware or jobs): for
    tests of service functions. What the test writes is rolled back after it."""
    async with TortoiseContext() as context:
        await context.init(config=tortoise_config(settings))
        try:
            async with in_transaction():
                yield services_of(settings)
                raise Rollback
        except Rollback:
            pass
        finally:
            forget_what_joining_kept(key_directory)


@pytest.fixture
async def client(app: Starlette, db: None) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url=BASE_URL, headers={"sec-fetch-site": "same-origin"}
    ) as http:
        yield http


@pytest.fixture
def anyio_backend() -> Iterator[str]:
    yield "asyncio"


@pytest.fixture
async def own_database(backend: str, tmp_path: Path) -> AsyncIterator[tuple[str, Path]]:
    """A database of the test's own, really committed to (no rollback), and the folder of
    its files on SQLite: for tests that read what a copy of the database would hold."""
    if backend == "sqlite":
        yield f"sqlite://{tmp_path / 'db' / 'chorus.sqlite3'}", tmp_path / "db"
        return
    server = os.environ["CHORUS_TEST_DATABASE_URL"]
    async with scratch_database(server, "chorus_unlink", migrated=False) as url:
        yield url, tmp_path / "db"
