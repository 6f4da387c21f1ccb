"""Putting a Chorus together from the shell and a list of domains.

Nothing here knows any domain: `chorus.app` passes them in. The shell loops over
them for routes, middleware, jobs, tables and services.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
from collections.abc import AsyncIterator, Callable, Mapping, Sequence

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute
from starlette.types import ASGIApp
from tortoise.contrib.starlette import RegisterTortoise

from chorus.compression import GzipMiddleware
from chorus.csrf import CSRFMiddleware, derive_key
from chorus.database import check_migrated, tortoise_config
from chorus.domain import Domain
from chorus.errors import EXCEPTION_HANDLERS, forbidden
from chorus.i18n import Catalogs
from chorus.jobs import PeriodicJob, job_runner, shell_jobs
from chorus.keys import load_keys
from chorus.memo import Memo
from chorus.middleware import ChangesMiddleware, LanguageMiddleware, SecurityHeadersMiddleware
from chorus.ratelimit import RateLimiter
from chorus.rendering import Renderer, StaticAssets
from chorus.roles import ROLE_NAMES
from chorus.services import Services
from chorus.settings import Settings

# Services one domain gives another, built by chorus.app: (type, how to build it).
Connections = Mapping[type, Callable[[Services], object]]


def shell_services(settings: Settings) -> Services:
    """The shell's services, without any domain's (for the app and the `chorus` command)."""
    keys = load_keys(settings.key_directory, settings.key_values)
    catalogs = Catalogs(settings.languages, settings.default_language)
    memo = Memo(settings.memo_seconds)
    renderer = Renderer(
        catalogs,
        StaticAssets(),
        csrf_key=derive_key(keys.app_secret, "csrf"),
        exit_url=settings.exit_url,
        memo=memo,
        kept=Memo(settings.memo_seconds, size=512, follows_changes=False),
    )
    renderer.add_globals(min_length=settings.passphrase_min_length, role_names=ROLE_NAMES)
    return Services(
        settings=settings,
        keys=keys,
        renderer=renderer,
        memo=memo,
        rate_limiter=RateLimiter(
            settings.rate_limit_storage, key=derive_key(keys.lookup_secret, "rate-limit")
        ),
        lookup_key=derive_key(keys.lookup_secret, "lookup"),
    )


def all_services(
    settings: Settings, domains: Sequence[Domain], connections: Connections
) -> Services:
    """The shell's services with every domain's own, each built once."""
    shell = shell_services(settings)
    built: dict[type, object] = {}
    for domain in domains:
        if domain.services is not None:
            found = domain.services(shell)
            built[type(found)] = found
    for kind, build in connections.items():
        built[kind] = build(shell)
    return dataclasses.replace(shell, domains=built)


def all_jobs(services: Services, domains: Sequence[Domain]) -> list[PeriodicJob]:
    jobs = list(shell_jobs(services.settings))
    for domain in domains:
        jobs.extend(domain.jobs(services))
    return jobs


def all_routes(domains: Sequence[Domain]) -> list[BaseRoute]:
    return [route for domain in domains for route in domain.routes]


class Chorus(Starlette):
    def build_middleware_stack(self) -> ASGIApp:
        # Outside Starlette's error middleware, so that 500 pages get the headers too.
        return SecurityHeadersMiddleware(super().build_middleware_stack())


def assemble(settings: Settings, domains: Sequence[Domain], connections: Connections) -> Chorus:
    """A complete Chorus of these domains. Refuses (saying what to do) without its keys."""
    services = all_services(settings, domains, connections)
    jobs = all_jobs(services, domains)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await check_migrated(settings, domains)
        async with RegisterTortoise(app, config=tortoise_config(settings, domains)):
            runner = job_runner(settings, jobs)
            await runner.start()
            if gc.get_freeze_count() == 0:
                # What starting made lives as long as the process: the garbage collector
                # need not go through it again, which keeps its full passes short (one
                # over the whole app held the event loop for about 100 ms).
                gc.freeze()
            try:
                yield
            finally:
                await runner.stop()

    app = Chorus(
        routes=all_routes(domains),
        middleware=[
            Middleware(GzipMiddleware, minimum_size=500),
            Middleware(LanguageMiddleware, catalogs=services.renderer.catalogs),
            *(entry for domain in domains for entry in domain.middleware(services)),
            Middleware(CSRFMiddleware, key=services.renderer.csrf_key, refuse=forbidden),
            Middleware(ChangesMiddleware),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
    )
    app.state.services = services
    return app
