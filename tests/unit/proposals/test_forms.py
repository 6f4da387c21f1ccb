"""Reading round, proposal, reason and ballot forms: what a person typing them would see."""

from __future__ import annotations

import io
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.datastructures import FormData, UploadFile

from proposals.forms import (
    BallotInput,
    decode_ballot,
    encode_ballot,
    read_ballot,
    read_proposal,
    read_reason,
    read_round,
    read_tellers,
    review_lines,
)
from proposals.methods.common import MalformedBallot
from proposals.methods.majority_judgment import GRADE_COUNT
from proposals.models import Method, Purpose, Voters

TODAY = date(2025, 3, 10)
OPTIONS = ["1", "2", "3"]
LABELS = {"1": "Safe housing", "2": "Legal help", "3": "Jobs"}
RANKED = [Method.SCHULZE, Method.INSTANT_RUNOFF]


def round_form(**changes: str | None) -> FormData:
    fields: dict[str, str | None] = {
        "question": "What should we fund first?",
        "purpose": "priority",
        "elects": "",
        "method": "approval",
        "dots_per_ballot": "",
        "voters": "members",
        "cosignatures_needed": "3",
        "allows_revision": "yes",
        "proposing_ends": "2025-03-20",
        "cosigning_ends": "2025-03-27",
        "voting_ends": "2025-04-03",
    }
    fields.update(changes)
    return FormData([(name, value) for name, value in fields.items() if value is not None])


def form_of(entered: dict[str, list[str]]) -> FormData:
    return FormData([(name, value) for name, values in entered.items() for value in values])


# -- Rounds -------------------------------------------------------------------------------------


def test_a_complete_round_is_read():
    round_, errors = read_round(round_form(), TODAY, petition=False)
    assert errors == {}
    assert round_.question == "What should we fund first?"
    assert round_.purpose == Purpose.PRIORITY
    assert round_.elects == ""
    assert round_.method == Method.APPROVAL
    assert round_.dots_per_ballot == 0
    assert round_.voters == Voters.MEMBERS
    assert round_.cosignatures_needed == 3
    assert round_.allows_revision is True
    assert (round_.proposing_ends, round_.cosigning_ends, round_.voting_ends) == (
        date(2025, 3, 20),
        date(2025, 3, 27),
        date(2025, 4, 3),
    )


def test_an_empty_round_form_says_what_to_fill_in_in_page_order():
    round_, errors = read_round(FormData([]), TODAY, petition=False)
    assert list(errors) == [
        "question",
        "purpose",
        "method",
        "voters",
        "cosignatures_needed",
        "proposing_ends",
        "cosigning_ends",
        "voting_ends",
    ]
    assert errors["question"] == "Enter the question people will answer."
    assert errors["method"] == "Choose how the votes are counted."
    assert errors["proposing_ends"] == "Enter the date proposing ends."
    assert round_.method is None
    assert round_.allows_revision is False


def test_what_was_typed_is_kept_even_when_wrong():
    long_question = "Why? " * 60
    round_, errors = read_round(
        round_form(question=long_question, dots_per_ballot="lots", voting_ends="soon"),
        TODAY,
        petition=False,
    )
    assert errors["question"] == ("The question must be 200 characters or fewer. It has 299 now.")
    assert round_.entered["question"] == long_question
    assert round_.entered["dots_per_ballot"] == "lots"
    assert round_.entered["voting_ends"] == "soon"
    assert round_.voting_ends is None


def test_a_short_question_says_how_long_it_must_be():
    _, errors = read_round(round_form(question="  Why "), TODAY, petition=False)
    assert errors == {"question": "The question must be at least 5 characters long."}


def test_the_method_has_no_default():
    _, errors = read_round(round_form(method=None), TODAY, petition=False)
    assert errors == {"method": "Choose how the votes are counted."}
    _, errors = read_round(round_form(method="plurality"), TODAY, petition=False)
    assert errors == {"method": "Choose how the votes are counted."}


def test_an_election_needs_the_role_and_a_priority_round_ignores_it():
    _, errors = read_round(round_form(purpose="election"), TODAY, petition=False)
    assert errors == {"elects": "Choose the role people will elect someone to."}
    _, errors = read_round(round_form(purpose="election", elects="admin"), TODAY, petition=False)
    assert list(errors) == ["elects"]
    round_, errors = read_round(
        round_form(purpose="election", elects="committee"), TODAY, petition=False
    )
    assert errors == {}
    assert round_.elects == "committee"
    round_, errors = read_round(round_form(elects="lead"), TODAY, petition=False)
    assert errors == {}
    assert round_.elects == ""


def test_dot_voting_needs_a_number_of_dots_from_1_to_100():
    _, errors = read_round(round_form(method="dots"), TODAY, petition=False)
    assert errors == {"dots_per_ballot": "Enter how many dots each voter gets, from 1 to 100."}
    for wrong in ("0", "101", "2.5", "five"):
        _, errors = read_round(
            round_form(method="dots", dots_per_ballot=wrong), TODAY, petition=False
        )
        assert errors == {"dots_per_ballot": "Enter a whole number of dots from 1 to 100, like 5."}
    round_, errors = read_round(
        round_form(method="dots", dots_per_ballot=" 10 "), TODAY, petition=False
    )
    assert errors == {}
    assert round_.dots_per_ballot == 10


def test_dots_typed_for_another_method_are_ignored():
    round_, errors = read_round(round_form(dots_per_ballot="7"), TODAY, petition=False)
    assert errors == {}
    assert round_.dots_per_ballot == 0


def test_cosignatures_needed_are_a_whole_number_up_to_1000_unless_a_petition():
    for wrong in ("", "-1", "1001", "a few"):
        _, errors = read_round(round_form(cosignatures_needed=wrong), TODAY, petition=False)
        assert list(errors) == ["cosignatures_needed"]
    round_, errors = read_round(round_form(cosignatures_needed="0"), TODAY, petition=False)
    assert (errors, round_.cosignatures_needed) == ({}, 0)
    round_, errors = read_round(round_form(cosignatures_needed="lots"), TODAY, petition=True)
    assert (errors, round_.cosignatures_needed) == ({}, 0)


def test_unknown_purpose_and_voters_are_refused():
    _, errors = read_round(round_form(purpose="other", voters="everyone"), TODAY, petition=False)
    assert errors == {"purpose": "Choose what this round is for.", "voters": "Choose who can vote."}
    round_, errors = read_round(round_form(voters="advisory_allies"), TODAY, petition=False)
    assert round_.voters == Voters.ADVISORY_ALLIES


def test_revision_is_allowed_only_when_the_box_is_ticked():
    round_, _ = read_round(round_form(allows_revision=None), TODAY, petition=False)
    assert round_.allows_revision is False
    assert round_.entered["allows_revision"] == ""


def test_dates_must_be_real_dates():
    for wrong in ("31/03/2025", "2025-02-30", "20250320", "2025-W12-1"):
        _, errors = read_round(round_form(proposing_ends=wrong), TODAY, petition=False)
        assert errors == {"proposing_ends": "Enter a real date as year-month-day, like 2025-03-24."}


def test_proposing_must_end_after_today():
    _, errors = read_round(round_form(proposing_ends="2025-03-10"), TODAY, petition=False)
    assert errors == {"proposing_ends": "Proposing must end after today. Choose a later date."}


def test_the_phases_must_follow_one_another():
    _, errors = read_round(round_form(cosigning_ends="2025-03-20"), TODAY, petition=False)
    assert errors == {
        "cosigning_ends": "Co-signing must end after proposing ends. Choose a later date."
    }
    _, errors = read_round(round_form(voting_ends="2025-03-27"), TODAY, petition=False)
    assert errors == {"voting_ends": "Voting must end after co-signing ends. Choose a later date."}
    _, errors = read_round(
        round_form(cosigning_ends="2025-03-01", voting_ends="2025-03-15"), TODAY, petition=False
    )
    assert errors == {
        "cosigning_ends": "Co-signing must end after proposing ends. Choose a later date.",
        "voting_ends": "Voting must end after proposing ends. Choose a later date.",
    }
    _, errors = read_round(
        round_form(proposing_ends="", cosigning_ends="2025-03-01"), TODAY, petition=False
    )
    assert errors == {
        "proposing_ends": "Enter the date proposing ends.",
        "cosigning_ends": "Co-signing must end after today. Choose a later date.",
    }


form_items = st.lists(
    st.tuples(
        st.one_of(
            st.sampled_from(
                ["question", "purpose", "method", "proposing_ends", "title", "description"]
            ),
            st.sampled_from(["forms_of_trafficking", "choice", "rank-1", "grade-2", "dots-3"]),
            st.text(max_size=10),
        ),
        st.one_of(st.text(), st.sampled_from(["1", "-1", "2025-12-31", "dots", "99999999999"])),
    )
)


@given(form_items, st.booleans())
def test_no_form_makes_a_reader_fail(items, flag):
    form = FormData(items)
    for _, errors in (
        read_round(form, TODAY, petition=flag),
        read_proposal(form, candidate=flag),
        read_reason(form, "reason"),
    ):
        assert all(isinstance(message, str) and message for message in errors.values())
    for method in Method:
        ballot, errors = read_ballot(form, method, OPTIONS, dots_per_ballot=5)
        assert (ballot.ballot is None) == bool(errors)


# -- Proposals ----------------------------------------------------------------------------------


def test_a_proposal_is_kept_as_typed_with_tidy_line_endings():
    form = FormData(
        [
            ("title", "  Safe housing first  "),
            ("description", "\r\nWe need beds.   \r\n\r\nAnd   *now*  \r\n\r\n"),
            ("forms_of_trafficking", "peonage"),
            ("forms_of_trafficking", "debt_bondage"),
            ("forms_of_trafficking", "peonage"),
            ("oppression_categories", "poverty"),
        ]
    )
    proposal, errors = read_proposal(form, candidate=False)
    assert errors == {}
    assert proposal.title == "Safe housing first"
    assert proposal.description == "We need beds.\n\nAnd   *now*"
    assert proposal.forms_of_trafficking == ["debt_bondage", "peonage"]
    assert proposal.oppression_categories == ["poverty"]
    assert proposal.entered["title"] == "  Safe housing first  "


def test_a_proposal_needs_a_title_and_a_description():
    proposal, errors = read_proposal(FormData([]), candidate=False)
    assert errors == {
        "title": "Enter a title for your proposal.",
        "description": "Describe your proposal: what should the network do, and why?",
    }
    assert proposal.forms_of_trafficking == []


def test_title_and_description_lengths_are_explained():
    form = FormData([("title", "Go"), ("description", "x" * 5001)])
    proposal, errors = read_proposal(form, candidate=False)
    assert errors == {
        "title": "The title must be at least 3 characters long.",
        "description": "The description must be 5000 characters or fewer. It has 5001 now.",
    }
    assert len(proposal.entered["description"]) == 5001
    _, errors = read_proposal(
        FormData([("title", "x" * 121), ("description", "ok")]), candidate=False
    )
    assert errors == {"title": "The title must be 120 characters or fewer. It has 121 now."}


def test_a_candidate_writes_a_statement_and_no_title():
    proposal, errors = read_proposal(FormData([("description", "I will listen.")]), candidate=True)
    assert errors == {}
    assert (proposal.title, proposal.description) == ("", "I will listen.")
    assert "title" not in proposal.entered
    _, errors = read_proposal(FormData([("description", "Vote me")]), candidate=True)
    assert errors == {"description": "Your statement must be at least 10 characters long."}
    _, errors = read_proposal(FormData([("description", "y" * 1001)]), candidate=True)
    assert errors == {
        "description": "Your statement must be 1000 characters or fewer. It has 1001 now."
    }


def test_tags_not_on_the_list_are_refused_and_the_rest_kept():
    form = FormData(
        [
            ("title", "Legal help"),
            ("description", "Lawyers."),
            ("forms_of_trafficking", "labour_exploitation"),
            ("forms_of_trafficking", "made_up"),
            ("oppression_categories", "ageism"),
            ("oppression_categories", "<script>"),
        ]
    )
    proposal, errors = read_proposal(form, candidate=False)
    assert errors == {
        "forms_of_trafficking": "Choose from the list.",
        "oppression_categories": "Choose from the list.",
    }
    assert proposal.forms_of_trafficking == ["labour_exploitation"]
    assert proposal.oppression_categories == ["ageism"]


def test_invisible_control_characters_are_dropped():
    form = FormData([("title", "Safe\x00 homes\x1b"), ("description", "a\tb\x07")])
    proposal, errors = read_proposal(form, candidate=False)
    assert errors == {}
    assert (proposal.title, proposal.description) == ("Safe homes", "a\tb")


def test_bidi_overrides_embeddings_and_isolates_are_dropped():
    # U+202E would show "Safe homes\u202egnitov" as "Safe homes" and "voting" reversed.
    controls = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    form = FormData(
        [
            ("title", "Safe homes \u202egnitov"),
            ("description", f"Rooms{controls} for everyone.\nבית \u2067שלנו\u2069"),
        ]
    )
    proposal, errors = read_proposal(form, candidate=False)
    assert errors == {}
    assert proposal.title == "Safe homes gnitov"
    assert proposal.description == "Rooms for everyone.\nבית שלנו"
    reason, _ = read_reason(FormData([("reason", "Names a \u202eperson here.")]), "reason")
    assert reason == "Names a person here."


# -- Reasons ------------------------------------------------------------------------------------


def test_a_reason_has_a_length_it_explains():
    assert read_reason(FormData([("reason", "Names a person.\r\n")]), "reason") == (
        "Names a person.",
        {},
    )
    _, errors = read_reason(FormData([]), "reason")
    assert errors == {"reason": "Write the reason here. Use at least 10 characters."}
    _, errors = read_reason(FormData([("contest", "Unfair")]), "contest")
    assert errors == {"contest": "Write at least 10 characters, so the reason is clear."}
    _, errors = read_reason(FormData([("reason", "z" * 31)]), "reason", minimum=5, maximum=30)
    assert errors == {"reason": "Write 30 characters or fewer. It has 31 now."}


# -- Ballots ------------------------------------------------------------------------------------


def ballot(
    method: Method, *items: tuple[str, str], dots: int = 0, options: list[str] = OPTIONS
) -> tuple[BallotInput, dict[str, str]]:
    return read_ballot(FormData(list(items)), method, options, dots_per_ballot=dots)


def review(read: BallotInput) -> list[str]:
    assert read.ballot is not None
    return review_lines(read.method, read.ballot, LABELS)


def test_approvals_are_the_ticked_options():
    read, errors = ballot(Method.APPROVAL, ("choice", "1"), ("choice", "3"), ("csrf", "t"))
    assert errors == {}
    assert read.ballot == frozenset({"1", "3"})
    assert read.entered == {"choice": ["1", "3"]}
    assert not read.empty
    assert read.encode() == b'{"a":["1","3"]}'


@pytest.mark.parametrize("method", list(Method))
def test_a_ballot_with_nothing_chosen_is_a_blank_ballot(method):
    read, errors = ballot(method, ("rank-1", ""), ("dots-2", ""), ("dots-3", "0"), dots=5)
    assert errors == {}
    assert read.empty
    assert review(read) == []


def test_a_choice_not_on_the_ballot_is_refused():
    message = "This ballot has a choice that is not on it. Reload the page and try again."
    for method, field in [
        (Method.APPROVAL, "choice"),
        (Method.SCHULZE, "rank-9"),
        (Method.MAJORITY_JUDGMENT, "grade-9"),
        (Method.DOTS, "dots-9"),
    ]:
        value = "9" if method == Method.APPROVAL else "1"
        read, errors = ballot(method, (field, value), dots=5)
        assert errors == {"ballot": message}
        assert read.ballot is None
        assert not read.empty


def test_a_field_sent_twice_or_a_file_cannot_be_read():
    message = "This ballot could not be read. Reload the page and try again."
    _, errors = ballot(Method.SCHULZE, ("rank-1", "1"), ("rank-1", "2"))
    assert errors == {"ballot": message}
    upload = UploadFile(file=io.BytesIO(b""), filename="x")
    _, errors = read_ballot(
        FormData([("choice", upload)]), Method.APPROVAL, OPTIONS, dots_per_ballot=0
    )
    assert errors == {"ballot": message}


@pytest.mark.parametrize("method", RANKED)
def test_a_ranking_is_read_in_rank_order_and_gaps_do_not_matter(method):
    read, errors = ballot(method, ("rank-1", "3"), ("rank-2", ""), ("rank-3", "1"))
    assert errors == {}
    assert read.ballot == ("3", "1")
    assert read.entered == {"rank-1": ["3"], "rank-2": [""], "rank-3": ["1"]}
    assert read.encode() == b'{"r":["3","1"]}'
    assert review(read) == [
        "Choice 1: Jobs",
        "Choice 2: Safe housing",
        "Not ranked: Legal help",
    ]


def test_the_same_rank_twice_is_shown_on_the_first_option_with_it():
    read, errors = ballot(Method.SCHULZE, ("rank-1", "1"), ("rank-2", "2"), ("rank-3", "2"))
    assert errors == {"rank-2": "You gave rank 2 to more than one option. Give each rank once."}
    assert read.ballot is None
    assert read.entered["rank-3"] == ["2"]


def test_a_rank_must_be_one_of_the_ranks_offered():
    _, errors = ballot(Method.INSTANT_RUNOFF, ("rank-1", "4"), ("rank-2", "first"), ("rank-3", "0"))
    message = "Choose a rank from 1 to 3, or leave this option unranked."
    assert errors == {"rank-1": message, "rank-2": message, "rank-3": message}


def test_grades_are_read_and_an_option_left_ungraded_counts_as_reject():
    read, errors = ballot(Method.MAJORITY_JUDGMENT, ("grade-1", "5"), ("grade-3", "0"))
    assert errors == {}
    assert read.ballot == {"1": 5, "3": 0}
    assert read.encode() == b'{"g":{"1":5,"3":0}}'
    assert review(read) == [
        "Safe housing: Excellent",
        "Legal help: no grade, so it counts as Reject",
        "Jobs: Reject",
    ]


def test_a_grade_must_be_one_of_the_grades():
    _, errors = ballot(Method.MAJORITY_JUDGMENT, ("grade-1", str(GRADE_COUNT)))
    assert errors == {"grade-1": "Choose one of the grades, from Reject to Excellent."}
    _, errors = ballot(Method.MAJORITY_JUDGMENT, ("grade-2", "good"))
    assert errors == {"grade-2": "Choose one of the grades."}


def test_dots_are_read_and_empty_boxes_count_as_none():
    read, errors = ballot(Method.DOTS, ("dots-1", "2"), ("dots-2", ""), ("dots-3", " 3 "), dots=5)
    assert errors == {}
    assert read.ballot == {"1": 2, "3": 3}
    assert read.encode() == b'{"d":{"1":2,"3":3}}'
    assert review(read) == [
        "Dots for Safe housing: 2",
        "Dots for Jobs: 3",
    ]


def test_more_dots_than_allowed_says_how_many_to_take_away():
    read, errors = ballot(Method.DOTS, ("dots-1", "4"), ("dots-2", "3"), dots=5)
    assert errors == {"ballot": "You used 7 dots. You have 5. Take some away."}
    assert read.entered == {"dots-1": ["4"], "dots-2": ["3"]}


def test_dots_must_be_whole_numbers_not_below_zero():
    _, errors = ballot(Method.DOTS, ("dots-1", "-1"), ("dots-2", "1"), dots=5)
    assert errors == {"dots-1": "Dots cannot be below 0. Enter 0 or more."}
    _, errors = ballot(Method.DOTS, ("dots-1", "1.5"), ("dots-3", "two"), dots=5)
    message = "Enter a whole number of dots, like 2, or leave it empty."
    assert errors == {"dots-1": message, "dots-3": message}


def test_approval_review_lines_follow_the_ballot_order():
    lines = review_lines(Method.APPROVAL, frozenset({"3", "1"}), LABELS)
    assert lines == ["Approved: Safe housing", "Approved: Jobs"]


def test_a_ballot_with_errors_cannot_be_sealed():
    read, _ = ballot(Method.DOTS, ("dots-1", "9"), dots=5)
    with pytest.raises(ValueError, match="cannot be sealed"):
        read.encode()


@pytest.mark.parametrize(
    ("method", "content"),
    [
        (Method.APPROVAL, b"not json"),
        (Method.APPROVAL, b'{"r":["1"]}'),
        (Method.SCHULZE, b'{"r":"12"}'),
        (Method.SCHULZE, b'{"r":[1]}'),
        (Method.MAJORITY_JUDGMENT, b'{"g":{"1":true}}'),
        (Method.DOTS, b'{"d":{"1":2},"a":[]}'),
        (Method.DOTS, b'{"d":[]}'),
        (Method.DOTS, b"\xff"),
        (Method.DOTS, b"[]"),
    ],
)
def test_sealed_content_that_is_not_a_ballot_of_the_method_is_malformed(method, content):
    with pytest.raises(MalformedBallot):
        decode_ballot(method, content)


@st.composite
def filled_ballots(draw: st.DrawFn) -> tuple[Method, list[str], list[tuple[str, str]], object, int]:
    """A method, its options, a form a voter could send, and the ballot it means."""
    options = [str(n) for n in range(1, draw(st.integers(1, 8)) + 1)]
    method = draw(st.sampled_from(list(Method)))
    dots_per_ballot = 0
    if method == Method.APPROVAL:
        chosen = draw(st.lists(st.sampled_from(options), unique=True))
        return method, options, [("choice", o) for o in chosen], frozenset(chosen), 0
    if method in RANKED:
        order = draw(st.permutations(options))[: draw(st.integers(0, len(options)))]
        ranks = sorted(
            draw(st.sets(st.integers(1, len(options)), min_size=len(order), max_size=len(order)))
        )
        rank_of = dict(zip(order, ranks, strict=True))
        items = [(f"rank-{o}", str(rank_of.get(o, ""))) for o in options]
        return method, options, items, tuple(order), 0
    if method == Method.MAJORITY_JUDGMENT:
        grades = draw(st.dictionaries(st.sampled_from(options), st.integers(0, GRADE_COUNT - 1)))
        items = [(f"grade-{o}", str(g)) for o, g in grades.items()]
        return method, options, items, grades, 0
    dots = draw(st.dictionaries(st.sampled_from(options), st.integers(0, 30)))
    dots_per_ballot = max(1, sum(dots.values()) + draw(st.integers(0, 5)))
    items = [(f"dots-{o}", str(d) if d else "") for o, d in dots.items()]
    return method, options, items, {o: d for o, d in dots.items() if d}, dots_per_ballot


@given(filled_ballots())
def test_a_filled_ballot_is_read_sealed_and_opened_unchanged(case):
    method, options, items, meant, dots_per_ballot = case
    read, errors = read_ballot(FormData(items), method, options, dots_per_ballot=dots_per_ballot)
    assert errors == {}
    assert read.ballot == meant
    assert read.empty == (not meant)
    assert decode_ballot(method, read.encode()) == meant
    assert encode_ballot(method, decode_ballot(method, read.encode())) == read.encode()


@given(filled_ballots())
def test_the_review_pages_hidden_fields_give_back_the_same_ballot(case):
    method, options, items, meant, dots_per_ballot = case
    read, _ = read_ballot(FormData(items), method, options, dots_per_ballot=dots_per_ballot)
    confirmed, errors = read_ballot(
        form_of(read.entered), method, options, dots_per_ballot=dots_per_ballot
    )
    assert errors == {}
    assert confirmed.ballot == meant
    assert confirmed.encode() == read.encode()


# -- Tellers ------------------------------------------------------------------------------


def test_without_tellers_ticked_there_is_no_passphrase():
    assert read_tellers(FormData([("teller_passphrase", "ignored entirely here")]), 12) == (
        None,
        {},
    )


def test_the_tellers_passphrase_is_long_enough_and_typed_twice_the_same():
    short = FormData([("tellers", "yes"), ("teller_passphrase", "too short")])
    assert set(read_tellers(short, 12)[1]) == {"teller_passphrase"}
    differ = FormData(
        [
            ("tellers", "yes"),
            ("teller_passphrase", "four words held together"),
            ("teller_confirmation", "four words held apart"),
        ]
    )
    assert set(read_tellers(differ, 12)[1]) == {"teller_confirmation"}
    same = FormData(
        [
            ("tellers", "yes"),
            ("teller_passphrase", "four words held together"),
            ("teller_confirmation", "four words held together"),
        ]
    )
    assert read_tellers(same, 12) == ("four words held together", {})
