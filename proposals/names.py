"""How rounds and phases are named to people (translated where shown); each voting method
names itself (proposals.methods)."""

from __future__ import annotations

from chorus.i18n import N_
from chorus.roles import ROLE_NAMES, Role
from proposals.models import Phase, Purpose, Voters

PURPOSE_NAMES = {
    Purpose.PRIORITY: N_("Choose priorities"),
    Purpose.ELECTION: N_("Elect people"),
}

PHASE_NAMES = {
    Phase.PETITION: N_("Petition"),
    Phase.PROPOSING: N_("Proposing"),
    Phase.COSIGNING: N_("Co-signing"),
    Phase.VOTING: N_("Voting"),
    Phase.COUNTING: N_("Waiting for the tellers to count"),
    Phase.CLOSED: N_("Closed"),
}

VOTERS_NAMES = {
    Voters.MEMBERS: N_("Members only"),
    Voters.ADVISORY_ALLIES: N_("Members, and allies as advice counted apart"),
}

# Roles an election can fill, named as everywhere else.
ELECTABLE = {role: ROLE_NAMES[role] for role in (Role.LEAD, Role.COMMITTEE)}
