"""A real sign-in while 100 sign-ins with made-up names keep coming; the median times of
known and unknown names.

The real app (create_app) on a fresh, migrated SQLite file, passphrases stretched with
argon2id's standard profile (RFC 9106 low memory, as in use), called in this process by
the minimal ASGI driver of benchmarks/home.py (no server, no HTTP client): the stretch
queue of anonymity/stretching.py, one worker per core, is what is measured.

1. Quiet: one person signs in (right passphrase), alone, several times: the median.
   The bare baseline: one argon2 check of the same cost, called directly, no app.
2. Under attack: `--junk` (100) senders post /sign-in with made-up names, each sending
   its next one as soon as the last is answered, so 100 are always in flight. Meanwhile
   the person signs in from their own device (the device cookie of "This is my own
   device"), several times, one after another: each time is reported (goal: under 3 s).
   Then they sign in once from another browser, without the cookie: its answer and time
   (with the queue full, the "very busy" page, at once). The junk answers are counted by
   status (400: checked and wrong; 503: refused at once).
3. No enumeration by timing: sign-ins with a wrong passphrase for names that exist and
   for names nobody has, taking turns, quiet: the two medians and how far apart they
   are (target: within 5 %).

    uv run python -m benchmarks.sign_in [--junk N] [--quick] [--before] [--check]

--quick: fewer samples (rougher figures). --before: every stretch in a thread of its own,
as before the queue (anonymity.wrapping.unqueued), for comparison; the sign-ins under
attack then wait for as long as they take. --check: exit 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.types import ASGIApp

from anonymity import stretching, wrapping
from benchmarks.home import Header, call, chorus_app, csrf_token_in, get, running, verdict
from chorus.roles import Role
from chorus.services import services
from governance.identity.devices import COOKIE as DEVICE_COOKIE
from governance.identity.keyring import Keyring
from governance.identity.service.accounts import join
from governance.identity.service.invites import create_invite
from governance.service.charter import Charter

GOAL_SECONDS = 3.0  # a real sign-in under attack
TARGET_PERCENT = 5.0  # known and unknown names' medians apart
PASSPHRASE = "a benchmark passphrase"  # on a throw-away database
WRONG = "not the benchmark passphrase"
FORM = (b"content-type", b"application/x-www-form-urlencoded")
PERSON = "Amina"  # who signs in for real
WRONG_TRIES_PER_NAME = 9  # the limiter locks a name after 10 wrong tries in 15 minutes


@dataclass(frozen=True)
class Sizes:
    quiet: int  # sign-ins alone (and bare checks)
    under_attack: int  # own-device sign-ins while the junk comes
    samples: int  # known and unknown names each


FULL = Sizes(quiet=10, under_attack=5, samples=40)
QUICK = Sizes(quiet=4, under_attack=2, samples=12)


@dataclass
class Measured:
    junk: int
    workers: int
    before: bool
    bare: list[float] = field(default_factory=list)
    quiet: list[float] = field(default_factory=list)
    own_device: list[float] = field(default_factory=list)
    other_browser: tuple[int, float] = (0, 0.0)  # status and seconds
    junk_answers: collections.Counter[int] = field(default_factory=collections.Counter)
    known: list[float] = field(default_factory=list)
    unknown: list[float] = field(default_factory=list)
    load: tuple[float, float] = (0.0, 0.0)  # the machine's 1-minute load, at start and end

    @property
    def apart_percent(self) -> float:
        """How far apart the known and unknown names' medians are, in % of the smaller."""
        return apart(statistics.median(self.known), statistics.median(self.unknown))

    @property
    def worst_under_attack(self) -> float:
        return max(self.own_device)

    @property
    def passed(self) -> bool:
        return self.worst_under_attack < GOAL_SECONDS and self.apart_percent <= TARGET_PERCENT


def apart(first: float, second: float) -> float:
    """|first - second| in % of the smaller of the two."""
    return 100 * abs(first - second) / min(first, second)


def seconds(values: Sequence[float]) -> str:
    return ", ".join(f"{value:.2f}" for value in values)


def report(result: Measured) -> list[str]:
    status, taken = result.other_browser
    other = {303: "signed in", 503: "the 'very busy' page"}.get(status, f"answered {status}")
    how = (
        "each stretch in a thread of its own (as before)"
        if result.before
        else (
            f"the stretch queue: {result.workers} workers (one per core), at most "
            f"{stretching.WAITING} waiting, own devices first"
        )
    )
    known = statistics.median(result.known)
    unknown = statistics.median(result.unknown)
    answers = ", ".join(f"{count} × {code}" for code, count in sorted(result.junk_answers.items()))
    return [
        f"argon2id standard profile; {how}",
        f"machine load (1-minute average) at start and end: {result.load[0]:.1f}, "
        f"{result.load[1]:.1f} (other work on the cores slows every figure)",
        f"one argon2 check alone (bare): median {statistics.median(result.bare):.3f} s "
        f"({seconds(result.bare)})",
        f"a real sign-in, quiet: median {statistics.median(result.quiet):.3f} s "
        f"({seconds(result.quiet)})",
        f"a real sign-in from the person's own device, while {result.junk} sign-ins with "
        f"made-up names keep coming: worst {result.worst_under_attack:.2f} s "
        f"({seconds(result.own_device)}) (goal: under {GOAL_SECONDS:.0f} s)",
        f"the same person from another browser, without the device cookie, meanwhile: "
        f"{other} after {taken:.2f} s",
        f"junk answers meanwhile: {answers or 'none'}",
        f"wrong passphrase, quiet, {len(result.known)} each: known names median "
        f"{known:.3f} s, unknown names median {unknown:.3f} s, "
        f"{result.apart_percent:.1f} % apart (target: within {TARGET_PERCENT:.0f} %)",
        verdict(result.passed),
    ]


# --- Driving the app -----------------------------------------------------------------------


def form(token: str, pseudonym: str, passphrase: str) -> bytes:
    return urlencode(
        {"csrf_token": token, "pseudonym": pseudonym, "passphrase": passphrase}
    ).encode()


async def timed_sign_in(
    app: ASGIApp, state: dict[str, Any], body: bytes, headers: Sequence[Header] = ()
) -> tuple[int, float]:
    start = time.perf_counter()
    answer = await call(app, state, "POST", "/sign-in", [FORM, *headers], body)
    return answer.status, time.perf_counter() - start


async def expect(
    wanted: int, app: ASGIApp, state: dict[str, Any], body: bytes, headers: Sequence[Header] = ()
) -> float:
    status, taken = await timed_sign_in(app, state, body, headers)
    if status != wanted:
        raise RuntimeError(f"a sign-in answered {status}, not {wanted}")
    return taken


async def own_device(app: ASGIApp, state: dict[str, Any], token: str) -> Header:
    """The measured person ticks "This is my own device" once: the cookie to send."""
    body = urlencode(
        {"csrf_token": token, "pseudonym": PERSON, "passphrase": PASSPHRASE, "own_device": "yes"}
    ).encode()
    answer = await call(app, state, "POST", "/sign-in", [FORM], body)
    # The driver keeps the last Set-Cookie header: the device cookie's, set after the session's.
    value = answer.headers.get("set-cookie", "")
    if answer.status != 303 or not value.startswith(DEVICE_COOKIE + "="):
        raise RuntimeError(f"no device cookie after signing in ({answer.status})")
    return (b"cookie", value.split(";", 1)[0].encode())


@contextlib.contextmanager
def stretches_unqueued(before: bool) -> Iterator[None]:
    wrapping.unqueued = before
    try:
        yield
    finally:
        wrapping.unqueued = False


@contextlib.asynccontextmanager
async def junk_coming(
    app: ASGIApp, state: dict[str, Any], token: str, senders: int, answers: collections.Counter[int]
) -> AsyncIterator[None]:
    """`senders` senders of sign-ins with made-up names, each at once after the last."""
    stop = asyncio.Event()

    async def sender() -> None:
        while not stop.is_set():
            name = f"nobody {secrets.token_hex(6)}"
            status, _ = await timed_sign_in(app, state, form(token, name, WRONG))
            answers[status] += 1
            await asyncio.sleep(0)

    tasks = [asyncio.ensure_future(sender()) for _ in range(senders)]
    try:
        yield
    finally:
        stop.set()
        await asyncio.gather(*tasks)


async def measure(
    junk: int = 100,
    sizes: Sizes = FULL,
    before: bool = False,
    profile: str = "standard",
    ramp: float = 1.0,
) -> Measured:
    """`profile`: argon2's cost ("test" for a quick check that this runs); `ramp`: seconds
    the junk comes before the first measured sign-in."""
    result = Measured(junk=junk, workers=stretching.queue().workers, before=before)
    started = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="chorus-benchmark-") as directory:
        app = await chorus_app(Path(directory), passphrase_profile=profile)
        async with running(app) as state:
            secrets_ = services(app).of(Keyring).secrets
            # Names tried with wrong passphrases take turns, so that none gets locked.
            others = [f"Member {n}" for n in range(sizes.samples // WRONG_TRIES_PER_NAME + 1)]
            for name in [PERSON, *others]:
                invite = await create_invite(
                    None,
                    Role.MEMBER,
                    Charter(),
                    secrets_.lookup_key,
                    key_directory=secrets_.key_directory,
                )
                await join(invite.code, name, PASSPHRASE, PASSPHRASE, secrets_)
            token = csrf_token_in((await get(app, state, "/sign-in")).html)
            device = await own_device(app, state, token)
            right = form(token, PERSON, PASSPHRASE)
            stored = wrapping.stretch(PASSPHRASE, secrets_.profile)[0]
            with stretches_unqueued(before):
                await expect(303, app, state, right)  # warm-up
                for _ in range(sizes.quiet):
                    start = time.perf_counter()
                    wrapping.check(PASSPHRASE, stored)
                    result.bare.append(time.perf_counter() - start)
                    result.quiet.append(await expect(303, app, state, right))
                async with junk_coming(app, state, token, junk, result.junk_answers):
                    await asyncio.sleep(ramp)  # the queue fills
                    for _ in range(sizes.under_attack):
                        result.own_device.append(await expect(303, app, state, right, [device]))
                    result.other_browser = await timed_sign_in(app, state, right)
                for number in range(sizes.samples):
                    known = others[number % len(others)]
                    if number % 2 == 0:  # in turn first, so neither always runs second
                        result.known.append(await known_try(app, state, token, known))
                        result.unknown.append(await unknown_try(app, state, token))
                    else:
                        result.unknown.append(await unknown_try(app, state, token))
                        result.known.append(await known_try(app, state, token, known))
    result.load = (started, os.getloadavg()[0])
    return result


async def known_try(app: ASGIApp, state: dict[str, Any], token: str, name: str) -> float:
    return await expect(400, app, state, form(token, name, WRONG))


async def unknown_try(app: ASGIApp, state: dict[str, Any], token: str) -> float:
    return await expect(400, app, state, form(token, f"nobody {secrets.token_hex(6)}", WRONG))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--junk", type=int, default=100, help="made-up sign-ins in flight")
    parser.add_argument("--quick", action="store_true", help="fewer samples")
    parser.add_argument("--before", action="store_true", help="a thread per stretch, as before")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    result = asyncio.run(measure(args.junk, QUICK if args.quick else FULL, args.before))
    for line in report(result):
        print(line)
    return 1 if args.check and not result.passed else 0


if __name__ == "__main__":
    sys.exit(main())
