"""Scrubbing: find what in free text could identify the writer or someone else.

Before a text is stored, `find_identifying` lists the phone numbers, email
addresses, street addresses and personal names it seems to contain; the person
sees each finding and chooses to remove or keep it, and `redact` replaces the
ones to remove with a neutral marker in the person's language. Nothing is
removed behind the person's back: a finding is a suggestion, so the rules lean
towards flagging (a missed name is worse than a false alarm), without flagging
every capitalised word.

Everything here is pure: regular expressions, plus word lists shipped in
`scrubbing_data/` (given names, family names, names that are also ordinary words,
words that are never names, and the commonest ordinary words of each language, so
that a capitalised word that is none of these reads as a name) and Babel's CLDR
names of places, languages, days and months. No network, no model, no gettext: the
caller passes the translated marker words.

Languages: English and French (`LANGUAGES_COVERED`). The language chooses the
name cues ("my name is", "je m'appelle", "my friend", "ma sœur"...) and which
street-address forms may be written in lower case; phone numbers, email
addresses, the given-name list and capitalised addresses of both languages are
looked for whatever the language, because they follow where people live, not
the language they write in. An unknown language gets the rules of every
covered language.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Literal, NamedTuple

from babel import Locale

__all__ = [
    "ENGLISH_MARKERS",
    "KINDS",
    "LANGUAGES_COVERED",
    "Finding",
    "Kind",
    "find_identifying",
    "redact",
]

Kind = Literal["phone", "email", "address", "name"]
KINDS: tuple[Kind, ...] = ("phone", "email", "address", "name")
LANGUAGES_COVERED: tuple[str, ...] = ("en", "fr")

# For tests and tools; the web passes the same words translated.
ENGLISH_MARKERS: Mapping[Kind, str] = MappingProxyType(
    {
        "phone": "[phone number removed]",
        "email": "[email address removed]",
        "address": "[address removed]",
        "name": "[name removed]",
    }
)


@dataclass(frozen=True)
class Finding:
    """One stretch of the text that may identify someone: text == source[start:end]."""

    kind: Kind
    start: int
    end: int
    text: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind of finding: {self.kind!r}")
        if not 0 <= self.start < self.end or self.end - self.start != len(self.text):
            raise ValueError("a finding spans its own text, and is not empty")


def find_identifying(text: str, language: str) -> list[Finding]:
    """What in `text` may identify someone, sorted by position, never overlapping.

    Where two candidates overlap, the longer one wins ("Mme Fatou Diallo" over
    "Fatou Diallo"; an email address over the name inside it).
    """
    languages = _languages(language)
    candidates: list[tuple[Kind, int, int]] = []
    candidates.extend(("email", start, end) for start, end in _emails(text))
    candidates.extend(("phone", start, end) for start, end in _phones(text))
    candidates.extend(("address", start, end) for start, end in _addresses(text, languages))
    candidates.extend(("name", start, end) for start, end in _names(text, languages))
    return [Finding(kind, start, end, text[start:end]) for kind, start, end in _resolve(candidates)]


def redact(
    text: str, findings: Sequence[Finding], markers: Mapping[Kind, str] | Mapping[str, str]
) -> str:
    """`text` with each of `findings` replaced by `markers[finding.kind]`.

    Everything outside the findings is kept byte for byte. The findings must come
    from this very text (a finding whose text no longer matches, for instance
    because the text was edited since, is refused) and must not overlap.
    """
    chosen = sorted(set(findings), key=lambda f: (f.start, f.end))
    pieces: list[str] = []
    position = 0
    for finding in chosen:
        if finding.end > len(text) or text[finding.start : finding.end] != finding.text:
            raise ValueError("a finding does not match the text (was it edited since?)")
        if finding.start < position:
            raise ValueError("findings overlap")
        if finding.kind not in markers:
            raise ValueError(f"no marker for {finding.kind!r}")
        pieces.append(text[position : finding.start])
        pieces.append(markers[finding.kind])
        position = finding.end
    pieces.append(text[position:])
    return "".join(pieces)


def _languages(language: str) -> tuple[str, ...]:
    primary = language.strip().lower().replace("_", "-").split("-")[0]
    return (primary,) if primary in LANGUAGES_COVERED else LANGUAGES_COVERED


# When two candidates of the same length overlap: the more specific kind wins.
_PRIORITY: dict[str, int] = {"email": 0, "phone": 1, "address": 2, "name": 3}


def _resolve(candidates: Iterable[tuple[Kind, int, int]]) -> list[tuple[Kind, int, int]]:
    """Longest first, then keep what does not overlap what is kept; by position."""
    ordered = sorted(set(candidates), key=lambda c: (-(c[2] - c[1]), _PRIORITY[c[0]], c[1], c[2]))
    kept: list[tuple[Kind, int, int]] = []
    taken = bytearray()  # one flag per character; texts are short
    for kind, start, end in ordered:
        if start >= end:
            continue
        if len(taken) < end:
            taken.extend(bytes(end - len(taken)))
        if any(taken[start:end]):
            continue
        taken[start:end] = b"\x01" * (end - start)
        kept.append((kind, start, end))
    kept.sort(key=lambda c: c[1])
    return kept


# --- Shared pieces -------------------------------------------------------------

_H = r"[ \t\u00a0\u202f]"  # horizontal space, including the no-break spaces of French
_UPPER = r"A-ZÀ-ÖØ-ÞŒ"
_CAP = rf"[{_UPPER}][\w'’\-]*"  # a capitalised word
_LOWER_WORD = r"[a-zà-öø-ÿœ][\w'’\-]*"


def _strip_accents(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


def _key(word: str) -> str:
    return unicodedata.normalize("NFC", word).lower().replace("’", "'")


@cache
def _word_list(name: str) -> tuple[frozenset[str], frozenset[str]]:
    """A shipped list, one word a line, # for comments: the words, and them without accents."""
    raw = (
        resources.files("anonymity")
        .joinpath("scrubbing_data")
        .joinpath(name)
        .read_text(encoding="utf-8")
    )
    words = {_key(line.split("#", 1)[0].strip()) for line in raw.splitlines()} - {""}
    return frozenset(words), frozenset(_strip_accents(word) for word in words)


@cache
def _given_names() -> frozenset[str]:
    written, unaccented = _word_list("given_names.txt")
    return written | unaccented


@cache
def _all_names() -> frozenset[str]:
    written, unaccented = _word_list("surnames.txt")
    return _given_names() | written | unaccented


@cache
def _ambiguous() -> frozenset[str]:
    written, unaccented = _word_list("ambiguous_names.txt")
    return written | unaccented


@cache
def _common_words(language: str) -> frozenset[str]:
    written, unaccented = _word_list(f"common_words_{language}.txt")
    return written | unaccented


@cache
def _places_and_calendar() -> frozenset[str]:
    """Countries, languages, days, months and big cities, in English and French.

    From Babel's copy of CLDR: one-word names only, since a word of a longer name is
    often a given name too ("Saint Lucia", "Saint Vincent").
    """
    names: list[str] = []
    for code in LANGUAGES_COVERED:
        locale = Locale.parse(code)
        names.extend(locale.territories.values())
        names.extend(locale.languages.values())
        names.extend(locale.days["format"]["wide"].values())
        names.extend(locale.months["format"]["wide"].values())
        names.extend(str(zone.get("city", "")) for zone in locale.time_zones.values())
    words = {_key(name) for name in names if _WORD.fullmatch(name)}
    words |= {word + "s" for word in words}  # "on Sundays", "les Tigrinyas"
    return frozenset(words | {_strip_accents(word) for word in words})


@cache
def _not_names() -> frozenset[str]:
    # Without its accents a word may become a name ("marié", "marie"): the name wins.
    written, unaccented = _word_list("not_names.txt")
    return written | (unaccented - _all_names())


# --- Phone numbers -------------------------------------------------------------

_SEP = r"[ \u00a0\u202f.\-]"
# A phone number never starts right after a digit, a "+", or a digit and a
# separator (which would make it the tail of a longer number, a date or a price).
_PHONE_START = r"(?<![\d+])(?<!\d[./:\-])"

_PHONE_PATTERNS: tuple[tuple[re.Pattern[str], int, int], ...] = tuple(
    (re.compile(pattern), low, high)
    for pattern, low, high in (
        # International: +33 6 12 34 56 78, +44 (0)20 7946 0958, 0044 20 7946 0958.
        (
            rf"{_PHONE_START}(?:\+|(?<!\w)00){_H}?[1-9]\d{{0,2}}(?:{_SEP}?\(0\))?"
            rf"(?:{_SEP}{{0,2}}\(?\d{{1,4}}\)?){{2,7}}",
            9,
            15,
        ),
        # French national: 06 12 34 56 78, 06.12.34.56.78, 06-12-34-56-78, 0612345678.
        (rf"{_PHONE_START}0[1-9](?P<s>{_SEP}?)\d\d(?:(?P=s)\d\d){{3}}", 10, 10),
        # UK national: 020 7946 0958, 0161 496 0000, 07700 900123, 07700 900 123.
        (
            rf"{_PHONE_START}(?:\(0\d{{2}}\)|0\d{{2}}){_H}?\d{{4}}[ \-]?\d{{4}}"
            rf"|{_PHONE_START}(?:\(0\d{{3}}\)|0\d{{3}}){_H}?\d{{3}}[ \-]?\d{{4}}"
            rf"|{_PHONE_START}(?:\(0\d{{4}}\)|0\d{{4}}){_H}?\d{{3}}[ \-]?\d{{3}}"
            rf"|{_PHONE_START}(?:\(0\d{{4}}\)|0\d{{4}}){_H}?\d{{6}}",
            11,
            11,
        ),
        # North American: (555) 123-4567, 555-123-4567, 555.123.4567, 1-555-123-4567.
        (
            rf"{_PHONE_START}(?:1[ .\-]?)?(?:\(\d{{3}}\){_H}?|\d{{3}}[ .\-])\d{{3}}[ .\-]\d{{4}}",
            10,
            11,
        ),
        # Other national numbers written with a leading 0 in groups: 0803 123 4567.
        (rf"{_PHONE_START}0\d{{1,4}}(?P<s>{_SEP})\d{{2,4}}(?:(?P=s)\d{{2,4}}){{1,3}}", 9, 12),
        # A bare run of digits as long as a phone number: 5551234567.
        (rf"{_PHONE_START}\d{{10,15}}", 10, 15),
    )
)

_PHONE_BAD_END = re.compile(r"[\w]|[./:\-]\d")
_CURRENCY_BEFORE = re.compile(r"(?:[€$£¥₦]|\b(?i:eur|usd|gbp|cfa|fcfa|ngn))[ \u00a0\u202f]?$")
_UNIT_AFTER = re.compile(
    r"[ \u00a0\u202f]?(?:[%‰€$£¥₦]|(?i:eur|euros?|usd|gbp|dollars?|livres?|pounds?|francs?"
    r"|cfa|fcfa|naira|km|kg|m²|m2)\b)"
)
_DATE_INSIDE = re.compile(
    r"\b(?:0?[1-9]|[12]\d|3[01])[ ./\-](?:0?[1-9]|1[0-2])[ ./\-](?:19|20)\d\d\b"
    r"|\b(?:19|20)\d\d[ ./\-](?:0?[1-9]|1[0-2])[ ./\-](?:0?[1-9]|[12]\d|3[01])\b"
)


# A stretch of digits and the characters phone numbers are written with; only a
# stretch with enough digits is looked at closely (this keeps the scan fast).
_NUMBER_RUN = re.compile(r"[+(]*\d[\d \u00a0\u202f.\-()]*")


def _phones(text: str) -> Iterator[tuple[int, int]]:
    for run in _NUMBER_RUN.finditer(text):
        run_start, run_end = run.span()
        if sum(c.isdigit() for c in run.group()) < 9:
            continue
        for pattern, low, high in _PHONE_PATTERNS:
            for match in pattern.finditer(text, run_start, run_end):
                if _is_phone(text, match, low, high):
                    yield match.span()


def _is_phone(text: str, match: re.Match[str], low: int, high: int) -> bool:
    start, end = match.span()
    found = match.group()
    digits = sum(c.isdigit() for c in found) - (1 if "(0)" in found else 0)
    if found.startswith("00"):
        digits -= 2
    return (
        low <= digits <= high
        and not _PHONE_BAD_END.match(text, end)
        and not _CURRENCY_BEFORE.search(text, max(0, start - 5), start)
        and not _UNIT_AFTER.match(text, end)
        and not _DATE_INSIDE.search(found)
    )


# --- Email addresses ------------------------------------------------------------

_WEBMAIL = (
    r"gmail|googlemail|hotmail|yahoo|outlook|live|icloud|protonmail|proton|gmx|yandex"
    r"|laposte|orange|free|sfr|wanadoo|aol|msn"
)
# Webmail names that are not ordinary words: "amina at gmail" with no ".com".
_WEBMAIL_SPELLED = r"gmail|googlemail|hotmail|yahoo|outlook|icloud|protonmail|gmx|yandex"
# Top-level domains accepted after a spelled-out "dot": none of them an English or
# French word ("at home point to..." must not become an address).
_SPELLED_TLDS = (
    r"com|org|net|edu|gov|info|biz|io|co|fr|uk|ch|ca|nl|pt|pl|ro|bg|ua|ru|eu|dz|tn|sn"
    r"|ci|ml|gn|cm|cd|cg|ng|gh|ke|er|pk|bd|vn|cn|ph|br|mx|ie|lu|se|dk|fi|gr|tr|rs|md"
)

_EMAIL_START = r"(?<![\w.%+\-])"
_EMAIL = re.compile(
    rf"{_EMAIL_START}[\w.%+\-]*\w{_H}?@{_H}?"
    rf"(?:[\w\-]+(?:\.[\w\-]+)*\.[^\W\d_]{{2,}}|(?i:{_WEBMAIL})(?![\w.]))(?!\w)"
)
_AT = (
    rf"(?:{_H}*[\[(<{{]{_H}*(?i:at|arobase|arobas|@){_H}*[\])>}}]{_H}*"
    rf"|{_H}+(?i:at|arobase|arobas){_H}+)"
)
_DOT = (
    rf"(?:{_H}*[\[(<{{]{_H}*(?i:dot|point|\.){_H}*[\])>}}]{_H}*"
    rf"|{_H}+(?i:dot|point){_H}+|\.)"
)
_NOT_A_LOCAL_PART = re.compile(
    r"me|is|us|him|her|them|you|it|was|are|am|be|moi|est|suis", re.IGNORECASE
)
_SPELLED_AT = re.compile(_AT)
# The local part, read back from the "at" within a short window.
_LOCAL_PART = re.compile(rf"{_EMAIL_START}[\w%+\-]+(?:{_DOT}[\w%+\-]+)*$")
_SPELLED_DOMAIN = re.compile(
    rf"(?:[\w\-]+(?:{_DOT}[\w\-]+)*?{_DOT}(?i:{_SPELLED_TLDS})"
    rf"|(?i:{_WEBMAIL_SPELLED})(?!{_DOT}\w))(?!\w)"
)
_LOCAL_PART_WINDOW = 80


def _emails(text: str) -> Iterator[tuple[int, int]]:
    for match in _EMAIL.finditer(text):
        yield match.span()
    # Spelled out: "amina at gmail dot com", "nom arobase domaine point fr".
    for at in _SPELLED_AT.finditer(text):
        domain = _SPELLED_DOMAIN.match(text, at.end())
        if domain is None:
            continue
        window = max(0, at.start() - _LOCAL_PART_WINDOW)
        local = _LOCAL_PART.search(text, window, at.start())
        if local is None or _NOT_A_LOCAL_PART.fullmatch(local.group()):
            continue
        yield local.start(), domain.end()


# --- Street addresses -------------------------------------------------------------

# Words that never belong to a street name: "I waited 3 hours on the road" is no address.
_ADDRESS_STOP = (
    r"(?i:the|a|an|and|or|of|to|in|on|at|by|for|from|with|into|down|up|near|my|his|her"
    r"|our|their|your|this|that|every|each|one|two|three|four|five|more|than|is|was|were"
    r"|are|had|has|have|been|way|hours?|days?|weeks?|months?|years?|minutes?|times?|nights?"
    r"|people|persons?|kids|children|euros?|pounds?|dollars?|miles?|km|kilometres?"
    r"|kilometers?|metres?|meters?|floors?|rooms?|et|ou|de|du|des|le|la|les|un|une|dans"
    r"|sur|avec|pour|par|jours?|mois|ans|heures?|semaines?|fois|personnes?|enfants?)"
)
# A house number; the look-behind sits after the first digit so that the scan
# can jump from digit to digit.
_NUMBER_START = r"\d(?<![\w/.\-]\d)"
_EN_NUMBER = rf"{_NUMBER_START}\d{{0,4}}[A-Za-z]?(?:-\d{{1,5}}[A-Za-z]?)?"
_EN_UNIT_BEFORE = re.compile(
    rf"(?<!\w)(?i:flat|apartment|apt|unit|suite|room)\.?{_H}*(?:\d{{1,4}}[A-Za-z]?|[A-Z]\d{{0,3}}),?{_H}+$"
)
# "In 2020 Supreme Court ruled": a year, not a house number.
_YEAR = re.compile(r"(?:19|20)\d\d\b")
_YEAR_BEFORE = re.compile(
    r"(?<!\w)(?i:in|since|by|until|till|from|of|before|after|en|depuis|avant|après|dès)"
    r"[ \t\u00a0]+$"
)
_EN_TYPES_ANY_CASE = (
    "street",
    "road",
    "avenue",
    "lane",
    "drive",
    "boulevard",
    "terrace",
    "crescent",
    "highway",
    "parkway",
)
_EN_TYPES_CAPITALISED = (
    "Way",
    "Place",
    "Close",
    "Court",
    "Park",
    "Hill",
    "Row",
    "Walk",
    "Square",
    "Grove",
    "Mews",
    "Gardens",
    "Circle",
    "Trail",
    "Alley",
    "Parade",
)
_EN_ABBREVIATIONS = ("St", "Rd", "Ave", "Av", "Ln", "Dr", "Blvd", "Ct", "Pl", "Sq", "Cres")


def _capitalised_forms(words: Iterable[str]) -> str:
    return "|".join(form for w in words for form in (w.capitalize(), w.upper()))


_EN_TYPE_LENIENT = (
    rf"(?:(?i:{'|'.join(_EN_TYPES_ANY_CASE)})\b"
    rf"|(?:{_capitalised_forms(_EN_TYPES_CAPITALISED)})\b"
    rf"|(?:{_capitalised_forms(_EN_ABBREVIATIONS)})\b\.?)"
)
_EN_TYPE_STRICT = (
    rf"(?:(?:{_capitalised_forms(_EN_TYPES_ANY_CASE + _EN_TYPES_CAPITALISED)})\b"
    rf"|(?:{_capitalised_forms(_EN_ABBREVIATIONS)})\b\.?)"
)
_UK_POSTCODE = r"(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)[ \u00a0]?\d[A-Z]{2}"
_EN_TAIL = (
    rf"(?:,?\s+(?:[{_UPPER}][\w'’\-]*,?{_H}+){{0,3}}"
    rf"(?:{_UK_POSTCODE}|[A-Z]{{2}}{_H}+\d{{5}}(?:-\d{{4}})?)(?!\w))?"
)


def _en_address(word: str, street_type: str) -> re.Pattern[str]:
    return re.compile(
        rf"{_EN_NUMBER},?{_H}+"
        rf"(?:(?!{_ADDRESS_STOP}\b){word}{_H}+){{1,4}}{street_type}{_EN_TAIL}"
    )


_EN_ADDRESS_LENIENT = _en_address(r"[^\W\d_][\w'’\-]*", _EN_TYPE_LENIENT)
_EN_ADDRESS_STRICT = _en_address(_CAP, _EN_TYPE_STRICT)

_FR_NUMBER = (
    rf"{_NUMBER_START}\d{{0,3}}(?:{_H}?(?i:bis|ter|quater)\b|[A-Da-d]\b)?(?:{_H}?-{_H}?\d{{1,4}})?"
)
# Street types that are nothing else: the street's name may be typed in lower case
# ("12 rue de la paix").
_FR_TYPES_CLEAR = (
    r"(?i:rue|avenue|av|ave|boulevard|bd|bld|blvd|chemin|allée|allee|impasse|imp|quai"
    r"|esplanade|résidence|residence|faubourg|fbg|sentier|rond-point|hameau|lieu-dit"
    r"|chaussée|chaussee|montée|montee|parvis|ruelle)\b\.?"
)
# Also ordinary words ("2 cours de français", "1 place de parking"): only with a
# capitalised name ("5 place Bellecour", "12 cours Julien").
_FR_TYPES_WORDS = (
    r"(?i:place|pl|route|rte|cours|passage|square|cité|cite|villa|voie|promenade"
    r"|traverse)\b\.?"
)
_FR_PARTICLES = (
    rf"(?:(?:(?i:de{_H}+la|du|des|de|la|le|les|aux|au|et|sur|à{_H}+la)){_H}+"
    rf"|(?i:de{_H}+l|d|l)['’]{_H}*)"
)
_FR_DATE_IN_NAME = rf"(?:\d{{1,2}}(?:er)?{_H}+)?"
_FR_NAME_STRICT = (
    rf"{_FR_PARTICLES}*{_FR_DATE_IN_NAME}{_CAP}"
    rf"(?:(?:{_H}+|{_H}*-{_H}*){_FR_PARTICLES}*{_CAP}){{0,5}}"
)
_FR_LOWER_STOP = (
    r"(?i:to|the|a|an|and|or|of|for|in|on|at|is|was|with|from|by|et|ou|à|en|est|pour"
    r"|dans|avec|qui|que|depuis|pendant|chez|mais|donc|il|elle|je|on|nous|vous|ils)"
)
_FR_NAME_LENIENT = rf"(?:{_FR_NAME_STRICT}|{_FR_PARTICLES}*(?!{_FR_LOWER_STOP}\b){_LOWER_WORD})"
_FR_CITY = rf"{_CAP}(?:(?:{_H}+|-){_FR_PARTICLES}*{_CAP}){{0,3}}"
_FR_POSTCODE = rf"(?:\d{{5}}|\d{{2}}{_H}\d{{3}})"
_FR_TAIL = rf"(?:{_H}*,?\s*{_FR_POSTCODE}{_H}+{_FR_CITY})?"


_FR_START = rf"{_FR_NUMBER}{_H}*,?{_H}*"
_FR_ADDRESS_STRICT = re.compile(
    rf"{_FR_START}(?:{_FR_TYPES_CLEAR}|{_FR_TYPES_WORDS}){_H}+{_FR_NAME_STRICT}{_FR_TAIL}"
)
_FR_ADDRESS_LENIENT = re.compile(
    rf"{_FR_START}(?:{_FR_TYPES_CLEAR}{_H}+{_FR_NAME_LENIENT}"
    rf"|{_FR_TYPES_WORDS}{_H}+{_FR_NAME_STRICT}){_FR_TAIL}"
)

# A postcode on its own says where someone lives, too.
_UK_POSTCODE_ALONE = re.compile(
    r"[A-Z](?<!\w[A-Z])(?:[A-Z]?\d[A-Z\d]?|IR)[ \u00a0]?\d[A-Z]{2}(?!\w)"
)
# "75005 Paris"; French postcodes run from 01000 to 98999.
_FR_POSTCODE_CITY = re.compile(
    rf"\d(?<![\w/.,\-]\d)\d(?<!00)(?<!99)\d{{3}}{_H}+(?!(?i:euros?|eur|dollars?|livres?"
    rf"|pounds?|francs?|personnes?|people|habitants?|km|kg)\b){_FR_CITY}"
)


def _addresses(text: str, languages: tuple[str, ...]) -> Iterator[tuple[int, int]]:
    english = _EN_ADDRESS_LENIENT if "en" in languages else _EN_ADDRESS_STRICT
    for match in english.finditer(text):
        start, end = match.span()
        window = max(0, start - 40)
        if _YEAR.match(text, start) and _YEAR_BEFORE.search(text, window, start):
            continue
        unit = _EN_UNIT_BEFORE.search(text, window, start)
        yield (unit.start() if unit else start), end
    french = _FR_ADDRESS_LENIENT if "fr" in languages else _FR_ADDRESS_STRICT
    for pattern in (french, _UK_POSTCODE_ALONE, _FR_POSTCODE_CITY):
        for match in pattern.finditer(text):
            yield match.span()


# --- Personal names ------------------------------------------------------------------


class _Token(NamedTuple):
    start: int
    end: int  # the end of the word as written
    text: str
    key: str  # lower case, apostrophes straightened
    name_end: int  # without a possessive "'s"
    name_key: str


_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*(?:-[^\W\d_]+(?:['’][^\W\d_]+)*)*")
# Text typed with combining accents (e + U+0301) keeps its accents inside words.
_COMBINING = re.compile(r"[\u0300-\u036f]")
_LETTER = r"(?:[^\W\d_]|[\u0300-\u036f])"
_WORD_DECOMPOSED = re.compile(rf"{_LETTER}+(?:['’]{_LETTER}+)*(?:-{_LETTER}+(?:['’]{_LETTER}+)*)*")
_ELISION = re.compile(r"(?:jusqu|lorsqu|puisqu|qu|[ldjmtsnc])['’]", re.IGNORECASE)
_APOSTROPHES = ("'", "’")


def _tokens(text: str) -> list[_Token]:
    decomposed = _COMBINING.search(text) is not None
    words = _WORD_DECOMPOSED if decomposed else _WORD
    tokens: list[_Token] = []
    for match in words.finditer(text):
        start, end = match.span()
        word = match.group()
        if "'" in word or "’" in word:
            elision = _ELISION.match(word)
            # "d'Amina", "l'avenue", "m'appelle" are two words; "D'Souza", "O'Brien" one.
            if elision and (word[0].islower() or word[elision.end()].islower()):
                split = start + elision.end()
                tokens.append(_token(text[start:split], start, split, decomposed))
                start = split
                word = text[start:end]
        tokens.append(_token(word, start, end, decomposed))
    return tokens


def _token(word: str, start: int, end: int, decomposed: bool) -> _Token:
    key = (unicodedata.normalize("NFC", word) if decomposed else word).lower()
    if "’" in key:
        key = key.replace("’", "'")
    if len(key) > 3 and key.endswith("'s"):  # "Amina's": the name is "Amina"
        return _Token(start, end, word, key, end - 2, key[:-2])
    return _Token(start, end, word, key, end, key)


# Titles before a name. "M." and "MM." need their dot; "Me" (maître) and "Pr" are
# French only, since "Me" is an English word.
_HONORIFICS = frozenset(
    {
        "Mr",
        "Mrs",
        "Ms",
        "Mx",
        "Miss",
        "Dr",
        "Prof",
        "Sir",
        "Dame",
        "Lady",
        "Lord",
        "Mister",
        "Doctor",
        "Professor",
        "Madam",
        "Mme",
        "Mmes",
        "Mlle",
        "Mlles",
        "Madame",
        "Monsieur",
        "Mademoiselle",
        "Docteur",
        "Professeur",
        "Maître",
    }
)
_HONORIFICS_ANY_CASE = frozenset(
    {"mister", "doctor", "madam", "madame", "monsieur", "mademoiselle", "docteur", "maître"}
)
_HONORIFICS_FR_ONLY = frozenset({"Me", "Pr"})
_HONORIFICS_WITH_DOT = frozenset({"M", "MM"})  # French only
_HONORIFICS_ALL = _HONORIFICS | _HONORIFICS_FR_ONLY | _HONORIFICS_WITH_DOT

_PARTICLES = frozenset(
    {
        "de",
        "du",
        "des",
        "del",
        "della",
        "di",
        "da",
        "das",
        "dos",
        "do",
        "van",
        "von",
        "der",
        "den",
        "ter",
        "ten",
        "le",
        "la",
        "al",
        "el",
        "bin",
        "ben",
        "ibn",
        "bint",
        "abu",
        "ould",
        "d'",
        "l'",
    }
)

# Cue words: a name follows. A strong cue accepts a name written in lower case
# ("my name is amina"); a weak one only a capitalised word that is not a common
# word ("I am Oksana", not "I am French").
_STRONG_CUES: dict[str, frozenset[tuple[str, ...]]] = {
    "en": frozenset(
        {
            ("name", "is"),
            ("name's",),
            ("name", "was"),
            ("names", "is"),
            ("nickname", "is"),
        }
    ),
    "fr": frozenset(
        {
            ("m'", "appelle"),
            ("t'", "appelles"),
            ("s'", "appelle"),
            ("s'", "appelait"),
            ("m'", "appelais"),
            ("m'", "appelait"),
            ("nom", "est"),
            ("prénom", "est"),
            ("nom", "était"),
            ("prénom", "était"),
            ("nom", "c'", "est"),
            ("prénom", "c'", "est"),
            ("prénommé",),
            ("prénommée",),
        }
    ),
}
_WEAK_CUES: dict[str, frozenset[tuple[str, ...]]] = {
    "en": frozenset(
        {
            ("i", "am"),
            ("i'm",),
            ("im",),
            ("called",),
            ("named",),
            ("nicknamed",),
            ("call", "me"),
            ("calls", "me"),
            ("known", "as"),
        }
    ),
    "fr": frozenset(
        {
            ("je", "suis"),
            ("nommé",),
            ("nommée",),
            ("appelé",),
            ("appelée",),
            ("surnommé",),
            ("surnommée",),
            ("dénommé",),
            ("dénommée",),
            ("l'", "appelle"),
            ("l'", "appelait"),
            ("l'", "appelaient"),
        }
    ),
}
# People named by their relation to the writer: "my friend Oksana", "ma sœur Fatou".
_RELATIONS: dict[str, frozenset[str]] = {
    "en": frozenset(
        """friend boyfriend girlfriend husband wife partner fiance fiancé fiancée brother
        sister mother mum mom mummy mommy father dad daddy son daughter cousin uncle aunt
        auntie aunty niece nephew grandmother grandfather grandma grandpa granny neighbour
        neighbor colleague boss employer manager supervisor landlord landlady lawyer
        solicitor caseworker interpreter trafficker pimp madam mama oga agent recruiter
        driver guard owner client teacher pastor priest imam nurse roommate flatmate
        housemate sponsor ex""".split()
    ),
    "fr": frozenset(
        """ami amie copain copine mari femme époux épouse compagnon compagne fiancé fiancée
        frère sœur soeur mère maman père papa fils fille cousin cousine oncle tante tata
        tonton tantie neveu nièce grand-mère grand-père mamie papi voisin voisine collègue
        patron patronne chef employeur employeuse propriétaire avocat avocate assistante
        assistant éducateur éducatrice interprète passeur passeuse proxénète mama madame
        bailleur logeur logeuse gérant gérante client cliente pasteur prêtre imam
        infirmière infirmier médecin parrain marraine ex""".split()
    ),
}
# Names that are also words often opening a sentence ("Will you...", "Hope you...",
# "Ravi de..."): at the start of a sentence they count only with a family name.
# Kept short on purpose: "Blessing told me" must be found.
_OFTEN_START_SENTENCES = frozenset("""will hope mark peace petit ravi""".split())

_NAME_GAP = re.compile(r"[ \t\u00a0\u202f]*")
_HONORIFIC_GAP = re.compile(r"\.?[ \t\u00a0\u202f]+")
_CUE_WORDS_GAP = re.compile(r"[ \t\u00a0\u202f]*")
_CUE_GAP = re.compile(r"[\s:,\"«»“”'‘’—–\-]*")
_RELATION_GAP = re.compile(r"[ \t\u00a0\u202f]*,?[ \t\u00a0\u202f]*")
_HANDLE = re.compile(r"(?<![\w@.%+\-])@(?=[\w.]*[^\W\d_])\w[\w.]*\w")
_SENTENCE_END = frozenset(".!?…\n\r")
_OPENERS = frozenset(" \t\u00a0\u202f\"'«“‘([{*•–—-¿¡")


def _names(text: str, languages: tuple[str, ...]) -> Iterator[tuple[int, int]]:
    tokens = _tokens(text)
    strong = _cues(_STRONG_CUES, languages)
    weak = _cues(_WEAK_CUES, languages)
    cue_ends = frozenset(cue[-1] for cue in strong | weak)
    relations = frozenset().union(*(_RELATIONS[lang] for lang in languages))
    french = "fr" in languages
    names = _all_names()
    previous_key = ""
    for i, token in enumerate(tokens):
        # Most words are none of these: a few set look-ups each.
        if token.text in _HONORIFICS_ALL or token.key in _HONORIFICS_ANY_CASE:
            first = _after_honorific(text, tokens, i, french)
            if first is not None:
                yield token.start, tokens[_extend_right(text, tokens, first)].name_end
        if (previous_key in cue_ends and _after_cue(text, tokens, i, strong, weak)) or (
            previous_key in relations and _after_relation(text, tokens, i)
        ):
            yield token.start, tokens[_extend_right(text, tokens, i)].name_end
        if (token.name_key in names or "-" in token.name_key) and _listed_name(text, tokens, i):
            start = tokens[_extend_left(text, tokens, i)].start
            yield start, tokens[_extend_right(text, tokens, i)].name_end
        elif _unknown_capitalised(token, languages):
            yield token.start, tokens[_extend_right(text, tokens, i)].name_end
        previous_key = token.key
    for match in _HANDLE.finditer(text):
        yield match.span()


def _cues(
    table: Mapping[str, frozenset[tuple[str, ...]]], languages: tuple[str, ...]
) -> frozenset[tuple[str, ...]]:
    return frozenset().union(*(table[lang] for lang in languages))


def _is_capitalised(token: _Token) -> bool:
    return token.text[0].isupper() and len(token.name_key) > 1


def _is_all_caps(token: _Token) -> bool:
    return len(token.text) > 1 and token.text.isupper()


def _could_be_name(token: _Token) -> bool:
    key = token.name_key
    return (
        len(key) > 1
        and not key.endswith("'")
        and key not in _not_names()
        and token.text not in _HONORIFICS
    )


def _sentence_initial(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in _OPENERS:
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END


def _gap(text: str, tokens: list[_Token], i: int) -> str:
    """The characters between token i and token i + 1."""
    return text[tokens[i].end : tokens[i + 1].start]


def _after_honorific(text: str, tokens: list[_Token], i: int, french: bool) -> int | None:
    """If token i is a title followed by a name, the index of the name's first word."""
    token = tokens[i]
    word = token.text
    if word in _HONORIFICS_WITH_DOT:
        if not french or not text.startswith(".", token.end):
            return None
    elif not (
        word in _HONORIFICS
        or (french and word in _HONORIFICS_FR_ONLY)
        or token.key in _HONORIFICS_ANY_CASE
    ):
        return None
    j = i + 1
    if j >= len(tokens) or not _HONORIFIC_GAP.fullmatch(_gap(text, tokens, i)):
        return None
    if tokens[j].key in _PARTICLES and j + 1 < len(tokens):
        if _NAME_GAP.fullmatch(_gap(text, tokens, j)) and _is_capitalised(tokens[j + 1]):
            return j + 1
    nxt = tokens[j]
    if _is_capitalised(nxt) and _could_be_name(nxt):
        return j
    return None


def _after_cue(
    text: str,
    tokens: list[_Token],
    i: int,
    strong: frozenset[tuple[str, ...]],
    weak: frozenset[tuple[str, ...]],
) -> bool:
    token = tokens[i]
    if i == 0 or not _could_be_name(token):
        return False
    if not _CUE_GAP.fullmatch(_gap(text, tokens, i - 1)):
        return False
    for length in (1, 2, 3):
        if i - length < 0:
            break
        if length > 1 and not _CUE_WORDS_GAP.fullmatch(_gap(text, tokens, i - length)):
            break
        words = tuple(t.key for t in tokens[i - length : i])
        if words in strong:
            return True
        if words in weak and _is_capitalised(token):
            return True
    return False


def _after_relation(text: str, tokens: list[_Token], i: int) -> bool:
    token = tokens[i]
    return (
        i > 0
        and _is_capitalised(token)
        and _could_be_name(token)
        and _RELATION_GAP.fullmatch(_gap(text, tokens, i - 1)) is not None
    )


def _listed_name(text: str, tokens: list[_Token], i: int) -> bool:
    token = tokens[i]
    key = token.name_key
    names = _all_names()
    if key not in names:
        # "Marie-Thérèse", "Jean-Something": a listed given name and more.
        head = key.split("-")[0]
        if not (
            head != key
            and head in _given_names()
            and head not in _ambiguous()
            and _is_capitalised(token)
        ):
            return False
    if not _could_be_name(token):
        return False
    if not token.text[0].isupper():
        return key not in _ambiguous() and len(key) > 2
    if key not in _ambiguous():
        return True
    # A name that is also a word: only where it reads as a name.
    if _is_all_caps(token) or (
        key in _OFTEN_START_SENTENCES and _sentence_initial(text, token.start)
    ):
        return _extend_right(text, tokens, i) > i
    return True


def _unknown_capitalised(token: _Token, languages: tuple[str, ...]) -> bool:
    """A capitalised word that is no ordinary word, place, language, day or month.

    This finds the names no list holds ("Maria", "Ngozi", "Thi"), wherever they
    stand: the lists of ordinary words are long enough that what starts a sentence
    is in them. Words in capitals (acronyms) and words with an apostrophe ("Don't",
    "O'Brien") are left to the other rules.
    """
    if not _is_capitalised(token) or _is_all_caps(token) or "'" in token.name_key:
        return False
    head = token.name_key.split("-")[0]
    return (
        len(head) > 1
        and _could_be_name(token)
        and head not in _not_names()
        and head not in _places_and_calendar()
        and not any(head in _common_words(language) for language in languages)
    )


def _surname_like(previous: _Token, token: _Token) -> bool:
    if token.text[0].isupper():
        if not (_is_capitalised(token) and _could_be_name(token)):
            return False
        if _is_all_caps(token) and _is_all_caps(previous):
            return token.name_key in _all_names()
        return True
    key = token.name_key
    return (
        not previous.text[0].isupper()
        and key in _all_names()
        and key not in _ambiguous()
        and _could_be_name(token)
    )


def _extend_right(text: str, tokens: list[_Token], i: int, limit: int = 3) -> int:
    """The index of the last word of the name whose word i is part of."""
    added = 0
    while added < limit and i + 1 < len(tokens):
        current = tokens[i]
        if current.name_end != current.end:  # "Amina's": the name ends here
            break
        if not _NAME_GAP.fullmatch(_gap(text, tokens, i)):
            break
        nxt = tokens[i + 1]
        if (
            nxt.key in _PARTICLES
            and i + 2 < len(tokens)
            and _NAME_GAP.fullmatch(_gap(text, tokens, i + 1))
            and tokens[i + 2].text[0].isupper()
            and _surname_like(current, tokens[i + 2])
        ):
            i += 2
        elif _surname_like(current, nxt):
            i += 1
        elif len(nxt.text) == 1 and nxt.text.isupper() and text.startswith(".", nxt.end):
            return i + 1  # an initial: "Amina B."
        else:
            break
        added += 1
    return i


def _extend_left(text: str, tokens: list[_Token], i: int) -> int:
    """Include a family name written first in capitals: "DIALLO Aminata"."""
    token = tokens[i]
    if i == 0 or _is_all_caps(token) or not token.text[0].isupper():
        return i
    previous = tokens[i - 1]
    if (
        _is_all_caps(previous)
        and _could_be_name(previous)
        and _NAME_GAP.fullmatch(_gap(text, tokens, i - 1))
    ):
        return i - 1
    return i
