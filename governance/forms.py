"""Reading the governance forms (a lead's invite, a suspension's reason), and what their
errors say."""

from __future__ import annotations

from chorus.i18n import _
from chorus.roles import Role
from governance.errors import ReasonInvalid, RoleMissing
from governance.identity.errors import InviteNotAllowed
from governance.service.suspensions import REASON_MAX

# A reason longer than the limit is kept (up to this) so the person can shorten it.
REASON_KEPT = 5 * REASON_MAX


def chosen_role(value: str) -> Role:
    if not value:
        raise RoleMissing
    try:
        return Role(value)
    except ValueError as error:
        raise InviteNotAllowed from error


def reason_message(error: ReasonInvalid) -> str:
    return {
        "empty": _("Write why you are suspending this account."),
        "long": _(
            "The reason must be %(limit)s characters or fewer. Make it shorter.", limit=REASON_MAX
        ),
    }[error.problem]
