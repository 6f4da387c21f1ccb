"""Keep the translation catalogs in step with the code: `make messages`.

Extracts every marked string into locales/messages.pot, merges it into each
language's catalog, and fills the English catalog from the source text (English
is the language the strings are written in). Translators then fill the others;
the test suite fails while any string lacks a translation.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from chorus.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
POT = LOCALES / "messages.pot"


def run(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", *args],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )


def extract(output: Path) -> None:
    """Every marked string of the code as it is now, into a template at `output`."""
    keywords = ["-k", "_", "-k", "N_"]
    options = ["--no-location", "--omit-header", "--sort-output"]
    run("extract", "-F", "babel.cfg", *keywords, "-o", str(output), *options, ".")


def main() -> None:
    extract(POT)
    for code in Settings().languages:
        po = LOCALES / code / "LC_MESSAGES" / "messages.po"
        if po.exists():
            run(
                "update",
                "-i",
                str(POT),
                "-o",
                str(po),
                "-l",
                code,
                "--no-fuzzy-matching",
                "--ignore-obsolete",
            )
        else:
            run("init", "-i", str(POT), "-o", str(po), "-l", code)
    english = LOCALES / "en" / "LC_MESSAGES" / "messages.po"
    with english.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    for message in catalog:
        if message.id:
            message.string = message.id
            message.flags.discard("fuzzy")
    catalog.fuzzy = False
    with english.open("wb") as handle:
        write_po(handle, catalog, sort_output=True, no_location=True)


if __name__ == "__main__":
    main()
