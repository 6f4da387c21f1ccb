"""Where templates, static files and catalogs are: the source tree first, else the wheel."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_SOURCE_ROOT = Path(__file__).resolve().parent.parent
_PACKAGE_DATA = Path(str(resources.files("chorus"))) / "_data"


def _find(name: str) -> Path:
    # A checkout (or editable install) has them beside the packages; a wheel inside chorus/_data.
    source = _SOURCE_ROOT / name
    if source.is_dir() and (_SOURCE_ROOT / "pyproject.toml").is_file():
        return source
    return _PACKAGE_DATA / name


def templates_directory() -> Path:
    return _find("templates")


def locales_directory() -> Path:
    return _find("locales")


def static_directory() -> Path:
    return Path(__file__).resolve().parent / "static"
