"""`chorus invite` and `chorus create-steward`: invite codes printed for whoever runs them.

The command line alone invites leads and stewards: it makes a new network's first
steward and first leads. Later leads come from members' elections; the complaints
committee is never invited (`chorus seat-committee` seats the first, interim one).
"""

from __future__ import annotations

import argparse

from chorus.domain import Command
from chorus.roles import Role
from chorus.services import Services
from governance.identity.service.invitees import NOT_BY_INVITE
from governance.identity.service.invites import create_invite, last_valid_day
from governance.service.charter import current_charter


async def print_invite(services: Services, role: Role) -> int:
    created = await create_invite(
        None,
        role,
        await current_charter(),
        services.lookup_key,
        key_directory=services.key_directory,
    )
    expires = last_valid_day(created.invite).isoformat()
    print(f"Invite code for the role {role.value!r} (single use, valid until {expires}):")
    print(f"  {created.code}")
    print("Give it to the person in a safe way; they join at /join. It is shown only now.")
    if role == Role.LEAD:
        print("Invite only a network's first leads so: later ones come from members' elections.")
    return 0


async def invite(services: Services, args: argparse.Namespace) -> int:
    return await print_invite(services, Role(args.role))


async def create_steward(services: Services, args: argparse.Namespace) -> int:
    return await print_invite(services, Role.STEWARD)


def _role_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--role",
        required=True,
        choices=[role.value for role in Role if role not in NOT_BY_INVITE],
    )


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    pass


commands = [
    Command(
        "create-steward",
        "print an invite code for the first steward of a new network",
        _no_arguments,
        create_steward,
    ),
    Command(
        "invite",
        "print an invite code for a role (the first leads, or members, allies, providers)",
        _role_argument,
        invite,
    ),
]
