"""The `chorus` command: set up, run and look after a Chorus."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from chorus.database import DatabaseNotMigrated, check_migrated, migrate
from chorus.keys import (
    KeyDirectoryError,
    destroy_keys,
    init_key_directory,
    load_keys,
    rotate_keys,
)
from chorus.logs import configure_logging
from chorus.settings import Settings, SettingsError
from governance.accounts import Secrets
from governance.models import Role

DEMO_DIRECTORY = Path("var/demo")


class CommandError(Exception):
    """Something the person running the command can fix; the message says how."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        settings = Settings.from_environ()
        configure_logging(settings)
        return int(args.handler(settings, args) or 0)
    except (CommandError, SettingsError, KeyDirectoryError, DatabaseNotMigrated) as error:
        print(f"chorus: {error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chorus", description=__doc__)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    serve = commands.add_parser(
        "serve", help="run the web server (settings from CHORUS_* variables)"
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="web processes (PostgreSQL only)")
    serve.set_defaults(handler=cmd_serve)

    demo = commands.add_parser("demo", help="set up and run a demo on a SQLite file in var/demo/")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.set_defaults(handler=cmd_demo)

    migrate_cmd = commands.add_parser("migrate", help="apply the database migrations")
    migrate_cmd.set_defaults(handler=cmd_migrate)

    keys = commands.add_parser("keys", help="manage the key directory")
    key_commands = keys.add_subparsers(title="key commands", metavar="KEY_COMMAND")
    keys_init = key_commands.add_parser("init", help="create the key directory and missing keys")
    keys_init.set_defaults(handler=cmd_keys_init)
    keys_rotate = key_commands.add_parser(
        "rotate", help="replace the app secret: every session ends; open rounds keep their keys"
    )
    keys_rotate.set_defaults(handler=cmd_keys_rotate)
    keys_destroy = key_commands.add_parser(
        "destroy", help="panic: make every open ballot and stored secret unreadable at once"
    )
    keys_destroy.add_argument(
        "--yes", action="store_true", help="do not ask (for scripts); nothing can undo this"
    )
    keys_destroy.set_defaults(handler=cmd_keys_destroy)

    retention = commands.add_parser("retention", help="delete content whose retention is over")
    retention_commands = retention.add_subparsers(
        title="retention commands", metavar="RETENTION_COMMAND"
    )
    retention_run = retention_commands.add_parser(
        "run", help="destroy the keys of expired retention periods (their content with them)"
    )
    retention_run.set_defaults(handler=cmd_retention_run)

    worker = commands.add_parser("worker", help="run scheduled jobs (PostgreSQL)")
    worker.set_defaults(handler=cmd_worker)

    steward = commands.add_parser(
        "create-steward", help="print an invite code for the first steward of a new network"
    )
    steward.set_defaults(handler=cmd_create_steward)

    invite = commands.add_parser("invite", help="print an invite code for a role")
    invite.add_argument("--role", required=True, choices=[role.value for role in Role])
    invite.set_defaults(handler=cmd_invite)
    return parser


def cmd_create_steward(settings: Settings, args: argparse.Namespace) -> int:
    args.role = Role.STEWARD.value
    return cmd_invite(settings, args)


def cmd_invite(settings: Settings, args: argparse.Namespace) -> int:
    from governance.charter import current_charter
    from governance.invites import create_invite, last_valid_day

    async def make() -> tuple[str, str]:
        async with _orm(settings):
            charter = await current_charter()
            created = await create_invite(
                None,
                Role(args.role),
                charter,
                _account_secrets(settings).lookup_key,
                key_directory=settings.key_directory,
            )
            return created.code, last_valid_day(created.invite).isoformat()

    _check_ready(settings)
    code, expires = asyncio.run(make())
    print(f"Invite code for the role {args.role!r} (single use, valid until {expires}):")
    print(f"  {code}")
    print("Give it to the person in a safe way; they join at /join. It is shown only now.")
    return 0


def _account_secrets(settings: Settings) -> Secrets:
    from chorus.app import account_secrets_of

    return account_secrets_of(settings, load_keys(settings.key_directory, settings.key_values))


@contextlib.asynccontextmanager
async def _orm(settings: Settings) -> AsyncIterator[None]:
    from tortoise.context import TortoiseContext

    from chorus.database import tortoise_config

    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(settings))
        yield


def cmd_keys_init(settings: Settings, args: argparse.Namespace) -> int:
    created = init_key_directory(settings.key_directory)
    if created:
        print(f"Created {', '.join(created)} in {settings.key_directory} (mode 0600).")
    else:
        print(f"{settings.key_directory} already holds every key; nothing changed.")
    print("Back up this directory apart from the database: together they open everything.")
    return 0


def cmd_retention_run(settings: Settings, args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from anonymity.retention import run_retention

    months = settings.retention_months
    shredded = run_retention(settings.key_directory, datetime.now(UTC), months)
    if shredded:
        print(f"Destroyed the keys of {', '.join(shredded)}: that content is unreadable for good.")
    else:
        print(f"Nothing has expired (content is kept {months} months after its month ends).")
    return 0


def cmd_keys_rotate(settings: Settings, args: argparse.Namespace) -> int:
    rotated = rotate_keys(settings.key_directory)
    print(f"Replaced {', '.join(rotated)} in {settings.key_directory}.")
    print("Restart every Chorus process: everyone is signed out and must reload open forms.")
    print("Open rounds keep their own keys until they close; codes people hold still work.")
    return 0


def cmd_keys_destroy(settings: Settings, args: argparse.Namespace) -> int:
    directory = settings.key_directory
    if not args.yes:
        print(f"This destroys every key in {directory}: open ballots, stored content,")
        print("sessions, invites and recovery codes become unreadable for good.")
        try:
            answer = input("Type DESTROY to go on: ")
        except EOFError:
            answer = ""
        if answer.strip() != "DESTROY":
            print("Nothing was destroyed.")
            return 1
    destroy_keys(directory)
    print(f"Destroyed {directory}. Stop every Chorus process now; `chorus keys init` starts anew.")
    return 0


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    applied = asyncio.run(migrate(settings))
    print(f"Applied {len(applied)} migration(s)." if applied else "The database is up to date.")
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    if args.workers > 1 and not settings.uses_postgres:
        raise CommandError("Several processes need PostgreSQL: set CHORUS_DATABASE_URL.")
    _check_ready(settings)
    _run_server(settings, args.host, args.port, args.workers)
    return 0


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    if "CHORUS_DATABASE_URL" not in os.environ:
        DEMO_DIRECTORY.mkdir(parents=True, exist_ok=True)
        settings = settings.with_changes(database_url=f"sqlite://{DEMO_DIRECTORY}/chorus.sqlite3")
    if "CHORUS_KEY_DIRECTORY" not in os.environ:
        settings = settings.with_changes(key_directory=DEMO_DIRECTORY / "keys")
    if settings.uses_postgres:
        settings = settings.with_changes(worker_in_process=True)
    init_key_directory(settings.key_directory)
    asyncio.run(migrate(settings))
    asyncio.run(_seed_demo(settings))
    print(f"Chorus demo: open http://{args.host}:{args.port}/ (stop with Ctrl+C)", flush=True)
    _run_server(settings, args.host, args.port, 1)
    return 0


async def _seed_demo(settings: Settings) -> None:
    from chorus.app import electorate_of
    from governance.charter import current_charter
    from governance.demo import DEMO_PASSPHRASE, DEMO_PEOPLE, seed_demo_network
    from proposals.demo import DEMO_TELLERS_PASSPHRASE, DemoVoter, seed_demo_rounds

    secrets_ = _account_secrets(settings)
    async with _orm(settings):
        made = await seed_demo_network(secrets_)
        if made:
            voters = {
                pseudonym: DemoVoter(
                    joined.person.id,
                    joined.personal_key,
                    frozenset(role.value for role in dict(DEMO_PEOPLE)[pseudonym]),
                )
                for pseudonym, joined in made.items()
            }
            await seed_demo_rounds(
                voters,
                settings.key_directory,
                electorate_of(settings),
                (await current_charter()).petition_cosignatures,
                secrets_.profile,
            )
    if made:
        print("Demo network created. Sign in at /sign-in as any of these people,")
        print(f"each with the passphrase: {DEMO_PASSPHRASE}")
        for pseudonym, roles in DEMO_PEOPLE:
            print(f"  {pseudonym:<8} {', '.join(role.value for role in roles)}")
        print(f"The tellers' passphrase (for the round they count): {DEMO_TELLERS_PASSPHRASE}")
    else:
        print("Demo network already set up (delete var/demo/ to start again).")
        print(f"Every demo person's passphrase is: {DEMO_PASSPHRASE}")


def cmd_worker(settings: Settings, args: argparse.Namespace) -> int:
    if not settings.uses_postgres:
        print("On SQLite the jobs run inside the web process; no worker is needed.")
        return 0
    _check_ready(settings)
    asyncio.run(_work(settings))
    return 0


async def _work(settings: Settings) -> None:
    from tortoise import Tortoise

    from chorus.app import all_jobs
    from chorus.database import tortoise_config
    from chorus.jobs import QUEUE, build_queue

    await Tortoise.init(config=tortoise_config(settings), _enable_global_fallback=True)
    try:
        queue = build_queue(settings, all_jobs(settings))
        async with queue.open_async():
            await queue.run_worker_async(queues=[QUEUE], install_signal_handlers=True)
    finally:
        await Tortoise.close_connections()


def _check_ready(settings: Settings) -> None:
    load_keys(settings.key_directory, settings.key_values)
    asyncio.run(check_migrated(settings))


def _run_server(settings: Settings, host: str, port: int, workers: int) -> None:
    import uvicorn

    from chorus.app import create_app

    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_config": None,
        "access_log": False,
        "server_header": False,
        "date_header": False,
        "proxy_headers": False,
        "ws": "none",  # no websockets: nothing would log a client address
        "lifespan": "on",
    }
    if workers > 1:
        # Each process reads the same CHORUS_* settings from the environment.
        uvicorn.run("chorus.app:app_from_environ", factory=True, workers=workers, **options)
    else:
        uvicorn.run(create_app(settings), **options)


if __name__ == "__main__":
    sys.exit(main())
