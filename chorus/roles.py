"""The roles people hold in the network, named once for every package.

A leaf module: it imports nothing of Chorus but the translation marker, so the
shell and every domain can name roles without knowing who grants them.
"""

from __future__ import annotations

from enum import StrEnum

from chorus.i18n import N_


class Role(StrEnum):
    MEMBER = "member"
    ALLY = "ally"
    LEAD = "lead"
    PROVIDER = "provider"
    STEWARD = "steward"
    COMMITTEE = "committee"


# How each role is named to people (translated where shown).
ROLE_NAMES = {
    Role.MEMBER: N_("Member"),
    Role.ALLY: N_("Ally"),
    Role.LEAD: N_("Lead"),
    Role.PROVIDER: N_("Service provider"),
    Role.STEWARD: N_("Steward"),
    Role.COMMITTEE: N_("Complaints committee"),
}
