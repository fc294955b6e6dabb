"""The playbook's rules as small pure functions (synonym terms, what counts as late)."""

from __future__ import annotations

import re
from datetime import date, datetime

from django.utils import timezone

_TERM_SEPARATORS = re.compile(r"[\s/／、,，;；|]+")


def split_terms(terms: str) -> list[str]:
    """`利率/利息、价格` → the distinct terms, lower-cased, in order."""
    return list(dict.fromkeys(t.lower() for t in _TERM_SEPARATORS.split(terms) if t))


def finished_on_time(due_on: date, confirmed_at: datetime | None) -> bool | None:
    """Confirmed on or before the due day (local time); None while not confirmed."""
    if confirmed_at is None:
        return None
    return timezone.localdate(confirmed_at) <= due_on


def assignment_overdue(due_on: date, confirmed_at: datetime | None, today: date) -> bool:
    """Not confirmed and the due day has passed (the same rule as the `overdue` queryset)."""
    return confirmed_at is None and due_on < today
