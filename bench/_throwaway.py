"""The throwaway databases every benchmark runs against, never the development one."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PG_SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")


def pg_admin(sql: str) -> None:
    """Run `sql` (CREATE / DROP DATABASE) on the server, outside any transaction."""
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def pg_recreate(database: str) -> None:
    pg_admin(f"DROP DATABASE IF EXISTS {database}")
    pg_admin(f"CREATE DATABASE {database}")


def child_env(backend: str, *, sqlite_path: str, pg_database: str, **extra: str) -> dict[str, str]:
    """The environment of a benchmark's child process: production-like (no DEBUG, so no
    query log kept in memory) against the throwaway database of `backend`."""
    env = dict(os.environ)
    env["DATABASE_URL"] = (
        f"sqlite:///{sqlite_path}" if backend == "sqlite" else f"{PG_SERVER}/{pg_database}"
    )
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
            "DJANGO_ALLOWED_HOSTS": "localhost",
            **extra,  # a benchmark's own values win
        }
    )
    return env


@contextmanager
def test_database(folder: Path) -> Iterator[str]:
    """Django's test machinery makes a throwaway database and drops it afterwards
    (test_<name> on the PostgreSQL server DATABASE_URL names, or a SQLite file in `folder`,
    as in production, rather than an in-memory one); yields the database's vendor."""
    from django.conf import settings
    from django.db import connection
    from django.test.utils import get_runner

    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(folder / "test_bench.sqlite3")
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old_config = runner.setup_databases()
    try:
        yield connection.vendor
    finally:
        runner.teardown_databases(old_config)
