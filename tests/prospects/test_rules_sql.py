"""Each rule that exists both in SQL (a queryset) and in Python (rules.py) gives the same answer."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings as django_settings
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from prospects.choices import HospitalityKind, PaidBy, PromiseStatus, Stage
from prospects.models import HospitalityEntry, Promise, Prospect
from tests.prospects.factories import make_hospitality, make_promise, make_prospect

TODAY = date(2026, 5, 1)
DB_EXAMPLES = settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
# Around today, so the boundary (due today: not yet overdue) comes up often.
OFFSETS = st.none() | st.integers(min_value=-3, max_value=3)


def rolled_back(check):
    """Run `check` in a transaction that leaves nothing behind for the next example."""
    with transaction.atomic():
        check()
        transaction.set_rollback(True)


@DB_EXAMPLES
@given(rows=st.lists(st.tuples(st.sampled_from(Stage.values), OFFSETS), min_size=1, max_size=8))
@example(rows=[(Stage.LEAD, 0), (Stage.LEAD, -1), (Stage.LOST, -5)])
def test_overdue_prospects_in_sql_are_the_rules_overdue_prospects(manager, rows):
    def check():
        prospects = [
            make_prospect(
                manager,
                stage=stage,
                closed_reason="原因",
                next_action_date=None if offset is None else TODAY + timedelta(days=offset),
            )
            for stage, offset in rows
        ]
        in_sql = set(Prospect.objects.filter(owner=manager).overdue(TODAY))
        assert in_sql == {prospect for prospect in prospects if prospect.is_overdue(TODAY)}

    rolled_back(check)


@DB_EXAMPLES
@given(
    rows=st.lists(
        st.tuples(st.sampled_from(PromiseStatus.values), st.integers(-3, 3)), min_size=1, max_size=8
    )
)
@example(rows=[(PromiseStatus.OPEN, 0), (PromiseStatus.OPEN, -1), (PromiseStatus.KEPT, -2)])
def test_overdue_promises_in_sql_are_the_rules_overdue_promises(manager, rows):
    def check():
        prospect = make_prospect(manager)
        promises = [
            make_promise(
                prospect,
                status=status,
                due_on=TODAY + timedelta(days=offset),
                explanation="说明",
                compensation="无",
            )
            for status, offset in rows
        ]
        in_sql = set(Promise.objects.filter(prospect=prospect).overdue(TODAY))
        assert in_sql == {promise for promise in promises if promise.is_overdue(TODAY)}

    rolled_back(check)


THRESHOLD = django_settings.HOSPITALITY_FLAG_THRESHOLD_CNY
CENT = Decimal("0.01")
VALUES = st.sampled_from([THRESHOLD - CENT, THRESHOLD, THRESHOLD + CENT]) | st.decimals(
    min_value=0, max_value=10_000, places=2
)


@DB_EXAMPLES
@given(
    rows=st.lists(
        st.tuples(st.sampled_from(HospitalityKind.values), st.sampled_from(PaidBy.values), VALUES),
        min_size=1,
        max_size=8,
    )
)
@example(rows=[(HospitalityKind.GIFT, PaidBy.US, THRESHOLD)])
def test_flagged_hospitality_in_sql_is_the_rules_flagged_hospitality(manager, rows):
    def check():
        prospect = make_prospect(manager)
        entries = [
            make_hospitality(prospect, kind=kind, paid_by=paid_by, value=value)
            for kind, paid_by, value in rows
        ]
        in_sql = set(HospitalityEntry.objects.filter(prospect=prospect).flagged())
        assert in_sql == {entry for entry in entries if entry.flagged}

    rolled_back(check)


def test_due_today_is_not_yet_overdue(manager):
    prospect = make_prospect(manager, next_action_date=TODAY)
    promise = make_promise(prospect, due_on=TODAY)
    assert not prospect.is_overdue(TODAY) and not promise.is_overdue(TODAY)
    assert not Prospect.objects.overdue(TODAY).exists()
    assert not Promise.objects.overdue(TODAY).exists()
    tomorrow = TODAY + timedelta(days=1)
    assert prospect.is_overdue(tomorrow) and promise.is_overdue(tomorrow)
    assert list(Prospect.objects.overdue(tomorrow)) == [prospect]
