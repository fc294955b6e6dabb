"""The manager's planned visits, follow-ups and promises as an iCalendar (.ics) file."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from prospects.models import Promise, Prospect, Visit

# Past items a calendar still shows, so a follow-up missed last week is not lost.
LOOKBACK_DAYS = 30
VISIT_MINUTES = 60


def _event(uid: str, summary: str, start: date | datetime, description: str = "") -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("summary", summary)
    event.add("dtstamp", datetime.now(tz=ZoneInfo("UTC")))
    event.add("dtstart", start)
    if isinstance(start, datetime):
        event.add("dtend", start + timedelta(minutes=VISIT_MINUTES))
    else:
        event.add("dtend", start + timedelta(days=1))
    if description:
        event.add("description", description)
    return event


def agenda_calendar(*, user, today: date) -> bytes:
    zone = ZoneInfo(settings.TIME_ZONE)
    since = today - timedelta(days=LOOKBACK_DAYS)
    host = "workbench"
    calendar = Calendar()
    calendar.add("prodid", "-//Client Manager Workbench//zh-Hans")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Client Manager Workbench"))
    for visit in (
        Visit.objects.filter(prospect__owner=user).planned_from(since).select_related("prospect")
    ):
        start: date | datetime = visit.visited_on
        if visit.at_time:
            start = datetime.combine(visit.visited_on, visit.at_time, tzinfo=zone)
        calendar.add_component(
            _event(
                f"visit-{visit.pk}@{host}",
                _("Visit: %(name)s") % {"name": visit.prospect.name},
                start,
                visit.prospect.address,
            )
        )
    for prospect in Prospect.objects.filter(owner=user).open().filter_next_action_from(since):
        calendar.add_component(
            _event(
                f"next-action-{prospect.pk}-{prospect.next_action_date:%Y%m%d}@{host}",
                _("Follow up: %(name)s") % {"name": prospect.name},
                prospect.next_action_date,
                prospect.next_action,
            )
        )
    for promise in Promise.objects.filter(prospect__owner=user).open().select_related("prospect"):
        calendar.add_component(
            _event(
                f"promise-{promise.pk}@{host}",
                _("Promise due: %(name)s") % {"name": promise.prospect.name},
                promise.due_on,
                promise.description,
            )
        )
    return calendar.to_ical()
