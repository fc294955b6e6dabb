"""`python -m bench [--quick]` (make bench): every benchmark, one table, bench/results*.md.

- bench.pages: the pages at bank scale served by gunicorn, beside the Django admin
  and bare Django (its own throwaway PostgreSQL database, $BENCH_POSTGRES_DB);
- bench.playbook_search: search at 10,000 entries on SQLite and PostgreSQL;
- bench.prospect_import: the 10,000-row CSV and .xlsx import;
- bench.prospect_export: the 100,000-row CSV and .xlsx export, time and memory;
- bench.complaint_reminders: the morning reminder sweep over 100,000 open cases on
  SQLite and PostgreSQL (its own throwaway PostgreSQL database).

`--quick` is a tenth of the size and takes a few minutes, for CI: its targets are
reported, never asserted (a shared CI machine is noisy), and it writes
bench/results-quick.md. The full run writes bench/results.md and exits 1 when a
benchmark fails to run; missed targets are listed in the file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench._throwaway import ROOT, migrated_templates


def _run(label: str, args: list[str], env: dict[str, str] | None = None) -> tuple[int, str, float]:
    print(f"== {label}", flush=True)
    started = time.monotonic()
    process = subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    elapsed = time.monotonic() - started
    print(process.stdout, flush=True)
    print(f"== {label}: {elapsed:.0f} s", flush=True)
    return process.returncode, process.stdout, elapsed


def _machine() -> list[str]:
    def out(*command: str) -> str:
        try:
            return subprocess.run(
                command, capture_output=True, text=True, check=True
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return "unknown"

    import django
    import gunicorn

    cpu = "unknown"
    for line in (
        Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []
    ):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",) * 3
    return [
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}; "
        f"load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} "
        "(the development machine is shared: other engineers' tests ran at the same time)",
        f"- versions: Python {platform.python_version()}, Django {django.get_version()}, "
        f"gunicorn {gunicorn.__version__}, "
        f"{out('psql', '-h', '127.0.0.1', '-U', 'postgres', '-tAc', 'SHOW server_version')} (PostgreSQL), "
        f"{_wrk_version()}",
        f"- commit: {out('git', '-C', str(ROOT), 'rev-parse', '--short', 'HEAD')}",
    ]


def _wrk_version() -> str:
    try:
        # wrk prints its version with the usage text and exits 1.
        done = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    except OSError:
        return "wrk not installed (Python load generator)"
    return (done.stdout or done.stderr).splitlines()[0].split(" [")[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the size, for CI")
    parser.add_argument(
        "--pages-only", action="store_true", help="only bench.pages (search and import not run)"
    )
    args = parser.parse_args()
    # Every benchmark below copies these two migrated databases instead of migrating its own.
    template = os.environ.get("BENCH_POSTGRES_DB", "wb_bench") + "_template"
    with migrated_templates(template):
        return _run_all(args)


def _run_all(args: argparse.Namespace) -> int:
    quick = ["--quick"] if args.quick else []
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "pages.json"
        code, _log, pages_seconds = _run("bench.pages", ["bench.pages", *quick, f"--json={out}"])
        failed |= code != 0
        pages = json.loads(out.read_text(encoding="utf-8")) if out.exists() else None
    search_args = ["--entries=1000", "--queries=100"] if args.quick else []
    code, search_log, _ = _run("bench.playbook_search", ["bench.playbook_search", *search_args])
    search_failed_target = code == 1 and "OVER TARGET" in search_log
    failed |= code != 0 and not search_failed_target
    import_env = dict(os.environ)
    import_env.pop("DATABASE_URL", None)
    import_args = ["--rows=1000"] if args.quick else []
    code, import_log, _ = _run(
        "bench.prospect_import (SQLite)", ["bench.prospect_import", *import_args], import_env
    )
    failed |= code != 0 and "MISSED" not in import_log
    export_args = ["--rows=10000"] if args.quick else []
    code, export_log, _ = _run(
        "bench.prospect_export (SQLite)", ["bench.prospect_export", *export_args], import_env
    )
    failed |= code != 0 and "MISSED" not in export_log
    reminder_args = ["--cases=10000"] if args.quick else []
    code, reminder_log, _ = _run(
        "bench.complaint_reminders", ["bench.complaint_reminders", *reminder_args]
    )
    failed |= code != 0 and ("MISSED" not in reminder_log or "FAILED" in reminder_log)

    size = (
        "quick (a tenth: 20 managers, 10,000 prospects, 1,000 entries, 10,000 open complaint cases)"
        if args.quick
        else (
            "full (200 managers, 100,000 prospects, ~500,000 visits, 10,000 entries, "
            "100,000 open complaint cases)"
        )
    )
    lines = [
        f"# Benchmark results — {size}",
        "",
        "Written by `python -m bench"
        + (" --quick" if args.quick else "")
        + "`; see bench/__main__.py.",
        "",
        *_machine(),
        "",
        "## Pages (gunicorn, 2 workers, PostgreSQL)",
        "",
    ]
    if pages:
        lines += [
            f"Seeded in {pages['seed_seconds']:.0f} s; latency over {pages['rounds']} interleaved "
            f"sequential rounds; requests/s with {pages['loader']} for {pages['seconds']} s per "
            f'side ({pages_seconds:.0f} s in all). A reference of "manager\'s home" compares '
            "the supervisor's home with a manager's; \"bare Django\" is the same hello view "
            "without middleware.",
            "",
            pages["table"],
            "",
            "### Targets",
            "",
            *[f"- {line}" for line in pages["verdicts"]],
            *[f"- {line}" for line in pages["notes"]],
        ]
    else:
        lines.append("bench.pages failed; see its output.")
    lines += [
        "",
        "## Playbook search"
        + (" (1,000 entries, 100 queries)" if args.quick else " (10,000 entries, 400 queries)"),
        "",
        "```",
        search_log.strip(),
        "```",
        "",
        "## Prospect import (SQLite)" + (" (1,000 rows)" if args.quick else " (10,000 rows)"),
        "",
        "```",
        import_log.strip(),
        "```",
        "",
        "## Prospect export (SQLite)" + (" (10,000 rows)" if args.quick else " (100,000 rows)"),
        "",
        "```",
        export_log.strip(),
        "```",
        "",
        "## Complaint reminder sweep (SQLite and PostgreSQL)"
        + (" (10,000 open cases)" if args.quick else " (100,000 open cases)"),
        "",
        "```",
        reminder_log.strip(),
        "```",
        "",
    ]
    target = ROOT / "bench" / ("results-quick.md" if args.quick else "results.md")
    target.write_text("\n".join(lines), encoding="utf-8")
    print(f"Wrote {target.relative_to(ROOT)}")
    if args.quick:
        return 1 if pages is None else 0
    return 1 if failed else 0


sys.exit(main())
