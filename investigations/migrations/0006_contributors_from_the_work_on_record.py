"""Who worked on the existing investigations, as the records tell it: who started or
submitted one (its events) and who did a checklist item. Edits made before contributors
were recorded left no trace on the investigation itself, so they cannot be counted."""

from django.db import migrations


def backfill(apps, schema_editor):
    Contributor = apps.get_model("investigations", "Contributor")
    InvestigationEvent = apps.get_model("investigations", "InvestigationEvent")
    ChecklistItem = apps.get_model("investigations", "ChecklistItem")
    pairs = set(
        InvestigationEvent.objects.filter(action__in=["create", "submit"]).values_list(
            "investigation_id", "by_id"
        )
    )
    pairs |= set(
        ChecklistItem.objects.filter(done_by__isnull=False).values_list(
            "investigation_id", "done_by_id"
        )
    )
    Contributor.objects.bulk_create(
        [Contributor(investigation_id=i, person_id=p) for i, p in sorted(pairs)],
        batch_size=2000,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("investigations", "0005_contributors")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
