"""A prospect's timeline and a person's agenda, each built from a list of sources.

Other apps (investigations, complaints) add their own source to
`TIMELINE_SOURCES` / `AGENDA_SECTIONS` from their AppConfig.ready(); this app
never imports them. Each source runs a fixed number of queries, so a page's
query count does not grow with its rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils.translation import gettext_lazy as _

from prospects.models import Promise, Prospect


@dataclass(frozen=True)
class TimelineEntry:
    day: date
    kind: str  # "visit", "promise", "hospitality", later "investigation", "complaint"
    template: str  # renders `entry.obj`
    obj: Any


TimelineSource = Callable[[Prospect], list[TimelineEntry]]


def visits(prospect: Prospect) -> list[TimelineEntry]:
    return [
        TimelineEntry(visit.visited_on, "visit", "prospects/timeline/visit.html", visit)
        for visit in prospect.visits.all()
    ]


def promises(prospect: Prospect) -> list[TimelineEntry]:
    return [
        TimelineEntry(promise.made_on, "promise", "prospects/timeline/promise.html", promise)
        for promise in prospect.promises.select_related("consulted")
    ]


def hospitality(prospect: Prospect) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            entry.occurred_on, "hospitality", "prospects/timeline/hospitality.html", entry
        )
        for entry in prospect.hospitality.all()
    ]


# Investigations and complaints append their sources here when they land.
TIMELINE_SOURCES: list[TimelineSource] = [visits, promises, hospitality]


def timeline(prospect: Prospect) -> list[TimelineEntry]:
    entries = [entry for source in TIMELINE_SOURCES for entry in source(prospect)]
    return sorted(entries, key=lambda entry: entry.day, reverse=True)


# --- The agenda --------------------------------------------------------------------


@dataclass
class AgendaSection:
    title: str
    template: str  # renders `section.items`
    items: list[Any] = field(default_factory=list)
    order: int = 100


# Planned visits this far ahead show on today's agenda (earlier ones not yet recorded too).
AGENDA_DAYS_AHEAD = 7

AgendaSource = Callable[[Any, date], list[AgendaSection]]


def prospect_sections(user, today: date) -> list[AgendaSection]:
    """The person's own work for today (managers and trainees)."""
    from prospects.models import Visit

    own = Prospect.objects.filter(owner=user)
    return [
        AgendaSection(
            _("Next actions due"),
            "prospects/agenda/next_actions.html",
            list(own.due_by(today).select_related("territory").order_by("next_action_date")[:50]),
            order=10,
        ),
        AgendaSection(
            _("Planned visits"),
            "prospects/agenda/visits.html",
            list(
                Visit.objects.filter(prospect__owner=user)
                .planned_until(today + timedelta(days=AGENDA_DAYS_AHEAD))
                .select_related("prospect")
                .order_by("visited_on", "at_time")[:50]
            ),
            order=20,
        ),
        AgendaSection(
            _("Promises due"),
            "prospects/agenda/promises.html",
            list(
                Promise.objects.filter(prospect__owner=user)
                .due_by(today)
                .select_related("prospect")
                .order_by("due_on")[:50]
            ),
            order=30,
        ),
    ]


# Investigations and complaints append their agenda sources here when they land.
AGENDA_SOURCES: list[AgendaSource] = [prospect_sections]


def agenda(user, today: date) -> list[AgendaSection]:
    sections = [section for source in AGENDA_SOURCES for section in source(user, today)]
    return sorted(sections, key=lambda section: section.order)
