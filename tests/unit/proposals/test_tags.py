"""Forms of trafficking and oppression categories: all listed, alphabetical, none first."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from proposals import tags
from proposals.tags import FORMS_OF_TRAFFICKING, OPPRESSION_CATEGORIES, choices, known, sort_key

# The layers of oppression in the network's Anti-Oppression Framework, in its order.
FRAMEWORK_CATEGORIES = [
    "Ableism",
    "Addictions",
    "Ageism",
    "Audism",
    "Classism",
    "Colonialism",
    "Criminal background",
    "Culture",
    "Education and perceived intelligence",
    "Engagement in criminalized or stigmatized work",
    "Experience within the Children’s Aid Society system",
    "Family status",
    "Forms of exploitation experienced",
    "Gender and gender identity",
    "Heterosexism and heteronormativity",
    "Immigration/citizenship status",
    "Job title/position within an organization",
    "Language and linguistic abilities",
    "Location",
    "Marital status",
    "Mental health",
    "Physical attributes",
    "Poverty",
    "Race and ethnicity",
    "Religion",
    "Sexual orientation",
]


def test_every_category_of_the_framework_is_listed():
    assert list(OPPRESSION_CATEGORIES.values()) == FRAMEWORK_CATEGORIES


def test_every_form_of_exploitation_of_the_framework_is_listed_with_forced_labour():
    assert set(FORMS_OF_TRAFFICKING.values()) == {
        "Child soldiering",
        "Debt bondage",
        "Domestic servitude",
        "Forced criminality",
        "Forced labour",
        "Forced marriage",
        "Forced surrogacy",
        "Indentured work",
        "Organ removal",
        "Peonage",
        "Sexual exploitation",
    }


@pytest.mark.parametrize("mapping", [FORMS_OF_TRAFFICKING, OPPRESSION_CATEGORIES])
def test_keys_are_stable_ascii_ids_and_labels_are_distinct(mapping):
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", key) for key in mapping)
    assert len(set(mapping.values())) == len(mapping)


@pytest.mark.parametrize("mapping", [FORMS_OF_TRAFFICKING, OPPRESSION_CATEGORIES])
def test_choices_are_every_entry_in_alphabetical_order(mapping):
    listed = choices(mapping)
    assert sorted(listed) == sorted(mapping.items())
    labels = [label for _, label in listed]
    assert labels == sorted(labels, key=str.casefold)


def test_choices_follow_the_alphabet_of_the_language_read(monkeypatch):
    translated = {
        "Ableism": "Zèbre",
        "Ageism": "éducation",
        "Audism": "Ecole",
        "Culture": "abeille",
    }
    monkeypatch.setattr(tags, "gettext", lambda message: translated.get(message, message))
    mapping = {"ableism": "Ableism", "ageism": "Ageism", "audism": "Audism", "culture": "Culture"}
    assert choices(mapping) == [
        ("culture", "abeille"),
        ("audism", "Ecole"),
        ("ageism", "éducation"),
        ("ableism", "Zèbre"),
    ]


def test_sort_key_ignores_case_and_accents():
    assert sort_key("École") == sort_key("ecole") == "ecole"
    assert sort_key("STRASSE") == sort_key("straße")


def test_known_keeps_known_keys_once_in_order():
    kept = known(FORMS_OF_TRAFFICKING, ["peonage", "nope", "debt_bondage", "peonage", ""])
    assert kept == ["debt_bondage", "peonage"]
    assert known(OPPRESSION_CATEGORIES, []) == []


@given(st.lists(st.one_of(st.sampled_from(sorted(OPPRESSION_CATEGORIES)), st.text())))
def test_known_is_sorted_distinct_and_only_known(keys):
    kept = known(OPPRESSION_CATEGORIES, keys)
    assert kept == sorted(set(kept))
    assert set(kept) == {key for key in keys if key in OPPRESSION_CATEGORIES}
