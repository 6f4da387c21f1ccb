from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('proposals', '0001_rounds')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Proposal',
            name='candidate_id',
            field=fields.UUIDField(null=True),
        ),
    ]
