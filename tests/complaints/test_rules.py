"""The deadline rule to the day, with a controlled clock and the process in UTC."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.checks import Error
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from complaints import rules
from complaints.checks import feedback_settings
from complaints.rules import feedback_state, resolution_deadline

SHANGHAI = ZoneInfo("Asia/Shanghai")


def sh(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def server_in_utc(settings):
    # Django sets the process zone from TIME_ZONE: put both in UTC, as a server might be.
    settings.TIME_ZONE = "UTC"
    time.tzset()
    assert time.localtime().tm_gmtoff == 0
    yield


# 2026-11-16 is a Monday.
MONDAY_1600 = sh(2026, 11, 16, 16, 0)


@pytest.mark.parametrize(
    ("now", "state"),
    [
        (sh(2026, 11, 16, 23, 59, 59), "waiting"),
        (sh(2026, 11, 17, 0, 0, 0), "due_today"),
        (sh(2026, 11, 17, 23, 59, 59), "due_today"),  # due by Tuesday 23:59:59
        (sh(2026, 11, 18, 0, 0, 0), "overdue"),  # overdue from Wednesday 00:00
        (sh(2026, 11, 18, 23, 59, 59), "overdue"),
        (sh(2026, 11, 19, 0, 0, 0), "escalated"),  # escalated from Thursday 00:00
        (sh(2026, 12, 30, 9, 0), "escalated"),
    ],
)
def test_received_monday_afternoon(now, state):
    with time_machine.travel(now, tick=False):
        assert feedback_state(MONDAY_1600, timezone.now()) == state


def test_the_same_instants_in_utc_give_the_same_answer():
    # Wednesday 00:00 Shanghai is Tuesday 16:00 UTC: still overdue, not "due today".
    assert (
        feedback_state(MONDAY_1600.astimezone(UTC), datetime(2026, 11, 17, 16, 0, tzinfo=UTC))
        == "overdue"
    )
    assert (
        feedback_state(MONDAY_1600.astimezone(UTC), datetime(2026, 11, 17, 15, 59, 59, tzinfo=UTC))
        == "due_today"
    )


def test_contact_logged_tuesday_2359_makes_wednesday_the_due_day():
    contact = sh(2026, 11, 17, 23, 59)
    assert feedback_state(contact, sh(2026, 11, 18, 0, 0)) == "due_today"
    assert feedback_state(contact, sh(2026, 11, 18, 23, 59, 59)) == "due_today"
    assert feedback_state(contact, sh(2026, 11, 19, 0, 0)) == "overdue"
    assert feedback_state(contact, sh(2026, 11, 20, 0, 0)) == "escalated"
    assert rules.feedback_due_on(contact) == date(2026, 11, 18)


def test_received_at_half_past_midnight_counts_that_day():
    received = sh(2026, 11, 16, 0, 30)  # Sunday 16:30 UTC
    assert rules.bank_day(received) == date(2026, 11, 16)
    assert feedback_state(received, sh(2026, 11, 16, 23, 59, 59)) == "waiting"
    assert feedback_state(received, sh(2026, 11, 17, 0, 0)) == "due_today"
    assert resolution_deadline(received, 0) == date(2026, 12, 1)


@pytest.mark.parametrize(
    ("received", "extensions", "last_day"),
    [
        (sh(2026, 11, 2, 0, 0), 0, date(2026, 11, 17)),
        (sh(2026, 11, 2, 23, 59, 59), 0, date(2026, 11, 17)),
        (sh(2026, 11, 2, 9, 0), 1, date(2026, 12, 2)),
        (sh(2026, 11, 2, 9, 0), 2, date(2027, 1, 1)),
        # 1 November 23:30 UTC is already 2 November in Shanghai.
        (datetime(2026, 11, 1, 23, 30, tzinfo=UTC), 0, date(2026, 11, 17)),
        (datetime(2026, 11, 1, 15, 59, tzinfo=UTC), 0, date(2026, 11, 16)),
    ],
)
def test_resolution_deadline_15_30_60_days_from_the_day_after_receipt(
    received, extensions, last_day
):
    assert resolution_deadline(received, extensions) == last_day


def test_resolution_late_only_after_the_last_day():
    decide_by = resolution_deadline(sh(2026, 11, 2, 9, 0), 0)
    assert not rules.resolution_late(decide_by, date(2026, 11, 17))
    assert rules.resolution_late(decide_by, date(2026, 11, 18))


@pytest.mark.parametrize("extensions", [-1, 3])
def test_no_more_than_two_extensions(extensions):
    with pytest.raises(ValueError):
        resolution_deadline(sh(2026, 11, 2, 9, 0), extensions)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        feedback_state(datetime(2026, 11, 2, 9, 0), sh(2026, 11, 3, 9, 0))


def test_badge_prefers_a_late_decision_to_feedback():
    received = sh(2026, 11, 2, 9, 0)
    decide_by = resolution_deadline(received, 0)
    assert (
        rules.badge(last_contact=received, decide_by=decide_by, now=sh(2026, 11, 18, 9)) == "late"
    )
    assert (
        rules.badge(last_contact=received, decide_by=decide_by, now=sh(2026, 11, 4, 9)) == "overdue"
    )
    assert rules.badge(last_contact=received, decide_by=decide_by, now=sh(2026, 11, 2, 10)) is None


moments = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)


@given(last=moments, gap=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=10)))
def test_state_only_worsens_with_time(last, gap):
    order = rules.FEEDBACK_STATES
    earlier = feedback_state(last, last + gap)
    later = feedback_state(last, last + gap + timedelta(hours=7))
    assert order.index(later) >= order.index(earlier)


@given(last=moments, now=moments)
def test_window_and_state_agree(last, now):
    state = feedback_state(last, now)
    start, end = rules.feedback_window(state, now)
    assert (start is None or last >= start) and (end is None or last < end)


def test_escalation_must_come_after_overdue(settings):
    settings.COMPLAINT_FEEDBACK_OVERDUE_DAYS = 3
    settings.COMPLAINT_FEEDBACK_ESCALATION_DAYS = 3
    errors = feedback_settings()
    assert [error.id for error in errors] == ["complaints.E002"]
    assert isinstance(errors[0], Error)


def test_default_settings_pass_the_check():
    assert feedback_settings() == []


def test_the_numbers_are_settings(settings):
    settings.COMPLAINT_FEEDBACK_OVERDUE_DAYS = 3
    settings.COMPLAINT_FEEDBACK_ESCALATION_DAYS = 5
    assert feedback_state(MONDAY_1600, sh(2026, 11, 18, 12)) == "due_today"
    assert feedback_state(MONDAY_1600, sh(2026, 11, 19, 0)) == "overdue"
    assert feedback_state(MONDAY_1600, sh(2026, 11, 21, 0)) == "escalated"


def test_an_sqlite_too_old_for_the_sweep_is_refused_at_start(monkeypatch):
    from django.db import connection

    from complaints import checks

    assert checks.sqlite_can_return() == []  # this machine's SQLite (or PostgreSQL)
    monkeypatch.setattr(checks, "sqlite_version", lambda: (3, 31, 1))
    errors = [error.id for error in checks.sqlite_can_return()]
    assert errors == (["complaints.E004"] if connection.vendor == "sqlite" else [])


# --- The decision deadline, reminded before it passes -------------------------------------
# Received Monday 2 November at 09:00: the decision is due by Tuesday 17 November.
RECEIVED_2_NOV = sh(2026, 11, 2, 9, 0)


@pytest.mark.parametrize(
    ("now", "reason"),
    [
        # Contacted every morning at 08:00, so the feedback rule says nothing.
        (sh(2026, 11, 13, 23, 59), None),  # four days before: not yet
        (sh(2026, 11, 14, 0, 0), rules.DECISION_DUE),  # three days before, from midnight
        (sh(2026, 11, 17, 23, 59), rules.DECISION_DUE),  # the last day
        (sh(2026, 11, 18, 0, 0), rules.RESOLUTION_LATE),  # the day after: late
    ],
)
def test_the_decision_is_reminded_three_days_ahead_to_the_shanghai_day(now, reason):
    decide_by = resolution_deadline(RECEIVED_2_NOV, 0)
    assert decide_by == date(2026, 11, 17)
    contacted = datetime.combine(now.date(), datetime.min.time(), tzinfo=SHANGHAI).replace(hour=8)
    contacted = min(contacted, now)
    assert rules.reminder_reason(last_contact=contacted, decide_by=decide_by, now=now) == reason
    # The same instant seen from a server in UTC gives the same answer.
    assert (
        rules.reminder_reason(last_contact=contacted, decide_by=decide_by, now=now.astimezone(UTC))
        == reason
    )


def test_the_most_urgent_reason_wins():
    decide_by = date(2026, 11, 17)
    silent_three_days = sh(2026, 11, 12, 10, 0)
    # Silent for days and the deadline near: the silence is what is told.
    assert (
        rules.reminder_reason(
            last_contact=silent_three_days, decide_by=decide_by, now=sh(2026, 11, 15, 9, 0)
        )
        == rules.ESCALATED
    )
    # Past the deadline, late comes before any silence.
    assert (
        rules.reminder_reason(
            last_contact=silent_three_days, decide_by=decide_by, now=sh(2026, 11, 18, 9, 0)
        )
        == rules.RESOLUTION_LATE
    )
    # A question has no deadline: only its silence is reminded.
    assert (
        rules.reminder_reason(
            last_contact=sh(2026, 11, 18, 8, 0), decide_by=None, now=sh(2026, 11, 18, 9, 0)
        )
        is None
    )


def test_how_far_ahead_is_a_setting_and_checked(settings):
    settings.COMPLAINT_DECISION_REMINDER_DAYS = 0
    decide_by = date(2026, 11, 17)
    on = dict(last_contact=sh(2026, 11, 16, 8, 0), decide_by=decide_by)
    assert rules.reminder_reason(**on, now=sh(2026, 11, 16, 9, 0)) is None
    assert (
        rules.reminder_reason(
            **on | {"last_contact": sh(2026, 11, 17, 8, 0)}, now=sh(2026, 11, 17, 9, 0)
        )
        == rules.DECISION_DUE
    )
    assert feedback_settings() == []
    settings.COMPLAINT_DECISION_REMINDER_DAYS = 15
    assert [error.id for error in feedback_settings()] == ["complaints.E005"]


@pytest.mark.parametrize(
    ("now", "told"),
    [
        (sh(2026, 11, 17, 23, 59), False),  # the last day: the handler's matter
        (sh(2026, 11, 18, 0, 0), True),  # the morning after: the supervisor hears of it
        (sh(2026, 11, 18, 23, 59), True),
        (sh(2026, 11, 19, 0, 0), False),  # from then on, the board lists it
    ],
)
def test_the_supervisor_is_told_of_a_late_decision_the_day_after_in_shanghai(now, told):
    contacted = min(now, datetime.combine(now.date(), datetime.min.time(), tzinfo=SHANGHAI))
    on = dict(last_contact=contacted, decide_by=date(2026, 11, 17))
    assert rules.tells_supervisor(**on, now=now) is told
    assert rules.tells_supervisor(**on, now=now.astimezone(UTC)) is told
    # Left without news for days, they are told every morning whatever the deadline.
    assert rules.tells_supervisor(
        last_contact=sh(2026, 11, 10, 9, 0), decide_by=date(2026, 11, 17), now=now
    )
