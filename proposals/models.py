"""Rounds, proposals and co-signatures.

Nothing here names a member: authors and co-signers are kept as keyed tags
(HMAC under the round's tag key in the key directory), enough to let an author
edit their proposal and to stop anyone co-signing twice, and nothing a copy of
the database alone can turn back into a person. The tag key is destroyed when
the round closes: from then on not even the whole host can. No row has a creation time.
Ballots never come here: they live in `anonymity/` until close, and only the
aggregate tables of the count (`tally`) are kept after it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class Purpose(StrEnum):
    PRIORITY = "priority"
    ELECTION = "election"


class Method(StrEnum):
    """The keys of the methods Chorus ships (proposals.methods); a round stores its key as
    text, so a method added later needs no value here."""

    APPROVAL = "approval"
    SCHULZE = "schulze"
    INSTANT_RUNOFF = "instant_runoff"
    MAJORITY_JUDGMENT = "majority_judgment"
    DOTS = "dots"


class Phase(StrEnum):
    PETITION = "petition"  # a members' petition gathering signatures to open the round
    PROPOSING = "proposing"
    COSIGNING = "cosigning"
    VOTING = "voting"
    COUNTING = "counting"  # teller mode: voting is over, the tellers have not counted yet
    CLOSED = "closed"


class Voters(StrEnum):
    MEMBERS = "members"
    ADVISORY_ALLIES = "advisory_allies"  # members vote; allies' votes are counted apart


class Kind(StrEnum):
    PROPOSAL = "proposal"
    CANDIDATE = "candidate"


class Contest(StrEnum):
    NONE = "none"
    AWAITING = "awaiting"  # the author contested the hiding; the committee decides
    UPHELD = "upheld"  # the committee kept it hidden
    RESTORED = "restored"  # the committee showed it again


class Round(Model):
    id = fields.UUIDField(primary_key=True)
    question = fields.CharField(max_length=200)
    purpose = fields.CharEnumField(Purpose, max_length=20)
    # For an election: the role the winner is elected to (a role name, as governance knows it).
    elects = fields.CharField(max_length=20, default="")
    method = fields.CharField(max_length=20)  # a key of proposals.methods.METHODS
    dots_per_ballot = fields.IntField(default=0)
    voters = fields.CharEnumField(Voters, max_length=20, default=Voters.MEMBERS)
    cosignatures_needed = fields.IntField(default=0)
    allows_revision = fields.BooleanField(default=True)
    # The round's private key is wrapped by the tellers' passphrase: nobody, not even the
    # host, can open a ballot until the tellers count (DESIGN, anonymity 3).
    teller_mode = fields.BooleanField(default=False)
    phase = fields.CharEnumField(Phase, max_length=20)
    proposing_ends = fields.DatetimeField()
    cosigning_ends = fields.DatetimeField()
    voting_ends = fields.DatetimeField()
    by_petition = fields.BooleanField(default=False)
    # Signatures a petition needs, fixed from the charter when it was started.
    petition_needs = fields.IntField(default=0)
    # How many could vote when voting started (for turnout).
    eligible_voters = fields.IntField(default=0)
    eligible_advisory = fields.IntField(default=0)
    # Who could vote was stored when voting started (anonymity.electorate): only they vote.
    # False for rounds whose voting started before electorates were stored.
    electorate_fixed = fields.BooleanField(default=False)
    # The aggregate tables of the count (proposals.results), set when the round closes.
    tally: Any = fields.JSONField(null=True)
    advisory_tally: Any = fields.JSONField(null=True)

    proposals: fields.ReverseRelation[Proposal]
    signatures: fields.ReverseRelation[PetitionSignature]

    class Meta:
        table = "proposals_round"


class Proposal(Model):
    """An option of a round: a proposal, or in an election a member standing."""

    id = fields.UUIDField(primary_key=True)
    round: fields.ForeignKeyRelation[Round] = fields.ForeignKeyField(
        "proposals.Round", related_name="proposals", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(Kind, max_length=20, default=Kind.PROPOSAL)
    title = fields.CharField(max_length=120)
    description = fields.TextField(default="")
    forms_of_trafficking: Any = fields.JSONField(default=list)
    oppression_categories: Any = fields.JSONField(default=list)
    # HMAC of the author under the round's tag key: lets them edit, names nobody.
    author_tag = fields.CharField(max_length=64, db_index=True)
    # In an election, the member standing: candidates are named, so this is no secret,
    # and it says whom the role goes to when they are elected.
    candidate_id = fields.UUIDField(null=True)
    withdrawn = fields.BooleanField(default=False)
    hidden_reason = fields.TextField(default="")
    contest_text = fields.TextField(default="")
    contest = fields.CharEnumField(Contest, max_length=20, default=Contest.NONE)
    # Its short id on the ballot ("1", "2", ...), given when voting starts.
    ballot_key = fields.CharField(max_length=8, default="")

    cosignatures: fields.ReverseRelation[Cosignature]

    class Meta:
        table = "proposals_proposal"
        # A candidacy's tag is the same for every try of one member: one candidacy each.
        unique_together = (("round", "author_tag"),)


class Cosignature(Model):
    id = fields.IntField(primary_key=True)
    proposal: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "proposals.Proposal", related_name="cosignatures", on_delete=fields.CASCADE
    )
    signer_tag = fields.CharField(max_length=64)

    class Meta:
        table = "proposals_cosignature"
        unique_together = (("proposal", "signer_tag"),)


class PetitionSignature(Model):
    id = fields.IntField(primary_key=True)
    round: fields.ForeignKeyRelation[Round] = fields.ForeignKeyField(
        "proposals.Round", related_name="signatures", on_delete=fields.CASCADE
    )
    signer_tag = fields.CharField(max_length=64)

    class Meta:
        table = "proposals_petition_signature"
        unique_together = (("round", "signer_tag"),)
