"""Chorus refuses to start without its keys or on an unmigrated database, and says why."""

import os
import subprocess
from pathlib import Path

import pytest
from asgi_lifespan import LifespanManager
from tortoise.context import TortoiseContext
from tortoise.migrations.autodetector import MigrationAutodetector

from chorus.app import create_app, migrate, pending_migrations, tortoise_config
from chorus.database import DatabaseNotMigrated
from chorus.keys import KeyDirectoryError
from chorus.settings import Settings
from tests.common.cli import run_chorus
from tests.common.postgres import scratch_database


async def test_every_model_change_has_a_committed_migration(settings: Settings):
    config = tortoise_config(settings)
    async with TortoiseContext() as ctx:
        await ctx.init(config=config, init_connections=False)
        assert ctx.apps is not None
        changes = await MigrationAutodetector(ctx.apps, config["apps"]).changes()
    assert changes == [], "run `uv run tortoise makemigrations` and commit the result"


async def test_the_test_database_is_fully_migrated_and_migrate_is_idempotent(settings: Settings):
    assert await pending_migrations(settings) == []
    assert await migrate(settings) == []


def test_the_app_refuses_to_start_without_its_keys(tmp_path: Path, database_url: str):
    with pytest.raises(KeyDirectoryError, match="chorus keys init"):
        create_app(Settings(database_url=database_url, key_directory=tmp_path / "none"))


@pytest.fixture
async def empty_database_url(backend: str, tmp_path: Path):
    if backend == "sqlite":
        yield f"sqlite://{tmp_path / 'empty.sqlite3'}"
        return
    async with scratch_database(
        os.environ["CHORUS_TEST_DATABASE_URL"], "chorus_empty", migrated=False
    ) as url:
        yield url


async def test_the_app_refuses_to_start_on_an_unmigrated_database(
    empty_database_url: str, key_directory: Path
):
    app = create_app(Settings(database_url=empty_database_url, key_directory=key_directory))
    with pytest.raises(DatabaseNotMigrated, match="chorus migrate"):
        async with LifespanManager(app):
            pass


def test_the_command_explains_what_is_missing(tmp_path: Path):
    settings = {
        "CHORUS_DATABASE_URL": f"sqlite://{tmp_path / 'db.sqlite3'}",
        "CHORUS_KEY_DIRECTORY": str(tmp_path / "keys"),
    }

    def chorus(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return run_chorus(tmp_path, *args, settings=settings, stdin=stdin)

    no_keys = chorus("serve")
    assert no_keys.returncode == 2
    assert "chorus keys init" in no_keys.stderr
    assert "Traceback" not in no_keys.stderr

    assert chorus("keys", "init").returncode == 0
    unmigrated = chorus("serve")
    assert unmigrated.returncode == 2
    assert "chorus migrate" in unmigrated.stderr

    refused = chorus("keys", "destroy", stdin="no\n")
    assert refused.returncode == 1 and "Nothing was destroyed" in refused.stdout
    assert (tmp_path / "keys" / "app_secret").exists()

    migrated = chorus("migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert "Applied" in migrated.stdout
    assert "up to date" in chorus("migrate").stdout


def test_panic_destroys_the_keys_after_confirmation(tmp_path: Path):
    settings = {"CHORUS_KEY_DIRECTORY": str(tmp_path / "keys")}
    assert run_chorus(tmp_path, "keys", "init", settings=settings).returncode == 0
    rotated = run_chorus(tmp_path, "keys", "rotate", settings=settings)
    assert rotated.returncode == 0 and "signed out" in rotated.stdout
    done = run_chorus(tmp_path, "keys", "destroy", settings=settings, stdin="DESTROY\n")
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "keys").exists()
