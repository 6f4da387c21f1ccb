"""The charter's settings: the values other parts of Chorus read, in one place.

Each setting has a default here; a value members voted to change is stored in
`CharterValue` and wins. How members amend them comes with the accountability
work; until then only the defaults (and values set by a steward) apply.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from typing import Any

from tortoise.transactions import in_transaction

from chorus import memo
from chorus.i18n import N_
from governance.models import CharterValue


@dataclass(frozen=True)
class Charter:
    # Who may create invites besides leads: "leads" or "members".
    who_may_invite: str = "leads"
    # How many invites one member may create in each invite period, where members may invite.
    invites_per_member: int = 5
    # Days in an invite period: members' invites count from zero again in each one.
    invite_period_days: int = 30
    # Days an invite stays valid.
    invite_valid_days: int = 14
    # Co-signatures a petition needs to open a round.
    petition_cosignatures: int = 10
    # Ballots a round needs before counts are shown (fewer: the order alone).
    results_threshold: int = 10
    # Responses a service needs before its feedback is shown, and the step between releases.
    feedback_threshold: int = 5
    # Days within which a complaint must be answered.
    complaint_answer_days: int = 14
    # Days within which the committee must review a suspension.
    suspension_review_days: int = 7


# What each setting means, in words a member reads on the public charter page.
DESCRIPTIONS = {
    "who_may_invite": N_("Who may invite new people"),
    "invites_per_member": N_("How many invites each member may create in each invite period"),
    "invite_period_days": N_("Days in an invite period"),
    "invite_valid_days": N_("Days an invite stays valid"),
    "petition_cosignatures": N_("Co-signatures a petition needs to open a vote"),
    "results_threshold": N_("Votes needed before totals are shown"),
    "feedback_threshold": N_("Answers a service needs before feedback is shown"),
    "complaint_answer_days": N_("Days to answer a complaint"),
    "suspension_review_days": N_("Days for the committee to review a suspension"),
}

VALUE_WORDS = {"leads": N_("Leads only"), "members": N_("Members and leads")}


async def current_charter() -> Charter:
    """The charter in force: defaults, overridden by stored values."""
    names = {field.name for field in fields(Charter)}
    stored: dict[str, Any] = {
        row.name: row.value for row in await CharterValue.filter(name__in=names)
    }
    return Charter(**stored)


async def set_charter_value(name: str, value: object) -> None:
    if name not in {field.name for field in fields(Charter)}:
        raise KeyError(name)
    # Written as JSON text: Tortoise's JSONField takes a str for JSON already encoded (so
    # "members" alone would be refused), and decodes one given to the constructor.
    encoded = json.dumps(value)
    async with in_transaction():
        if not await CharterValue.filter(name=name).update(value=encoded):
            row = CharterValue(name=name)
            row.value = encoded
            await row.save()
    memo.changed(memo.CHARTER)


@dataclass(frozen=True)
class Setting:
    """One charter setting as the public page shows it (texts untranslated until shown)."""

    name: str
    description: str
    value: object
    # The words for a word value ("leads" -> "Leads only"); None for numbers.
    words: str | None


def settings_of(charter: Charter) -> list[Setting]:
    """Every setting of the charter, in the order the charter lists them."""
    shown = []
    for field in fields(Charter):
        value = getattr(charter, field.name)
        words = VALUE_WORDS.get(value) if isinstance(value, str) else None
        shown.append(Setting(field.name, DESCRIPTIONS[field.name], value, words))
    return shown
