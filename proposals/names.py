"""How rounds, phases, methods and grades are named to people (translated where shown)."""

from __future__ import annotations

from chorus.i18n import N_
from chorus.roles import ROLE_NAMES, Role
from proposals.models import Method, Phase, Purpose, Voters

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

METHOD_NAMES = {
    Method.APPROVAL: N_("Approval: choose every option you support"),
    Method.SCHULZE: N_("Ranking, counted by pairs (Schulze)"),
    Method.INSTANT_RUNOFF: N_("Ranking, counted in rounds (instant-runoff)"),
    Method.MAJORITY_JUDGMENT: N_("Grades: give each option a grade (majority judgment)"),
    Method.DOTS: N_("Dots: share a number of dots between options"),
}

VOTERS_NAMES = {
    Voters.MEMBERS: N_("Members only"),
    Voters.ADVISORY_ALLIES: N_("Members, and allies as advice counted apart"),
}

# Majority judgment grades, lowest (0) first.
GRADE_NAMES = (
    N_("Reject"),
    N_("Poor"),
    N_("Fair"),
    N_("Good"),
    N_("Very good"),
    N_("Excellent"),
)
GRADE_COUNT = len(GRADE_NAMES)

# Roles an election can fill, named as everywhere else.
ELECTABLE = {role: ROLE_NAMES[role] for role in (Role.LEAD, Role.COMMITTEE)}
