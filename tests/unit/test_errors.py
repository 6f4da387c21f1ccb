"""Each domain has one base error, and every error of it names a message people can read,
translated into every language Chorus ships."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import governance
import proposals
from governance.errors import GovernanceError
from proposals.errors import ProposalsError

ROOT = Path(__file__).resolve().parents[2]
BASES = [(governance, GovernanceError), (proposals, ProposalsError)]


def every_subclass(base: type[Exception]) -> set[type[Exception]]:
    found: set[type[Exception]] = set(base.__subclasses__())
    for child in list(found):
        found |= every_subclass(child)
    return found


def french() -> dict[str, str]:
    with (ROOT / "locales/fr/LC_MESSAGES/messages.po").open("rb") as file:
        catalog = read_po(file)
    return {str(message.id): str(message.string) for message in catalog if message.id}


@pytest.mark.parametrize(("package", "base"), BASES, ids=lambda v: getattr(v, "__name__", ""))
def test_every_error_has_a_message_of_its_own_in_every_language(package, base):
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(module.name)  # so that every error is defined
    errors = every_subclass(base)
    assert len(errors) >= 5
    translated = french()
    for error in errors:
        message = getattr(error, "message", "")
        assert message != base.message, f"{error.__name__} says nothing of its own"
        assert translated.get(message), f"{error.__name__}: no French for its message"
    assert translated.get(base.message)


def test_messages_take_their_values():
    from chorus.i18n import Catalogs, use_language
    from governance.identity.errors import AccountSuspended, PassphraseTooShort

    use_language(Catalogs(["en", "fr"], "en"), "fr")
    assert "12" in PassphraseTooShort(12).translated()
    assert "Pour ma sécurité" in AccountSuspended("Pour ma sécurité").translated()
