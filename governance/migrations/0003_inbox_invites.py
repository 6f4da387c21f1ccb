from tortoise import migrations
from tortoise.migrations import operations as ops
from chorus.roles import Role
from tortoise import fields


# Invites expired at a time; now on a day, the first day they no longer work. Rounded up,
# so no open invite loses any of its time. Written per database: SQLite keeps dates as text.
async def invite_expiry_to_the_day(apps, schema_editor):
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        day = "CAST(expires_at AT TIME ZONE 'UTC' AS DATE) + 1"
    else:
        day = "date(substr(expires_at, 1, 19), '+1 day')"
    await client.execute_script(f"UPDATE governance_invite SET expires_on = {day}")


class Migration(migrations.Migration):
    dependencies = [('governance', '0002_accountability')]

    initial = False

    operations = [
        ops.CreateModel(
            name='NoticeMark',
            fields=[
                ('mark', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ('dismissed', fields.BooleanField(default=False)),
                ('expires_on', fields.DateField()),
            ],
            options={'table': 'governance_notice_mark', 'app': 'governance', 'pk_attr': 'mark', 'table_description': 'That a notice was read or dismissed: HMAC(personal key, notice id), nothing else.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InviteCount',
            fields=[
                ('tag', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ('period', fields.IntField()),
                ('count', fields.IntField()),
            ],
            options={'table': 'governance_invite_count', 'app': 'governance', 'pk_attr': 'tag', 'table_description': 'How many invites one member created in one invite period.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InvitesUsed',
            fields=[
                ('role', fields.CharEnumField(primary_key=True, unique=True, db_index=True, description='MEMBER: member\nALLY: ally\nLEAD: lead\nPROVIDER: provider\nSTEWARD: steward\nCOMMITTEE: committee', enum_type=Role, max_length=20)),
                ('count', fields.IntField()),
            ],
            options={'table': 'governance_invites_used', 'app': 'governance', 'pk_attr': 'role', 'table_description': 'How many invites of each role were used, in all: never which, nor by whom.'},
            bases=['Model'],
        ),
        # A used invite is now deleted: what is left of the used ones becomes a count.
        ops.RunSQL(
            [
                "INSERT INTO governance_invites_used (role, count) "
                "SELECT role, COUNT(*) FROM governance_invite WHERE state = 'used' GROUP BY role",
                "DELETE FROM governance_invite WHERE state = 'used'",
            ]
        ),
        ops.RemoveField(model_name='Invite', name='created_by'),
        ops.AddField(
            model_name='Invite',
            name='expires_on',
            field=fields.DateField(null=True),
        ),
        ops.RunPython(invite_expiry_to_the_day),
        ops.RemoveField(model_name='Invite', name='expires_at'),
        ops.AlterField(
            model_name='Invite',
            name='expires_on',
            field=fields.DateField(),
        ),
        ops.AlterModelOptions(
            name='Invite',
            options={'table': 'governance_invite', 'app': 'governance', 'pk_attr': 'id', 'table_description': 'An open or cancelled invite. Nothing says who created it, and a used one is deleted.'},
        ),
        # Limits are now counted per invite period, apart from the person (InviteCount).
        ops.RemoveField(model_name='Person', name='invites_created'),
        # Read and dismissed are now NoticeMark rows; read marks are not carried over.
        ops.RemoveField(model_name='Notice', name='is_read'),
        ops.AlterModelOptions(
            name='Notice',
            options={'table': 'governance_notice', 'app': 'governance', 'pk_attr': 'id', 'table_description': 'A notice to one person, written only by jobs and public acts.'},
        ),
    ]
