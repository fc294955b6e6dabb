"""Contributions of the test app (see accounts.contributions); prospects knows nothing of it."""

from __future__ import annotations

from datetime import date, timedelta

from accounts.contributions import AgendaSection, TimelineEntry

# The timeline entry is dated this many days before today.
TIMELINE_DAYS_AGO = 2


def agenda_sections(user, today: date) -> list[AgendaSection]:
    return [
        AgendaSection(
            "Inspections due",
            "contrib_app/agenda.html",
            [f"inspection for {user.username}"],
            order=5,
        )
    ]


def timeline_entries(prospect, user) -> list[TimelineEntry]:
    from django.utils import timezone

    day = timezone.localdate() - timedelta(days=TIMELINE_DAYS_AGO)
    return [TimelineEntry(day, "inspection", "contrib_app/timeline.html", f"inspected {day}")]
