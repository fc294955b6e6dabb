"""The pages at bank scale, served as in production, side by side with the Django admin.

    .venv/bin/python -m bench.pages [--quick] [--keep]

1. Builds a throwaway PostgreSQL database ($BENCH_POSTGRES_DB, default `wb_bench`;
   dropped and recreated — never the development database) with
   `manage.py seed_volume` (bank scale; `--quick` a tenth).
2. Serves it with gunicorn on 127.0.0.1 (2 sync workers, DJANGO_DEBUG=0,
   settings `bench.settings`: the product plus reference admin changelists).
3. Signs in as a client manager, a supervisor and an administrator.
4. For each page: median and 95th percentile latency of sequential requests,
   ours and the reference interleaved request by request; then requests per
   second at 8 connections (wrk, one thread, so the app gets the CPU; a bounded
   Python generator on loopback when wrk is missing), ours and the reference
   alternately.
5. Prints one table and returns it (bench/__main__.py writes bench/results*.md).

The pages are looked up by URL name; the review queue and the complaint board are compared
with the admin changelists of the same rows (the team's submitted investigations and open
cases, from investigations/volume.py and complaints/volume.py).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from bench._throwaway import PG_SERVER, pg_admin, pg_recreate

ROOT = Path(__file__).resolve().parent.parent
PG_DATABASE = os.environ.get("BENCH_POSTGRES_DB", "wb_bench")
HOST = "127.0.0.1"
CONNECTIONS = 8
PASSWORD = "volume-pass-2026"  # accounts.volume.VOLUME_PASSWORD

# Targets (issue 13), reported beside the figures.
TARGET_LATENCY_RATIO = 0.4  # ours ÷ admin, median
TARGET_RPS_RATIO = 3.0  # ours ÷ admin, requests per second
TARGET_P95_MS = 50.0
TARGET_FLOOR_RATIO = 0.5  # full stack ÷ bare Django, requests per second
TARGET_SUPERVISOR_RATIO = 1.5  # supervisor's page ÷ manager's, median


@dataclass
class Page:
    label: str
    who: str  # manager, supervisor, admin, anonymous
    url: str
    ref_label: str = ""
    ref_who: str = ""
    ref_url: str = ""
    note: str = ""
    # Asked for as htmx asks (a panel a page loads after itself).
    htmx: bool = False
    ours: dict = field(default_factory=dict)
    ref: dict = field(default_factory=dict)


def _env(database: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"{PG_SERVER}/{database}",
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=env.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS=f"{HOST},localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_HSTS_SECONDS="0",
        PYTHONUNBUFFERED="1",
    )
    env["BENCH_SECRET_KEY"] = env["DJANGO_SECRET_KEY"]
    return env


def build_database(env: dict[str, str], quick: bool) -> float:
    pg_recreate(PG_DATABASE)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    started = time.monotonic()
    subprocess.run(
        [*manage, "seed_volume", *(["--quick"] if quick else [])], cwd=ROOT, env=env, check=True
    )
    return time.monotonic() - started


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def serve(env: dict[str, str], port: int) -> subprocess.Popen:
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    process = subprocess.Popen(
        [
            gunicorn,
            "bench.wsgi",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if request(port, "/healthz")[0] == 200:
                return process
        except OSError:
            pass
        time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not answer within 60 s")


def request(
    port: int,
    path: str,
    *,
    cookie: str = "",
    method: str = "GET",
    body: str = "",
    htmx: bool = False,
) -> tuple[int, dict[str, list[str]], bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    headers = {"Host": HOST}
    if cookie:
        headers["Cookie"] = cookie
    if htmx:
        headers["HX-Request"] = "true"
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = f"http://{HOST}:{port}{path}"
    try:
        conn.request(method, path, body=body or None, headers=headers)
        response = conn.getresponse()
        data = response.read()
        found: dict[str, list[str]] = {}
        for name, value in response.getheaders():
            found.setdefault(name.lower(), []).append(value)
        return response.status, found, data
    finally:
        conn.close()


def _cookies(headers: dict[str, list[str]]) -> dict[str, str]:
    return {
        value.split("=", 1)[0]: value.split("=", 1)[1].split(";", 1)[0]
        for value in headers.get("set-cookie", [])
    }


def sign_in(port: int, username: str) -> str:
    """A session cookie for `username`, through the real sign-in form."""
    status, headers, body = request(port, "/accounts/login/")
    cookies = _cookies(headers)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = urllib.parse.urlencode(
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    status, headers, _ = request(port, "/accounts/login/", cookie=cookie, method="POST", body=form)
    if status != 302:
        raise RuntimeError(f"signing in as {username} answered {status}")
    cookies.update(_cookies(headers))
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered)) - 1))]


def sides(page: Page) -> list[tuple[str, str, str, bool]]:
    """(side, who, url, htmx) of our page, then of its reference when it has one."""
    ours = ("ours", page.who, page.url, page.htmx)
    return [ours, ("ref", page.ref_who, page.ref_url, False)] if page.ref_url else [ours]


def latency(
    port: int, pages: list[Page], cookies: dict[str, str], rounds: int, warmups: int
) -> None:
    """Sequential requests, ours and the reference one after the other, round by round,
    after `warmups` unmeasured rounds (both workers' caches and connections)."""
    timings: dict[tuple[int, str], list[float]] = {}
    for _ in range(warmups):
        for page in pages:
            for _side, who, url, htmx in sides(page):
                request(port, url, cookie=cookies.get(who, ""), htmx=htmx)
    for _ in range(rounds):
        for index, page in enumerate(pages):
            for side, who, url, htmx in sides(page):
                started = time.perf_counter()
                status, _headers, _body = request(port, url, cookie=cookies.get(who, ""), htmx=htmx)
                elapsed = (time.perf_counter() - started) * 1000
                if status != 200:
                    raise RuntimeError(f"{url} as {who} answered {status}")
                timings.setdefault((index, side), []).append(elapsed)
    for index, page in enumerate(pages):
        for side in ("ours", "ref"):
            values = timings.get((index, side))
            if values:
                getattr(page, side).update(
                    median=statistics.median(values), p95=percentile(values, 95)
                )


def _wrk(port: int, url: str, cookie: str, seconds: int, htmx: bool) -> tuple[float, int]:
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    if htmx:
        command += ["-H", "HX-Request: true"]
    out = subprocess.run(
        [*command, f"http://{HOST}:{port}{url}"], capture_output=True, text=True, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rps, int(bad.group(1)) if bad else 0


def _python_load(port: int, url: str, cookie: str, seconds: int, htmx: bool) -> tuple[float, int]:
    """Fallback without wrk: CONNECTIONS threads on loopback, for `seconds`."""
    stop = time.monotonic() + seconds
    counts = [0] * CONNECTIONS
    errors = [0] * CONNECTIONS

    def worker(slot: int) -> None:
        while time.monotonic() < stop:
            status = request(port, url, cookie=cookie, htmx=htmx)[0]
            counts[slot] += 1
            errors[slot] += status != 200

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CONNECTIONS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - started), sum(errors)


def throughput(port: int, pages: list[Page], cookies: dict[str, str], seconds: int) -> str:
    load = _wrk if shutil.which("wrk") else _python_load
    for page in pages:
        for side, who, url, htmx in sides(page):
            rps, bad = load(port, url, cookies.get(who, ""), seconds, htmx)
            getattr(page, side).update(rps=rps, errors=bad)
    return "wrk -t1 -c8" if load is _wrk else "Python threads (wrk not installed)"


def plan(quick: bool) -> tuple[list[Page], list[str], dict[str, str]]:
    """The pages to measure, from the seeded database (URL names, not paths)."""
    import django

    django.setup()
    from django.urls import reverse

    from accounts.models import User
    from prospects.models import Prospect

    manager = User.objects.get(username="mgr0001")
    supervisor = manager.supervisor
    # The manager's first prospect: the seed gives it a long change history and 30 visits.
    prospect = Prospect.objects.filter(owner=manager).order_by("pk").first()
    team = f"owner__supervisor__id__exact={supervisor.pk}"
    own = f"owner__id__exact={manager.pk}"
    admin_prospects = "/bench-admin/prospects/prospect/"
    pages = [
        Page(
            "prospect list (manager, default order)",
            "manager",
            reverse("prospects:list"),
            "admin changelist, same rows",
            "admin",
            f"{admin_prospects}?{own}",
        ),
        Page(
            "prospect list, filter + sort + page 5 (manager)",
            "manager",
            reverse("prospects:list") + "?stage=lead&sort=name&page=5",
            "admin changelist, same filter",
            "admin",
            f"{admin_prospects}?{own}&stage__exact=lead&o=1&p=5",
        ),
        Page(
            "prospect list (supervisor, team)",
            "supervisor",
            reverse("prospects:list"),
            "admin changelist, the team's rows",
            "admin",
            f"{admin_prospects}?{team}",
        ),
        Page(
            "prospect page (60 changes, 30 visits)",
            "manager",
            reverse("prospects:detail", args=[prospect.pk]),
            "admin change form",
            "admin",
            f"{admin_prospects}{prospect.pk}/change/",
        ),
        Page(
            "agenda (manager's home)",
            "manager",
            reverse("home"),
            "admin visits changelist, same owner",
            "admin",
            f"/bench-admin/prospects/visit/?prospect__owner__id__exact={manager.pk}",
        ),
        Page(
            "supervisor's home",
            "supervisor",
            reverse("home"),
            "manager's home",
            "manager",
            reverse("home"),
        ),
        # What the supervisor's home loads after itself (Panel.loaded_after), each as
        # the home's htmx asks for it.
        Page(
            "… then its team's overdue panel (htmx)",
            "supervisor",
            reverse("prospects:team_attention"),
            htmx=True,
        ),
        Page(
            "… then its complaints panel (htmx)",
            "supervisor",
            reverse("complaints:board_panel"),
            htmx=True,
        ),
        Page("… then its own agenda (htmx)", "supervisor", reverse("own_agenda"), htmx=True),
        Page(
            "territory list (supervisor)",
            "supervisor",
            reverse("prospects:territory_list") + "?all=1",
            "admin territory changelist, same branch",
            "admin",
            f"/bench-admin/prospects/territory/?branch__id__exact={supervisor.branch_id}",
        ),
        Page(
            "referral ranking (supervisor)",
            "supervisor",
            reverse("prospects:referrals"),
        ),
        Page(
            "playbook search 客户",
            "manager",
            reverse("playbook:search") + "?q=" + urllib.parse.quote("客户"),
            "admin entry changelist ?q=客户",
            "admin",
            "/bench-admin/playbook/entry/?q=" + urllib.parse.quote("客户"),
        ),
    ]
    notes: list[str] = []
    pages += [
        Page(
            "review queue (supervisor)",
            "supervisor",
            reverse("investigations:queue"),
            "admin investigations changelist, the team's submitted",
            "admin",
            f"/bench-admin/investigations/investigation/?{team}&status__exact=submitted",
        ),
        Page(
            "complaint board (supervisor)",
            "supervisor",
            reverse("complaints:board"),
            "admin cases changelist, the team's open",
            "admin",
            "/bench-admin/complaints/case/"
            f"?handler__supervisor__id__exact={supervisor.pk}&closed_at__isnull=True",
        ),
        Page(
            "supervisor's team page",
            "supervisor",
            reverse("prospects:team_overview"),
            "manager's home",
            "manager",
            reverse("home"),
        ),
    ]
    pages.append(
        Page(
            "framework floor: hello, full middleware (signed in)",
            "manager",
            "/bench/hello/",
            "bare Django (no middleware)",
            "manager",
            "/bare/bench/hello/",
        )
    )
    people = {"manager": manager.username, "supervisor": supervisor.username, "admin": "vadmin"}
    return pages, notes, people


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}" if a and b else "—"


def _ms(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else "—"


def table(pages: list[Page]) -> str:
    lines = [
        "| page | ours median ms | ours p95 ms | ours req/s | reference | ref median ms | ref p95 ms "
        "| ref req/s | median ÷ ref | req/s ÷ ref |",
        "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for page in pages:
        ours, ref = page.ours, page.ref
        lines.append(
            f"| {page.label} | {_ms(ours.get('median'))} | {_ms(ours.get('p95'))} "
            f"| {ours.get('rps', 0):.1f} | {page.ref_label or '—'} | {_ms(ref.get('median'))} "
            f"| {_ms(ref.get('p95'))} | {ref.get('rps', 0):.1f} "
            f"| {_ratio(ours.get('median'), ref.get('median'))} "
            f"| {_ratio(ours.get('rps'), ref.get('rps'))} |"
        )
    return "\n".join(lines)


def verdicts(pages: list[Page]) -> list[str]:
    """The targets of issue 13, each met or missed by how much."""
    out = []
    for page in pages:
        ours, ref = page.ours, page.ref
        if ours.get("errors") or ref.get("errors"):
            out.append(
                f"{page.label}: non-2xx answers under load ({ours.get('errors')}/{ref.get('errors')})"
            )
        if page.label.startswith("framework floor"):
            ratio = ours.get("rps", 0) / ref["rps"] if ref.get("rps") else 0
            out.append(
                f"{'met' if ratio >= TARGET_FLOOR_RATIO else 'MISSED'}: full stack at {ratio:.2f}× bare "
                f"Django's requests/s (target ≥ {TARGET_FLOOR_RATIO})"
            )
            continue
        if ours.get("p95") is not None:
            ok = ours["p95"] < TARGET_P95_MS
            out.append(
                f"{'met' if ok else 'MISSED'}: {page.label} p95 {ours['p95']:.1f} ms (target < {TARGET_P95_MS:.0f})"
            )
        if page.ref_who == "admin" and ref.get("median") and ours.get("median"):
            lat = ours["median"] / ref["median"]
            rps = ours.get("rps", 0) / ref["rps"] if ref.get("rps") else 0
            ok = lat <= TARGET_LATENCY_RATIO and rps >= TARGET_RPS_RATIO
            out.append(
                f"{'met' if ok else 'MISSED'}: {page.label} vs admin — median {lat:.2f}× "
                f"(target ≤ {TARGET_LATENCY_RATIO}), req/s {rps:.2f}× (target ≥ {TARGET_RPS_RATIO})"
            )
        if page.label == "supervisor's home" and ref.get("median"):
            ratio = ours["median"] / ref["median"]
            out.append(
                f"{'met' if ratio <= TARGET_SUPERVISOR_RATIO else 'MISSED'}: supervisor's home "
                f"{ratio:.2f}× the manager's median (target ≤ {TARGET_SUPERVISOR_RATIO})"
            )
    return out


def run(quick: bool, keep: bool) -> dict:
    env = _env(PG_DATABASE)
    os.environ.update(
        {
            k: env[k]
            for k in (
                "DATABASE_URL",
                "DJANGO_SETTINGS_MODULE",
                "DJANGO_DEBUG",
                "DJANGO_SECRET_KEY",
                "DJANGO_ALLOWED_HOSTS",
            )
        }
    )
    print(f"== building {PG_DATABASE} ({'quick' if quick else 'full'} size)", flush=True)
    seed_seconds = build_database(env, quick)
    port = _free_port()
    server = serve(env, port)
    try:
        pages, notes, people = plan(quick)
        cookies = {who: sign_in(port, username) for who, username in people.items()}
        # Quick is as short as CI's time allows; the full run measures longer.
        rounds, warmups, seconds = (6, 2, 1) if quick else (40, 3, 8)
        print(f"== latency: {rounds} interleaved rounds", flush=True)
        latency(port, pages, cookies, rounds, warmups)
        print(
            f"== throughput: {seconds} s per page and side at {CONNECTIONS} connections", flush=True
        )
        loader = throughput(port, pages, cookies, seconds)
    finally:
        server.terminate()
        server.wait(timeout=30)
        from django.db import connections

        connections.close_all()
        if not keep:
            pg_admin(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
    result = {
        "table": table(pages),
        "verdicts": verdicts(pages),
        "notes": notes,
        "seed_seconds": seed_seconds,
        "rounds": rounds,
        "seconds": seconds,
        "loader": loader,
    }
    print(result["table"])
    print("\n".join(result["verdicts"] + result["notes"]))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--json", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    result = run(args.quick, args.keep)
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
