"""python manage.py backup PATH — a consistent copy of the database (see accounts/backup.py)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from accounts.backup import backup


class Command(BaseCommand):
    help = "Back the database up to PATH (pg_dump custom format, or SQLite's backup API)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options) -> None:
        backup(path)
        self.stdout.write(f"Backed up to {path} ({path.stat().st_size:,} bytes).")
