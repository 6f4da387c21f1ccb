"""Reading account forms and turning named errors into translated messages.

Every message says how to fix the problem. Errors map to the field they
belong to, so the page shows each next to its field and in the summary.
"""

from __future__ import annotations

from chorus.i18n import _
from chorus.ratelimit import RateLimited, wait_message
from chorus.text import FieldErrors
from governance.identity.errors import (
    AccountSuspended,
    InviteNotAllowed,
    InviteNotUsable,
    PassphraseBlank,
    PassphrasesDiffer,
    PassphraseTooLong,
    PassphraseTooShort,
    PassphraseWeak,
    PseudonymInvalid,
    PseudonymLookalike,
    PseudonymTaken,
    WrongCredentials,
)


def pseudonym_message(error: PseudonymInvalid) -> str:
    return {
        "empty": _("Enter a name to be known by."),
        "short": _("Your name must be at least 2 characters long."),
        "long": _("Your name must be 40 characters or fewer."),
        "characters": _("Your name can use letters, numbers, spaces and punctuation only."),
        "letters": _("Your name needs at least one letter."),
        "marks": _(
            "Each accent or mark in your name must sit on a letter, at most 3 on one letter, "
            "and the same mark only once."
        ),
        "scripts": _(
            "Write your name in one alphabet. Letters of different alphabets mixed together "
            "can make a name look like someone else's."
        ),
        "digits": _(
            "Use the digits 0 to 9 in a name written in Latin letters, and digits of one kind only."
        ),
    }[error.problem]


def invite_message(error: InviteNotUsable) -> str:
    return {
        # A used invite no longer exists, so "unknown" covers it too.
        "unknown": _(
            "We did not find that invite code, or it was used already. "
            "Check it, or ask for a new one."
        ),
        "used": _("That invite code was already used. Ask for a new one."),
        "expired": _("That invite code has expired. Ask for a new one."),
        "revoked": _("That invite code was cancelled. Ask for a new one."),
    }[error.why]


def field_errors(error: Exception, *, credentials_field: str = "pseudonym") -> FieldErrors:
    """The field each named error belongs to, with a message that says how to fix it."""
    if isinstance(error, PseudonymInvalid):
        return {"pseudonym": pseudonym_message(error)}
    if isinstance(error, PseudonymTaken | PseudonymLookalike):
        return {"pseudonym": error.translated()}
    if isinstance(error, PassphraseBlank | PassphraseTooShort | PassphraseTooLong | PassphraseWeak):
        return {"passphrase": error.translated()}
    if isinstance(error, PassphrasesDiffer):
        return {"confirmation": error.translated()}
    if isinstance(error, InviteNotUsable):
        return {"invite_code": invite_message(error)}
    if isinstance(error, InviteNotAllowed):
        return {"role": error.translated()}
    if isinstance(error, WrongCredentials):
        messages = {
            "pseudonym": _("The name or passphrase is not right. Check both and try again."),
            "code": _("The name or recovery code is not right. Check both and try again."),
            "current": _("That is not your current passphrase. Try again."),
        }
        return {credentials_field: messages[credentials_field]}
    if isinstance(error, RateLimited):
        return {credentials_field: wait_message(error.retry_after_seconds)}
    if isinstance(error, AccountSuspended):
        return {credentials_field: error.translated()}
    raise error
