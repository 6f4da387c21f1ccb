from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('proposals', '0006_labour_exploitation')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Round',
            name='method',
            field=fields.CharField(max_length=20),
        ),
    ]
