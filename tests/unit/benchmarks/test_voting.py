"""The tally and voting benchmarks run; their figures are read by people, never asserted here."""

from __future__ import annotations

import os

import pytest

from benchmarks import tally, voting
from proposals.methods.dots import validate_dots
from proposals.methods.majority_judgment import GRADE_COUNT, validate_grades
from proposals.methods.ranked import validate_ranking


def test_the_tally_benchmark_times_every_method_at_each_size() -> None:
    result = tally.measure(sizes=(50, 400), repeats=2)

    assert [size.ballots for size in result.sizes] == [50, 400]
    for size in result.sizes:
        assert set(size.method_seconds) == set(tally.METHODS)
        assert all(len(runs) == 2 for runs in size.method_seconds.values())
        assert all(size.median(method) > 0 for method in tally.METHODS)
        assert 0 < size.distinct <= size.ballots
    lines = tally.report(result)
    assert any(line.startswith("400 ballots") for line in lines)
    assert lines[-1] in ("result: PASS", "result: FAIL")


def test_the_generated_ballots_are_seeded_partial_and_valid() -> None:
    first, again = tally.Ballots.made(300), tally.Ballots.made(300)
    assert first == again
    assert tally.Ballots.made(300, seed=7) != first
    lengths = {len(ranking) for ranking in first.ranked}
    assert min(lengths) <= 1 and max(lengths) >= 6  # blank, partial and long rankings
    for ranking in first.ranked:
        validate_ranking(ranking, tally.OPTIONS)
    for dots in first.dots:
        validate_dots(dots, tally.OPTIONS, tally.DOTS_PER_BALLOT)
    for grades in first.grades:
        validate_grades(grades, tally.OPTIONS, GRADE_COUNT)


async def test_the_ballot_and_results_pages_are_compared_with_bare_pages_on_sqlite() -> None:
    run = await voting.pages(requests=3, rounds=2, warmup=1, ballots=3)

    for result in (run.ballot, run.results):
        assert len(result.chorus_rates) == len(result.bare_rates) == 2
        assert result.chorus_rate > 0 and result.bare_rate > 0
        assert result.chorus_bytes > 1000
        assert abs(result.chorus_bytes - result.bare_bytes) <= 8
    assert run.ballot_unremembered > 0 and run.results_unremembered > 0
    lines = voting.report(voting.Measured(casting=None, pages=run))
    assert lines[0].startswith("casting on PostgreSQL: skipped")
    assert sum(line.endswith(("→ PASS", "→ FAIL")) for line in lines) == 2
    assert sum("with the memo off (CHORUS_MEMO_SECONDS=0)" in line for line in lines) == 2
    assert lines[-1] in ("result: PASS", "result: FAIL")


def test_the_server_given_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHORUS_BENCH_DATABASE_URL", raising=False)
    monkeypatch.setenv("CHORUS_TEST_DATABASE_URL", "postgresql://test-server/test")
    assert voting.database_server() == "postgresql://test-server/test"
    assert voting.database_server("postgresql://given/db") == "postgresql://given/db"
    monkeypatch.delenv("CHORUS_TEST_DATABASE_URL")
    assert voting.database_server() is None


@pytest.mark.postgres_only
async def test_ballots_are_cast_over_http_on_postgres_next_to_a_bare_insert() -> None:
    server = os.environ.get("CHORUS_TEST_DATABASE_URL")
    if not server:
        pytest.skip("CHORUS_TEST_DATABASE_URL is not set")
    run = await voting.casting(server, ballots=4, rounds=2, warmup=2, in_flight=3)

    assert run.members == 10
    assert run.stored == run.bare_stored == 10
    assert len(run.chorus_rates) == len(run.bare_rates) == 2
    assert run.chorus_rate > 0 and run.bare_rate > 0
    lines = voting.casting_report(run)
    assert lines[-1].endswith(("→ PASS", "→ FAIL"))
