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
    """A lead cannot suspend or close their own account here."""

    message = N_("You cannot suspend your own account.")


class AlreadySuspended(GovernanceError):
    message = N_("This account is already suspended.")


class RequestNotConfirmed(GovernanceError):
    """Closing needs the lead to confirm that the person asked for it."""

    message = N_("Tick the box to confirm that the person asked for this.")


class RoleMissing(GovernanceError):
    message = N_("Choose the role the new person will have.")
