from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.migrations.constraints import UniqueConstraint

class Migration(migrations.Migration):
    dependencies = [('proposals', '0003_tellers')]

    initial = False

    operations = [
        ops.AddConstraint(
            model_name='Proposal',
            constraint=UniqueConstraint(fields=('round', 'author_tag'), name=None),
        ),
    ]
