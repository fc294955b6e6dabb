"""The prospects app's background work (the Tasks API: run by `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from prospects import exporting, importing
from prospects.models import ProspectExport


@task()
def write_prospect_export(export_id: int) -> None:
    exporting.write_export(ProspectExport.objects.select_related("requested_by").get(pk=export_id))


@task()
def import_prospects(batch_id: int) -> None:
    importing.import_queued(batch_id)
