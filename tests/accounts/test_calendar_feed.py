"""The calendar subscription: a secret URL per person, their feed only, revocable."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.calendar import render_ics
from accounts.contributions import CalendarEvent
from accounts.models import CalendarToken
from tests.conftest import client_for
from tests.prospects.factories import make_promise, make_prospect, make_visit

pytestmark = pytest.mark.django_db


def feed(token: str):
    return client_for(None).get(reverse("calendar_feed", args=[token]))


def test_the_feed_works_without_a_session_and_shows_only_the_persons_calendar(people):
    tomorrow = timezone.localdate() + timedelta(days=1)
    mine = make_prospect(people.owner, name="自家客户")
    make_visit(mine, visited_on=tomorrow, outcome="")
    make_promise(make_prospect(people.teammate, name="同事客户"), due_on=tomorrow)
    token = CalendarToken.regenerate(people.owner).token
    response = feed(token)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "自家客户" in body and "同事客户" not in body


def test_a_supervisors_feed_is_their_own_calendar_not_the_teams(people):
    make_visit(
        make_prospect(people.owner, name="组员客户"),
        visited_on=timezone.localdate() + timedelta(days=1),
        outcome="",
    )
    body = feed(CalendarToken.regenerate(people.supervisor).token).content.decode()
    assert "组员客户" not in body


def test_the_token_grants_nothing_else(people):
    token = CalendarToken.regenerate(people.owner).token
    anonymous = client_for(None)
    assert anonymous.get(reverse("calendar_feed", args=[token])).status_code == 200
    # The feed signed nobody in: every other page still asks to sign in.
    for url in (reverse("home"), reverse("prospects:list"), reverse("calendar")):
        response = anonymous.get(url + f"?token={token}")
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_regenerating_revokes_the_old_address(people):
    client = client_for(people.owner)
    client.post(reverse("calendar_subscription"))
    old = CalendarToken.objects.get(user=people.owner).token
    assert feed(old).status_code == 200
    client.post(reverse("calendar_subscription"))
    new = CalendarToken.objects.get(user=people.owner).token
    assert new != old
    assert feed(old).status_code == 404
    assert feed(new).status_code == 200
    page = client.get(reverse("calendar_subscription")).content.decode()
    assert f"webcal://testserver/accounts/calendar/feed/{new}.ics" in page


def test_an_unknown_token_or_an_inactive_person_gets_nothing(people):
    assert feed("not-a-token").status_code == 404
    token = CalendarToken.regenerate(people.owner).token
    people.owner.is_active = False
    people.owner.save()
    assert feed(token).status_code == 404


@pytest.mark.parametrize("token", ["%00", "a%00b", "%E9%91%AB", "a%20b", "x" * 300])
def test_a_token_no_token_could_be_is_not_found_never_a_server_error(db, token):
    # PostgreSQL refuses a NUL in text: looked up, "%00" was a 500 to anyone.
    response = client_for(None).get(f"/accounts/calendar/feed/{token}.ics")
    assert response.status_code == 404


def test_a_timed_event_carries_its_zone_for_outlook():
    """RFC 5545: an event in TZID=Asia/Shanghai needs the zone's definition in the file."""
    at = datetime(2026, 12, 1, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    ics = render_ics([CalendarEvent(uid="visit-1", summary="回访", start=at)])
    calendar = Calendar.from_ical(ics)
    assert [zone["TZID"] for zone in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == at
