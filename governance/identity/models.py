"""Who is who, keeping as little identity as possible: people, their credentials and
roles, invites, signed-out sessions, suspensions and closures.

No legal name, email, phone, address, user agent or last-seen time anywhere.
No creation timestamps on people, so that no row about a person can be lined
up in time with a vote or a piece of feedback.
"""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from tortoise import fields
from tortoise.models import Model

from chorus.roles import Role


class InviteState(StrEnum):
    OPEN = "open"
    USED = "used"
    REVOKED = "revoked"


class SuspensionReview(StrEnum):
    AWAITING = "awaiting"
    UPHELD = "upheld"
    LIFTED = "lifted"


class Person(Model):
    """Someone in the network, as far as others need to know: their roles hang on this row."""

    # Nothing else is kept here on purpose. The pseudonym lives in the key directory
    # (anonymity.kept, `people/<id>`), the passphrase and keys in a Credential row that a
    # copy of the database cannot tie to this one. So joining, a new passphrase, recovery
    # and signing out everywhere write no row that names a person (DESIGN.md, anonymity
    # point 2). Rows are made ahead of need, in batches, for invites to hand out
    # (governance.identity.service.invitees), so not even joining adds one.
    id = fields.UUIDField(primary_key=True)
    # Moved on only by public acts (a lead suspending someone): every session ends.
    session_generation = fields.IntField(default=0, db_default=0)

    roles: fields.ReverseRelation[RoleGrant]

    class Meta:
        table = "governance_person"


class Credential(Model):
    """How someone signs in: nothing in it names or points to a person."""

    id = fields.UUIDField(primary_key=True)
    # HMAC(lookup secret, folded pseudonym): sign-in finds the row by it.
    name_lookup = fields.CharField(max_length=64, unique=True)
    # Parameters, salt and verifier of the stretched passphrase (anonymity.wrapping).
    passphrase = fields.BinaryField()
    # The personal key, wrapped by the passphrase; never stored in the clear.
    wrapped_key = fields.BinaryField()
    # The person's id, sealed with their personal key: only they, signed in, can open it.
    sealed_person = fields.BinaryField()
    # HMAC(lookup secret, person id): one set of credentials per person, checked by the
    # database; without the key directory it ties these credentials to nobody.
    person_tag = fields.CharField(max_length=64, unique=True)
    # Moved on by the person's own explicit acts (a new passphrase, recovery, signing out
    # everywhere): every session cookie issued before is refused.
    session_generation = fields.IntField(default=0)

    recovery_codes: fields.ReverseRelation[RecoveryCode]

    class Meta:
        table = "governance_credential"


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
    credential: fields.ForeignKeyRelation[Credential] = fields.ForeignKeyField(
        "governance.Credential", related_name="recovery_codes", on_delete=fields.CASCADE
    )
    credential_id: UUID
    lookup = fields.CharField(max_length=64, unique=True)  # keyed hash of the code
    wrapped_key = fields.BinaryField()  # the personal key, wrapped by this code

    class Meta:
        table = "governance_recovery_code"
        indexes = (("credential_id",),)  # counting a person's codes reads only theirs


class Invite(Model):
    """An open or cancelled invite. Nothing says who created it, and a used one is deleted."""

    id = fields.UUIDField(primary_key=True)
    lookup = fields.CharField(max_length=64, unique=True)  # keyed hash of the code
    role = fields.CharEnumField(Role, max_length=20)
    # The first day it no longer works: a day, not a time, so it dates nothing precisely.
    expires_on = fields.DateField()
    state = fields.CharEnumField(InviteState, max_length=10, default=InviteState.OPEN)

    class Meta:
        table = "governance_invite"


class SignedOut(Model):
    """A session cookie signed out before its end: HMAC(app secret, its random id)."""

    # Nobody without the cookie can tie the hash to anyone. Kept until the cookie's own end
    # (rounded up to 10 minutes), then purged with every other expired one.

    id_hash = fields.CharField(max_length=64, primary_key=True)
    expires_at = fields.DatetimeField()

    class Meta:
        table = "governance_signed_out"


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


class InviteCount(Model):
    """How many invites one member created in one invite period.

    Kept under HMAC(period key, member): the period key is destroyed when the period ends,
    and the rows with it.
    """

    tag = fields.CharField(max_length=64, primary_key=True)
    period = fields.IntField()  # the period's number: days since 1970 // the period's days
    count = fields.IntField()

    class Meta:
        table = "governance_invite_count"


class InvitesUsed(Model):
    """How many invites of each role were used, in all: never which, nor by whom."""

    role = fields.CharEnumField(Role, max_length=20, primary_key=True)
    count = fields.IntField()

    class Meta:
        table = "governance_invites_used"
