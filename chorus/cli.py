"""The `chorus` command: set up, run and look after a Chorus."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chorus.database import DatabaseNotMigrated, check_migrated, migrate, tortoise_config
from chorus.domain import Command, Domain
from chorus.keys import (
    KeyDirectoryError,
    destroy_keys,
    init_key_directory,
    load_keys,
    rotate_keys,
)
from chorus.logs import configure_logging
from chorus.services import Services
from chorus.settings import Settings, SettingsError

DEMO_DIRECTORY = Path("var/demo")


class CommandError(Exception):
    """Something the person running the command can fix; the message says how."""


@dataclass(frozen=True)
class Wiring:
    """What the command needs from chorus.app, the one module that knows the domains."""

    domains: Sequence[Domain]
    services: Callable[[Settings], Services]
    seed_demo: Callable[[Settings], Awaitable[list[str]]]
    create_app: Callable[[Settings], Any]


def main(argv: Sequence[str] | None, wiring: Wiring) -> int:
    parser = _parser(wiring)
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        settings = Settings.from_environ()
        configure_logging(settings)
        return int(args.handler(settings, args, wiring) or 0)
    except (CommandError, SettingsError, KeyDirectoryError, DatabaseNotMigrated) as error:
        print(f"chorus: {error}", file=sys.stderr)
        return 2


def _parser(wiring: Wiring) -> argparse.ArgumentParser:
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

    for domain in wiring.domains:
        for command in domain.commands:
            added = commands.add_parser(command.name, help=command.help)
            command.arguments(added)
            added.set_defaults(handler=functools.partial(cmd_of_domain, command))
    return parser


def cmd_of_domain(command: Command, settings: Settings, args: Any, wiring: Wiring) -> int:
    """A domain's command, run with the database open and every service built."""

    async def run() -> int:
        async with orm(settings, wiring.domains):
            return await command.run(wiring.services(settings), args)

    _check_ready(settings, wiring)
    return asyncio.run(run())


@contextlib.asynccontextmanager
async def orm(settings: Settings, domains: Sequence[Domain]) -> AsyncIterator[None]:
    from tortoise.context import TortoiseContext

    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(settings, domains))
        yield


def cmd_keys_init(settings: Settings, args: argparse.Namespace, wiring: Wiring) -> int:
    created = init_key_directory(settings.key_directory)
    if created:
        print(f"Created {', '.join(created)} in {settings.key_directory} (mode 0600).")
    else:
        print(f"{settings.key_directory} already holds every key; nothing changed.")
    print("Back up this directory apart from the database: together they open everything.")
    return 0


def cmd_retention_run(settings: Settings, args: argparse.Namespace, wiring: Wiring) -> int:
    from datetime import UTC, datetime

    from anonymity.retention import run_retention

    months = settings.retention_months
    shredded = run_retention(settings.key_directory, datetime.now(UTC), months)
    if shredded:
        print(f"Destroyed the keys of {', '.join(shredded)}: that content is unreadable for good.")
    else:
        print(f"Nothing has expired (content is kept {months} months after its month ends).")
    return 0


def cmd_keys_rotate(settings: Settings, args: argparse.Namespace, wiring: Wiring) -> int:
    rotated = rotate_keys(settings.key_directory)
    print(f"Replaced {', '.join(rotated)} in {settings.key_directory}.")
    print("Restart every Chorus process: everyone is signed out and must reload open forms.")
    print("Open rounds keep their own keys until they close; codes people hold still work.")
    return 0


def cmd_keys_destroy(settings: Settings, args: argparse.Namespace, wiring: Wiring) -> int:
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


def cmd_migrate(settings: Settings, args: argparse.Namespace, wiring: Wiring) -> int:
    applied = asyncio.run(migrate(settings, wiring.domains))
    print(f"Applied {len(applied)} migration(s)." if applied else "The database is up to date.")
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace, wiring: Wiring) -> int:
    if args.workers > 1 and not settings.uses_postgres:
        raise CommandError("Several processes need PostgreSQL: set CHORUS_DATABASE_URL.")
    _check_ready(settings, wiring)
    _run_server(settings, wiring, args.host, args.port, args.workers)
    return 0


def cmd_demo(settings: Settings, args: argparse.Namespace, wiring: Wiring) -> int:
    if "CHORUS_DATABASE_URL" not in os.environ:
        DEMO_DIRECTORY.mkdir(parents=True, exist_ok=True)
        settings = settings.with_changes(database_url=f"sqlite://{DEMO_DIRECTORY}/chorus.sqlite3")
    if "CHORUS_KEY_DIRECTORY" not in os.environ:
        settings = settings.with_changes(key_directory=DEMO_DIRECTORY / "keys")
    if settings.uses_postgres:
        settings = settings.with_changes(worker_in_process=True)
    init_key_directory(settings.key_directory)
    asyncio.run(migrate(settings, wiring.domains))
    asyncio.run(_seed_demo(settings, wiring))
    print(f"Chorus demo: open http://{args.host}:{args.port}/ (stop with Ctrl+C)", flush=True)
    _run_server(settings, wiring, args.host, args.port, 1)
    return 0


async def _seed_demo(settings: Settings, wiring: Wiring) -> None:
    async with orm(settings, wiring.domains):
        lines = await wiring.seed_demo(settings)
    for line in lines:
        print(line)


def cmd_worker(settings: Settings, args: argparse.Namespace, wiring: Wiring) -> int:
    if not settings.uses_postgres:
        print("On SQLite the jobs run inside the web process; no worker is needed.")
        return 0
    _check_ready(settings, wiring)
    asyncio.run(_work(settings, wiring))
    return 0


async def _work(settings: Settings, wiring: Wiring) -> None:
    from tortoise import Tortoise

    from chorus.assembly import all_jobs
    from chorus.jobs import QUEUE, build_queue

    config = tortoise_config(settings, wiring.domains)
    await Tortoise.init(config=config, _enable_global_fallback=True)
    try:
        queue = build_queue(settings, all_jobs(wiring.services(settings), wiring.domains))
        async with queue.open_async():
            await queue.run_worker_async(queues=[QUEUE], install_signal_handlers=True)
    finally:
        await Tortoise.close_connections()


def _check_ready(settings: Settings, wiring: Wiring) -> None:
    load_keys(settings.key_directory, settings.key_values)
    asyncio.run(check_migrated(settings, wiring.domains))


def _run_server(settings: Settings, wiring: Wiring, host: str, port: int, workers: int) -> None:
    import uvicorn

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
        uvicorn.run(wiring.create_app(settings), **options)
