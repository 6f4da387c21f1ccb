"""Reading grade of English text: the Flesch-Kincaid formula, syllables from Pyphen.

Pyphen ships its hyphenation dictionaries, so nothing is fetched; a word's
syllables are its hyphenation points plus one (it splits after one letter too).
"""

from __future__ import annotations

import re

import pyphen

_DICTIONARY = pyphen.Pyphen(lang="en_US", left=1, right=1)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def syllables(word: str) -> int:
    return max(1, len(_DICTIONARY.positions(word.lower())) + 1)


def flesch_kincaid_grade(text: str) -> float:
    sentences = [s for s in re.split(r"[.!?:;\n]+", text) if _WORD.search(s)]
    words = _WORD.findall(text)
    if not words or not sentences:
        return 0.0
    per_sentence = len(words) / len(sentences)
    per_word = sum(syllables(word) for word in words) / len(words)
    return 0.39 * per_sentence + 11.8 * per_word - 15.59
