from tortoise import migrations
from tortoise.migrations import operations as ops
from anonymity.models import BoxState
from uuid import uuid4
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='AnonymousRound',
            fields=[
                ('id', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ('phase', fields.CharEnumField(default=BoxState.OPEN, description='OPEN: open\nCOUNTED: counted\nCLOSED: closed', enum_type=BoxState, max_length=10)),
                ('allows_revision', fields.BooleanField(default=True)),
            ],
            options={'table': 'anonymity_round', 'app': 'anonymity', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ClearBallot',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('round_id', fields.CharField(db_index=True, max_length=64)),
                ('content', fields.BinaryField()),
            ],
            options={'table': 'anonymity_clear_ballot', 'app': 'anonymity', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CountedReceipt',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('round_id', fields.CharField(db_index=True, max_length=64)),
                ('hash', fields.CharField(max_length=64)),
            ],
            options={'table': 'anonymity_counted_receipt', 'app': 'anonymity', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Marker',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('round_id', fields.CharField(max_length=64)),
                ('value', fields.CharField(max_length=64)),
            ],
            options={'table': 'anonymity_marker', 'app': 'anonymity', 'unique_together': (('round_id', 'value'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReceiptHash',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('round_id', fields.CharField(max_length=64)),
                ('tag', fields.CharField(max_length=64)),
                ('hash', fields.CharField(max_length=64)),
            ],
            options={'table': 'anonymity_receipt_hash', 'app': 'anonymity', 'unique_together': (('round_id', 'tag'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SealedBallot',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('round_id', fields.CharField(max_length=64)),
                ('sealed', fields.BinaryField()),
                ('tag', fields.CharField(max_length=64)),
            ],
            options={'table': 'anonymity_sealed_ballot', 'app': 'anonymity', 'unique_together': (('round_id', 'tag'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
