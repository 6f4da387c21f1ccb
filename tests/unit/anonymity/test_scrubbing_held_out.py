"""Scrubbing measured on lists it was not made from (their sources head each file in
scrubbing_lists/): 200 given names from many origins, none in the scrubber's own
lists, each in English and French sentences; and 200 sentences that name nobody."""

import unicodedata
from importlib import resources
from pathlib import Path

import pytest

from anonymity.scrubbing import find_identifying

LISTS = Path(__file__).parent / "scrubbing_lists"
DATA = resources.files("anonymity").joinpath("scrubbing_data")

# Where a name stands varies: first in a sentence, in the middle, after a comma, after
# a relation ("my friend"), after a sentence that ends.
FRAMES = {
    "en": [
        "{} helped me find a lawyer.",
        "I stayed with {} for two weeks.",
        "Yesterday {} came to the shelter with the children.",
        "Please ask {} about the next meeting.",
        "The volunteer, {}, was very kind to us.",
        "We waited for hours. {} said the office was closed.",
        "My friend {} needs help with the papers.",
        "Thank you to {} and the other volunteers.",
    ],
    "fr": [
        "{} m'a aidée à trouver un avocat.",
        "J'ai logé chez {} pendant deux semaines.",
        "Hier, {} est venu au foyer avec les enfants.",
        "Demandez à {} la date de la prochaine réunion.",
        "La bénévole, {}, a été très gentille avec nous.",
        "Nous avons attendu des heures. {} a dit que le bureau était fermé.",
        "Mon amie {} a besoin d'aide pour ses papiers.",
        "Merci à {} et aux autres bénévoles.",
    ],
}


def lines(path: Path) -> list[str]:
    return [
        line.strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


def held_out_names() -> list[str]:
    return [line.split("\t")[0] for line in lines(LISTS / "held_out_given_names.txt")]


def scrubber_names() -> set[str]:
    """Every word of the scrubber's name lists, also without its accents."""
    words: set[str] = set()
    for name in ("given_names.txt", "surnames.txt", "ambiguous_names.txt"):
        words |= {w.lower() for w in lines(Path(str(DATA.joinpath(name))))}
    return words


def plain(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def test_the_held_out_names_are_200_and_none_is_in_the_scrubbers_own_lists():
    names = held_out_names()
    assert len(names) == 200
    assert len({plain(name) for name in names}) == 200
    own = scrubber_names() | {plain(word) for word in scrubber_names()}
    assert [name for name in names if name.lower() in own or plain(name) in own] == []


def name_is_found(frame: str, name: str, language: str) -> bool:
    text = frame.format(name)
    start = frame.index("{}")
    end = start + len(name)
    return any(
        f.kind == "name" and f.start <= start and end <= f.end
        for f in find_identifying(text, language)
    )


@pytest.mark.parametrize("language", ["en", "fr"])
def test_at_least_95_percent_of_held_out_names_are_found(language):
    names = held_out_names()
    missed = [
        (name, frame)
        for name in names
        for frame in FRAMES[language]
        if not name_is_found(frame, name, language)
    ]
    total = len(names) * len(FRAMES[language])
    rate = 1 - len(missed) / total
    print(f"{language}: {total - len(missed)} of {total} found ({rate:.1%})")
    print("missed:", sorted({name for name, _ in missed}))
    assert rate >= 0.95, missed


def test_the_names_the_first_outside_use_saw_missed_are_found():
    for name in ("Maria", "Ana", "Li", "Rosa", "Jasmine"):
        for language, frames in FRAMES.items():
            for frame in frames:
                assert name_is_found(frame, name, language), (name, frame)
    assert [f.text for f in find_identifying("Maria Lopez called me.", "en")] == ["Maria Lopez"]
    assert [f.text for f in find_identifying("J'ai vu Maria Lopez hier.", "fr")] == ["Maria Lopez"]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_at_most_5_percent_of_sentences_without_a_name_are_flagged(language):
    sentences = lines(LISTS / f"no_names_{language}.txt")
    assert len(sentences) == 100
    flagged = [s for s in sentences if find_identifying(s, language)]
    print(f"{language}: {len(flagged)} of {len(sentences)} flagged: {flagged}")
    assert len(flagged) <= 5
