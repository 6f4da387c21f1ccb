"""Rounds for the demo network: one in every phase, so every page has something to show.

The demo's people are passed in (proposals knows nothing of governance): each
as their id, personal key and role names, by pseudonym.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from argon2 import Parameters

from chorus.roles import Role
from proposals import service
from proposals.forms import Ballot, encode_ballot
from proposals.models import Kind, Method, Phase, Purpose, Round, Voters

# Printed by `chorus demo`, so that anyone trying the demo can count as a teller.
DEMO_TELLERS_PASSPHRASE = "chorus demo tellers"  # noqa: S105


@dataclass(frozen=True)
class DemoVoter:
    person_id: uuid.UUID
    personal_key: bytes
    roles: frozenset[str]


def _spec(
    question: str,
    method: str,
    *,
    purpose: Purpose = Purpose.PRIORITY,
    voters: Voters = Voters.MEMBERS,
    cosignatures_needed: int = 0,
) -> service.RoundSpec:
    today = datetime.now(UTC).date()
    return service.RoundSpec(
        question=question,
        purpose=purpose,
        elects=Role.COMMITTEE if purpose == Purpose.ELECTION else "",
        method=method,
        dots_per_ballot=5 if method == Method.DOTS else 0,
        voters=voters,
        cosignatures_needed=cosignatures_needed,
        allows_revision=True,
        proposing_ends=today + timedelta(days=7),
        cosigning_ends=today + timedelta(days=14),
        voting_ends=today + timedelta(days=21),
    )


async def seed_demo_rounds(
    people: dict[str, DemoVoter],
    key_directory: Path,
    electorate: service.Electorate,
    petition_signatures: int,
    teller_profile: Parameters,
) -> None:
    """Create the demo rounds unless there are rounds already."""
    if await Round.exists():
        return

    async def propose(round_: Round, author: str, title: str, text: str) -> None:
        await service.submit_proposal(
            round_,
            service.ProposalText(title, text, [], []),
            service.tag_key_of(key_directory, round_),
            people[author].person_id,
        )

    async def move(round_: Round, phase: Phase) -> None:
        while round_.phase != phase:
            await service.advance(round_, key_directory, electorate)

    async def vote(round_: Round, pseudonym: str, ballot: Ballot) -> None:
        voter = people[pseudonym]
        content = encode_ballot(round_.method, ballot)
        await service.cast(
            round_, voter.roles, voter.person_id, voter.personal_key, content, key_directory
        )

    async def in_the_past(round_: Round) -> None:
        """The demo votes first, then dates the round as if its phases were over."""
        shift = timedelta(days=30)
        await Round.filter(id=round_.id).update(
            proposing_ends=round_.proposing_ends - shift,
            cosigning_ends=round_.cosigning_ends - shift,
            voting_ends=round_.voting_ends - shift,
        )
        round_.voting_ends -= shift

    # Taking proposals: one by Amina, which she can still change, and one a lead hid.
    services = await service.open_round(
        _spec("Which service should we review first?", Method.APPROVAL)
    )
    await propose(
        services,
        "Amina",
        "Review the night shelter",
        "Several of us slept there this year.\nAsk what would make it feel safe.",
    )
    await propose(services, "Bao", "Review the legal clinic", "Waiting times are long.")
    hidden = await services.proposals.filter(title="Review the legal clinic").get()
    await service.hide_proposal(hidden, "It names a worker at the clinic. Please remove the name.")

    # An election taking candidates.
    election = await service.open_round(
        _spec(
            "Who should join the complaints committee?",
            Method.MAJORITY_JUDGMENT,
            purpose=Purpose.ELECTION,
        )
    )
    await service.submit_proposal(
        election,
        service.ProposalText("Carmen", "I listen, and I keep what I hear to myself.", [], []),
        service.tag_key_of(key_directory, election),
        people["Carmen"].person_id,
        Kind.CANDIDATE,
    )

    # Co-signing.
    campaign = await service.open_round(
        _spec(
            "What should the network campaign on this year?",
            Method.SCHULZE,
            cosignatures_needed=1,
        )
    )
    await propose(campaign, "Bao", "Wages paid on time", "Many of us were paid late or never.")
    await propose(campaign, "Carmen", "Papers kept by the worker", "Nobody should hold our papers.")
    await move(campaign, Phase.COSIGNING)

    # Voting, with allies' advice counted apart.
    classes = await service.open_round(
        _spec(
            "Which language classes should we fund?",
            Method.DOTS,
            voters=Voters.ADVISORY_ALLIES,
        )
    )
    for title in ("Evening classes", "Weekend classes", "Classes online"):
        await propose(classes, "Esi", title, f"{title}, with childcare.")
    await move(classes, Phase.VOTING)

    # Voting by grades (majority judgment): a ballot with a scale of grades.
    places = await service.open_round(
        _spec("How good is each place for our meetings?", Method.MAJORITY_JUDGMENT)
    )
    for title in ("The community centre", "The library"):
        await propose(places, "Carmen", title, f"Meet at {title.lower()}.")
    await move(places, Phase.VOTING)

    # Closed, with results: four members voted.
    first = await service.open_round(_spec("What should we work on first?", Method.SCHULZE))
    for title, author in (("Safe housing", "Amina"), ("Legal help", "Bao"), ("Jobs", "Carmen")):
        await propose(first, author, title, f"Work on {title.lower()} first.")
    await move(first, Phase.VOTING)
    key = {p.title: p.ballot_key for p in await service.ballot_options(first)}
    housing, legal, jobs = key["Safe housing"], key["Legal help"], key["Jobs"]
    rankings = {
        "Amina": [housing, legal, jobs],
        "Bao": [legal, housing],
        "Carmen": [housing, jobs, legal],
        "Esi": [housing],
    }
    for pseudonym, ranking in rankings.items():
        await vote(first, pseudonym, tuple(ranking))
    await in_the_past(first)
    await move(first, Phase.CLOSED)

    # Counted by tellers: voting is over, and the tellers have not counted yet.
    counted_by_tellers = await service.open_round(
        _spec("Should we open a drop-in centre?", Method.APPROVAL),
        key_directory,
        DEMO_TELLERS_PASSPHRASE,
        teller_profile,
    )
    await propose(counted_by_tellers, "Bao", "Yes, in the town centre", "Open three days a week.")
    await move(counted_by_tellers, Phase.VOTING)
    (centre,) = await service.ballot_options(counted_by_tellers)
    for pseudonym in ("Amina", "Bao", "Carmen"):
        await vote(counted_by_tellers, pseudonym, frozenset({centre.ballot_key}))
    await in_the_past(counted_by_tellers)
    await move(counted_by_tellers, Phase.COUNTING)

    # A members' petition with one signature.
    await service.start_petition(
        _spec("Should we meet in person twice a year?", Method.APPROVAL),
        key_directory,
        people["Amina"].person_id,
        signatures_needed=petition_signatures,
    )
