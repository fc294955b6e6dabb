"""System checks: the feedback rule's numbers must make sense before the server starts, and
the database must do what the reminder sweep asks of it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register
from django.db import connection


@register()
def feedback_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    overdue = settings.COMPLAINT_FEEDBACK_OVERDUE_DAYS
    escalation = settings.COMPLAINT_FEEDBACK_ESCALATION_DAYS
    errors: list[Error] = []
    if overdue < 1:
        errors.append(
            Error(
                f"COMPLAINT_FEEDBACK_OVERDUE_DAYS must be at least 1, not {overdue}.",
                id="complaints.E001",
            )
        )
    if escalation <= overdue:
        errors.append(
            Error(
                "COMPLAINT_FEEDBACK_ESCALATION_DAYS must be above COMPLAINT_FEEDBACK_OVERDUE_DAYS "
                f"({escalation} is not above {overdue}): a case escalates after it is overdue.",
                id="complaints.E002",
            )
        )
    days = tuple(settings.COMPLAINT_RESOLUTION_DAYS)
    if len(days) != 3 or list(days) != sorted(set(days)) or days[0] < 1:
        errors.append(
            Error(
                f"COMPLAINT_RESOLUTION_DAYS must be three increasing day counts, not {days!r}.",
                id="complaints.E003",
            )
        )
    warning = settings.COMPLAINT_DECISION_REMINDER_DAYS
    if not 0 <= warning < days[0]:
        errors.append(
            Error(
                "COMPLAINT_DECISION_REMINDER_DAYS must be from 0 to below the first decision "
                f"period ({days[0]} days), not {warning}: else every complaint is reminded "
                "from the day it is received.",
                id="complaints.E005",
            )
        )
    return errors


# The reminder sweep inserts its rows with INSERT … RETURNING (complaints.reminders).
SQLITE_RETURNING = (3, 35)


@register()
def sqlite_can_return(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """On SQLite, the morning sweep needs RETURNING: say so at start, not at 7:30 the day
    after an upgrade to an older system."""
    if connection.vendor != "sqlite" or sqlite_version() >= SQLITE_RETURNING:
        return []
    found = ".".join(map(str, sqlite_version()))
    return [
        Error(
            f"SQLite {found} is too old: the reminder sweep needs SQLite 3.35 or later "
            "(INSERT … RETURNING). Use a newer Python build, or PostgreSQL.",
            id="complaints.E004",
        )
    ]


def sqlite_version() -> tuple[int, ...]:
    from django.db.backends.sqlite3.base import Database

    return Database.sqlite_version_info
