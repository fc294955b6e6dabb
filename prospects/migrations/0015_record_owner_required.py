"""The records' owner, filled by 0014, becomes required and indexed (issue 13)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("prospects", "0014_records_carry_their_owner"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        *(
            migrations.AlterField(
                model_name=name,
                name="owner",
                field=models.ForeignKey(
                    db_index=False,
                    editable=False,
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name="+",
                    to=settings.AUTH_USER_MODEL,
                    verbose_name="owner",
                ),
            )
            for name in ("visit", "promise", "hospitalityentry")
        ),
        migrations.AddIndex(
            model_name="visit",
            index=models.Index(fields=["owner", "visited_on"], name="visit_owner_date"),
        ),
        migrations.AddIndex(
            model_name="hospitalityentry",
            index=models.Index(fields=["owner", "occurred_on"], name="hospitality_owner_date"),
        ),
        migrations.AddIndex(
            model_name="promise",
            index=models.Index(
                fields=["owner", "status", "due_on"], name="promise_owner_status_due"
            ),
        ),
    ]
