"""python manage.py prune_exports — daily (cron): exports past PROSPECT_EXPORT_KEEP_DAYS go,
with their files, whoever asked for them (they hold clients' data)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from prospects.models import ProspectExport
from prospects.services import exports_prune


class Command(BaseCommand):
    help = "Delete prospect exports older than PROSPECT_EXPORT_KEEP_DAYS, with their files."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            deleted = exports_prune(ProspectExport.objects.all(), timezone.now())
        days = settings.PROSPECT_EXPORT_KEEP_DAYS
        self.stdout.write(f"{deleted} export(s) older than {days} days deleted.")
