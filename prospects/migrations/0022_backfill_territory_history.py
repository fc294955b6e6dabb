"""Give every prospect its territory (or none) since it entered, so history stays as it was.

Until now a month's penetration counted the prospects in the territory today. A
prospect's past moves were not recorded, so today's territory is taken as where it
has been since its first recorded stage change (or its creation, if earlier): for a
prospect that never moved that is exactly what it was, and the history of every
territory reads the same before and after this migration. A prospect in no territory
gets its entry too, so a territory given to it later does not count it from the start.
"""

from django.db import migrations
from django.db.models import Min


def backfill(apps, schema_editor):
    Prospect = apps.get_model("prospects", "Prospect")
    Change = apps.get_model("prospects", "ProspectTerritoryChange")
    rows = Prospect.objects.annotate(first_stage_on=Min("stage_changes__changed_on")).values_list(
        "pk", "territory_id", "created_at", "first_stage_on"
    )
    Change.objects.bulk_create(
        (
            Change(
                prospect_id=pk,
                territory_id=territory_id,
                changed_on=min(filter(None, (created_at.date(), first_stage_on))),
            )
            for pk, territory_id, created_at, first_stage_on in rows.iterator()
        ),
        batch_size=1000,
    )


def forget(apps, schema_editor):
    apps.get_model("prospects", "ProspectTerritoryChange").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("prospects", "0021_territory_history")]

    operations = [migrations.RunPython(backfill, forget)]
