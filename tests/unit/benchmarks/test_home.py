"""The benchmark scripts run; their figures are read by people, never asserted here."""

from __future__ import annotations

from benchmarks import home


async def test_the_home_page_benchmark_runs_and_reports_positive_rates() -> None:
    result = await home.measure(requests=5, rounds=2, warmup=1)

    assert len(result.chorus_rates) == len(result.bare_rates) == 2
    assert all(rate > 0 for rate in [*result.chorus_rates, *result.bare_rates])
    assert result.percent > 0
    assert result.chorus_bytes > 1000
    assert abs(result.chorus_bytes - result.bare_bytes) <= 8
    lines = home.report(result, requests=5, rounds=2, warmup=1)
    assert lines[-1] in ("result: PASS", "result: FAIL")
