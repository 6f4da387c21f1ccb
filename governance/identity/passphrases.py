"""What a new passphrase must be, and a passphrase to suggest instead of a weak one.

The rules hold where a passphrase is set (joining, a new passphrase, recovery), never where
one is checked: a passphrase set before them still signs in. Guessability is estimated by
zxcvbn (Dropbox's estimator, kept up in its Python port): a score below 2 of 4 means
"guessable within about a million tries", too few against someone who has a copy of the
database. zxcvbn reads at most its first 72 characters: past that its matching grows too
slow (1,024 repeated characters take minutes), and 72 characters that are easy to guess
are not saved by what follows them.

The suggestion is four words drawn with `secrets` from a list in the person's language
(`words/en.txt`, `words/fr.txt`: 249 and 250 everyday words, plain letters a to z so that
any keyboard types them, chosen by hand for Chorus), about 32 bits.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Sequence
from pathlib import Path

from zxcvbn import zxcvbn

MAXIMUM = 1024  # characters; a longer one is refused, never cut
READ = MAXIMUM + 1  # characters read from a form: enough to tell that one is too long
LEGACY_CUT = 1000  # passphrases set before these rules were cut to this many characters
SCORED = 72  # zxcvbn's own limit
LOWEST_SCORE = 2  # of zxcvbn's 0 to 4
SUGGESTED_WORDS = 4
_WORDS = Path(__file__).with_name("words")


def problem(passphrase: str, minimum: int, related: Sequence[str] = ()) -> str | None:
    """What is wrong with a new passphrase: "blank", "short", "long" or "weak"; or None.

    `related`: words the person's own details give away (their name), which count as
    easy to guess. Runs zxcvbn: up to a tenth of a second, so call it off the event loop."""
    if not passphrase.strip():
        return "blank"
    if len(passphrase) < minimum:
        return "short"
    if len(passphrase) > MAXIMUM:
        return "long"
    inputs = [word for word in related if word]
    if zxcvbn(passphrase[:SCORED], user_inputs=inputs)["score"] < LOWEST_SCORE:
        return "weak"
    return None


@functools.cache
def words(language: str) -> tuple[str, ...]:
    path = _WORDS / f"{language}.txt"
    if not path.exists():
        path = _WORDS / "en.txt"
    return tuple(line.strip() for line in path.read_text().splitlines() if line.strip())


def suggestion(language: str) -> str:
    """Four words drawn at random from the language's list, never the same one twice."""
    listed = list(words(language))
    chosen = []
    for _ in range(SUGGESTED_WORDS):
        chosen.append(listed.pop(secrets.randbelow(len(listed))))
    return " ".join(chosen)
