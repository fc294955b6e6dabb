"""python manage.py database_fingerprint — per table, row count and checksum (JSON), to prove
a restored database identical to its source."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from accounts.backup import fingerprint


class Command(BaseCommand):
    help = "Print each table's row count and a checksum of its rows, as JSON."

    def handle(self, *args, **options) -> None:
        self.stdout.write(json.dumps(fingerprint(), indent=1, sort_keys=True))
