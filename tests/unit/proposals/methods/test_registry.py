"""The registry: every stored Method value has its method, each module offers one object
that fills in the whole VotingMethod interface, and counting needs only plain values."""

from __future__ import annotations

import importlib
import inspect
import pickle
from pathlib import Path

import pytest

import proposals.methods
from proposals.methods import METHODS, Params, VotingMethod, count_ballots, method_of
from proposals.methods.base import COMMON_KEYS
from proposals.models import Method
from tests.common.ballots import SEED

METHOD_MODULES = sorted(
    path.stem
    for path in Path(proposals.methods.__file__).parent.glob("*.py")
    if path.stem not in {"__init__", "base", "common", "numbered", "ranked"}
)
SAMPLE = {
    Method.APPROVAL: frozenset({"1", "3"}),
    Method.SCHULZE: ("2", "1"),
    Method.INSTANT_RUNOFF: ("3",),
    Method.MAJORITY_JUDGMENT: {"1": 4, "2": 0},
    Method.DOTS: {"2": 3},
}


def test_every_stored_method_value_has_its_method_in_enum_order() -> None:
    assert list(METHODS) == [method.value for method in Method]
    for key, method in METHODS.items():
        assert method.key == key
        assert method_of(key) is method and method_of(Method(key)) is method


def test_every_method_module_offers_one_complete_voting_method() -> None:
    assert sorted(str(method.key) for method in METHODS.values()) == METHOD_MODULES
    for name in METHOD_MODULES:
        module = importlib.import_module(f"proposals.methods.{name}")
        method = module.METHOD
        assert isinstance(method, VotingMethod) and not inspect.isabstract(type(method))
        assert METHODS[method.key] is method
        assert method.name and method.letter and method.ballot_template
        assert not method.keys & COMMON_KEYS


@pytest.mark.parametrize("key", list(Method))
def test_counting_takes_plain_values_and_gives_the_stored_tables(key: Method) -> None:
    method = METHODS[key]
    params = Params(dots_per_ballot=5)
    contents = [method.encode(SAMPLE[key]), method.encode(SAMPLE[key])]
    assert method.decode(contents[0]) == SAMPLE[key]
    options = ["1", "2", "3"]
    stored = count_ballots(key.value, pickle.loads(pickle.dumps(params)), contents, options, SEED)
    assert stored["method"] == key.value and stored["ballots_counted"] == 2
    assert set(stored) == COMMON_KEYS | method.keys
    assert stored == method.aggregates(method.result_from_aggregates(stored))
    assert pickle.loads(pickle.dumps(stored)) == stored
