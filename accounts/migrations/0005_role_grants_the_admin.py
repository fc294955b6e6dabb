from django.db import migrations

import accounts.models


def admin_only_by_role(apps, schema_editor):
    """The role alone grants the Django admin: a person moved from administrator to
    another role kept the staff and superuser flags, and with them the whole bank."""
    User = apps.get_model("accounts", "User")
    User.objects.exclude(role="admin").update(is_staff=False, is_superuser=False)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_calendar_token"),
    ]

    operations = [
        migrations.AlterModelManagers(
            name="user",
            managers=[
                ("objects", accounts.models.UserManager()),
            ],
        ),
        migrations.RunPython(admin_only_by_role, migrations.RunPython.noop),
    ]
