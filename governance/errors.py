"""The governance domain's errors: one base class, and each error names its message.

`message` is the msgid of what the person reads (translated where shown with
`error.translated()`); a page may say more where it knows more (which field, say).
"""

from __future__ import annotations

from typing import ClassVar

from chorus.i18n import N_, _


class GovernanceError(Exception):
    """Something the person can fix or needs to know; nothing was changed."""

    message: ClassVar[str] = N_("That did not work. Nothing was changed.")

    def translated(self) -> str:
        return _(self.message)


class ReasonInvalid(GovernanceError):
    message = N_("Write why you are suspending this account.")

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem  # "empty" or "long"


class NotOnYourself(GovernanceError):
    """A lead cannot suspend their own account."""

    message = N_("You cannot suspend your own account.")


class AlreadySuspended(GovernanceError):
    message = N_("This account is already suspended.")


class NotForLeads(GovernanceError):
    """A lead suspends members, allies and providers only; the rest waits for the committee's
    queue, and meanwhile for the command line."""

    message = N_(
        "Leads cannot suspend a lead, a committee member or a steward. Until the complaints "
        "committee can do it in Chorus, a steward does it on the server with the command "
        "chorus suspend."
    )


class RoleMissing(GovernanceError):
    message = N_("Choose the role the new person will have.")


class CommitteeTooSmall(GovernanceError):
    """An interim committee is seated with at least COMMITTEE_MIN different members."""

    message = N_("An interim committee needs at least 3 different members.")


class CommitteeSitting(GovernanceError):
    """Once a committee sits, members elect it: the command line seats only the first."""

    message = N_("A complaints committee already sits. From now on, members elect it in a vote.")


class NotAMember(GovernanceError):
    """Only members sit on the complaints committee, and none who is suspended."""

    message = N_("Only members who are not suspended can sit on the complaints committee.")
