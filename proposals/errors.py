"""The proposals domain's errors: one base class, and each error names its message.

`message` is the msgid of what the person reads, translated by `error.translated()`;
a page may say more where it knows more (a petition's last day, say).
"""

from __future__ import annotations

from typing import ClassVar

from chorus.i18n import N_, _
from proposals.models import Phase

PHASE_MESSAGES = {
    Phase.PETITION: N_("This round is still a petition. It opens when enough members sign."),
    Phase.PROPOSING: N_("This cannot be done while proposals are being sent."),
    Phase.COSIGNING: N_("This cannot be done during co-signing."),
    Phase.VOTING: N_("This cannot be done while voting is open."),
    Phase.COUNTING: N_("Voting has ended. The tellers have not counted the votes yet."),
    Phase.CLOSED: N_("This round is closed."),
}


class ProposalsError(Exception):
    """Something the person can fix or needs to know; nothing was changed."""

    message: ClassVar[str] = N_("That did not work. Nothing was changed.")

    def translated(self) -> str:
        return _(self.message)


class WrongPhase(ProposalsError):
    """The round is not in a phase that allows this."""

    message = PHASE_MESSAGES[Phase.CLOSED]

    def __init__(self, phase: Phase) -> None:
        super().__init__(phase)
        self.phase = phase

    def translated(self) -> str:
        return _(PHASE_MESSAGES[self.phase])


class NotAuthor(ProposalsError):
    """Only the author of a proposal may do this."""

    message = N_("Only the person who wrote this proposal can change it.")


class OwnProposal(ProposalsError):
    """Authors do not co-sign their own proposal."""

    message = N_("You wrote this proposal, so you cannot co-sign it.")


class AlreadySigned(ProposalsError):
    """This person has already signed (a proposal's co-signatures; a petition says so
    itself)."""

    message = N_("You have already co-signed this proposal.")


class NotSigned(ProposalsError):
    """There is no signature of this person to take back."""

    message = N_("You had not co-signed this proposal.")


class NotAvailable(ProposalsError):
    """The proposal is withdrawn or hidden, so it cannot be co-signed."""

    message = N_("This proposal is withdrawn or hidden, so it cannot be co-signed.")


class NotHidden(ProposalsError):
    """Only a hidden proposal can be contested or reviewed."""

    message = N_("This proposal is not hidden, or was contested already.")


class AlreadyHidden(ProposalsError):
    """The proposal is hidden already."""

    message = N_("This proposal is already hidden.")


class AlreadyStanding(ProposalsError):
    """This member already stands as a candidate in this election."""

    message = N_("You already stand in this election.")


class AlreadyVoted(ProposalsError):
    """This person has voted, and the round does not allow changing a vote."""

    message = N_("You have voted in this round. This round does not allow changes.")


class WrongTellerPassphrase(ProposalsError):
    """The passphrase given does not open this round's ballots."""

    message = N_("That passphrase does not open the ballots. Check it and try again.")


class BallotTooLong(ProposalsError):
    """The ballot names more than fits in a sealed ballot."""

    message = N_("This ballot is too long to store. Choose fewer options.")


class PetitionLapsed(ProposalsError):
    """The petition's first date passed before it had enough signatures."""

    message = N_("This petition ended without enough signatures. You can start a new one.")


class NotEligible(ProposalsError):
    """This person does not vote in this round."""

    message = N_("You do not vote in this round.")


class NotInElectorate(ProposalsError):
    """This person could not vote when voting opened (they joined, or got the role,
    later), so they do not vote in this round."""

    message = N_(
        "Only people who could vote when this vote opened can vote in it. You joined, "
        "or got your role, after it opened. Your ballot was not sent."
    )


class EndNotLater(ProposalsError):
    """The new last day of voting is not after the one the round has."""

    message = N_("Choose a day after the last day voting has now.")
