"""python manage.py restore PATH — replace the database's contents with a backup."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.backup import restore


class Command(BaseCommand):
    help = "Restore the database from a backup made by `manage.py backup` (replaces its contents)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options) -> None:
        if not path.exists():
            raise CommandError(f"No backup at {path}.")
        restore(path)
        self.stdout.write(f"Restored from {path}.")
