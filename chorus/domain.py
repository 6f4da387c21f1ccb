"""The one contract between the shell and a domain.

Every domain package exposes one `domain = Domain(...)` object, in its
`__init__.py`, naming everything the shell needs from it. `chorus.app` (the
only module of the shell that imports domains) lists them; the shell loops over
the list for routes, middleware, jobs, models and migrations, templates and
commands. So adding a domain touches its own package and that list, nothing else.
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Route

from chorus.jobs import PeriodicJob

if TYPE_CHECKING:
    from chorus.services import Services


@dataclass(frozen=True)
class Command:
    """A `chorus <name>` command a domain adds."""

    name: str
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[Services, argparse.Namespace], Awaitable[int]]


def _none(services: Services) -> Sequence[PeriodicJob]:
    return ()


def _no_middleware(services: Services) -> Sequence[Middleware]:
    return ()


@dataclass(frozen=True)
class Domain:
    """What a domain gives the shell.

    `person_tables`: its tables whose rows name a person (DESIGN.md, anonymity point 2).
    `routine_routes`: names of its routes that people use routinely (signing in, viewing,
    reading the inbox, voting, proposing, signing, giving feedback, asking for help):
    none of them may write or lock a row of any domain's person tables, and
    tests/functional/test_routine_routes.py proves it on PostgreSQL with triggers.
    A name that is not one of its routes is refused at start-up, so a typo cannot
    silently weaken that proof."""

    name: str  # its package, and the label of its tables in Tortoise
    routes: Sequence[BaseRoute] = ()
    models: Sequence[str] = ()  # modules that define its tables
    migrations: str | None = None  # package of its committed migrations
    templates: str | None = None  # its folder under templates/
    messages: str = "messages"  # its gettext domain
    person_tables: frozenset[str] = frozenset()
    routine_routes: frozenset[str] = frozenset()
    jobs: Callable[[Services], Sequence[PeriodicJob]] = _none
    middleware: Callable[[Services], Sequence[Middleware]] = _no_middleware
    services: Callable[[Services], object] | None = None  # its own typed services
    commands: Sequence[Command] = field(default=())

    def __post_init__(self) -> None:
        routes = [route for route in self.routes if isinstance(route, Route)]
        names = [route.name for route in routes]
        unnamed = [route.path for route in routes if not route.name]
        if unnamed:
            raise ValueError(f"{self.name}: every route needs a name: {unnamed}")
        if len(names) != len(set(names)):
            raise ValueError(f"{self.name}: route names repeat")
        unknown = self.routine_routes - set(names)
        if unknown:
            raise ValueError(f"{self.name}: routine routes that are not its routes: {unknown}")
