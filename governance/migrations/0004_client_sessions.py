from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

# Sessions move into the client's cookie and pseudonyms are sealed (issue "Unlinkable at
# every moment"). A pseudonym cannot be sealed without the key directory, so a database
# that already holds people cannot take this migration: start the demo afresh.


class Migration(migrations.Migration):
    dependencies = [('governance', '0003_inbox_invites')]

    initial = False

    operations = [
        ops.DeleteModel(name='Session'),
        ops.CreateModel(
            name='SignedOut',
            fields=[
                ('id_hash', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'governance_signed_out', 'app': 'governance', 'pk_attr': 'id_hash', 'table_description': 'A session cookie signed out before its end: HMAC(app secret, its random id).'},
            bases=['Model'],
        ),
        ops.RemoveField(model_name='Person', name='pseudonym'),
        ops.RemoveField(model_name='Person', name='pseudonym_key'),
        ops.AddField(
            model_name='Person',
            name='name_lookup',
            field=fields.CharField(unique=True, max_length=64),
        ),
        ops.AddField(
            model_name='Person',
            name='sealed_name',
            field=fields.BinaryField(),
        ),
        ops.AddField(
            model_name='Person',
            name='session_generation',
            field=fields.IntField(default=0, db_default=0),
        ),
    ]
