"""Dates a person can mean. A slip of the year (0001, 9999) is refused beside its field,
not stored: such a date breaks the arithmetic after it (a follow-up a week later, the
bank's day of a time) with an error page, or leaves a record late or early for ever."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

EARLIEST = date(2000, 1, 1)
# Planned visits, promises and follow-ups are set months ahead, never decades.
AHEAD = timedelta(days=5 * 366)


def implausible(value: date | datetime | None) -> str | None:
    """Why `value` cannot be meant, or None when it can (or is empty)."""
    if value is None:
        return None
    # A form's time is in the bank's zone already; converting year 1 would overflow.
    day = value.date() if isinstance(value, datetime) else value
    if day < EARLIEST:
        return _("Check the year: the date is before %(earliest)s.") % {
            "earliest": EARLIEST.isoformat()
        }
    latest = timezone.localdate() + AHEAD
    if day > latest:
        return _("Check the year: the date is after %(latest)s.") % {"latest": latest.isoformat()}
    return None
