"""Factories for rounds and proposals: each test says only what matters to it."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from starlette.applications import Starlette

from chorus.services import Services
from proposals import service
from proposals.models import Kind, Method, Phase, Proposal, Purpose, Round, Voters
from proposals.service import ProposalServices
from tests.common.people import services_in

RECEIPT = re.compile(r'<code id="ballot-receipt">([^<]+)</code>')


def spec(
    method: str = Method.APPROVAL,
    *,
    purpose: Purpose = Purpose.PRIORITY,
    voters: Voters = Voters.MEMBERS,
    allows_revision: bool = True,
    cosignatures_needed: int = 0,
    dots_per_ballot: int = 5,
    question: str = "What should the network work on next?",
) -> service.RoundSpec:
    today = datetime.now(UTC).date()
    return service.RoundSpec(
        question=question,
        purpose=purpose,
        elects="lead" if purpose == Purpose.ELECTION else "",
        method=method,
        dots_per_ballot=dots_per_ballot if method == Method.DOTS else 0,
        voters=voters,
        cosignatures_needed=cosignatures_needed,
        allows_revision=allows_revision,
        proposing_ends=today + timedelta(days=7),
        cosigning_ends=today + timedelta(days=14),
        voting_ends=today + timedelta(days=21),
    )


def key_directory(app: Starlette | Services) -> Path:
    return services_in(app).key_directory


def tag_key(app: Starlette | Services, round_: Round) -> bytes | None:
    return service.tag_key_of(key_directory(app), round_)


async def advance_to(app: Starlette | Services, round_: Round, phase: Phase) -> Round:
    order = list(Phase)
    while order.index(round_.phase) < order.index(phase):
        await service.advance(
            round_, key_directory(app), services_in(app).of(ProposalServices).electorate
        )
    return await Round.get(id=round_.id)


async def add_proposal(
    app: Starlette | Services, round_: Round, title: str, author: uuid.UUID | None = None
) -> Proposal:
    text = service.ProposalText(title, f"Why {title} matters.", [], [])
    kind = Kind.CANDIDATE if round_.purpose == Purpose.ELECTION else Kind.PROPOSAL
    return await service.submit_proposal(
        round_, text, tag_key(app, round_), author or uuid.uuid4(), kind
    )


async def round_with(
    app: Starlette | Services,
    titles: list[str],
    phase: Phase = Phase.VOTING,
    **options: object,
) -> tuple[Round, list[Proposal]]:
    """A round with these proposals, moved on by hand to `phase`."""
    round_ = await service.open_round(spec(**options))  # type: ignore[arg-type]
    proposals = [await add_proposal(app, round_, title) for title in titles]
    round_ = await advance_to(app, round_, phase)
    return round_, [await Proposal.get(id=p.id) for p in proposals]
