"""The throwaway databases every benchmark runs against, never the development one."""

from __future__ import annotations

import os
import secrets

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
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS="localhost",
        **extra,
    )
    return env
