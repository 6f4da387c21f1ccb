from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from proposals.models import Contest, Kind, Method, Phase, Purpose, Voters
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Round',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('question', fields.CharField(max_length=200)),
                ('purpose', fields.CharEnumField(description='PRIORITY: priority\nELECTION: election', enum_type=Purpose, max_length=20)),
                ('elects', fields.CharField(default='', max_length=20)),
                ('method', fields.CharEnumField(description='APPROVAL: approval\nSCHULZE: schulze\nINSTANT_RUNOFF: instant_runoff\nMAJORITY_JUDGMENT: majority_judgment\nDOTS: dots', enum_type=Method, max_length=20)),
                ('dots_per_ballot', fields.IntField(default=0)),
                ('voters', fields.CharEnumField(default=Voters.MEMBERS, description='MEMBERS: members\nADVISORY_ALLIES: advisory_allies', enum_type=Voters, max_length=20)),
                ('cosignatures_needed', fields.IntField(default=0)),
                ('allows_revision', fields.BooleanField(default=True)),
                ('phase', fields.CharEnumField(description='PETITION: petition\nPROPOSING: proposing\nCOSIGNING: cosigning\nVOTING: voting\nCLOSED: closed', enum_type=Phase, max_length=20)),
                ('proposing_ends', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('cosigning_ends', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('voting_ends', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('by_petition', fields.BooleanField(default=False)),
                ('petition_needs', fields.IntField(default=0)),
                ('eligible_voters', fields.IntField(default=0)),
                ('eligible_advisory', fields.IntField(default=0)),
                ('tally', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('advisory_tally', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'proposals_round', 'app': 'proposals', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PetitionSignature',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('round', fields.ForeignKeyField('proposals.Round', source_field='round_id', db_constraint=True, to_field='id', related_name='signatures', on_delete=OnDelete.CASCADE)),
                ('signer_tag', fields.CharField(max_length=64)),
            ],
            options={'table': 'proposals_petition_signature', 'app': 'proposals', 'unique_together': (('round', 'signer_tag'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Proposal',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('round', fields.ForeignKeyField('proposals.Round', source_field='round_id', db_constraint=True, to_field='id', related_name='proposals', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(default=Kind.PROPOSAL, description='PROPOSAL: proposal\nCANDIDATE: candidate', enum_type=Kind, max_length=20)),
                ('title', fields.CharField(max_length=120)),
                ('description', fields.TextField(default='', unique=False)),
                ('forms_of_trafficking', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('oppression_categories', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('author_tag', fields.CharField(db_index=True, max_length=64)),
                ('withdrawn', fields.BooleanField(default=False)),
                ('hidden_reason', fields.TextField(default='', unique=False)),
                ('contest_text', fields.TextField(default='', unique=False)),
                ('contest', fields.CharEnumField(default=Contest.NONE, description='NONE: none\nAWAITING: awaiting\nUPHELD: upheld\nRESTORED: restored', enum_type=Contest, max_length=20)),
                ('ballot_key', fields.CharField(default='', max_length=8)),
            ],
            options={'table': 'proposals_proposal', 'app': 'proposals', 'pk_attr': 'id', 'table_description': 'An option of a round: a proposal, or in an election a member standing.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Cosignature',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('proposal', fields.ForeignKeyField('proposals.Proposal', source_field='proposal_id', db_constraint=True, to_field='id', related_name='cosignatures', on_delete=OnDelete.CASCADE)),
                ('signer_tag', fields.CharField(max_length=64)),
            ],
            options={'table': 'proposals_cosignature', 'app': 'proposals', 'unique_together': (('proposal', 'signer_tag'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
