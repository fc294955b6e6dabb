"""PostgreSQL faults, on a server this test starts itself (never the shared one): a restart,
and a connection killed in the middle of a transaction."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
BIN = Path("/usr/lib/postgresql/15/bin")


def as_postgres(*command: str) -> list[str]:
    """Server programs refuse to run as root: run them as the postgres user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return list(command)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def own_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL leg proves database faults")
    if not (BIN / "pg_ctl").exists():
        pytest.skip(f"no PostgreSQL server programs in {BIN}")
    data = Path(tempfile.mkdtemp(prefix="wb-faults-"))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres")
    port = free_port()
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off"
    ctl = [str(BIN / "pg_ctl"), "-D", str(data / "db"), "-o", options, "-l", str(data / "log")]
    subprocess.run(
        as_postgres(
            str(BIN / "initdb"),
            "-D",
            str(data / "db"),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
            "-E",
            "UTF8",
        ),
        check=True,
        capture_output=True,
        timeout=120,
    )
    subprocess.run(as_postgres(*ctl, "-w", "start"), check=True, capture_output=True, timeout=60)
    try:
        subprocess.run(
            [str(BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "drill"],
            check=True,
            capture_output=True,
            timeout=60,
        )
        yield {
            "url": f"postgres://postgres@127.0.0.1:{port}/drill",
            "restart": as_postgres(*ctl, "-m", "fast", "-w", "restart"),
        }
    finally:
        subprocess.run(
            as_postgres(*ctl, "-m", "immediate", "-w", "stop"), capture_output=True, timeout=60
        )
        shutil.rmtree(data, ignore_errors=True)


def test_restart_and_a_killed_connection_lose_nothing_and_later_requests_succeed(own_postgres):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="fault-drill-" + "x" * 50,
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DATABASE_URL=own_postgres["url"],
    )
    result = subprocess.run(
        [sys.executable, "-m", "tests.security.fault_drill", json.dumps(own_postgres["restart"])],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["before"] == 200
    # Persistent connections are health-checked: the first request after the restart works.
    assert report["after_restart"] == [200, 200, 200]
    # Killed mid-transaction: the friendly page, nothing written, and the next request works.
    assert report["killed_status"] == 500
    assert "系统出现错误" in report["killed_page"] and "Traceback" not in report["killed_page"]
    assert report["prospects_after_kill"] == 0
    assert report["after_kill"] == 200
    assert report["resent_status"] == 302 and report["prospects_after_resend"] == 1
