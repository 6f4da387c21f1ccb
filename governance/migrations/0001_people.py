from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from chorus.roles import Role
from governance.identity.models import InviteState, SuspensionReview
from json import dumps, loads
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='CharterValue',
            fields=[
                ('name', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=60)),
                ('value', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'governance_charter_value', 'app': 'governance', 'pk_attr': 'name', 'table_description': 'A charter setting changed from its default (defaults live in governance.service.charter).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Person',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('pseudonym', fields.CharField(max_length=40)),
                ('pseudonym_key', fields.CharField(unique=True, max_length=160)),
                ('passphrase', fields.BinaryField()),
                ('wrapped_key', fields.BinaryField()),
                ('invites_created', fields.IntField(default=0)),
            ],
            options={'table': 'governance_person', 'app': 'governance', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Invite',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('lookup', fields.CharField(unique=True, max_length=64)),
                ('role', fields.CharEnumField(description='MEMBER: member\nALLY: ally\nLEAD: lead\nPROVIDER: provider\nSTEWARD: steward\nCOMMITTEE: committee', enum_type=Role, max_length=20)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('state', fields.CharEnumField(default=InviteState.OPEN, description='OPEN: open\nUSED: used\nREVOKED: revoked', enum_type=InviteState, max_length=10)),
                ('created_by', fields.ForeignKeyField('governance.Person', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'governance_invite', 'app': 'governance', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Notice',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('person', fields.ForeignKeyField('governance.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='notices', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=40)),
                ('link', fields.CharField(default='', max_length=200)),
                ('is_read', fields.BooleanField(default=False)),
                ('sent_on', fields.DateField()),
            ],
            options={'table': 'governance_notice', 'app': 'governance', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RecoveryCode',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('person', fields.ForeignKeyField('governance.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='recovery_codes', on_delete=OnDelete.CASCADE)),
                ('lookup', fields.CharField(unique=True, max_length=64)),
                ('wrapped_key', fields.BinaryField()),
            ],
            options={'table': 'governance_recovery_code', 'app': 'governance', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RoleGrant',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('person', fields.ForeignKeyField('governance.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='roles', on_delete=OnDelete.CASCADE)),
                ('role', fields.CharEnumField(description='MEMBER: member\nALLY: ally\nLEAD: lead\nPROVIDER: provider\nSTEWARD: steward\nCOMMITTEE: committee', enum_type=Role, max_length=20)),
            ],
            options={'table': 'governance_role_grant', 'app': 'governance', 'unique_together': (('person', 'role'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Session',
            fields=[
                ('id_hash', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ('person', fields.ForeignKeyField('governance.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE)),
                ('idle_expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'governance_session', 'app': 'governance', 'pk_attr': 'id_hash'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Suspension',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('person', fields.ForeignKeyField('governance.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='suspensions', on_delete=OnDelete.CASCADE)),
                ('reason', fields.TextField(unique=False)),
                ('review', fields.CharEnumField(default=SuspensionReview.AWAITING, description='AWAITING: awaiting\nUPHELD: upheld\nLIFTED: lifted', enum_type=SuspensionReview, max_length=10)),
                ('active', fields.BooleanField(default=True)),
            ],
            options={'table': 'governance_suspension', 'app': 'governance', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
