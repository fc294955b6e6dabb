"""The throwaway databases every benchmark runs against, never the development one."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
# Set by `migrated_templates` for the benchmarks run inside it: a database of each kind,
# migrated once, which each benchmark copies rather than migrating its own.
SQLITE_TEMPLATE = "BENCH_SQLITE_TEMPLATE"
PG_TEMPLATE = "BENCH_POSTGRES_TEMPLATE"


def pg_admin(sql: str) -> None:
    """Run `sql` (CREATE / DROP DATABASE) on the server, outside any transaction."""
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def pg_recreate(database: str) -> None:
    """A new database named `database`: a copy of the migrated template when there is one,
    otherwise empty (whoever uses it migrates it; a migrate with nothing to do is quick)."""
    pg_admin(f"DROP DATABASE IF EXISTS {database}")
    template = os.environ.get(PG_TEMPLATE)
    pg_admin(f"CREATE DATABASE {database}" + (f" TEMPLATE {template}" if template else ""))


def sqlite_create(path: str | Path) -> None:
    """The SQLite counterpart of `pg_recreate`: a copy of the migrated template, if any."""
    if template := os.environ.get(SQLITE_TEMPLATE):
        shutil.copyfile(template, path)


@contextmanager
def migrated_templates(pg_database: str) -> Iterator[None]:
    """Migrate one SQLite file and one PostgreSQL database (`pg_database`) once, for all the
    benchmarks run inside: each migration from scratch takes several seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_path = f"{tmp}/template.sqlite3"
        pg_recreate(pg_database)
        try:
            # Side by side: each migration is one process, and the machine has two cores.
            migrations = [
                subprocess.Popen(
                    [sys.executable, "manage.py", "migrate", "-v0"],
                    cwd=ROOT,
                    env=child_env(backend, sqlite_path=sqlite_path, pg_database=pg_database),
                )
                for backend in ("sqlite", "postgresql")
            ]
            # Both end before either failure is raised: no migration left running.
            for migration in [m for m in migrations if m.wait() != 0]:
                raise subprocess.CalledProcessError(migration.returncode, migration.args)
            os.environ[SQLITE_TEMPLATE], os.environ[PG_TEMPLATE] = sqlite_path, pg_database
            yield
        finally:
            os.environ.pop(SQLITE_TEMPLATE, None)
            os.environ.pop(PG_TEMPLATE, None)
            pg_admin(f"DROP DATABASE IF EXISTS {pg_database}")


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

    test_settings = connection.settings_dict["TEST"]
    keep = False
    if connection.vendor == "sqlite":
        test_settings["NAME"] = str(folder / "test_bench.sqlite3")
        sqlite_create(test_settings["NAME"])
        # A copied template is already the test database: keep it rather than recreate it.
        keep = Path(test_settings["NAME"]).exists()
    elif template := os.environ.get(PG_TEMPLATE):
        test_settings["TEMPLATE"] = template
    runner = get_runner(settings)(verbosity=0, interactive=False, keepdb=keep)
    old_config = runner.setup_databases()
    try:
        yield connection.vendor
    finally:
        runner.teardown_databases(old_config)
