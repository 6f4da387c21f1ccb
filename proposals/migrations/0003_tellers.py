from tortoise import migrations
from tortoise.migrations import operations as ops
from proposals.models import Phase
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('proposals', '0002_candidates')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Round',
            name='phase',
            field=fields.CharEnumField(description='PETITION: petition\nPROPOSING: proposing\nCOSIGNING: cosigning\nVOTING: voting\nCOUNTING: counting\nCLOSED: closed', enum_type=Phase, max_length=20),
        ),
        ops.AddField(
            model_name='Round',
            name='teller_mode',
            field=fields.BooleanField(default=False),
        ),
    ]
