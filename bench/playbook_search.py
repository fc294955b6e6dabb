"""Playbook search at 10,000 entries: median and 95th percentile of `search_entries`.

    .venv/bin/python -m bench.playbook_search                 # SQLite and PostgreSQL
    .venv/bin/python -m bench.playbook_search --backend sqlite
    .venv/bin/python -m bench.playbook_search --entries 2000 --queries 100

One query in five is a whole question as a trainee types it (question words
and all), ranked over an OR of its words. Each backend runs in its own process against a throwaway database (a temp
SQLite file; PostgreSQL database `wb_bench_search`, or $BENCH_POSTGRES_DB when
several people share the server, dropped and recreated), never the development
database. Entries are generated from the sample
handbook's vocabulary plus banking words, drawn with Zipf-like weights so
common words (客户) hit thousands of entries and rare ones a few, and are
written through the importer's bulk path. Target: median < 10 ms, p95 < 30 ms.
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
from pathlib import Path

from bench._throwaway import child_env, pg_admin, pg_recreate, sqlite_create
from playbook.volume import TextMaker, build_handbook

ROOT = Path(__file__).resolve().parent.parent
# A throwaway database, dropped and recreated: name one that is yours alone.
PG_DATABASE = os.environ.get("BENCH_POSTGRES_DB", "wb_bench_search")
TARGET_MEDIAN_MS = 10.0
TARGET_P95_MS = 30.0


def build_queries(maker: TextMaker, rng: random.Random, count: int) -> list[str]:
    two_char = [w for w in maker.words if len(w) == 2]
    longer = [w for w in maker.words if len(w) > 2]
    queries: list[str] = []
    for i in range(count):
        kind = i % 5
        if kind == 4:  # a whole question, as trainees ask (客户…怎么办？)
            queries.append(maker.question())
        elif kind == 0:  # a common or rare two-character word
            queries.append(rng.choices(two_char, [1 / (r + 5) for r in range(len(two_char))])[0])
        elif kind == 1:  # a uniformly chosen two-character word (mostly rare)
            queries.append(rng.choice(two_char))
        elif kind == 2:  # a longer word
            queries.append(rng.choice(longer))
        else:  # two or three words, as someone types a phrase
            queries.append(" ".join(rng.sample(maker.words[:200], rng.randint(2, 3))))
    return queries


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def run_backend(backend: str, entries: int, query_count: int) -> dict:
    """In a child process whose DATABASE_URL names the throwaway database."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from playbook.importer import import_handbook
    from playbook.models import Entry, Section
    from playbook.search import search_entries

    call_command("migrate", verbosity=0)
    rng = random.Random(20260101)
    handbook, maker = build_handbook(entries, rng)
    started = time.perf_counter()
    result = import_handbook(handbook)
    import_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        # The shared PostgreSQL runs without autovacuum: vacuum the bulk insert's
        # tables or the measurement includes their bloat.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    assert Entry.objects.count() == entries, Entry.objects.count()

    queries = build_queries(maker, rng, query_count)
    section_ids = list(Section.objects.values_list("pk", flat=True))
    # One query in ten narrowed to a section, as with the section filter.
    sections = [rng.choice(section_ids) if i % 10 == 9 else None for i in range(len(queries))]
    for query in queries[:20]:  # warm caches and the segmenter
        search_entries(query)
    timings: list[float] = []
    hits: list[int] = []
    for query, section in zip(queries, sections, strict=True):
        t0 = time.perf_counter()
        results = search_entries(query, section=section)
        timings.append((time.perf_counter() - t0) * 1000)
        hits.append(len(results.hits))
    slowest = sorted(zip(timings, queries, strict=True), reverse=True)[:5]
    return {
        "backend": backend,
        "entries": entries,
        "created": result.counts["created"],
        "import_seconds": round(import_seconds, 1),
        "queries": len(queries),
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(percentile(timings, 95), 2),
        "max_ms": round(max(timings), 2),
        "queries_with_hits": sum(1 for h in hits if h),
        "slowest": [(round(t, 1), q) for t, q in slowest],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        print(json.dumps(run_backend(args.backend, args.entries, args.queries)))
        return

    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    failed = False
    with tempfile.TemporaryDirectory() as tmpdir:
        for backend in backends:
            sqlite_path = f"{tmpdir}/bench_search.sqlite3"
            if backend == "postgresql":
                pg_recreate(PG_DATABASE)
            else:
                sqlite_create(sqlite_path)
            try:
                out = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "bench.playbook_search",
                        "--child",
                        f"--backend={backend}",
                        f"--entries={args.entries}",
                        f"--queries={args.queries}",
                    ],
                    cwd=ROOT,
                    env=child_env(
                        backend,
                        sqlite_path=sqlite_path,
                        pg_database=PG_DATABASE,
                    ),
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
            finally:
                if backend == "postgresql":
                    pg_admin(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
            report = json.loads(out.strip().splitlines()[-1])
            ok = report["median_ms"] < TARGET_MEDIAN_MS and report["p95_ms"] < TARGET_P95_MS
            failed |= not ok
            print(
                f"{backend:<10} {report['entries']} entries (import {report['import_seconds']} s), "
                f"{report['queries']} queries ({report['queries_with_hits']} with hits): "
                f"median {report['median_ms']} ms, p95 {report['p95_ms']} ms, "
                f"max {report['max_ms']} ms  [{'ok' if ok else 'OVER TARGET'}]"
            )
            print(f"           slowest: {report['slowest']}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
