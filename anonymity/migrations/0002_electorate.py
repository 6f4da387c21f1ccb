from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('anonymity', '0001_ballots')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Elector',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('round_id', fields.CharField(max_length=64)),
                ('value', fields.CharField(max_length=64)),
            ],
            options={'table': 'anonymity_elector', 'app': 'anonymity', 'unique_together': (('round_id', 'value'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
