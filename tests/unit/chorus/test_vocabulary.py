"""Forms of trafficking and oppression categories: all listed, alphabetical, none first."""

from __future__ import annotations

import contextvars
import importlib
import re
from html.parser import HTMLParser
from typing import Any

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from chorus import i18n, vocabulary
from chorus.i18n import Catalogs, use_language
from chorus.resources import templates_directory
from chorus.settings import Settings
from chorus.vocabulary import (
    FORMS_OF_TRAFFICKING,
    OPPRESSION_CATEGORIES,
    choices,
    known,
    labels,
    sort_key,
)

# DESIGN.md, "The rules the seeds give us", in its order.
DESIGN_FORMS = [
    "debt bondage",
    "domestic servitude",
    "forced criminality",
    "forced marriage",
    "forced surrogacy",
    "indentured work",
    "organ removal",
    "peonage",
    "sexual exploitation",
    "child soldiering",
    "labour exploitation",
    "other",
]

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

LANGUAGES = Settings().languages
CATALOGS = Catalogs(LANGUAGES, "en")
BOTH = [FORMS_OF_TRAFFICKING, OPPRESSION_CATEGORIES]


def in_language(code: str, function: Any, *args: Any) -> Any:
    """`function(*args)` read in `code`, without changing the language of other tests."""

    def run() -> Any:
        use_language(CATALOGS, code)
        return function(*args)

    return contextvars.copy_context().run(run)


def test_the_forms_are_exactly_those_of_design_md():
    labels = [label.casefold() for label in FORMS_OF_TRAFFICKING.values()]
    assert len(labels) == len(DESIGN_FORMS)
    assert sorted(labels) == sorted(DESIGN_FORMS)
    assert "forced_labour" not in FORMS_OF_TRAFFICKING
    assert FORMS_OF_TRAFFICKING["labour_exploitation"] == "Labour exploitation"
    assert FORMS_OF_TRAFFICKING["other"] == "Other"


def test_every_category_of_the_framework_is_listed():
    assert list(OPPRESSION_CATEGORIES.values()) == FRAMEWORK_CATEGORIES


@pytest.mark.parametrize("mapping", BOTH)
def test_keys_are_stable_ascii_ids_and_labels_are_distinct(mapping):
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", key) for key in mapping)
    assert len(set(mapping.values())) == len(mapping)


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize("mapping", BOTH)
def test_choices_are_every_entry_in_alphabetical_order_of_each_language(mapping, code):
    listed = in_language(code, choices, mapping)
    assert sorted(key for key, _ in listed) == sorted(mapping)
    shown = [label for _, label in listed]
    assert shown == sorted(shown, key=sort_key)
    assert len(set(shown)) == len(shown)  # each translated apart from the others


def test_french_reads_its_own_alphabet_and_other_is_a_word_like_any():
    shown = [label for _, label in in_language("fr", choices, FORMS_OF_TRAFFICKING)]
    assert "Exploitation par le travail" in shown
    assert shown[0] == "Autre"  # where "Autre" falls in French, not last
    english = [label for _, label in in_language("en", choices, FORMS_OF_TRAFFICKING)]
    assert english.index("Other") == english.index("Organ removal") + 1


def test_choices_follow_the_alphabet_of_the_language_read(monkeypatch):
    translated = {
        "Ableism": "Zèbre",
        "Ageism": "éducation",
        "Audism": "Ecole",
        "Culture": "abeille",
    }
    monkeypatch.setattr(vocabulary, "gettext", lambda message: translated.get(message, message))
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
    assert known(FORMS_OF_TRAFFICKING, ["forced_labour"]) == []  # the old key is gone


@given(st.lists(st.one_of(st.sampled_from(sorted(OPPRESSION_CATEGORIES)), st.text())))
def test_known_is_sorted_distinct_and_only_known(keys):
    kept = known(OPPRESSION_CATEGORIES, keys)
    assert kept == sorted(set(kept))
    assert set(kept) == {key for key in keys if key in OPPRESSION_CATEGORIES}


def test_a_proposal_s_tags_are_shown_in_the_alphabet_of_the_language_read():
    stored = ["sexual_exploitation", "other", "labour_exploitation"]
    assert in_language("en", labels, FORMS_OF_TRAFFICKING, stored) == [
        "Labour exploitation",
        "Other",
        "Sexual exploitation",
    ]
    assert in_language("fr", labels, FORMS_OF_TRAFFICKING, [*stored, "nope"]) == [
        "Autre",
        "Exploitation par le travail",
        "Exploitation sexuelle",
    ]


# The proposal form as rendered ----------------------------------------------------------


class Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "input":
            self.inputs.append(dict(attrs))


def proposal_fields() -> str:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_directory()),
        extensions=["jinja2.ext.i18n"],
        autoescape=True,
    )
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    return env.get_template("proposals/_proposal_fields.html").render(
        candidate=False,
        values={},
        errors={},
        forms_choices=choices(FORMS_OF_TRAFFICKING),
        category_choices=choices(OPPRESSION_CATEGORIES),
        scrub=None,
        scrub_kind_names={},
    )


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_proposal_form_lists_every_tag_alphabetically_with_none_chosen(code):
    parser = Inputs()
    parser.feed(in_language(code, proposal_fields))
    for name, mapping in [
        ("forms_of_trafficking", FORMS_OF_TRAFFICKING),
        ("oppression_categories", OPPRESSION_CATEGORIES),
    ]:
        boxes = [box for box in parser.inputs if box.get("name") == name]
        assert [box["value"] for box in boxes] == [
            key for key, _ in in_language(code, choices, mapping)
        ]
        assert all(box["type"] == "checkbox" for box in boxes)
        assert not any("checked" in box for box in boxes)


# Proposals stored before "forced labour" became "labour exploitation" -------------------

migration = importlib.import_module("proposals.migrations.0006_labour_exploitation")


def test_the_migration_renames_forced_labour_and_keeps_the_rest():
    assert migration.renamed(["debt_bondage", "forced_labour", "peonage"]) == [
        "debt_bondage",
        "labour_exploitation",
        "peonage",
    ]
    assert migration.renamed(["forced_labour"]) == ["labour_exploitation"]
    # Both at once (not possible through the form, but not lost twice either).
    assert migration.renamed(["labour_exploitation", "forced_labour"]) == ["labour_exploitation"]


@pytest.mark.parametrize("stored", [[], ["peonage", "debt_bondage"], None, {"a": 1}, "x"])
def test_the_migration_leaves_other_values_as_they_were(stored):
    assert migration.renamed(stored) is stored


def test_the_migration_s_keys_are_those_of_the_vocabulary():
    new = set(migration.RENAMED.values())
    assert new <= set(FORMS_OF_TRAFFICKING)
    assert not set(migration.RENAMED) & set(FORMS_OF_TRAFFICKING)


@given(st.lists(st.sampled_from([*FORMS_OF_TRAFFICKING, "forced_labour"])))
def test_renaming_then_going_back_loses_no_form(forms):
    renamed = migration.renamed(forms)
    assert "forced_labour" not in renamed
    assert set(known(FORMS_OF_TRAFFICKING, renamed)) == {
        migration.RENAMED.get(key, key) for key in forms
    }
    back = migration.renamed(renamed, migration.RESTORED)
    assert "labour_exploitation" not in back
