"""The anonymity tables. None of them holds, or points to, anything about a person.

- `AnonymousRound`: a round's phase, so that closing can resume where it stopped.
- `Marker`: "someone took part", as HMAC(round's marker key, member); it stops a
  second submission and is deleted at close, when its key is destroyed.
- `SealedBallot`: a random id, the round, the padded ballot sealed to the round's
  public key, and the revision tag HMAC(personal key, round). Nothing else.
- `ReceiptHash`: SHA-256 of a ballot receipt, with the tag of the ballot it
  belongs to, kept apart from the ballots and deleted at close.
- `ClearBallot`: after close, the opened ballots, inserted in a shuffled order,
  with a random id and the round; no tag, no receipt, no time.
- `CountedReceipt`: after close, the hashes of the receipts that were counted.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class BoxState(StrEnum):
    """Where an anonymous round's ballot box stands (its round in proposals has phases)."""

    OPEN = "open"
    CLOSING = "closing"  # takes no more ballots; being opened
    OPENED = "opened"  # opened and shuffled copies stored; sealed traces not yet deleted
    COUNTED = "counted"  # sealed traces deleted; keys not yet destroyed
    CLOSED = "closed"


class AnonymousRound(Model):
    id = fields.CharField(max_length=64, primary_key=True)
    phase = fields.CharEnumField(BoxState, max_length=10, default=BoxState.OPEN)
    allows_revision = fields.BooleanField(default=True)

    class Meta:
        table = "anonymity_round"


class Marker(Model):
    id = fields.IntField(primary_key=True)
    round_id = fields.CharField(max_length=64)
    value = fields.CharField(max_length=64)

    class Meta:
        table = "anonymity_marker"
        unique_together = (("round_id", "value"),)


class SealedBallot(Model):
    id = fields.UUIDField(primary_key=True)
    round_id = fields.CharField(max_length=64)
    sealed = fields.BinaryField()
    tag = fields.CharField(max_length=64)

    class Meta:
        table = "anonymity_sealed_ballot"
        unique_together = (("round_id", "tag"),)


class ReceiptHash(Model):
    id = fields.UUIDField(primary_key=True)
    round_id = fields.CharField(max_length=64)
    tag = fields.CharField(max_length=64)
    hash = fields.CharField(max_length=64)

    class Meta:
        table = "anonymity_receipt_hash"
        unique_together = (("round_id", "tag"),)


class ClearBallot(Model):
    id = fields.UUIDField(primary_key=True)
    round_id = fields.CharField(max_length=64, db_index=True)
    content = fields.BinaryField()

    class Meta:
        table = "anonymity_clear_ballot"


class CountedReceipt(Model):
    id = fields.IntField(primary_key=True)
    round_id = fields.CharField(max_length=64, db_index=True)
    hash = fields.CharField(max_length=64)

    class Meta:
        table = "anonymity_counted_receipt"


class Elector(Model):
    # One person who may take part in an open round, fixed when it opened: the value is
    # HMAC(the round's electorate key, person), rows inserted in a shuffled order, deleted
    # at close, when the key is destroyed (anonymity.electorate).

    id = fields.IntField(primary_key=True)
    round_id = fields.CharField(max_length=64)
    value = fields.CharField(max_length=64)

    class Meta:
        table = "anonymity_elector"
        unique_together = (("round_id", "value"),)
