"""`chorus suspend`, `chorus close-account` and `chorus seat-committee`: the acts that wait
for the complaints committee's queue in Chorus, done meanwhile by whoever runs the host.

Each says what it did, and that it stands in for the committee's queue. People are
named by their pseudonym, which only the host (holding the lookup secret) can tie to
an account.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from chorus.domain import Command
from chorus.services import Services
from governance.errors import GovernanceError
from governance.identity.keyring import Keyring
from governance.identity.models import Person
from governance.identity.service.accounts import person_named
from governance.service.charter import current_charter
from governance.service.committee import COMMITTEE_MIN, seat_interim_committee
from governance.service.suspensions import close_account, suspend

MEANWHILE = (
    "Done on the command line: until the complaints committee's queue is in Chorus, "
    "only the command line suspends a lead, a committee member or a steward, closes an "
    "account, or seats the first committee."
)


class Refused(Exception):
    """What the person at the console reads; nothing was changed."""


async def named(services: Services, name: str) -> Person:
    person = await person_named(name, services.of(Keyring).secrets)
    if person is None:
        raise Refused(f"Nobody goes by the name {name!r}. Nothing was changed.")
    return person


def refused(message: str) -> int:
    print(f"chorus: {message}", file=sys.stderr)
    return 2


async def suspend_command(services: Services, args: argparse.Namespace) -> int:
    try:
        person = await named(services, args.name)
        await suspend(person, args.reason, by=None)
    except Refused as error:
        return refused(str(error))
    except GovernanceError as error:
        return refused(f"{error.message} Nothing was changed.")
    days = (await current_charter()).suspension_review_days
    print(f"Suspended {args.name}: signed out everywhere, and unable to sign in.")
    print("They see the reason when they try to sign in.")
    print(f"The complaints committee must review it within {days} days.")
    print(MEANWHILE)
    return 0


async def close_account_command(services: Services, args: argparse.Namespace) -> int:
    try:
        person = await named(services, args.name)
    except Refused as error:
        return refused(str(error))
    if not args.yes:
        print(f"This closes the account of {args.name}, who asked for it: their name, roles,")
        print("inbox and sign-in go for good. Their votes and feedback stay counted.")
        try:
            answer = await asyncio.to_thread(input, "Type CLOSE to go on: ")
        except EOFError:
            answer = ""
        if answer.strip() != "CLOSE":
            print("Nothing was closed.")
            return 1
    await close_account(person, services.of(Keyring).secrets)
    print(f"Closed the account of {args.name}. The record keeps the day, not whose it was.")
    print(MEANWHILE)
    return 0


async def seat_committee_command(services: Services, args: argparse.Namespace) -> int:
    try:
        people = [await named(services, name) for name in args.names]
        await seat_interim_committee(people, services.key_directory)
    except Refused as error:
        return refused(str(error))
    except GovernanceError as error:
        return refused(f"{error.message} Nothing was changed.")
    print(f"Seated an interim complaints committee: {', '.join(args.names)}.")
    print("Each finds a note in their inbox. From now on, members elect the committee.")
    print(MEANWHILE)
    return 0


def _suspend_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="the person's name in Chorus")
    parser.add_argument(
        "--reason", required=True, help="what the person and the committee will read"
    )


def _close_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="the person's name in Chorus")
    parser.add_argument("--yes", action="store_true", help="do not ask (for scripts)")


def _committee_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "names", nargs="+", metavar="NAME", help=f"at least {COMMITTEE_MIN} members' names"
    )


commands = [
    Command(
        "suspend",
        "suspend anyone's account for safety (leads suspend only members, allies, providers)",
        _suspend_arguments,
        suspend_command,
    ),
    Command(
        "close-account",
        "close the account of someone who asked for it and can no longer sign in",
        _close_arguments,
        close_account_command,
    ),
    Command(
        "seat-committee",
        f"seat the first, interim complaints committee: at least {COMMITTEE_MIN} members",
        _committee_arguments,
        seat_committee_command,
    ),
]
