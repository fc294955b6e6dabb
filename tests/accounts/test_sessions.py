"""Sessions: lockout, a new key at sign-in, dead after sign-out and password change, time limits."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config import settings as project_settings
from tests.conftest import PASSWORD

LOGIN = "/accounts/login/"
START = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)


def sign_in(client: Client, username: str, password: str = PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def session_key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def with_cookie(key: str) -> Client:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    return client


def signed_in(client: Client) -> bool:
    return client.get(reverse("home")).status_code == 200


# --- Lockout -------------------------------------------------------------------------
def test_an_unknown_name_is_locked_out_like_a_real_one(people):
    """Five failures lock any name, so the lockout does not tell which accounts exist."""
    real, unknown = Client(), Client()
    for _ in range(5):
        sign_in(real, people.owner.username, "wrong")
        sign_in(unknown, "no-such-person", "wrong")
    locked_real = sign_in(real, people.owner.username, "wrong")
    locked_unknown = sign_in(unknown, "no-such-person", "wrong")
    assert locked_real.status_code == locked_unknown.status_code == 429

    def without_tokens(text: str) -> str:  # nonces and CSRF tokens differ per response
        return re.sub(r"[A-Za-z0-9+/=_-]{20,}", "", text)

    assert without_tokens(locked_real.text) == without_tokens(locked_unknown.text)


def test_lockout_settings_are_five_failures_per_account_and_address():
    assert project_settings.AXES_FAILURE_LIMIT == 5
    assert project_settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


# --- Session keys ----------------------------------------------------------------------
def test_signing_in_gives_a_new_session_key(people):
    client = Client()
    session = client.session  # a visitor's session before signing in
    session["visited"] = True
    session.save()
    before = session.session_key
    assert sign_in(client, people.owner.username).status_code == 302
    assert session_key(client) != before
    assert not Session.objects.filter(session_key=before).exists()


def test_the_old_session_is_dead_after_signing_out(people):
    client = Client()
    sign_in(client, people.owner.username)
    key = session_key(client)
    client.post(reverse("logout"))
    assert not signed_in(with_cookie(key))


def test_password_change_ends_the_old_session_and_every_other_one(people):
    here, elsewhere = Client(), Client()
    sign_in(here, people.owner.username)
    sign_in(elsewhere, people.owner.username)
    old_key = session_key(here)
    response = here.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-pass-2026",
            "new_password2": "a-new-long-pass-2026",
        },
    )
    assert response.status_code == 302
    assert signed_in(here)  # the person who changed it stays signed in, on a new key
    assert session_key(here) != old_key
    assert not signed_in(with_cookie(old_key))
    assert not signed_in(elsewhere)


# --- Time limits -----------------------------------------------------------------------
def test_limits_are_thirty_idle_minutes_and_twelve_hours():
    assert project_settings.SESSION_IDLE_TIMEOUT == 30 * 60
    assert project_settings.SESSION_ABSOLUTE_TIMEOUT == 12 * 60 * 60


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_idle_for_thirty_minutes_signs_out(people, clock):
    client = Client()
    sign_in(client, people.owner.username)
    clock.shift(timedelta(minutes=29))
    assert signed_in(client)
    clock.shift(timedelta(minutes=29))  # 29 idle minutes since the last request
    assert signed_in(client)
    clock.shift(timedelta(minutes=31))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not signed_in(client)


def test_twelve_hours_after_sign_in_signs_out_however_busy(people, clock):
    client = Client()
    sign_in(client, people.owner.username)
    for _ in range(11 * 4 + 3):  # a request every 15 minutes for 11 h 45 min
        clock.shift(timedelta(minutes=15))
        assert signed_in(client)
    clock.shift(timedelta(minutes=16))
    assert not signed_in(client)


def test_the_limits_follow_the_settings(people, clock, settings):
    settings.SESSION_IDLE_TIMEOUT = 5 * 60
    client = Client()
    sign_in(client, people.owner.username)
    clock.shift(timedelta(minutes=6))
    assert not signed_in(client)


def test_requests_do_not_write_the_session_each_time(people, clock):
    client = Client()
    sign_in(client, people.owner.username)
    clock.shift(timedelta(seconds=5))

    def session_writes() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert signed_in(client)
        return sum(
            1
            for q in queries.captured_queries
            if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
        )

    assert session_writes() == 0
    clock.shift(timedelta(seconds=20))
    assert session_writes() == 0
    clock.shift(timedelta(minutes=2))
    assert session_writes() == 1  # last seen moves on, at most once a minute
    assert session_writes() == 0


def test_an_htmx_request_after_the_session_ended_sends_the_window_to_sign_in(people):
    """Not the sign-in page swapped into a panel: the whole page goes, and comes back."""
    client = Client()
    response = client.get(
        "/accounts/agenda/",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/?from=home"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/?next=/%3Ffrom%3Dhome"
    # Without htmx, as before: a redirect.
    assert client.get("/accounts/agenda/").status_code == 302
