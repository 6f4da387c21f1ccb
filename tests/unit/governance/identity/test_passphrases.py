"""The rules for a new passphrase, and the suggestions made when one is weak."""

import pytest

from governance.identity import passphrases


@pytest.mark.parametrize(
    ("passphrase", "found"),
    [
        ("", "blank"),
        (" " * 12, "blank"),
        ("\u3000" * 12, "blank"),
        ("short", "short"),
        ("aaaaaaaaaaaa", "weak"),
        ("1" * 40, "weak"),
        ("a" * 1025, "long"),
        ("violet harbour lantern", None),
        ("lune carotte velo orage", None),
    ],
)
def test_what_is_wrong_with_a_new_passphrase(passphrase, found):
    assert passphrases.problem(passphrase, 12) == found


def test_scoring_stays_quick_however_long_the_passphrase():
    # zxcvbn alone takes minutes on 1,024 repeated characters; only 72 are scored.
    import time

    start = time.perf_counter()
    assert passphrases.problem("1" * 1024, 12) == "weak"
    assert time.perf_counter() - start < 2


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_suggestion_is_four_listed_words_that_would_be_accepted(language):
    listed = set(passphrases.words(language))
    assert len(listed) >= 240
    seen = set()
    for _ in range(200):
        suggested = passphrases.suggestion(language)
        words = suggested.split()
        assert len(words) == 4 and len(set(words)) == 4 and set(words) <= listed
        assert passphrases.problem(suggested, 12) is None, suggested
        seen.add(suggested)
    assert len(seen) == 200


def test_a_language_without_a_list_gets_english_words():
    assert passphrases.words("xx") == passphrases.words("en")
