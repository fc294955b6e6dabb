"""The prospects app's background work (the Tasks API: run by `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from prospects import exporting, importing
from prospects.models import ProspectExport


@task()
def write_prospect_export(export_id: int) -> None:
    export = ProspectExport.objects.select_related("requested_by").filter(pk=export_id).first()
    if export is not None:  # None: withdrawn before its turn (a handover)
        exporting.write_export(export)


@task()
def import_prospects(batch_id: int, confirmation: str) -> None:
    importing.import_queued(batch_id, confirmation)
