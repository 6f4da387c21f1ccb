"""Rounds, proposals, co-signing, ballots, voting methods and results."""

from __future__ import annotations

from collections.abc import Sequence

from chorus.domain import Domain
from chorus.jobs import PeriodicJob
from chorus.services import Services
from proposals import jobs, routes
from proposals.routes.round_topics import round_topic
from proposals.service import ProposalServices


def _jobs(services: Services) -> Sequence[PeriodicJob]:
    return jobs.jobs(services.key_directory, services.of(ProposalServices).electorate)


domain = Domain(
    name="proposals",
    routes=routes.routes,
    models=["proposals.models"],
    migrations="proposals.migrations",
    templates="proposals",
    routine_routes=frozenset(
        {
            "rounds",
            "round",
            "petition_new",
            "petition_sign",
            "propose",
            "proposal",
            "your_proposals",
            "edit",
            "withdraw",
            "cosign",
            "ballot",
            "ballot_confirm",
            "results",
            "results_check",
            "results_csv",
            "results_json",
        }
    ),
    jobs=_jobs,
)

__all__ = ["ProposalServices", "domain", "round_topic"]
