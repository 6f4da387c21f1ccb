"""Every string a person reads has a real translation in every shipped catalog."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from chorus.settings import Settings
from scripts.catalogs import extract

ROOT = Path(__file__).resolve().parents[3]


def read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def extract_now(tmp_path: Path) -> Catalog:
    """The strings in the code as it is now, not as the committed template remembers."""
    pot = tmp_path / "now.pot"
    extract(pot)
    return read(pot)


def test_every_string_is_translated_in_every_language(tmp_path: Path):
    source = extract_now(tmp_path)
    ids = {message.id for message in source if message.id}
    assert len(ids) > 50
    problems = []
    for code in Settings().languages:
        catalog = read(ROOT / "locales" / code / "LC_MESSAGES" / "messages.po", code)
        for message_id in sorted(ids, key=str):
            message = catalog.get(message_id)
            if message is None:
                problems.append(f"{code}: missing {message_id!r}")
            elif message.fuzzy:
                problems.append(f"{code}: fuzzy {message_id!r}")
            elif not all(message.string if isinstance(message.string, tuple) else [message.string]):
                problems.append(f"{code}: empty {message_id!r}")
    assert problems == [], "run `make messages`, translate, and commit:\n" + "\n".join(problems)


def test_the_committed_template_is_current(tmp_path: Path):
    now = {message.id for message in extract_now(tmp_path) if message.id}
    committed = {m.id for m in read(ROOT / "locales" / "messages.pot") if m.id}
    assert now == committed, "run `make messages` and commit locales/"
