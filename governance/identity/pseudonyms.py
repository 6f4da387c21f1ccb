"""What makes a new name acceptable, and when two names look too much alike.

A name is shown in the people list and among candidates, so nobody may pass as someone
else with it. A new name is normalised (NFKC, one space between words), then refused when
it holds a character that shows nothing or changes how the text around it is shown
(controls, format and bidi controls, default-ignorable characters such as U+3164 HANGUL
FILLER, any space but U+0020), a symbol (U+2800 BRAILLE PATTERN BLANK, emoji), marks that
belong to no letter or pile up on one, letters of scripts that the "moderately
restrictive" level of UTS #39 does not allow together (Latin with Cyrillic, say: a name in
one script, Latin or not, is welcome, and so is Latin with one other script but Cyrillic
or Greek), or digits of another script beside Latin letters (checked with ICU's spoof
checker).

Two names look alike when their likeness is the same: the UTS #39 skeleton (which maps
each character to the one it can be taken for: Cyrillic "а" to Latin "a", "m" to "rn",
"١" to "l") of the name without the accents of Latin, Greek, Cyrillic, Arabic and Hebrew
letters (so "José" looks like "Jose", and a vowel mark does not make a new Arabic name),
taken again once lower-cased (so "Вао" looks like "Bao"), without its spaces and
punctuation. That is stricter than the skeleton alone, on purpose: in a list of names on a
phone, "Amina." and "Amina" are one person. Names that differ only by case are one name
already (governance.identity.service.accounts.clean_pseudonym).
"""

from __future__ import annotations

import functools
import unicodedata

import icu

MINIMUM = 2
MAXIMUM = 40
MOST_MARKS = 3  # on one letter: enough for any script's vowel and tone marks
# Characters that show nothing, or change how the text around them is shown.
_UNSEEN = icu.UnicodeSet(
    r"[[:Default_Ignorable_Code_Point:][:White_Space:][:Bidi_Control:][:C:][:Z:]-[\u0020]]"
)
# Scripts whose marks are accents a name is still read without.
_ACCENTED = icu.UnicodeSet("[[:Latin:][:Greek:][:Cyrillic:][:Arabic:][:Hebrew:]]")
_LATIN = icu.UnicodeSet("[:Latin:]")
_ALLOWED_CATEGORIES = ("L", "M", "N", "P", "Z")


class NameRefused(ValueError):
    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        # "empty", "short", "long", "characters", "letters", "marks", "scripts", "digits"
        self.problem = problem


@functools.cache
def _checker() -> icu.SpoofChecker:
    checker = icu.SpoofChecker()
    checker.setRestrictionLevel(icu.URestrictionLevel.MODERATELY_RESTRICTIVE)
    checks = icu.USpoofChecks
    checker.setChecks(checks.RESTRICTION_LEVEL | checks.INVISIBLE | checks.MIXED_NUMBERS)
    return checker


def new_name(text: str) -> str:
    """The name as it will be shown; NameRefused when it could hide or pass as another."""
    # NFKC, then one space between words and none at either end.
    name = " ".join(part for part in unicodedata.normalize("NFKC", text).split(" ") if part)
    if not name:
        raise NameRefused("empty")
    if len(name) < MINIMUM:
        raise NameRefused("short")
    if len(name) > MAXIMUM:
        raise NameRefused("long")
    if any(char in _UNSEEN for char in name) or any(
        unicodedata.category(char)[0] not in _ALLOWED_CATEGORIES for char in name
    ):
        raise NameRefused("characters")
    if not any(unicodedata.category(char).startswith("L") for char in name):
        raise NameRefused("letters")
    _check_marks(name)
    checks = icu.USpoofChecks
    found = _checker().check(name)
    if found & checks.RESTRICTION_LEVEL:
        raise NameRefused("scripts")
    if found & checks.MIXED_NUMBERS or _other_digits_beside_latin(name):
        raise NameRefused("digits")
    if found & checks.INVISIBLE:
        raise NameRefused("marks")
    return name


def _check_marks(name: str) -> None:
    """Every mark sits on a letter, at most MOST_MARKS on one (a pile of marks covers the
    letters around it); Enclosing marks (a circle around a letter) are refused."""
    on_letter = False
    marks = 0
    for char in name:
        category = unicodedata.category(char)
        if category == "Me":
            raise NameRefused("marks")
        if category in ("Mn", "Mc"):
            marks += 1
            if not on_letter or marks > MOST_MARKS:
                raise NameRefused("marks")
        else:
            on_letter, marks = category.startswith("L"), 0


def _other_digits_beside_latin(name: str) -> bool:
    digits = [char for char in name if unicodedata.category(char) == "Nd"]
    return any(not "0" <= char <= "9" for char in digits) and any(char in _LATIN for char in name)


def likeness(name: str) -> str:
    """What `name` looks like (see the module's docstring): equal for names that one could
    take for each other."""
    kept: list[str] = []
    base = ""
    for char in unicodedata.normalize("NFD", name):
        category = unicodedata.category(char)
        if category == "Mn" and base in _ACCENTED:
            continue
        if category[0] != "M":
            base = char
        kept.append(char)
    checker = _checker()
    # The skeleton first, so that a capital of another script (Cyrillic "В") becomes the
    # letter it looks like ("B") before case goes; then again, for the lower case.
    skeleton = str(checker.getSkeleton(0, "".join(kept)))
    skeleton = str(checker.getSkeleton(0, unicodedata.normalize("NFKC", skeleton.casefold())))
    return "".join(char for char in skeleton if unicodedata.category(char)[0] not in "PZ")
