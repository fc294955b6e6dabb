"""Visits, promises and hospitality entries carry their prospect's owner (issue 13).

The column is added empty, filled from each record's prospect in one UPDATE per table,
then (0015, in its own transaction: PostgreSQL alters no table with pending foreign-key
checks) made required and indexed the way the team's pages read it.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

RECORDS = ("visit", "promise", "hospitalityentry")


def _owner_field(null: bool) -> models.ForeignKey:
    return models.ForeignKey(
        db_index=False,
        editable=False,
        null=null,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to=settings.AUTH_USER_MODEL,
        verbose_name="owner",
    )


def fill_owners(apps, schema_editor) -> None:
    Prospect = apps.get_model("prospects", "Prospect")
    owner = Prospect.objects.filter(pk=OuterRef("prospect_id")).values("owner_id")[:1]
    for name in RECORDS:
        apps.get_model("prospects", name).objects.update(owner_id=Subquery(owner))


class Migration(migrations.Migration):
    dependencies = [
        ("prospects", "0013_list_order_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        *(
            migrations.AddField(model_name=name, name="owner", field=_owner_field(null=True))
            for name in RECORDS
        ),
        migrations.RunPython(fill_owners, migrations.RunPython.noop),
    ]
