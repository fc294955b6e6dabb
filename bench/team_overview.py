"""The team overview on a large team: median time of `team_overview` and of the page.

    .venv/bin/python -m bench.team_overview                   # SQLite and PostgreSQL
    .venv/bin/python -m bench.team_overview --backend sqlite --managers 40 --prospects 300

A supervisor with `--managers` people, each owning `--prospects` prospects with their
stage history, visits (real contacts and turned away), promises and hospitality, in a
throwaway database (a temp SQLite file; PostgreSQL database $BENCH_POSTGRES_DB, default
`wb_bench_overview`, dropped and recreated). Target: the page under 500 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal

from bench._throwaway import child_env, pg_admin, pg_recreate

PG_DATABASE = os.environ.get("BENCH_POSTGRES_DB", "wb_bench_overview")
TARGET_PAGE_MS = 500.0
RUNS = 15


def build(managers: int, per_manager: int, rng: random.Random):
    from django.utils import timezone

    from accounts.models import Branch, Role, User
    from prospects.models import (
        HospitalityEntry,
        Promise,
        Prospect,
        ProspectStageChange,
        Source,
        Stage,
        Visit,
    )

    today = timezone.localdate()
    branch = Branch.objects.create(code="9001", name="基准支行")
    supervisor = User.objects.create(username="boss", role=Role.SUPERVISOR, branch=branch)
    team = User.objects.bulk_create(
        [
            User(
                username=f"m{number}",
                role=Role.TRAINEE if number % 10 == 0 else Role.CLIENT_MANAGER,
                branch=branch,
                supervisor=supervisor,
            )
            for number in range(managers)
        ]
    )
    prospects = [
        Prospect(
            name=f"商户{member.pk}-{number}",
            name_key=f"商户{member.pk}{number}",
            owner=member,
            branch=branch,
            source=rng.choice(Source.values),
            stage=rng.choice(Stage.values),
            closed_reason="他行",
            next_action_date=today + timedelta(days=rng.randint(-20, 20)),
            credit_requested=Decimal(rng.randint(1, 9) * 100000),
            credit_reasonable=Decimal(rng.randint(1, 9) * 100000),
        )
        for member in team
        for number in range(per_manager)
    ]
    Prospect.objects.bulk_create(prospects, batch_size=1000)
    ProspectStageChange.objects.bulk_create(
        [
            ProspectStageChange(
                prospect=prospect,
                to_stage=prospect.stage,
                changed_on=today - timedelta(days=rng.randint(0, 400)),
            )
            for prospect in prospects
        ],
        batch_size=1000,
    )
    outcomes = ["met_decision_maker", "met_staff", "turned_away", "no_answer", ""]
    Visit.objects.bulk_create(
        [
            Visit(
                prospect=prospect,
                visited_on=today - timedelta(days=rng.randint(-10, 60)),
                outcome=rng.choice(outcomes),
                recorded_by_id=prospect.owner_id,
                owner_id=prospect.owner_id,
            )
            for prospect in prospects
            for _ in range(3)
        ],
        batch_size=1000,
    )
    Promise.objects.bulk_create(
        [
            Promise(
                prospect=prospect,
                description="答复额度",
                made_on=today - timedelta(days=10),
                due_on=today + timedelta(days=rng.randint(-10, 10)),
                recorded_by_id=prospect.owner_id,
                owner_id=prospect.owner_id,
            )
            for prospect in prospects[::3]
        ],
        batch_size=1000,
    )
    HospitalityEntry.objects.bulk_create(
        [
            HospitalityEntry(
                prospect=prospect,
                occurred_on=today - timedelta(days=5),
                kind="meal",
                paid_by=rng.choice(["us", "client"]),
                value=Decimal(300),
                recorded_by_id=prospect.owner_id,
                owner_id=prospect.owner_id,
            )
            for prospect in prospects[::5]
        ],
        batch_size=1000,
    )
    return supervisor, len(prospects)


def run_backend(backend: str, managers: int, per_manager: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from prospects.supervision import team_overview

    call_command("migrate", verbosity=0)
    # Production settings serve hashed static names: the manifest must exist.
    call_command("collectstatic", interactive=False, verbosity=0)
    supervisor, prospect_count = build(managers, per_manager, random.Random(20260101))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    today = timezone.localdate()
    team_overview(supervisor, today=today)  # warm up
    function_ms = []
    for _ in range(RUNS):
        started = time.perf_counter()
        rows = team_overview(supervisor, today=today)
        function_ms.append((time.perf_counter() - started) * 1000)
    client = Client()
    client.force_login(supervisor, backend="django.contrib.auth.backends.ModelBackend")
    client.get("/prospects/team/", secure=True)
    page_ms = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get("/prospects/team/", secure=True)
        page_ms.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get("/prospects/team/", secure=True)
    return {
        "backend": backend,
        "members": len(rows),
        "prospects": prospect_count,
        "overview_median_ms": round(statistics.median(function_ms), 1),
        "page_median_ms": round(statistics.median(page_ms), 1),
        "page_max_ms": round(max(page_ms), 1),
        "page_queries": len(queries.captured_queries),
        "slowest_queries": sorted(
            ((float(q["time"]) * 1000, q["sql"][:90]) for q in queries.captured_queries),
            reverse=True,
        )[:4],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--managers", type=int, default=40)
    parser.add_argument("--prospects", type=int, default=250)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_backend(args.backend, args.managers, args.prospects)))
        return
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    failed = False
    with tempfile.TemporaryDirectory() as tmpdir:
        for backend in backends:
            if backend == "postgresql":
                pg_recreate(PG_DATABASE)
            env = child_env(
                backend,
                sqlite_path=f"{tmpdir}/bench_overview.sqlite3",
                pg_database=PG_DATABASE,
                DJANGO_ALLOWED_HOSTS="localhost,testserver",
            )
            try:
                out = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "bench.team_overview",
                        "--child",
                        "--backend",
                        backend,
                        "--managers",
                        str(args.managers),
                        "--prospects",
                        str(args.prospects),
                    ],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                )
            finally:
                if backend == "postgresql":
                    pg_admin(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
            result = json.loads(out.stdout.strip().splitlines()[-1])
            ok = result["page_median_ms"] < TARGET_PAGE_MS
            failed |= not ok
            print(json.dumps(result, ensure_ascii=False), "ok" if ok else "SLOW")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
