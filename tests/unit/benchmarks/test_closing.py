"""The benchmark scripts run; their figures are read by people, never asserted here."""

from __future__ import annotations

from benchmarks import closing


async def test_the_closing_benchmark_runs_in_its_quick_mode_and_reports_latencies() -> None:
    result = await closing.measure(closing.QUICK_BALLOTS, closing.QUICK_REQUESTS)

    assert result.counted and all(
        n == result.ballots == closing.QUICK_BALLOTS for n in result.counted
    )
    assert result.during.requests >= closing.QUICK_REQUESTS
    assert result.idle.requests >= closing.QUICK_REQUESTS
    assert result.whole.requests >= closing.QUICK_REQUESTS
    assert 0 < result.whole.p50_ms <= result.whole.p99_ms <= result.whole.max_ms
    assert all(seconds > 0 for seconds in result.close_seconds)
    lines = closing.report(result)
    assert lines[-1] in ("result: PASS", "result: FAIL")
