from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from playbook.importer import HandbookFormatError, import_text


class Command(BaseCommand):
    help = "Import the handbook's plain text (UTF-8 or GB18030): create, update, keep."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; write nothing."
        )

    @no_translations  # the report in one language, as the rest of the command's output
    def handle(self, *args, path: Path, dry_run: bool, **options) -> None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from None
        try:
            result = import_text(data, dry_run=dry_run)
        except HandbookFormatError as exc:
            raise CommandError(f"{path}: {exc}") from None
        counts = result.counts
        prefix = "Dry run, nothing written: " if dry_run else ""
        moved = f", {len(result.renumbered)} moved" if result.renumbered else ""
        self.stdout.write(
            f"{prefix}{counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged{moved}."
        )
        for change in result.matching:
            self.stdout.write(str(change))
        if result.missing:
            self.stdout.write(
                "Not in the file, kept: "
                + ", ".join(f"{entry.part.name} {entry.number}" for entry in result.missing)
            )
        if result.removed:
            self.stdout.write("Removed, no longer in the file: " + ", ".join(result.removed))
        for moved in result.moved:
            self.stdout.write(
                f"{moved.part} {moved.number}: was inside the answer of {moved.from_number}, "
                "now an entry of its own."
            )
        for line in result.unplaced:
            # Never run into an answer unseen: the administrator fixes the file.
            self.stdout.write(f"{line} (left out)")
        for note in result.notes:
            self.stdout.write(f"To check: {note}")
        if dry_run:
            for entry in result.entries:
                self.stdout.write(
                    f"  {entry.part} {entry.number} [{entry.status}] {entry.question} | "
                    f"{entry.answer}"
                )
