# A person's inbox and recovery codes are read by their own rows (an index each),
# instead of scanning every notice and code.
from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('governance', '0004_client_sessions')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Notice',
            index=Index(fields=['person_id', 'sent_on', 'id']),
        ),
        ops.AddIndex(
            model_name='RecoveryCode',
            index=Index(fields=['credential_id']),
        ),
    ]
