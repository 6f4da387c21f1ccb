from tortoise import migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops
from tortoise import fields

# Sessions move into the client's cookie; credentials move apart from the person; the
# pseudonym moves to the key directory (issue "Unlinkable at every moment"). None of it
# can be carried over without the key directory and each person's passphrase, so a
# database that already holds people cannot take this migration: start afresh.


async def refuse_existing_people(apps, schema_editor) -> None:
    connection = schema_editor.client
    _, rows = await connection.execute_query("SELECT count(*) AS n FROM governance_person")
    if rows and int(rows[0]["n"]):
        raise RuntimeError(
            "This version keeps accounts in a new way and cannot carry existing ones over. "
            "Start with a new database (for the demo: delete var/demo), then run "
            "`chorus migrate` again."
        )


class Migration(migrations.Migration):
    dependencies = [('governance', '0003_inbox_invites')]

    initial = False

    operations = [
        ops.RunPython(refuse_existing_people),
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
        ops.CreateModel(
            name='Credential',
            fields=[
                ('id', fields.UUIDField(primary_key=True, unique=True, db_index=True)),
                ('name_lookup', fields.CharField(unique=True, max_length=64)),
                ('passphrase', fields.BinaryField()),
                ('wrapped_key', fields.BinaryField()),
                ('sealed_person', fields.BinaryField()),
                ('person_tag', fields.CharField(unique=True, max_length=64)),
                ('session_generation', fields.IntField(default=0)),
            ],
            options={'table': 'governance_credential', 'app': 'governance', 'pk_attr': 'id', 'table_description': 'How someone signs in: nothing in it names or points to a person.'},
            bases=['Model'],
        ),
        # Made anew rather than altered: SQLite cannot drop a column with a foreign key.
        ops.DeleteModel(name='RecoveryCode'),
        ops.CreateModel(
            name='RecoveryCode',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('credential', fields.ForeignKeyField('governance.Credential', source_field='credential_id', db_constraint=True, to_field='id', related_name='recovery_codes', on_delete=OnDelete.CASCADE)),
                ('lookup', fields.CharField(unique=True, max_length=64)),
                ('wrapped_key', fields.BinaryField()),
            ],
            options={'table': 'governance_recovery_code', 'app': 'governance', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.RemoveField(model_name='Person', name='pseudonym'),
        ops.RemoveField(model_name='Person', name='pseudonym_key'),
        ops.RemoveField(model_name='Person', name='passphrase'),
        ops.RemoveField(model_name='Person', name='wrapped_key'),
        ops.AddField(
            model_name='Person',
            name='session_generation',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AlterModelOptions(
            name='Person',
            options={'table': 'governance_person', 'app': 'governance', 'pk_attr': 'id', 'table_description': 'Someone in the network, as far as others need to know: their roles hang on this row.'},
        ),
    ]
