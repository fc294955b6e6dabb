"""Backing up and restoring the database: pg_dump's custom format on PostgreSQL, SQLite's
online backup API (a consistent copy while the app runs) on SQLite."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings as django_settings
from django.db import connection


def _libpq_env() -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore, the password in the environment."""
    settings = connection.settings_dict
    args = [f"--dbname={settings['NAME']}"]
    if settings.get("HOST"):
        args.append(f"--host={settings['HOST']}")
    if settings.get("PORT"):
        args.append(f"--port={settings['PORT']}")
    if settings.get("USER"):
        args.append(f"--username={settings['USER']}")
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    return args, env


def backup(path: Path) -> None:
    path.parent.mkdir(
        mode=django_settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS, parents=True, exist_ok=True
    )
    _create_private(path)
    if connection.vendor == "postgresql":
        args, env = _libpq_env()
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", f"--file={path}", *args],
            check=True,
            env=env,
        )
        return
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()


def _create_private(path: Path) -> None:
    """Create `path` empty, readable by the app's user and group only (FILE_UPLOAD_PERMISSIONS,
    as the client files): the backup holds every client's data, and pg_dump and SQLite
    write into this file, so it is never readable by others, not even while written."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    os.chmod(path, django_settings.FILE_UPLOAD_PERMISSIONS)


def restore(path: Path) -> None:
    """Replace the database's contents with the backup's."""
    if not path.exists():
        raise FileNotFoundError(path)
    if connection.vendor == "postgresql":
        args, env = _libpq_env()
        subprocess.run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                *args,
                str(path),
            ],
            check=True,
            env=env,
        )
        return
    connection.ensure_connection()
    source = sqlite3.connect(path)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def fingerprint() -> dict[str, tuple[int, str]]:
    """Per table: its row count and a checksum of its rows (order-independent)."""
    result: dict[str, tuple[int, str]] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = sorted(repr(tuple(_plain(v) for v in row)) for row in cursor.fetchall())
            digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
            result[table] = (len(rows), digest)
    return result


def _plain(value):
    if isinstance(value, memoryview):
        return bytes(value)
    return value
