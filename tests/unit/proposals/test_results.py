"""Results: stored aggregates, recount files, and what the results page shows."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from typing import Any

import jinja2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import escape

from chorus import i18n
from chorus.resources import templates_directory
from proposals.methods.approval import ApprovalResult, tally_approval
from proposals.methods.common import TallyResult, TieBreakRule
from proposals.methods.dots import DotsResult, tally_dots
from proposals.methods.instant_runoff import InstantRunoffResult, runoff_table, tally_instant_runoff
from proposals.methods.majority_judgment import (
    GRADE_COUNT,
    MajorityJudgmentResult,
    grade_names,
    grade_table,
    tally_majority_judgment,
)
from proposals.methods.schulze import SchulzeResult, pairwise_table, tally_schulze
from proposals.models import Method
from proposals.results import (
    COMMON_KEYS,
    CSV_HEADER,
    METHOD_KEYS,
    Bar,
    Chart,
    Shown,
    advisory_note,
    aggregates,
    charts,
    disclosed,
    election_note,
    extension_note,
    option_labels,
    ordered,
    recount_csv,
    recount_json,
    result_from_aggregates,
    suppression_note,
    tie_explanations,
    tie_rule_text,
    what_to_show,
)
from tests.common.readability import flesch_kincaid_grade

SEED = "round-7"
DOTS = 5
GRADE_LIMIT = 8.0

# -- Random rounds, counted by the real tally functions ---------------------------------------


def rankings(options: list[str]) -> st.SearchStrategy[Any]:
    return st.permutations(options).flatmap(
        lambda order: st.integers(0, len(order)).map(lambda n: tuple(order[:n]))
    )


def approvals(options: list[str]) -> st.SearchStrategy[Any]:
    return st.frozensets(st.sampled_from(options))


def gradings(options: list[str]) -> st.SearchStrategy[Any]:
    return st.dictionaries(st.sampled_from(options), st.integers(0, GRADE_COUNT - 1))


def dot_ballots(options: list[str]) -> st.SearchStrategy[Any]:
    def within_budget(dots: dict[str, int]) -> dict[str, int]:
        kept: dict[str, int] = {}
        for option, given_dots in dots.items():
            if sum(kept.values()) + given_dots <= DOTS:
                kept[option] = given_dots
        return kept

    return st.dictionaries(st.sampled_from(options), st.integers(0, DOTS)).map(within_budget)


Tally = Callable[[list[Any], list[str]], TallyResult]
COUNTING: dict[Method, tuple[Tally, Callable[[list[str]], st.SearchStrategy[Any]]]] = {
    Method.APPROVAL: (lambda b, o: tally_approval(b, o, SEED), approvals),
    Method.SCHULZE: (lambda b, o: tally_schulze(b, o, SEED), rankings),
    Method.INSTANT_RUNOFF: (lambda b, o: tally_instant_runoff(b, o, SEED), rankings),
    Method.MAJORITY_JUDGMENT: (
        lambda b, o: tally_majority_judgment(b, o, GRADE_COUNT, SEED),
        gradings,
    ),
    Method.DOTS: (lambda b, o: tally_dots(b, o, DOTS, SEED), dot_ballots),
}


@st.composite
def rounds(draw: st.DrawFn, method: Method) -> tuple[TallyResult, list[Any]]:
    """A result from random ballots; the ballots too, to check none leaks."""
    tally, ballot = COUNTING[method]
    options = [str(n) for n in range(1, draw(st.integers(1, 6)) + 1)]
    ballots = draw(st.lists(ballot(options), max_size=30))
    return tally(ballots, options), ballots


every_method = pytest.mark.parametrize("method", list(Method), ids=[m.value for m in Method])

LABELS = {"1": "Safe housing", "2": "Legal aid", "3": "Jobs", "4": "Health care", "5": "Five"}
LABELS |= {"6": "Six"}


def labels_for(result: TallyResult) -> dict[str, str]:
    return {option: LABELS[option] for option in result.ranking}


# -- Stored aggregates ------------------------------------------------------------------------


@every_method
@settings(max_examples=150)
@given(data=st.data())
def test_aggregates_go_through_json_and_come_back_as_the_same_result(method, data):
    result, _ = data.draw(rounds(method))
    stored = aggregates(method, result)
    text = json.dumps(stored)  # what the JSON column holds
    assert result_from_aggregates(json.loads(text)) == result
    assert result_from_aggregates(stored) == result
    assert type(result_from_aggregates(stored)) is type(result)


@every_method
@settings(max_examples=100)
@given(data=st.data())
def test_aggregates_hold_the_known_tables_only_and_never_a_ballot(method, data):
    result, _ = data.draw(rounds(method))
    stored = aggregates(method, result)
    assert set(stored) == COMMON_KEYS | METHOD_KEYS[method]
    assert stored["method"] == method.value
    assert stored["options"] == stored["ranking"] == result.ranking
    assert "ballots" not in stored

    # Every dict is keyed by a known table name or an option; no set or tuple (a ballot).
    def walk(value: Any) -> None:
        if isinstance(value, dict):
            assert set(value) <= COMMON_KEYS | METHOD_KEYS[method] | set(result.ranking) | {
                "tied",
                "decided",
                "rule",
                "round",
                "counts",
                "exhausted",
                "eliminated",
            }
            for inner in value.values():
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)
        else:
            assert value is None or isinstance(value, int | str)
            assert not isinstance(value, frozenset | tuple)

    walk(stored)


def test_a_result_of_another_method_is_refused():
    result = tally_approval([frozenset({"1"})], ["1", "2"], SEED)
    with pytest.raises(TypeError):
        aggregates(Method.DOTS, result)


def test_stray_keys_in_stored_data_never_reach_a_recount_file():
    result = tally_approval([frozenset({"1"}), frozenset({"1", "2"})], ["1", "2"], SEED)
    stored = aggregates(Method.APPROVAL, result) | {"ballots": [["1"], ["1", "2"]]}
    assert "ballots" not in json.loads(recount_json(stored, LABELS))
    assert "1,2" not in recount_csv(stored, LABELS).replace("ballots,", "")


# -- Recount files ----------------------------------------------------------------------------


def read_csv(text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert tuple(reader.fieldnames or ()) == CSV_HEADER
    return list(reader)


def table(rows: list[dict[str, str]], name: str) -> dict[tuple[str, str], str]:
    found = {(row["row"], row["column"]): row["value"] for row in rows if row["table"] == name}
    assert len(found) == sum(1 for row in rows if row["table"] == name), f"{name} repeats a key"
    return found


@every_method
@settings(max_examples=100)
@given(data=st.data())
def test_the_recount_csv_reads_back_to_the_results_tables(method, data):
    result, _ = data.draw(rounds(method))
    labels = labels_for(result)
    rows = read_csv(recount_csv(aggregates(method, result), labels))
    assert table(rows, "method") == {("", ""): method.value}
    assert table(rows, "ballots") == {
        ("counted", ""): str(result.ballots_counted),
        ("abstentions", ""): str(result.abstentions),
    }
    assert table(rows, "winner") == {("", ""): result.winner or ""}
    assert table(rows, "options") == {(o, "title"): labels[o] for o in result.ranking}
    assert table(rows, "ranking") == {(o, ""): str(n) for n, o in enumerate(result.ranking, 1)}
    assert table(rows, "tiers") == {
        (o, ""): str(n) for n, tier in enumerate(result.order, 1) for o in tier
    }
    if isinstance(result, ApprovalResult):
        assert {row: int(v) for (row, _), v in table(rows, "approvals").items()} == result.approvals
    elif isinstance(result, SchulzeResult):
        for name, matrix in (
            ("pairwise", result.pairwise),
            ("strongest_paths", result.strongest_paths),
        ):
            read = table(rows, name)
            assert {(a, b): int(v) for (a, b), v in read.items()} == {
                (a, b): n for a, row in matrix.items() for b, n in row.items()
            }
    elif isinstance(result, InstantRunoffResult):
        runoff = table(rows, "runoff")
        for number, past in enumerate(result.rounds, 1):
            counts = {o: int(v) for (r, o), v in runoff.items() if r == str(number)}
            assert counts == past.counts | {"exhausted": past.exhausted}
        assert len({r for r, _ in runoff}) == len(result.rounds)
        assert table(rows, "eliminated") == {
            (str(n), ""): past.eliminated
            for n, past in enumerate(result.rounds, 1)
            if past.eliminated is not None
        }
        majority = result.majority_round
        assert table(rows, "majority_round") == {
            ("", ""): "" if majority is None else str(majority)
        }
    elif isinstance(result, MajorityJudgmentResult):
        assert table(rows, "grade_count") == {("", ""): str(result.grade_count)}
        grades = table(rows, "grades")
        assert {
            o: [int(grades[o, str(g)]) for g in range(result.grade_count)] for o in result.ranking
        } == result.grades
        assert len(grades) == len(result.ranking) * result.grade_count
        medians = table(rows, "medians")
        assert {o: int(v) if v else None for (o, _), v in medians.items()} == result.medians
    elif isinstance(result, DotsResult):
        assert table(rows, "dots_per_ballot") == {("", ""): str(DOTS)}
        assert {o: int(v) for (o, _), v in table(rows, "dots").items()} == result.totals


@pytest.mark.parametrize(
    ("label", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Housing, first", "Housing, first"),
        ('Say "no"\nto debt', 'Say "no"\nto debt'),
        ("Logement = sécurité", "Logement = sécurité"),
    ],
)
def test_labels_cannot_become_spreadsheet_formulas(label: str, written: str):
    result = tally_approval([frozenset({"1"})], ["1", "2"], SEED)
    rows = read_csv(recount_csv(aggregates(Method.APPROVAL, result), {"1": label, "2": "x"}))
    assert table(rows, "options")["1", "title"] == written


def test_the_recount_json_holds_the_aggregates_and_the_titles_in_sorted_order():
    result = tally_dots([{"1": 3, "2": 2}, {"2": 5}], ["1", "2", "3"], DOTS, SEED)
    stored = aggregates(Method.DOTS, result)
    text = recount_json(stored, LABELS)
    read = json.loads(text)
    assert read == stored | {"labels": {"1": "Safe housing", "2": "Legal aid", "3": "Jobs"}}
    assert text == json.dumps(read, sort_keys=True, indent=2, ensure_ascii=False)
    assert result_from_aggregates(read) == result


# -- Small numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(("counted", "shown"), [(0, False), (9, False), (10, True), (11, True)])
def test_counts_are_disclosed_only_from_k_ballots_up(counted: int, shown: bool):
    result = tally_approval([frozenset({"1"})] * counted + [frozenset()] * 5, ["1", "2"], SEED)
    assert disclosed(aggregates(Method.APPROVAL, result), 10) is shown


def test_the_suppression_note_names_k_and_says_why():
    note = suppression_note(10)
    assert "Too few ballots to publish a result" in note
    assert "Fewer than 10 people voted" in note
    assert "the order could show how one person voted" in note
    assert flesch_kincaid_grade(note) <= GRADE_LIMIT


@pytest.mark.parametrize("note", [election_note(10), advisory_note(10), extension_note()])
def test_the_other_small_number_notes_are_plain(note: str):
    assert flesch_kincaid_grade(note) <= GRADE_LIMIT


@pytest.mark.parametrize(
    ("counted", "election", "shown"),
    [
        (9, False, Shown.NOTHING),  # not even the order: it alone can show a ballot
        (9, True, Shown.WINNER),  # an election: only who was elected
        (10, False, Shown.EVERYTHING),
        (10, True, Shown.EVERYTHING),
    ],
)
def test_below_k_a_count_shows_nothing_or_only_who_was_elected(
    counted: int, election: bool, shown: Shown
):
    result = tally_approval([frozenset({"1"})] * counted, ["1", "2"], SEED)
    assert what_to_show(aggregates(Method.APPROVAL, result), 10, election=election) is shown


def test_an_election_nobody_won_shows_nothing_below_k():
    counted = aggregates(Method.APPROVAL, tally_approval([frozenset({"1"})], ["1"], SEED))
    data = counted | {"winner": None}  # as a round with nothing on its ballot
    assert what_to_show(data, 10, election=True) is Shown.NOTHING


# -- Ties explained ---------------------------------------------------------------------------


def test_a_seed_order_tie_names_both_options_and_the_rule():
    ballots = [frozenset({"1", "2"}), frozenset({"1", "2"}), frozenset({"3"})]
    result = tally_approval(ballots, ["1", "2", "3"], SEED)
    stored = aggregates(Method.APPROVAL, result)
    (tie,) = result.tie_breaks
    (text,) = tie_explanations(stored, LABELS)
    assert LABELS[tie.tied[0]] in text and LABELS[tie.tied[1]] in text
    assert "tie-break order" in text
    assert f"{LABELS[tie.decided[0]]} comes first." in text


def test_an_instant_runoff_tie_says_who_was_out_and_why():
    ballots: list[Any] = [*[("1",)] * 5, *[("2",)] * 3, *[("3",)] * 2, ("4", "3")]
    result = tally_instant_runoff(ballots, ["1", "2", "3", "4"], SEED)
    stored = aggregates(Method.INSTANT_RUNOFF, result)
    texts = tie_explanations(stored, LABELS)
    assert len(texts) == len(result.tie_breaks)
    tie, text = result.tie_breaks[-1], texts[-1]
    assert tie.rule is TieBreakRule.PREVIOUS_ROUNDS
    assert text.startswith("In round 2, Legal aid and Jobs had the fewest votes.")
    assert "Jobs had fewer votes in an earlier round, so Jobs was out." in text


def test_a_first_round_instant_runoff_tie_falls_to_the_tie_break_order():
    ballots: list[Any] = [*[("1",)] * 4, *[("2", "1")] * 3, *[("3", "2")] * 3]
    result = tally_instant_runoff(ballots, ["1", "2", "3"], SEED)
    (tie,) = result.tie_breaks
    assert tie.rule is TieBreakRule.SEED_ORDER and tie.round == 1
    (text,) = tie_explanations(aggregates(Method.INSTANT_RUNOFF, result), LABELS)
    assert "Legal aid" in text and "Jobs" in text
    assert f"{LABELS[tie.decided[-1]]} was out." in text


def test_a_majority_judgment_tie_names_the_options_but_not_the_grade():
    ballots: list[Any] = [{"1": 5, "2": 3}, {"1": 3, "2": 3}, {"1": 1, "2": 1}]
    result = tally_majority_judgment(ballots, ["1", "2"], GRADE_COUNT, SEED)
    (tie,) = result.tie_breaks
    (text,) = tie_explanations(aggregates(Method.MAJORITY_JUDGMENT, result), LABELS)
    first, second = (LABELS[option] for option in tie.tied)  # listed in tie-break order
    assert text == (
        f"{first} and {second} had the same median grade. "
        "Their other grades decided. Safe housing comes first."
    )


def test_three_way_ties_are_put_in_order_and_nobody_voting_is_said_plainly():
    result = tally_dots([{}], ["1", "2", "3"], DOTS, SEED)
    (text,) = tie_explanations(aggregates(Method.DOTS, result), LABELS)
    names = [LABELS[o] for o in result.ranking]
    assert text.startswith(
        f"Nobody chose any option, so {names[0]}, {names[1]}, and {names[2]} are level."
    )
    assert f"The order is: {names[0]}, {names[1]}, and {names[2]}." in text


@every_method
@settings(max_examples=50)
@given(data=st.data())
def test_every_tie_is_explained_in_plain_words_naming_its_options(method, data):
    result, _ = data.draw(rounds(method))
    texts = tie_explanations(aggregates(method, result), labels_for(result))
    assert len(texts) == len(result.tie_breaks)
    for tie, text in zip(result.tie_breaks, texts, strict=True):
        assert all(LABELS[option] in text for option in tie.tied)
        assert flesch_kincaid_grade(text) <= GRADE_LIMIT, text


def test_the_tie_rule_reads_plainly_and_names_sha256():
    paragraphs = tie_rule_text()
    assert len(paragraphs) == 5
    assert any("SHA-256" in paragraph for paragraph in paragraphs)
    assert flesch_kincaid_grade("\n".join(paragraphs)) <= GRADE_LIMIT
    assert len(tie_rule_text(Method.APPROVAL)) == 3
    assert len(tie_rule_text(Method.INSTANT_RUNOFF)) == 4
    assert len(tie_rule_text(Method.MAJORITY_JUDGMENT)) == 4


# -- Charts, order and tables -----------------------------------------------------------------


def test_an_approval_chart_shows_approvals_in_ranking_order():
    ballots = [frozenset({"1", "2"}), frozenset({"2"}), frozenset({"2", "3"}), frozenset()]
    result = tally_approval(ballots, ["1", "2", "3"], SEED)
    (chart,) = charts(aggregates(Method.APPROVAL, result), LABELS)
    assert chart.caption == "Approvals for each option, out of 3 ballots"
    assert chart.unit == "Approvals" and chart.maximum == 3
    assert chart.bars[0] == Bar("2", "Legal aid", 3, "3 approvals")
    assert [bar.option for bar in chart.bars] == result.ranking
    assert {bar.text for bar in chart.bars[1:]} == {"1 approval"}


def test_instant_runoff_charts_the_first_round_and_the_last_two():
    ballots: list[Any] = [*[("1",)] * 5, *[("2",)] * 3, *[("3",)] * 2, ("4", "3")]
    result = tally_instant_runoff(ballots, ["1", "2", "3", "4"], SEED)
    first, final = charts(aggregates(Method.INSTANT_RUNOFF, result), LABELS)
    assert [bar.option for bar in first.bars] == result.ranking
    assert [bar.value for bar in first.bars] == [result.rounds[0].counts[o] for o in result.ranking]
    assert final.caption == "Votes when two options were left, in round 3"
    assert [(bar.option, bar.text) for bar in final.bars] == [("1", "5 votes"), ("2", "3 votes")]
    assert first.maximum == final.maximum == 11


def test_schulze_charts_head_to_head_wins():
    ballots: list[Any] = [("1", "2", "3")] * 3 + [("2", "3", "1")] * 2
    result = tally_schulze(ballots, ["1", "2", "3"], SEED)
    (chart,) = charts(aggregates(Method.SCHULZE, result), LABELS)
    assert [(bar.option, bar.value) for bar in chart.bars] == [("1", 2), ("2", 1), ("3", 0)]
    assert chart.bars[1].text == "Beats 1 other option" and chart.maximum == 2


def test_majority_judgment_charts_the_median_grade_by_name():
    ballots: list[Any] = [{"1": 5, "2": 1}, {"1": 4, "2": 2}, {"1": 4}]
    result = tally_majority_judgment(ballots, ["1", "2"], GRADE_COUNT, SEED)
    stored = aggregates(Method.MAJORITY_JUDGMENT, result)
    (chart,) = charts(stored, LABELS)
    assert [(bar.value, bar.text) for bar in chart.bars] == [
        (5, "Median: Very good"),
        (2, "Median: Poor"),
    ]
    assert chart.maximum == GRADE_COUNT
    assert grade_names(stored) == ["Reject", "Poor", "Fair", "Good", "Very good", "Excellent"]
    assert grade_table(stored, LABELS) == [
        ("Safe housing", [0, 0, 0, 0, 2, 1]),
        ("Legal aid", [1, 1, 1, 0, 0, 0]),
    ]


def test_nobody_voting_gives_bars_of_zero_and_no_runoff_chart():
    (dots,) = charts(aggregates(Method.DOTS, tally_dots([], ["1", "2"], DOTS, SEED)), LABELS)
    assert dots.maximum == 0 and [bar.value for bar in dots.bars] == [0, 0]
    empty = tally_instant_runoff([()], ["1", "2"], SEED)
    assert charts(aggregates(Method.INSTANT_RUNOFF, empty), LABELS) == []
    mj = tally_majority_judgment([], ["1"], GRADE_COUNT, SEED)
    (chart,) = charts(aggregates(Method.MAJORITY_JUDGMENT, mj), LABELS)
    assert chart.bars[0].text == "No grades"


def test_the_order_gives_every_option_its_place_and_flags_broken_ties():
    result = tally_approval([frozenset({"1", "2"}), frozenset({"1", "2", "3"})], list("1234"), SEED)
    places = ordered(aggregates(Method.APPROVAL, result), LABELS)
    assert [place.position for place in places] == [1, 2, 3, 4]
    assert [place.option for place in places] == result.ranking
    assert [place.tied for place in places] == [True, True, False, False]
    assert places[2].label == "Jobs"


def test_pairwise_and_runoff_tables_follow_the_ranking():
    ballots: list[Any] = [("1", "2", "3")] * 3 + [("2", "3", "1")] * 2
    schulze = aggregates(Method.SCHULZE, tally_schulze(ballots, ["1", "2", "3"], SEED))
    assert option_labels(schulze, LABELS) == ["Safe housing", "Legal aid", "Jobs"]
    assert pairwise_table(schulze, LABELS) == [
        ("Safe housing", [None, 3, 3]),
        ("Legal aid", [2, None, 5]),
        ("Jobs", [2, 0, None]),
    ]
    runoff = tally_instant_runoff([*[("1",)] * 3, ("3", "2"), ("2",), ("2",)], list("123"), SEED)
    rows = runoff_table(aggregates(Method.INSTANT_RUNOFF, runoff), LABELS)
    assert runoff.ranking == ["1", "2", "3"]
    assert [(row.number, row.counts, row.exhausted, row.eliminated) for row in rows] == [
        (1, [3, 2, 1], 0, "Jobs"),
        (2, [3, 3, None], 0, "Legal aid"),
        (3, [3, None, None], 3, None),
    ]


def test_a_missing_title_gets_a_plain_stand_in():
    result = tally_approval([frozenset({"1"})], ["1", "2"], SEED)
    assert option_labels(aggregates(Method.APPROVAL, result), {"1": "Housing"}) == [
        "Housing",
        "Option 2",
    ]


# -- The chart macro --------------------------------------------------------------------------


def environment() -> jinja2.Environment:
    """Built as chorus.rendering.Renderer builds the app's."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_directory()),
        extensions=["jinja2.ext.i18n"],
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=True
    )
    return env


def render(chart: Chart, chart_id: str = "approvals-chart") -> str:
    template = environment().from_string(
        '{% from "components/charts.html" import bar_chart %}{{ bar_chart(chart, id) }}'
    )
    return template.render(chart=chart, id=chart_id)


def test_the_chart_is_an_svg_with_a_bar_and_a_table_row_per_option():
    result = tally_approval(
        [frozenset({"1", "2"}), frozenset({"2"}), frozenset({"2", "3"})], ["1", "2", "3"], SEED
    )
    labels = LABELS | {"3": "<b>Jobs</b> & training"}
    (chart,) = charts(aggregates(Method.APPROVAL, result), labels)
    html = render(chart)
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert 'role="img"' in svg and 'aria-labelledby="approvals-chart-title"' in svg
    assert '<title id="approvals-chart-title">' in svg and 'viewBox="0 0 480 ' in svg
    assert svg.count("<rect") == len(chart.bars) == 3
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]
    assert widths == [300.0, pytest.approx(300 / 3, abs=0.1), pytest.approx(300 / 3, abs=0.1)]
    for bar in chart.bars:  # label and value as text, not colour alone
        assert f">{escape(bar.text)}</text>" in svg
    assert "&lt;b&gt;Jobs&lt;/b&gt; &amp; training" in svg and "<b>" not in html
    table = html.split("</svg>", 1)[1]
    assert table.index("<table") < table.index("</figure>")
    assert "<caption>Approvals for each option, out of 3 ballots</caption>" in table
    assert table.count('<th scope="col">') == 2
    assert table.count('<th scope="row">') == 3 and table.count("<tr>") == 4
    assert "style=" not in html and "<script" not in html and "http" not in html


def test_a_chart_of_zeros_draws_empty_bars_without_dividing_by_zero():
    chart = Chart("Dots for each option", "Dots", [Bar("1", "A", 0, "0 dots")], maximum=0)
    html = render(chart, "dots")
    assert re.findall(r'<rect [^>]*width="([\d.]+)"', html) == ["0.0"]
    assert html.count('<th scope="row">') == 1


def test_a_long_title_is_shortened_in_the_drawing_but_whole_in_the_table():
    long = "A very long proposal title that goes on and on past the edge of a phone"
    html = render(Chart("c", "Dots", [Bar("1", long, 2, "2 dots")], maximum=2), "long")
    svg, table = html.split("</svg>", 1)
    assert long not in svg and "…" in svg
    assert f'<th scope="row">{long}</th>' in table
