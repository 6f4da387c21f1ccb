"""The one place that knows every domain: the list of them, and what one gives another.

Everything else in the shell receives the domains from here (chorus.assembly,
chorus.database, chorus.cli); a test checks that no other module of the shell
imports a domain. To add a domain: give its package a `domain` object
(chorus.domain.Domain) and add it to DOMAINS below.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from anonymity.retention import retention_job
from chorus import cli, database
from chorus.assembly import Chorus, Connections, all_services, assemble
from chorus.domain import Domain
from chorus.jobs import PeriodicJob
from chorus.pages import shell
from chorus.services import Services
from chorus.settings import Settings
from chorus.topics import NoticeTopics
from governance import domain as governance
from governance.demo import DEMO_PASSPHRASE, DEMO_PEOPLE, seed_demo_network
from governance.identity.keyring import Keyring
from governance.service import people_for_rounds
from governance.service.charter import current_charter
from proposals import ProposalServices, round_topic
from proposals import domain as proposals
from proposals.demo import DEMO_TELLERS_PASSPHRASE, DemoVoter, seed_demo_rounds
from proposals.service import Electorate


def _retention(services: Services) -> list[PeriodicJob]:
    settings = services.settings
    run = functools.partial(retention_job, settings.key_directory, settings.retention_months)
    return [PeriodicJob("retention", 3600, run)]


# anonymity/ is a library, not a domain (it imports nothing of Chorus), so its entry is
# written here: its tables and the job that shreds expired retention keys.
anonymity = Domain(
    name="anonymity",
    models=["anonymity.models"],
    migrations="anonymity.migrations",
    person_tables=frozenset(),
    jobs=_retention,
)

DOMAINS: Sequence[Domain] = (shell, governance, anonymity, proposals)


def _proposal_services(services: Services) -> ProposalServices:
    """What proposals may ask of governance about people (DESIGN: proposals knows no
    governance). Who has joined is known from the key directory alone."""
    keys = services.settings.key_directory
    return ProposalServices(
        electorate=Electorate(
            count=functools.partial(people_for_rounds.count_role, keys),
            notify=people_for_rounds.tell_voters,
            seat=people_for_rounds.seat,
            holders=functools.partial(people_for_rounds.role_holders, keys),
        ),
        petition_signatures=people_for_rounds.petition_signatures,
        results_threshold=people_for_rounds.results_threshold,
    )


def _notice_topics(services: Services) -> NoticeTopics:
    """What the inbox (governance) asks of other domains: what their notices are about."""
    return NoticeTopics((round_topic,))


CONNECTIONS: Connections = {
    ProposalServices: _proposal_services,
    NoticeTopics: _notice_topics,
}


def create_app(settings: Settings) -> Chorus:
    """Build a complete Chorus. Refuses (with a message saying what to do) without its keys."""
    return assemble(settings, DOMAINS, CONNECTIONS)


def app_from_environ() -> Chorus:
    """For `uvicorn --factory` and worker processes: settings from the environment."""
    return create_app(Settings.from_environ())


def services_of(settings: Settings) -> Services:
    """Every service, without an app: for commands, jobs in a worker, tests and benchmarks."""
    return all_services(settings, DOMAINS, CONNECTIONS)


def tortoise_config(settings: Settings) -> dict[str, Any]:
    return database.tortoise_config(settings, DOMAINS)


async def migrate(settings: Settings) -> list[str]:
    return await database.migrate(settings, DOMAINS)


async def pending_migrations(settings: Settings) -> list[str]:
    return await database.pending_migrations(settings, DOMAINS)


async def seed_demo(settings: Settings) -> list[str]:
    """The demo network, then its rounds; says what was made (for `chorus demo`)."""
    services = services_of(settings)
    secrets_ = services.of(Keyring).secrets
    made = await seed_demo_network(secrets_)
    if not made:
        return [
            "Demo network already set up (delete var/demo/ to start again).",
            f"Every demo person's passphrase is: {DEMO_PASSPHRASE}",
        ]
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
        services.of(ProposalServices).electorate,
        (await current_charter()).petition_cosignatures,
        secrets_.profile,
    )
    return [
        "Demo network created. Sign in at /sign-in as any of these people,",
        f"each with the passphrase: {DEMO_PASSPHRASE}",
        *(f"  {name:<8} {', '.join(role.value for role in roles)}" for name, roles in DEMO_PEOPLE),
        f"The tellers' passphrase (for the round they count): {DEMO_TELLERS_PASSPHRASE}",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """The `chorus` command."""
    return cli.main(argv, cli.Wiring(DOMAINS, services_of, seed_demo, create_app))


# For the `tortoise makemigrations` command only; the app itself never reads this.
TORTOISE_ORM = tortoise_config(Settings())
