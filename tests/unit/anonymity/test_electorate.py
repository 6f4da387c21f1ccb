"""The electorate of a round: keyed rows in a shuffled order, read-only checks, and
nothing left once the round's keys are destroyed."""

from __future__ import annotations

import itertools
import secrets
from pathlib import Path
from typing import Any

import pytest

from anonymity import electorate
from anonymity.ballots import marker_for, open_round
from anonymity.keystore import (
    RoundKeysMissing,
    destroy_round_keys,
    electorate_key,
    load_round_keys,
)
from anonymity.models import Elector

pytestmark = pytest.mark.usefixtures("db")


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    return tmp_path / "keys"


def round_id() -> str:
    return "r" + secrets.token_hex(6)


async def test_only_the_people_stored_are_eligible_and_no_row_names_them(keys: Path):
    rid = round_id()
    await open_round(keys, rid)
    people = [secrets.token_hex(8) for _ in range(900)]  # more than two INSERT batches
    assert await electorate.store(keys, rid, [*people, people[0]]) == 900
    assert await electorate.count(rid) == 900
    assert all([await electorate.is_eligible(keys, rid, person) for person in people[:20]])
    assert not await electorate.is_eligible(keys, rid, secrets.token_hex(8))
    values = set(await Elector.filter(round_id=rid).values_list("value", flat=True))
    assert not any(person in value for person in people for value in values)
    # Not the participation marker: an electorate row never shows who took part.
    marker_key = load_round_keys(keys, rid).marker_key
    assert not values & {marker_for(marker_key, person) for person in people}


async def test_rows_are_stored_in_an_order_that_follows_no_list(keys: Path):
    rid = round_id()
    await open_round(keys, rid)
    people = [f"{index:08d}" for index in range(200)]
    await electorate.store(keys, rid, people)
    key = electorate_key(keys, rid)
    position = {electorate.elector_value(key, person): index for index, person in enumerate(people)}
    values: list[Any] = (
        await Elector.filter(round_id=rid).order_by("id").values_list("value", flat=True)
    )
    stored = [position[str(value)] for value in values]
    assert sorted(stored) == list(range(200))
    # In the order given, 199 neighbours would each be one apart; shuffled, a handful.
    assert sum(1 for a, b in itertools.pairwise(stored) if b == a + 1) < 20


async def test_once_the_round_keys_are_destroyed_nobody_is_eligible_and_rows_can_go(keys: Path):
    rid = round_id()
    await open_round(keys, rid)
    person = secrets.token_hex(8)
    await electorate.store(keys, rid, [person])
    destroy_round_keys(keys, rid)
    with pytest.raises(RoundKeysMissing):
        await electorate.is_eligible(keys, rid, person)
    assert await electorate.forget(rid) == 1
    assert await electorate.count(rid) == 0


async def test_an_electorate_needs_the_round_keys(keys: Path):
    with pytest.raises(RoundKeysMissing):
        await electorate.store(keys, round_id(), ["someone"])
