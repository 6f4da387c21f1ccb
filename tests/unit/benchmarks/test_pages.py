"""The benchmark scripts run; their figures are read by people, never asserted here."""

from __future__ import annotations

import os

import pytest

from benchmarks import pages


@pytest.mark.postgres_only
async def test_the_pages_benchmark_measures_every_page_alone_and_under_load() -> None:
    server = os.environ.get("CHORUS_TEST_DATABASE_URL")
    if not server:
        pytest.skip("CHORUS_TEST_DATABASE_URL is not set")
    sizes = pages.Sizes(
        members=35, rounds=5, notices=3, seconds=0.1, turns=1, casting_ballots=4, casting_rounds=1
    )
    result = await pages.measure(server, sizes)

    assert [page.name for page in result.pages] == [
        "rounds list",
        "round",
        "ballot",
        "results",
        "inbox",
        "account",
    ]
    for page in result.pages:
        assert page.bytes > 1000
        for rates in (page.alone, page.loaded):
            assert len(rates[0]) == len(rates[1]) == 1 and min(*rates[0], *rates[1]) > 0
    assert result.casts_sent > 0 and result.casts_failed == 0
    lines = pages.report(result)
    assert sum(line.endswith(("PASS", "FAIL")) for line in lines) == len(result.pages) + 2
    assert lines[-1] in ("result: PASS", "result: FAIL")
