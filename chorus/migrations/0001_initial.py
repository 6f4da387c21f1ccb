from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='JobBeat',
            fields=[
                ('name', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=100)),
                ('runs', fields.IntField(default=0)),
            ],
            options={'table': 'chorus_job_beat', 'app': 'chorus', 'pk_attr': 'name', 'table_description': 'How often a scheduled job has run: proof that the scheduler is alive, nothing more.'},
            bases=['Model'],
        ),
    ]
