from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('governance', '0001_people')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Closure',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('closed_by', fields.ForeignKeyField('governance.Person', source_field='closed_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('closed_on', fields.DateField()),
            ],
            options={'table': 'governance_closure', 'app': 'governance', 'pk_attr': 'id', 'table_description': "That a lead closed an account on its owner's request: who acted and when, never whose."},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Suspension',
            name='suspended_by',
            field=fields.ForeignKeyField('governance.Person', source_field='suspended_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL),
        ),
    ]
