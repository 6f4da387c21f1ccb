"""A small demo network: one person in each role, with a passphrase printed for all."""

from __future__ import annotations

from chorus.roles import Role
from governance.identity.models import Credential, RoleGrant
from governance.identity.service.accounts import Joined, Secrets, join
from governance.identity.service.invites import create_invite
from governance.service.charter import Charter, set_charter_value

DEMO_PASSPHRASE = "chorus demo passphrase"  # noqa: S105 (printed for the demo on purpose)

DEMO_PEOPLE: list[tuple[str, tuple[Role, ...]]] = [
    ("Amina", (Role.MEMBER,)),
    ("Bao", (Role.MEMBER,)),
    ("Carmen", (Role.MEMBER, Role.COMMITTEE)),
    ("Dara", (Role.ALLY,)),
    ("Esi", (Role.LEAD, Role.MEMBER)),
    ("Farid", (Role.PROVIDER,)),
    ("Gus", (Role.STEWARD,)),
]


# The demo shows results from 3 ballots, so that its few people see charts, and a
# petition opens with 3 signatures, so that its four members can open one; a real
# network keeps the charter's defaults (10) or more.
DEMO_RESULTS_THRESHOLD = 3
DEMO_PETITION_SIGNATURES = 3


async def seed_demo_network(secrets_: Secrets) -> dict[str, Joined]:
    """Create the demo people unless the network already has someone; returns who was made."""
    if await Credential.exists():
        return {}
    charter = Charter()
    made = {}
    for pseudonym, (first, *more) in DEMO_PEOPLE:
        invite = await create_invite(
            None, first, charter, secrets_.lookup_key, key_directory=secrets_.key_directory
        )
        joined = await join(invite.code, pseudonym, DEMO_PASSPHRASE, DEMO_PASSPHRASE, secrets_)
        for role in more:
            await RoleGrant.create(person=joined.person, role=role)
        made[pseudonym] = joined
    await set_charter_value("results_threshold", DEMO_RESULTS_THRESHOLD)
    await set_charter_value("petition_cosignatures", DEMO_PETITION_SIGNATURES)
    return made
