"""Benchmark: export 100,000 prospects as CSV and as .xlsx through the list's export link.

    python -m bench.prospect_export [--rows 100000]

A manager who owns every row asks for the file; the response is read in chunks, as a
server sends it. Time is measured on its own; memory is Python's peak allocation
(tracemalloc) while the file is made and sent, in a second pass, so it is what the worker
grows by. Runs on a throwaway database, as bench.prospect_import does (the development
database is never touched). Target (issue 13): 100,000 rows with the worker's memory
growing by less than 20 MB.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import tracemalloc
from pathlib import Path

from bench._throwaway import test_database
from bench.prospect_import import _setup_django, merchant_rows

TARGET_MB = 20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        _setup_django(os.environ.get("DATABASE_URL"), Path(tmp) / "bench.sqlite3")
        with test_database(Path(tmp)) as vendor:
            return _run(args.rows, vendor)


def _seed(count: int):
    from accounts.models import Branch, Role, User
    from prospects.models import Prospect, Source, Stage

    branch = Branch.objects.create(code="9001", name="基准支行")
    owner = User.objects.create_user("exporter", role=Role.CLIENT_MANAGER, branch=branch)
    stages = list(Stage.values)
    Prospect.objects.bulk_create(
        (
            Prospect(
                name=row[0],
                contact_name=row[1],
                contact_role=row[2],
                phone=row[3],
                address=row[4],
                source=Source.SHOP_CLUSTER,
                stage=stages[index % len(stages)],
                owner=owner,
                branch=branch,
                next_action="回访了解资金需求",
            )
            for index, row in enumerate(merchant_rows(count))
        ),
        batch_size=5_000,
    )
    return owner


def _send(client, url: str) -> int:
    """Read the response as a server sends it, chunk by chunk; the bytes sent."""
    response = client.get(url, secure=True)  # production settings redirect to https
    assert response.status_code == 200, response.status_code
    sent = sum(len(chunk) for chunk in response.streaming_content)
    response.close()
    return sent


def _export(client, url: str) -> tuple[int, str]:
    """Ask for the file as the list's link does; a file written in the background is made
    by the real worker (`db_worker`, in this process) and then downloaded."""
    from django.core.management import call_command
    from django.urls import reverse

    from prospects.models import ExportStatus, ProspectExport

    response = client.get(url, secure=True)
    if response.status_code != 302:
        assert response.status_code == 200, response.status_code
        sent = sum(len(chunk) for chunk in response.streaming_content)
        response.close()
        return sent, "sent at once"
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    export = ProspectExport.objects.latest("created_at")
    assert export.status == ExportStatus.READY, export.status
    return _send(client, reverse("prospects:export_download", args=[export.pk])), (
        "written in the background, then downloaded"
    )


def _run(count: int, vendor: str) -> int:
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    started = time.perf_counter()
    owner = _seed(count)
    print(f"{vendor}: {count:,} prospects seeded in {time.perf_counter() - started:.1f} s")
    client = Client()
    client.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    worst = 0.0
    for file_format in ("csv", "xlsx"):
        url = reverse("prospects:export", args=[file_format])
        started = time.perf_counter()
        size, how = _export(client, url)
        seconds = time.perf_counter() - started
        tracemalloc.start()
        _export(client, url)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        peak_mb = peak / 2**20
        worst = max(worst, peak_mb)
        print(
            f"{vendor} {file_format}: {count:,} rows {how}, {size / 2**20:.1f} MB in "
            f"{seconds:.2f} s; memory grew by at most {peak_mb:.1f} MB"
        )
    print(
        f"(an .xlsx of more than {settings.PROSPECT_EXPORT_BACKGROUND_ROWS:,} rows is written "
        "by the background worker; the memory is that worker's and the web worker's together)"
    )
    met = worst < TARGET_MB
    print(f"target: memory growing by less than {TARGET_MB} MB — {'met' if met else 'MISSED'}")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
