"""The electorate of a round, fixed when it opens: who may take part, naming nobody.

The interface the domains use (they never touch the table):

    await store(keys, round_id, person_ids)   # when voting opens; returns how many
    await is_eligible(keys, round_id, person_id)   # before a ballot is accepted
    await count(round_id)                       # how many may take part
    await forget(round_id)                      # at close

Why it is built this way (DESIGN.md, "Anonymity"):
- a row is HMAC(the round's electorate key, person), never the person: the key lives
  in the round's folder of the key directory (`anonymity.keystore.electorate_key`), so
  a copy of the database alone links no row to anyone, and once the round's keys are
  destroyed at close not even the whole host can;
- the electorate key is not the marker key: one person's electorate row and
  participation marker never share a value, so the rows do not show who took part;
- the rows are inserted in an order shuffled with the operating system's
  cryptographic random source, a batch per INSERT statement, all in the caller's
  transaction: neither physical order nor ids follow any list of people;
- checking eligibility only reads: nothing about a person is written or locked on the
  way to a ballot.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from pathlib import Path

from tortoise import connections

from anonymity.keystore import electorate_key
from anonymity.models import Elector

# Rows per INSERT: 2 parameters each, well under SQLite's oldest limit of 999 parameters.
BATCH_ROWS = 400


def elector_value(key: bytes, person_id: str) -> str:
    return hmac.new(key, b"elector|" + person_id.encode(), hashlib.sha256).hexdigest()


def _insert_statement(rows: int, postgres: bool) -> str:
    """INSERT of `rows` rows; only numbered placeholders are interpolated."""
    if postgres:
        values = ", ".join(f"(${2 * i + 1}, ${2 * i + 2})" for i in range(rows))
    else:
        values = ", ".join("(?, ?)" for _ in range(rows))
    return f"INSERT INTO anonymity_elector (round_id, value) VALUES {values}"  # noqa: S608


async def store(key_directory: Path, round_id: str, person_ids: Iterable[str]) -> int:
    """Fix the round's electorate: one row per person, in a shuffled order. Returns how many.

    Run it in the transaction that opens the round for voting, after its keys were made
    (`anonymity.ballots.open_round`). Storing again replaces the rows (same key).
    """
    key = electorate_key(key_directory, round_id, create=True)
    values = list({elector_value(key, person_id) for person_id in person_ids})
    secrets.SystemRandom().shuffle(values)
    await Elector.filter(round_id=round_id).delete()
    connection = connections.get(Elector._meta.default_connection or "default")
    postgres = connection.capabilities.dialect == "postgres"
    for start in range(0, len(values), BATCH_ROWS):
        batch = values[start : start + BATCH_ROWS]
        parameters = [item for value in batch for item in (round_id, value)]
        await connection.execute_query(_insert_statement(len(batch), postgres), parameters)
    return len(values)


async def is_eligible(key_directory: Path, round_id: str, person_id: str) -> bool:
    """Whether the person was in the round's electorate when it was fixed (reads only).

    Raises `anonymity.keystore.RoundKeysMissing` when the round has no electorate key
    (never fixed here, or destroyed): the caller refuses then.
    """
    key = electorate_key(key_directory, round_id)
    return await Elector.exists(round_id=round_id, value=elector_value(key, person_id))


async def count(round_id: str) -> int:
    """How many may take part in the round (0 once it closed)."""
    return await Elector.filter(round_id=round_id).count()


async def forget(round_id: str) -> int:
    """Delete the round's electorate (at close, with its markers). Returns how many rows."""
    return await Elector.filter(round_id=round_id).delete()
