import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anonymity.codes import new_code, normalise_code
from governance.identity.errors import PseudonymInvalid
from governance.identity.service.accounts import clean_pseudonym


def test_pseudonyms_fold_case_and_width_for_uniqueness():
    assert clean_pseudonym("  Amina ")[0] == "Amina"
    assert clean_pseudonym("AMINA")[1] == clean_pseudonym("amina")[1]
    assert clean_pseudonym("Ａｍｉｎａ")[1] == clean_pseudonym("amina")[1]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("A", "short"),
        ("x" * 41, "long"),
        ("Ana\u0000", "characters"),
        ("Ana\u202e", "characters"),
        ("Ana\nB", "characters"),
    ],
)
def test_bad_pseudonyms_name_their_problem(text: str, problem: str):
    with pytest.raises(PseudonymInvalid) as caught:
        clean_pseudonym(text)
    assert caught.value.problem == problem


@given(st.text(max_size=60))
def test_any_text_is_either_a_clean_pseudonym_or_a_named_problem(text: str):
    try:
        shown, folded = clean_pseudonym(text)
    except PseudonymInvalid as error:
        assert error.problem in {"empty", "short", "long", "characters"}
    else:
        assert 2 <= len(shown) <= 40
        assert not any(unicodedata.category(char) in ("Cc", "Cf") for char in shown)
        assert folded and folded == " ".join(folded.split())


def test_codes_are_readable_and_forgiving_to_type():
    code = new_code()
    assert len(code) == 19 and code.count("-") == 3
    assert normalise_code(code.lower().replace("-", " ")) == code
