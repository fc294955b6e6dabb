"""`manage.py seed_volume [--quick] [--scale S]`: a branch network at bank scale, for benchmarks.

Each installed app contributes its own data through a module `<app>/volume.py`
that defines

    generate(scale: float, progress: Progress) -> None

called in INSTALLED_APPS order (accounts first, so the people exist when the
other apps look them up by role). At scale 1 the apps build 200 client
managers in 20 teams, 100,000 prospects with 500,000 visits (prospects), and
10,000 handbook entries (playbook); `--quick` is a tenth. A generator writes
with `bulk_create` in batches (no per-row save, no signals) and reports its
progress with `progress(label, done, total)`.

Apps still to come plug in the same way, without touching this command:
investigations/volume.py builds 20,000 investigations with their checklists,
complaints/volume.py 50,000 complaints with 300,000 feedback contacts (both at
scale 1; multiply every count by `scale`). Use
`accounts.volume.people_by_role()` to find the people and `batches()` to
write in chunks, and keep the data realistic (Chinese names, dates spread over
the past years) — the benchmark measures what a branch sees.

The people sign in with `VOLUME_PASSWORD`. The command refuses a database that
already holds people other than the ones it creates: it is meant for a
throwaway benchmark database, never the development or production one. On
PostgreSQL it ends with VACUUM ANALYZE (the shared server runs without
autovacuum; fresh tables without statistics would be measured, not the app).
"""

from __future__ import annotations

import sys
import time
from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.module_loading import module_has_submodule

from accounts.volume import VOLUME_PASSWORD

VOLUME_MODULE = "volume"


def volume_modules() -> list:
    return [
        import_module(f"{config.name}.{VOLUME_MODULE}")
        for config in apps.get_app_configs()
        if module_has_submodule(config.module, VOLUME_MODULE)
    ]


class ProgressBar:
    """`label [#####.....]  50%  5,000/10,000` on one line, redrawn at most 10 times a second."""

    WIDTH = 30

    def __init__(self, stream, *, interactive: bool) -> None:
        self.stream = stream
        self.interactive = interactive
        self.label = ""
        self.started = time.monotonic()
        self.last_drawn = 0.0
        self.last_decile = -1

    def __call__(self, label: str, done: int, total: int) -> None:
        now = time.monotonic()
        if label != self.label:
            self.label, self.started, self.last_decile = label, now, -1
        finished = done >= total
        fraction = done / total if total else 1.0
        if self.interactive:
            if not finished and now - self.last_drawn < 0.1:
                return
            filled = int(self.WIDTH * fraction)
            bar = "#" * filled + "." * (self.WIDTH - filled)
            line = f"\r{label:<28} [{bar}] {fraction:4.0%} {done:>9,}/{total:,}"
            self.stream.write(line + (f"  {now - self.started:.1f} s\n" if finished else ""))
            self.stream.flush()
            self.last_drawn = now
        else:
            decile = int(fraction * 10)
            if decile != self.last_decile:
                self.last_decile = decile
                self.stream.write(f"{label}: {done:,}/{total:,} ({now - self.started:.1f} s)\n")
                self.stream.flush()


class Command(BaseCommand):
    help = "Fill an empty benchmark database with bank-scale data from each app's volume.py."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--quick", action="store_true", help="a tenth of the full size")
        parser.add_argument("--scale", type=float, default=None, help="1.0 is bank scale")

    def handle(self, *args, quick: bool, scale: float | None, **options) -> None:
        from accounts.models import User

        if scale is None:
            scale = 0.1 if quick else 1.0
        if scale <= 0:
            raise CommandError("--scale must be positive.")
        if User.objects.exists():
            raise CommandError(
                "seed_volume fills an empty, throwaway database; this one already has people."
            )
        progress = ProgressBar(self.stdout, interactive=sys.stdout.isatty())
        started = time.monotonic()
        for module in volume_modules():
            with transaction.atomic():
                module.generate(scale, progress)
        # VACUUM cannot run inside a transaction (a caller's, e.g. a test's): ANALYZE then.
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        self.stdout.write("VACUUM ANALYZE …" if vacuum else "ANALYZE …")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"Volume data at scale {scale:g} ready in {time.monotonic() - started:.0f} s; "
                f"everyone's password is {VOLUME_PASSWORD}."
            )
        )
