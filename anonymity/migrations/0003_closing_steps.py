from tortoise import migrations
from tortoise.migrations import operations as ops
from anonymity.models import BoxState
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('anonymity', '0002_electorate')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='AnonymousRound',
            name='phase',
            field=fields.CharEnumField(default=BoxState.OPEN, description='OPEN: open\nCLOSING: closing\nOPENED: opened\nCOUNTED: counted\nCLOSED: closed', enum_type=BoxState, max_length=10),
        ),
    ]
