"""Members, roles, invites, the charter, the inbox and leads' accountable acts.

Identity (people, accounts, invites, sessions) is a room of its own:
governance.identity.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.middleware import Middleware

from chorus.domain import Domain
from chorus.jobs import PeriodicJob
from chorus.services import Services
from governance import commands, jobs
from governance.identity import commands as identity_commands
from governance.identity import routes as identity_routes
from governance.identity.cookies import SessionMiddleware
from governance.identity.keyring import Keyring, keyring_of
from governance.routes import routes as governance_routes


def _jobs(services: Services) -> Sequence[PeriodicJob]:
    return jobs.jobs_with_keys(services.key_directory)


def _middleware(services: Services) -> Sequence[Middleware]:
    keys = services.of(Keyring).cookies
    return [Middleware(SessionMiddleware, keys=keys, memo=services.memo)]


domain = Domain(
    name="governance",
    routes=[
        *identity_routes.routes,
        *governance_routes,
    ],
    models=["governance.identity.models", "governance.models"],
    migrations="governance.migrations",
    templates="governance",
    # Rows that name a person. Credentials and recovery codes name nobody in a copy of
    # the database, but no routine path may touch them either.
    person_tables=frozenset(
        {
            "governance_person",
            "governance_role_grant",
            "governance_credential",
            "governance_recovery_code",
            "governance_suspension",
            "governance_closure",
            "governance_notice",
        }
    ),
    routine_routes=frozenset(
        {
            "sign_in",
            "sign_out",
            "stay_signed_in",
            "exit",
            "account",
            "inbox",
            "notice",
            "notice_read",
            "notice_delete",
            "charter",
        }
    ),
    jobs=_jobs,
    middleware=_middleware,
    services=keyring_of,
    commands=[*identity_commands.commands, *commands.commands],
)

__all__ = ["domain"]
