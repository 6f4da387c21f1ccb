"""The sign-in benchmark runs and reports; its figures are read by people, never asserted."""

from __future__ import annotations

import collections

import pytest

from benchmarks import sign_in
from benchmarks.sign_in import Measured, Sizes, apart


def test_apart_is_the_gap_in_percent_of_the_smaller() -> None:
    assert apart(1.0, 1.05) == pytest.approx(5.0)
    assert apart(1.05, 1.0) == pytest.approx(5.0)
    assert apart(0.2, 0.2) == 0.0


def measured(own_device: list[float], known: list[float], unknown: list[float]) -> Measured:
    return Measured(
        junk=100,
        workers=2,
        before=False,
        bare=[0.12, 0.13],
        quiet=[0.15, 0.16],
        own_device=own_device,
        other_browser=(503, 0.01),
        junk_answers=collections.Counter({400: 30, 503: 2000}),
        known=known,
        unknown=unknown,
    )


def test_the_verdict_needs_both_the_goal_and_the_target() -> None:
    assert measured([0.5, 2.9], [0.20, 0.21, 0.22], [0.21, 0.21, 0.20]).passed
    assert not measured([0.5, 3.1], [0.20], [0.20]).passed  # one sign-in too slow
    assert not measured([0.5], [0.20, 0.20], [0.22, 0.22]).passed  # 10 % apart


def test_the_report_gives_every_figure() -> None:
    lines = sign_in.report(measured([0.5, 2.9], [0.20, 0.21, 0.22], [0.21, 0.21, 0.20]))
    text = "\n".join(lines)
    assert "worst 2.90 s (0.50, 2.90) (goal: under 3 s)" in text
    assert "the 'very busy' page after 0.01 s" in text
    assert "30 × 400, 2000 × 503" in text
    assert "known names median 0.210 s, unknown names median 0.210 s, 0.0 % apart" in text
    assert lines[-1] == "result: PASS"


async def test_the_benchmark_runs_with_a_cheap_stretch() -> None:
    result = await sign_in.measure(
        junk=3, sizes=Sizes(quiet=1, under_attack=1, samples=2), profile="test", ramp=0.05
    )
    assert len(result.quiet) == len(result.bare) == len(result.own_device) == 1
    assert len(result.known) == len(result.unknown) == 2
    assert result.other_browser[0] in (303, 503)
    assert sum(result.junk_answers.values()) > 0
    assert set(result.junk_answers) <= {400, 503}
    assert sign_in.report(result)[-1] in ("result: PASS", "result: FAIL")
