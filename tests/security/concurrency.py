"""Real threads with their own database connections, started at the same moment."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, connections
from django.test import Client

# Rows these tables gain are bookkeeping, not records a person created.
BOOKKEEPING = {"accounts.formsubmission", "auditlog.logentry", "sessions.session"}
PROJECT_APPS = {"accounts", "prospects", "investigations", "complaints", "playbook"}

needs_postgresql = {
    "reason": "concurrency is proven on PostgreSQL (SQLite serialises every writer)",
}


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _counted_models() -> list:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in PROJECT_APPS
        and model._meta.label_lower not in BOOKKEEPING
        and not model._meta.proxy
    ]


def record_counts() -> Counter[str]:
    """Rows per table of the project's apps (what a form may add), in one query."""
    models = _counted_models()
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(m._meta.db_table)})" for m in models)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return Counter({m._meta.label_lower: n for m, n in zip(models, row, strict=True)})


def growth(before: Counter[str], after: Counter[str]) -> dict[str, int]:
    return {k: after[k] - before[k] for k in after if after[k] != before[k]}


def client_with_session(session_key: str) -> Client:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    return client


def at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in threads released together; each thread closes its connection."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except BaseException as error:  # reported by the test, not lost in the thread
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
