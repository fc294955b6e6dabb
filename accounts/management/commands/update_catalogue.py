"""Developer tool: refresh the zh-Hans catalogue, apply translations, compile it.

    python manage.py update_catalogue [--translations FILE.json]

FILE.json maps English source strings to Simplified Chinese. The compiled .mo
is written with polib (no gettext tools needed to run the app); extracting
strings needs xgettext. Several developers may run it at once: a file lock
serialises them.
"""

from __future__ import annotations

import fcntl
import json
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

IGNORE = [".venv/*", "staticfiles/*", "bench/*", "test-results/*", "media/*"]


class Command(BaseCommand):
    help = "Extract strings, merge zh-Hans translations from a JSON file, compile the catalogue."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--translations", type=Path, help="JSON object: English → Chinese")

    def handle(self, *args, translations: Path | None, **options) -> None:
        try:
            import polib
        except ImportError:
            raise CommandError("polib is a development dependency: make install-dev") from None
        locale_dir = Path(settings.LOCALE_PATHS[0])
        pairs: dict[str, str] = json.loads(translations.read_text("utf-8")) if translations else {}
        with open(locale_dir / ".catalogue.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            call_command(
                "makemessages",
                locale=["zh_Hans"],
                no_obsolete=True,
                ignore_patterns=IGNORE,
                verbosity=0,
            )
            po_path = locale_dir / "zh_Hans" / "LC_MESSAGES" / "django.po"
            catalogue = polib.pofile(str(po_path), wrapwidth=0)
            for entry in catalogue:
                if entry.msgid in pairs:
                    if entry.msgid_plural:
                        entry.msgstr_plural = {0: pairs[entry.msgid]}
                    else:
                        entry.msgstr = pairs[entry.msgid]
                # A guess msgmerge made stays fuzzy (untranslated) until a translation is supplied.
                if entry.msgid in pairs and "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
                    entry.previous_msgid = None
                    entry.previous_msgid_plural = None
            catalogue.metadata["Language"] = "zh_Hans"
            catalogue.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
            catalogue.save(str(po_path))
            catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
        missing = [
            e.msgid
            for e in catalogue
            if not e.obsolete
            and (not (e.msgstr or any(e.msgstr_plural.values())) or "fuzzy" in e.flags)
        ]
        self.stdout.write(f"{len(catalogue)} strings, {len(missing)} untranslated.")
        for msgid in missing:
            self.stdout.write(f"  {json.dumps(msgid, ensure_ascii=False)}")
