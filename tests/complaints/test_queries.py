"""The rule as a queryset agrees with the pure function; pages run a fixed number of queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from accounts.models import Branch, Role
from complaints import rules
from complaints.models import Case
from tests.complaints.factories import make_case, make_contact, make_question, silent_since
from tests.conftest import client_for, make_user

moments = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
)


class QuerysetMatchesRule(TestCase):
    @classmethod
    def setUpTestData(cls):
        branch = Branch.objects.create(code="9", name="测试支行")
        cls.handler = make_user("handlerq", Role.CLIENT_MANAGER, branch=branch)
        cls.case = make_case(cls.handler, received_at=datetime(2024, 1, 1, tzinfo=UTC))

    @settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
    @given(last=moments, now=moments)
    def test_sql_state_equals_python_state(self, last, now):
        Case.objects.filter(pk=self.case.pk).update(last_contact_at=last)
        expected = rules.feedback_state(last, now)
        found = {
            state
            for state in rules.FEEDBACK_STATES
            if Case.objects.filter(pk=self.case.pk).in_feedback_state(state, now).exists()
        }
        assert found == {expected}
        needing = Case.objects.filter(pk=self.case.pk).needing_feedback(now).exists()
        assert needing == (expected != rules.WAITING)


class ReminderReasonMatchesRule(TestCase):
    """The sweep's SQL (who is reminded, why, and who is told too) is rules.reminder_reason."""

    @classmethod
    def setUpTestData(cls):
        branch = Branch.objects.create(code="9", name="测试支行")
        cls.handler = make_user("handlerr", Role.CLIENT_MANAGER, branch=branch)
        cls.case = make_case(cls.handler, received_at=datetime(2024, 1, 1, tzinfo=UTC))

    @settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
    @given(
        now=moments,
        hours=st.integers(0, 24 * 5),  # since the last contact
        days=st.one_of(st.none(), st.integers(-3, 6)),  # decide by: days from today
    )
    def test_sql_reason_equals_python_reason(self, now, hours, days):
        today = rules.bank_day(now)
        last = now - timedelta(hours=hours)
        decide_by = None if days is None else today + timedelta(days=days)
        Case.objects.filter(pk=self.case.pk).update(last_contact_at=last, decide_by=decide_by)
        expected = rules.reminder_reason(last_contact=last, decide_by=decide_by, now=now)
        cases = Case.objects.filter(pk=self.case.pk)
        assert cases.with_reminder_reason(now).get().reminder_reason == expected
        assert cases.needing_reminder(now).exists() == (expected is not None)
        told = rules.tells_supervisor(last_contact=last, decide_by=decide_by, now=now)
        assert cases.escalating(now).exists() == told
        assert cases.decision_due(today).exists() == rules.decision_due(decide_by, today)


def urgency(case: Case, now: datetime) -> tuple:
    """The Python order of "most urgent first": the badge's place in BADGE_ORDER (no badge
    last), then the longest silence, the nearest decision deadline (none last), the id."""
    badge = case.badge(now)
    rank = rules.BADGE_ORDER.index(badge) if badge else len(rules.BADGE_ORDER)
    return (rank, case.last_contact_at, case.decide_by is None, case.decide_by, case.pk)


class MostUrgentFirstMatchesTheBadges(TestCase):
    @classmethod
    def setUpTestData(cls):
        branch = Branch.objects.create(code="9", name="测试支行")
        handler = make_user("handleru", Role.CLIENT_MANAGER, branch=branch)
        received = datetime(2024, 1, 1, tzinfo=UTC)
        cls.pks = [make_case(handler, received_at=received).pk for _ in range(3)] + [
            make_question(handler, received_at=received).pk for _ in range(3)
        ]

    # Few distinct values, so that ties (same badge, same silence, same deadline) occur.
    @settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
    @given(
        now=moments,
        cases=st.lists(
            st.tuples(
                st.sampled_from([0, 10, 30, 50, 70, 100]),  # hours since the last contact
                st.one_of(st.none(), st.integers(-2, 2)),  # decide by: days from today
            ),
            min_size=6,
            max_size=6,
        ),
    )
    def test_sql_order_equals_the_badge_order(self, now, cases):
        today = rules.bank_day(now)
        for pk, (hours, days) in zip(self.pks, cases, strict=True):
            Case.objects.filter(pk=pk).update(
                last_contact_at=now - timedelta(hours=hours),
                decide_by=None if days is None else today + timedelta(days=days),
            )
        found = list(Case.objects.filter(pk__in=self.pks).most_urgent_first(now))
        assert [c.pk for c in found] == [
            c.pk for c in sorted(found, key=lambda case: urgency(case, now))
        ]


pytestmark = pytest.mark.django_db


def add_cases(people, count: int) -> None:
    now = timezone.now()
    for index in range(count):
        handler = people.owner if index % 2 else people.teammate
        case = make_case(handler, prospect=None)
        silent_since(case, now - timedelta(days=index % 5, hours=1))
        make_contact(case, now - timedelta(hours=index % 3))
        if index % 4 == 0:
            case.apply("listen", by=handler, note="复述")
        make_question(handler)
    closed = make_case(people.owner)
    Case.objects.filter(pk=closed.pk).update(
        status="closed", solution="s", root_cause="r", fix="f", closed_at=now
    )


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


PAGES = [
    ("owner", lambda case: reverse("complaints:list")),
    ("supervisor", lambda case: reverse("complaints:list") + "?show=closed"),
    ("owner", lambda case: case.get_absolute_url()),
    ("supervisor", lambda case: reverse("complaints:board")),
    ("supervisor", lambda case: reverse("home")),
    ("supervisor", lambda case: reverse("complaints:board_panel")),
    ("supervisor", lambda case: reverse("own_agenda")),
    ("owner", lambda case: reverse("home")),
    ("owner", lambda case: reverse("calendar")),
    ("owner", lambda case: case.prospect.get_absolute_url()),
]


@pytest.mark.parametrize(("viewer", "url"), PAGES)
def test_page_queries_do_not_grow_with_cases(people, viewer, url, django_assert_num_queries):
    from tests.prospects.factories import make_prospect

    case = make_case(people.owner, prospect=make_prospect(people.owner), client_name="")
    client = client_for(getattr(people, viewer))
    add_cases(people, 2)
    small = count_queries(client, url(case))
    add_cases(people, 12)
    for _ in range(3):
        make_contact(case, timezone.now())
    with django_assert_num_queries(small):
        assert client.get(url(case)).status_code == 200
