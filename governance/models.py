"""The network's own records: notices to people, their read marks, and the charter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:  # Tortoise would otherwise find Person here too
    from governance.identity.models import Person


class Notice(Model):
    """A notice to one person, written only by jobs and public acts.

    Reading or dismissing it never touches this row: that is a NoticeMark, keyed by the
    person's own key.
    """

    id = fields.IntField(primary_key=True)
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "governance.Person", related_name="notices", on_delete=fields.CASCADE
    )
    # What kind of news (its discreet title is translated when shown) and where to read it.
    kind = fields.CharField(max_length=40)
    link = fields.CharField(max_length=200, default="")
    sent_on = fields.DateField()

    class Meta:
        table = "governance_notice"
        # A person's inbox, newest first, without reading anyone else's notices.
        indexes = (("person_id", "sent_on", "id"),)


class CharterValue(Model):
    """A charter setting changed from its default (defaults live in governance.service.charter)."""

    name = fields.CharField(max_length=60, primary_key=True)
    value: fields.Field[object] = fields.JSONField()

    class Meta:
        table = "governance_charter_value"


class NoticeMark(Model):
    """That a notice was read or dismissed: HMAC(personal key, notice id), nothing else.

    No foreign key, on purpose: inserting one would lock the notice row, which names its
    person. Only its owner, signed in, can compute a mark. It expires with its notice.
    """

    mark = fields.CharField(max_length=64, primary_key=True)
    dismissed = fields.BooleanField(default=False)
    expires_on = fields.DateField()

    class Meta:
        table = "governance_notice_mark"
