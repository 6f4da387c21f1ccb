"""Who is who, keeping as little identity as possible.

No legal name, email, phone, address, user agent or last-seen time anywhere.
No creation timestamps on people, so that no row about a person can be lined
up in time with a vote or a piece of feedback.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from chorus.i18n import N_


class Role(StrEnum):
    MEMBER = "member"
    ALLY = "ally"
    LEAD = "lead"
    PROVIDER = "provider"
    STEWARD = "steward"
    COMMITTEE = "committee"


# How each role is named to people (translated where shown).
ROLE_NAMES = {
    Role.MEMBER: N_("Member"),
    Role.ALLY: N_("Ally"),
    Role.LEAD: N_("Lead"),
    Role.PROVIDER: N_("Service provider"),
    Role.STEWARD: N_("Steward"),
    Role.COMMITTEE: N_("Complaints committee"),
}


class InviteState(StrEnum):
    OPEN = "open"
    USED = "used"
    REVOKED = "revoked"


class SuspensionReview(StrEnum):
    AWAITING = "awaiting"
    UPHELD = "upheld"
    LIFTED = "lifted"


class Person(Model):
    id = fields.UUIDField(primary_key=True)
    pseudonym = fields.CharField(max_length=40)
    # The pseudonym folded (case, width, accents kept) so "Ana" and "ANA" cannot both exist.
    pseudonym_key = fields.CharField(max_length=160, unique=True)
    # Parameters, salt and verifier of the stretched passphrase (anonymity.wrapping).
    passphrase = fields.BinaryField()
    # The personal key, wrapped by the passphrase; never stored in the clear.
    wrapped_key = fields.BinaryField()
    # How many invites this person created: kept for limits, never who they invited.
    invites_created = fields.IntField(default=0)

    roles: fields.ReverseRelation[RoleGrant]

    class Meta:
        table = "governance_person"


class RoleGrant(Model):
    id = fields.IntField(primary_key=True)
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "governance.Person", related_name="roles", on_delete=fields.CASCADE
    )
    role = fields.CharEnumField(Role, max_length=20)

    class Meta:
        table = "governance_role_grant"
        unique_together = (("person", "role"),)


class RecoveryCode(Model):
    id = fields.IntField(primary_key=True)
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "governance.Person", related_name="recovery_codes", on_delete=fields.CASCADE
    )
    lookup = fields.CharField(max_length=64, unique=True)  # keyed hash of the code
    wrapped_key = fields.BinaryField()  # the personal key, wrapped by this code

    class Meta:
        table = "governance_recovery_code"


class Invite(Model):
    id = fields.UUIDField(primary_key=True)
    lookup = fields.CharField(max_length=64, unique=True)  # keyed hash of the code
    role = fields.CharEnumField(Role, max_length=20)
    expires_at = fields.DatetimeField()
    state = fields.CharEnumField(InviteState, max_length=10, default=InviteState.OPEN)
    # Who created it, while it is open; forgotten the moment it is used.
    created_by: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "governance.Person", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_by_id: str | None

    class Meta:
        table = "governance_invite"


class Session(Model):
    # SHA-256 of the opaque id in the cookie; the id itself is never stored.
    id_hash = fields.CharField(max_length=64, primary_key=True)
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "governance.Person", related_name="sessions", on_delete=fields.CASCADE
    )
    # Both rounded up to 10 minutes: no precise trace of when someone was here.
    idle_expires_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()

    class Meta:
        table = "governance_session"


class Suspension(Model):
    id = fields.IntField(primary_key=True)
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "governance.Person", related_name="suspensions", on_delete=fields.CASCADE
    )
    reason = fields.TextField()
    # The lead who acted, so the committee's review can hold them to account.
    suspended_by: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "governance.Person", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    suspended_by_id: str | None
    review = fields.CharEnumField(
        SuspensionReview, max_length=10, default=SuspensionReview.AWAITING
    )
    active = fields.BooleanField(default=True)

    class Meta:
        table = "governance_suspension"


class Closure(Model):
    """That a lead closed an account on its owner's request: who acted and when, never whose."""

    id = fields.IntField(primary_key=True)
    closed_by: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "governance.Person", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    closed_by_id: str | None
    closed_on = fields.DateField()

    class Meta:
        table = "governance_closure"


class Notice(Model):
    id = fields.IntField(primary_key=True)
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "governance.Person", related_name="notices", on_delete=fields.CASCADE
    )
    # What kind of news (its discreet title is translated when shown) and where to read it.
    kind = fields.CharField(max_length=40)
    link = fields.CharField(max_length=200, default="")
    is_read = fields.BooleanField(default=False)
    sent_on = fields.DateField()

    class Meta:
        table = "governance_notice"


class CharterValue(Model):
    """A charter setting changed from its default (defaults live in governance.charter)."""

    name = fields.CharField(max_length=60, primary_key=True)
    value: fields.Field[object] = fields.JSONField()

    class Meta:
        table = "governance_charter_value"
