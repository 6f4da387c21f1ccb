from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('proposals', '0004_one_candidacy')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Round',
            name='electorate_fixed',
            field=fields.BooleanField(default=False),
        ),
    ]
