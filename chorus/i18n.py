"""Languages: catalogs, the person's choice, and gettext for templates and Python.

The language of a request is chosen once by the middleware (the language
cookie, then Accept-Language, then the default) and kept in a context
variable, so `gettext` works the same in templates, routes and services.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.support import NullTranslations, Translations

from chorus.resources import locales_directory

LANGUAGE_COOKIE = "__Host-lang"
DOMAIN = "messages"

# The language of the request being handled, and its catalog; English outside requests.
_current: contextvars.ContextVar[tuple[str, NullTranslations]] = contextvars.ContextVar(
    "chorus_language", default=("en", NullTranslations())
)


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in the language itself: "Français", never a flag
    direction: str  # "ltr" or "rtl"


class Catalogs:
    """The compiled catalogs of every shipped language, loaded once."""

    def __init__(self, codes: Iterable[str], default: str, directory: Path | None = None) -> None:
        directory = directory or locales_directory()
        self.default = default
        self.languages: dict[str, Language] = {}
        self._translations: dict[str, NullTranslations] = {}
        for code in codes:
            locale = Locale.parse(code)
            name = locale.get_display_name(code) or code
            direction = "rtl" if locale.character_order == "right-to-left" else "ltr"
            self.languages[code] = Language(code, name[:1].upper() + name[1:], direction)
            mo = directory / code / "LC_MESSAGES" / f"{DOMAIN}.mo"
            if not mo.is_file():
                raise FileNotFoundError(
                    f"No compiled catalog for {code!r} at {mo}: run `make setup` "
                    "(it runs `pybabel compile -d locales`)."
                )
            self._translations[code] = Translations.load(str(directory), [code], DOMAIN)

    def negotiate(self, cookie: str | None, accept_language: str | None) -> str:
        if cookie in self.languages:
            return cookie
        for tag in preferred_languages(accept_language or ""):
            primary = tag.split("-")[0]
            for candidate in (tag, primary):
                if candidate in self.languages:
                    return candidate
        return self.default

    def translations(self, code: str) -> NullTranslations:
        return self._translations[code]


def preferred_languages(header: str) -> list[str]:
    """Accept-Language tags, most wanted first (q=0 means "not this one")."""
    weighted = []
    for position, part in enumerate(header.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower()
        if not tag or tag == "*":
            continue
        quality = 1.0
        for param in pieces[1:]:
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            weighted.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


def use_language(catalogs: Catalogs, code: str) -> None:
    """Make `code` the language of the current request (or task)."""
    _current.set((code, catalogs.translations(code)))


def current_language() -> str:
    return _current.get()[0]


def gettext(message: str) -> str:
    return _current.get()[1].gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current.get()[1].ngettext(singular, plural, n)


def _(message: str, **values: object) -> str:
    """Translate and fill in named values, as templates do.

    _("Wait %(minutes)s minutes", minutes=5)
    """
    text = gettext(message)
    return text % values if values else text


def N_(message: str) -> str:  # noqa: N802 (the name gettext tools look for)
    """Mark a string for translation where it is defined; translate it where it is shown."""
    return message


def long_date(day: date) -> str:
    """A day as the reader's language writes it in full (7 December 2026)."""
    return _long_date(day, current_language())


@functools.lru_cache(maxsize=1024)
def _long_date(day: date, language: str) -> str:
    """Babel takes a while to write a date: each day is written once per language."""
    return format_date(day, format="long", locale=language)
