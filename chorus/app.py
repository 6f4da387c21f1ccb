"""The application factory: every part of Chorus is wired together here, once."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute
from starlette.types import ASGIApp
from tortoise.contrib.starlette import RegisterTortoise

from anonymity.retention import retention_job
from anonymity.wrapping import PROFILES
from chorus import pages
from chorus.compression import GzipMiddleware
from chorus.csrf import CSRFMiddleware, derive_key
from chorus.database import check_migrated, tortoise_config
from chorus.errors import EXCEPTION_HANDLERS, forbidden
from chorus.i18n import Catalogs
from chorus.jobs import PeriodicJob, job_runner, shell_jobs
from chorus.keys import Keys, load_keys
from chorus.memo import Memo
from chorus.middleware import ChangesMiddleware, LanguageMiddleware, SecurityHeadersMiddleware
from chorus.ratelimit import RateLimiter
from chorus.rendering import Renderer, StaticAssets
from chorus.sessions import CookieKeys, SessionMiddleware
from chorus.settings import Settings
from governance import charter_routes, electorate, inbox_routes, lead_routes
from governance import jobs as governance_jobs
from governance import routes as governance_routes
from governance.accounts import Secrets
from governance.models import ROLE_NAMES
from proposals import ballot_routes, proposal_routes, results_routes
from proposals import jobs as proposals_jobs
from proposals import routes as round_routes
from proposals.service import Electorate


def account_secrets_of(settings: Settings, keys: Keys) -> Secrets:
    """What account functions need from the key directory and settings (the app and the
    `chorus` command alike)."""
    return Secrets(
        lookup_key=derive_key(keys.lookup_secret, "lookup"),
        profile=PROFILES[settings.passphrase_profile],
        passphrase_min_length=settings.passphrase_min_length,
        key_directory=settings.key_directory,
    )


def electorate_of(settings: Settings) -> Electorate:
    """What proposals may ask of governance about people (DESIGN: proposals knows no
    governance). Who has joined is known from the key directory alone."""
    keys = settings.key_directory
    return Electorate(
        count=functools.partial(electorate.count_role, keys),
        notify=electorate.tell_voters,
        seat=electorate.seat,
        holders=functools.partial(electorate.role_holders, keys),
    )


def all_routes() -> list[BaseRoute]:
    return [
        *pages.routes,
        *governance_routes.routes,
        *lead_routes.routes,
        *inbox_routes.routes,
        *charter_routes.routes,
        *round_routes.routes,
        *proposal_routes.routes,
        *ballot_routes.routes,
        *results_routes.routes,
    ]


def all_jobs(settings: Settings) -> list[PeriodicJob]:
    retention = functools.partial(retention_job, settings.key_directory, settings.retention_months)
    return [
        *shell_jobs(settings),
        *governance_jobs.jobs_with_keys(settings.key_directory),
        PeriodicJob("retention", 3600, retention),
        *proposals_jobs.jobs(settings.key_directory, electorate_of(settings)),
    ]


class Chorus(Starlette):
    def build_middleware_stack(self) -> ASGIApp:
        # Outside Starlette's error middleware, so that 500 pages get the headers too.
        return SecurityHeadersMiddleware(super().build_middleware_stack())


def create_app(settings: Settings) -> Chorus:
    """Build a complete Chorus. Refuses (with a message saying what to do) without its keys."""
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
    renderer.templates.env.globals.update(
        min_length=settings.passphrase_min_length, role_names=ROLE_NAMES
    )
    jobs = all_jobs(settings)
    cookie_keys = CookieKeys(
        seal=derive_key(keys.app_secret, "session-cookie"),
        sign_out=derive_key(keys.app_secret, "signed-out"),
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await check_migrated(settings)
        async with RegisterTortoise(app, config=tortoise_config(settings)):
            runner = job_runner(settings, jobs)
            await runner.start()
            try:
                yield
            finally:
                await runner.stop()

    app = Chorus(
        routes=all_routes(),
        middleware=[
            Middleware(GzipMiddleware, minimum_size=500),
            Middleware(LanguageMiddleware, catalogs=catalogs),
            Middleware(SessionMiddleware, keys=cookie_keys, memo=memo),
            Middleware(CSRFMiddleware, key=renderer.csrf_key, refuse=forbidden),
            Middleware(ChangesMiddleware),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.keys = keys
    app.state.renderer = renderer
    app.state.jobs = jobs
    app.state.cookie_keys = cookie_keys
    app.state.memo = memo
    app.state.rate_limiter = RateLimiter(
        settings.rate_limit_storage, key=derive_key(keys.lookup_secret, "rate-limit")
    )
    app.state.account_secrets = account_secrets_of(settings, keys)
    app.state.electorate = electorate_of(settings)
    app.state.petition_signatures = electorate.petition_signatures
    app.state.results_threshold = electorate.results_threshold
    return app


def app_from_environ() -> Chorus:
    """For `uvicorn --factory` and worker processes: settings from the environment."""
    return create_app(Settings.from_environ())
