from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

# What each new pseudonym looks like, keyed (governance.identity.pseudonyms): no new name may look
# like one already taken. Accounts made before keep none (their names were never checked
# for look-alikes); NULLs never clash.

class Migration(migrations.Migration):
    dependencies = [('governance', '0005_indexes')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Credential',
            name='name_likeness',
            field=fields.CharField(null=True, unique=True, max_length=64),
        ),
    ]
