"""The morning reminder sweep over 100,000 open cases: time and SQL statement count.

    .venv/bin/python -m bench.complaint_reminders                      # SQLite and PostgreSQL
    .venv/bin/python -m bench.complaint_reminders --backend sqlite --cases 20000

Target: the first run of the day under 2 s at 100,000 cases, on each backend (checked
only at that size; a smaller run reports). It prints each backend's time, its SQL
statements and their seconds, and the costliest statements.

Each backend runs in its own process against a throwaway database (a temp SQLite
file; PostgreSQL database `wb_bench_reminders`, or $BENCH_POSTGRES_DB, dropped and
recreated). Cases are written with bulk_create, spread over 0–6 days of silence so
every state occurs; 20 teams of 10 managers. Emails go to Django's in-memory backend,
so the figure is the sweep's own work (selecting, inserting, composing), not a mail
server's. The second run of the same day must insert and send nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench._throwaway import child_env, pg_admin, pg_recreate, sqlite_create

ROOT = Path(__file__).resolve().parent.parent
PG_DATABASE = os.environ.get("BENCH_POSTGRES_DB", "wb_bench_reminders")
FULL_CASES = 100_000
TARGET_SECONDS = 2.0
TEAMS = 20
TEAM_SIZE = 10


def run_backend(backend: str, cases: int) -> dict:
    import django

    django.setup()
    from django.core import mail
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import Branch, Role, User
    from complaints import rules
    from complaints.models import Case, Channel, Reminder, Status
    from complaints.reminders import sweep

    call_command("migrate", verbosity=0)
    branch = Branch.objects.create(code="B1", name="基准支行")
    managers = []
    for team in range(TEAMS):
        supervisor = User.objects.create(
            username=f"sup{team}", role=Role.SUPERVISOR, branch=branch, email=f"sup{team}@b.example"
        )
        managers += [
            User.objects.create(
                username=f"m{team}_{i}",
                role=Role.CLIENT_MANAGER,
                branch=branch,
                supervisor=supervisor,
                email=f"m{team}_{i}@b.example",
            )
            for i in range(TEAM_SIZE)
        ]
    rng = random.Random(20261129)
    now = timezone.now()
    rows = []
    for index in range(cases):
        handler = managers[index % len(managers)]
        received = now - timedelta(days=rng.randint(0, 40), hours=rng.randint(0, 23))
        last = max(received, now - timedelta(days=rng.randint(0, 6), hours=rng.randint(0, 23)))
        rows.append(
            Case(
                handler=handler,
                created_by=handler,
                client_name=f"客户{index}",
                channel=Channel.PHONE,
                points="投诉要点",
                received_at=received,
                last_contact_at=last,
                decide_by=rules.resolution_deadline(received, 0),
                status=Status.RESPOND,
            )
        )
    started = time.perf_counter()
    Case.objects.bulk_create(rows, batch_size=5000)
    build_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if backend == "postgresql" else "ANALYZE")

    def timed_sweep():
        mail.outbox = []
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            report = sweep(now)
            seconds = time.perf_counter() - t0
        statements = [
            (float(query["time"]), " ".join(query["sql"].split())[:50])
            for query in queries.captured_queries
        ]
        return report, seconds, statements

    first, first_seconds, first_statements = timed_sweep()
    emails = len(mail.outbox)
    second, second_seconds, second_statements = timed_sweep()
    return {
        "backend": backend,
        "cases": cases,
        "needing_reminder": Case.objects.needing_reminder(now).count(),
        "build_seconds": round(build_seconds, 1),
        "reminders": first.created,
        "emails": emails,
        "first_seconds": round(first_seconds, 2),
        "first_queries": len(first_statements),
        "first_sql_seconds": round(sum(seconds for seconds, _sql in first_statements), 2),
        # The costly statements of the first run, slowest first.
        "first_slowest": sorted(first_statements, reverse=True)[:3],
        "second_new": second.created,
        "second_seconds": round(second_seconds, 2),
        "second_queries": len(second_statements),
        "rows_total": Reminder.objects.count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--cases", type=int, default=FULL_CASES)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_backend(args.backend, args.cases)))
        return
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    failed = False
    verdicts = []
    with tempfile.TemporaryDirectory() as tmpdir:
        for backend in backends:
            sqlite_path = f"{tmpdir}/bench_reminders.sqlite3"
            if backend == "postgresql":
                pg_recreate(PG_DATABASE)
            else:
                sqlite_create(sqlite_path)
            try:
                child = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "bench.complaint_reminders",
                        "--child",
                        f"--backend={backend}",
                        f"--cases={args.cases}",
                    ],
                    cwd=ROOT,
                    env=child_env(
                        backend,
                        sqlite_path=sqlite_path,
                        pg_database=PG_DATABASE,
                        DJANGO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
                    ),
                    capture_output=True,
                    text=True,
                )
            finally:
                if backend == "postgresql":
                    pg_admin(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
            if child.returncode != 0:
                print(f"{backend:<10} FAILED to run:\n{child.stderr[-3000:]}", flush=True)
                failed = True
                continue
            r = json.loads(child.stdout.strip().splitlines()[-1])
            print(
                f"{backend:<10} {r['cases']} open cases ({r['needing_reminder']} to remind): "
                f"{r['reminders']} reminders, {r['emails']} emails in {r['first_seconds']} s, "
                f"{r['first_queries']} SQL statements ({r['first_sql_seconds']} s in SQL); second run {r['second_new']} new in "
                f"{r['second_seconds']} s, {r['second_queries']} statements",
                flush=True,
            )
            for seconds, sql in r["first_slowest"]:
                print(f"{'':<10} {seconds:6.2f} s  {sql}…", flush=True)
            if r["second_new"]:
                print(f"{backend:<10} FAILED: the second run the same day inserted reminders")
                failed = True
            met = r["first_seconds"] < TARGET_SECONDS
            verdicts.append((backend, r["first_seconds"], met))
    target = f"target: the first run under {TARGET_SECONDS:g} s at {FULL_CASES:,} open cases"
    if args.cases != FULL_CASES:
        print(f"{target} — not checked at {args.cases:,} cases (report only)")
    elif verdicts:
        results = ", ".join(
            f"{backend} {seconds} s {'met' if met else 'MISSED'}"
            for backend, seconds, met in verdicts
        )
        print(f"{target} — {results}")
        failed |= not all(met for _backend, _seconds, met in verdicts)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
