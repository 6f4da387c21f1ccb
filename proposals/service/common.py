"""What the proposals service shares: the roles that vote, the phases in order, what
proposals asks of governance (Electorate), and the keyed tags that name authors and signers."""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from tortoise.models import Model

from anonymity import keystore
from chorus import memo
from chorus.roles import Role
from proposals.models import (
    Contest,
    Phase,
    Proposal,
    Round,
    Voters,
)

logger = logging.getLogger("chorus.proposals")

# The roles, as governance names them, whose holders vote or advise.
VOTER_ROLE = Role.MEMBER
ADVISORY_ROLE = Role.ALLY
# Roles whose holders read every round. Allies read only the rounds they advise on;
# anyone else (a service provider, say) reads nothing of rounds, as a visitor.
READ_EVERY_ROUND = frozenset({Role.MEMBER, Role.LEAD, Role.COMMITTEE, Role.STEWARD})
# Roles whose holders read some round: the pages of rounds refuse anyone else.
READ_SOME_ROUNDS = (*sorted(READ_EVERY_ROUND), ADVISORY_ROLE)

NEXT_PHASE = {
    Phase.PROPOSING: Phase.COSIGNING,
    Phase.COSIGNING: Phase.VOTING,
    Phase.VOTING: Phase.CLOSED,
}


P = ParamSpec("P")
R = TypeVar("R")


def changes_round(
    write: Callable[Concatenate[Any, P], Awaitable[R]],
) -> Callable[Concatenate[Any, P], Awaitable[R]]:
    """A write to a round or one of its proposals (the first argument): the round's pages
    and the list of rounds are read again after it, in this process at once (chorus.memo),
    even if it stopped half-way."""

    @functools.wraps(write)
    async def announced(thing: Any, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await write(thing, *args, **kwargs)
        finally:
            round_id = thing.round_id if isinstance(thing, Proposal) else thing.id  # type: ignore[attr-defined]
            memo.changed(memo.ROUNDS, memo.round_key(round_id))

    return announced


def next_phase(round_: Round) -> Phase | None:
    """Where moving on leads; None where only the tellers (or nothing) can move it."""
    if round_.phase == Phase.VOTING and round_.teller_mode:
        return Phase.COUNTING
    return NEXT_PHASE.get(round_.phase)


@dataclass(frozen=True)
class Electorate:
    """What proposals needs from governance about people, without knowing them."""

    count: Callable[[str], Awaitable[int]]  # role -> how many hold it
    # (role, news, link) -> notices sent; news is "voting" (a vote opened) or "results".
    notify: Callable[[str, str, str], Awaitable[int]]
    # What happens when an election closes (DESIGN: governance registers it):
    # (role, person id) gives the role to the member elected.
    seat: Callable[[str, uuid.UUID], Awaitable[None]]
    # role -> the ids of everyone holding it: read once, when voting opens, to fix the
    # round's electorate.
    holders: Callable[[str], Awaitable[Sequence[uuid.UUID]]]


@dataclass(frozen=True)
class ProposalServices:
    """What proposals' routes and jobs are given (chorus.app builds it from governance)."""

    electorate: Electorate
    petition_signatures: Callable[[], Awaitable[int]]  # co-signatures a petition needs
    results_threshold: Callable[[], Awaitable[int]]  # ballots before counts are shown


# -- Tags: authors and signers, named by nobody ----------------------------------------------


def person_tag(key: bytes | None, what: str, thing_id: uuid.UUID, person_id: uuid.UUID) -> str:
    """A keyed tag for "this person did `what` to this thing", different for every thing,
    so two proposals by one author cannot be linked from the database."""
    if key is None:
        return ""  # the round's tag key is destroyed: nobody's tag can be made any more
    message = f"{what}\x00{thing_id}\x00{person_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def tag_key_of(key_directory: Path, round_: Round) -> bytes | None:
    """The key of the round's tags (anonymity.keystore): made while the round takes
    actions, destroyed when it closes, so that afterwards nothing links a tag to anyone."""
    return keystore.tag_key(key_directory, str(round_.id), create=round_.phase != Phase.CLOSED)


def end_of(day: date) -> datetime:
    """A phase "until 30 November" ends when 1 December starts (UTC)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC)


def counts(round_: Round) -> list[bool]:
    """The anonymous counts a round keeps: the members' (False), and the allies' advice
    (True) when the round asks for it."""
    return [False, True] if round_.voters == Voters.ADVISORY_ALLIES else [False]


def anonymity_id(round_: Round, *, advisory: bool = False) -> str:
    """The id of one of the round's counts in anonymity/."""
    return f"{round_.id}-advisory" if advisory else str(round_.id)


def on_ballot(proposal: Proposal, cosignatures: int, needed: int) -> bool:
    """Withdrawn and hidden proposals stay off; the others need their co-signatures."""
    shown = not proposal.hidden_reason or proposal.contest == Contest.RESTORED
    return not proposal.withdrawn and shown and cosignatures >= needed


def is_advisory(round_: Round, roles: frozenset[str]) -> bool | None:
    """False: votes; True: advises (counted apart); None: does not vote in this round."""
    if VOTER_ROLE in roles:
        return False
    if round_.voters == Voters.ADVISORY_ALLIES and ADVISORY_ROLE in roles:
        return True
    return None


def may_read(round_: Round, roles: frozenset[str]) -> bool:
    """Whether someone with these roles reads this round: its page, proposals, ballot and
    results. Allies read only the rounds that ask for their advice."""
    if READ_EVERY_ROUND & roles:
        return True
    return round_.voters == Voters.ADVISORY_ALLIES and ADVISORY_ROLE in roles


async def insert_once(row: Model) -> None:
    """INSERT … ON CONFLICT DO NOTHING: a row that is there already (the same signature or
    candidacy sent twice at once) is left as it is, and no database error is raised,
    which the server would log with the values (DESIGN, anonymity 10)."""
    await type(row).bulk_create([row], ignore_conflicts=True)
