"""Named errors of accounts, invites and sessions; identity.forms turns each into a
translated message."""

from __future__ import annotations

from governance.errors import GovernanceError


class PseudonymInvalid(GovernanceError):
    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem  # "empty", "short", "long", "characters"


class PseudonymTaken(GovernanceError):
    pass


class PassphraseTooShort(GovernanceError):
    def __init__(self, minimum: int) -> None:
        super().__init__(minimum)
        self.minimum = minimum


class PassphrasesDiffer(GovernanceError):
    pass


class InviteNotUsable(GovernanceError):
    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why  # "unknown", "used", "expired", "revoked"


class InviteNotAllowed(GovernanceError):
    pass


class WrongCredentials(GovernanceError):
    pass


class AccountSuspended(GovernanceError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TooManyAttempts(GovernanceError):
    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(retry_after_seconds)
        self.retry_after_seconds = retry_after_seconds
