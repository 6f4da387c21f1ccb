"""Named errors of accounts, invites and sessions; identity.forms turns each into a
translated message."""

from __future__ import annotations

from babel.numbers import format_decimal

from chorus.i18n import N_, _, current_language
from governance.errors import GovernanceError
from governance.identity import passphrases


class PseudonymInvalid(GovernanceError):
    message = N_("Enter a name to be known by.")

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        # "empty", "short", "long", "characters", "letters", "marks", "scripts", "digits"
        self.problem = problem


class PseudonymTaken(GovernanceError):
    message = N_("That name is taken. Choose another one.")


class PseudonymLookalike(GovernanceError):
    message = N_(
        "That name looks too much like the name of someone already here, so people could "
        "take one of you for the other. Choose another one."
    )


class PassphraseTooShort(GovernanceError):
    message = N_(
        "Your passphrase must be at least %(minimum)s characters. "
        "Try 3 or 4 words you will remember."
    )

    def __init__(self, minimum: int) -> None:
        super().__init__(minimum)
        self.minimum = minimum

    def translated(self) -> str:
        return _(self.message, minimum=self.minimum)


class PassphraseBlank(GovernanceError):
    message = N_("Enter a passphrase. Spaces alone do not count.")


class PassphraseTooLong(GovernanceError):
    message = N_("Your passphrase must be %(maximum)s characters or fewer. Choose a shorter one.")

    def __init__(self, maximum: int) -> None:
        super().__init__(maximum)
        self.maximum = maximum

    def translated(self) -> str:
        return _(self.message, maximum=format_decimal(self.maximum, locale=current_language()))


class PassphraseWeak(GovernanceError):
    """Easy to guess; the message suggests one in the person's language when shown."""

    message = N_(
        "That passphrase would be easy for someone to guess, so it would not keep your "
        "account safe. Try four words that have nothing to do with each other, "
        "for example: “%(example)s”."
    )

    def translated(self) -> str:
        language = current_language()
        return _(self.message, example=passphrases.suggestion(language))


class PassphrasesDiffer(GovernanceError):
    message = N_("The two passphrases are not the same. Type them again.")


class InviteNotUsable(GovernanceError):
    message = N_("That invite code has expired. Ask for a new one.")

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why  # "unknown", "used", "expired", "revoked"


class InviteNotAllowed(GovernanceError):
    message = N_("You cannot create that kind of invite.")


class WrongCredentials(GovernanceError):
    message = N_("The name or passphrase is not right. Check both and try again.")


class AccountSuspended(GovernanceError):
    message = N_(
        "Your account is paused for safety. The reason given was: %(reason)s "
        "The complaints committee will review this."
    )

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def translated(self) -> str:
        return _(self.message, reason=self.reason)


class InviteNotRevocable(GovernanceError):
    message = N_("This invite was already cancelled.")

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why  # "revoked"
