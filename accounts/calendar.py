"""A person's calendar as iCalendar (.ics), from what every app contributes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from accounts.contributions import CalendarEvent, calendar_events

# Past items a calendar still shows, so a follow-up missed last week is not lost.
LOOKBACK_DAYS = 30
# How far ahead the feed reaches.
LOOKAHEAD_DAYS = 366
UID_DOMAIN = "workbench"


def _component(event: CalendarEvent, stamp: datetime) -> Event:
    component = Event()
    component.add("uid", f"{event.uid}@{UID_DOMAIN}")
    component.add("summary", event.summary)
    component.add("dtstamp", stamp)
    component.add("dtstart", event.start)
    if isinstance(event.start, datetime):
        component.add("dtend", event.start + timedelta(minutes=event.minutes))
    else:
        component.add("dtend", event.start + timedelta(days=1))
    if event.description:
        component.add("description", event.description)
    return component


def render_ics(events: Iterable[CalendarEvent]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Client Manager Workbench//zh-Hans")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Client Manager Workbench"))
    stamp = datetime.now(tz=ZoneInfo("UTC"))
    for event in events:
        calendar.add_component(_component(event, stamp))
    # Events name their zone (TZID=Asia/Shanghai); RFC 5545 wants its definition in the
    # file too, or Outlook places them by its own zone or refuses them.
    calendar.add_missing_timezones()
    return calendar.to_ical()


def person_calendar(*, user, today: date) -> bytes:
    start = today - timedelta(days=LOOKBACK_DAYS)
    return render_ics(calendar_events(user, start, today + timedelta(days=LOOKAHEAD_DAYS)))
