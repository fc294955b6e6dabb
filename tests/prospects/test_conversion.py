"""Conversion by source: counted by hand, over a chosen period, per person."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from prospects import rules
from prospects.models import Outcome, Source, Stage
from prospects.supervision import team_conversion
from tests.conftest import client_for
from tests.prospects.factories import make_prospect, make_visit

pytestmark = pytest.mark.django_db


def test_conversion_by_source_rule_counts_rates_and_median_days():
    rows = rules.conversion_by_source(
        [
            ("referral", date(2026, 1, 1), date(2026, 1, 3), date(2026, 1, 13)),  # 10 days
            ("referral", date(2026, 1, 1), None, date(2026, 1, 21)),  # 20, from entry
            ("referral", date(2026, 1, 1), date(2026, 1, 2), date(2026, 2, 1)),  # 30 days
            ("referral", date(2026, 1, 1), date(2026, 1, 2), None),
            ("shop_cluster", date(2026, 1, 1), None, None),
        ]
    )
    by_source = {row.source: row for row in rows}
    assert [row.source for row in rows] == list(Source.values)
    referral = by_source["referral"]
    assert (referral.prospects, referral.clients, referral.median_days) == (4, 3, 20.0)
    assert referral.rate == Decimal("0.75") and referral.percent == Decimal("75.0")
    cluster = by_source["shop_cluster"]
    assert (cluster.prospects, cluster.clients, cluster.median_days) == (1, 0, None)
    assert by_source["association"].rate == 0


def _enter(owner, source: str, entered: date, won: date | None = None, contact=None):
    with time_machine.travel(entered, tick=False):
        prospect = make_prospect(owner, source=source)
    if contact:
        make_visit(prospect, visited_on=contact, outcome=Outcome.MET_DECISION_MAKER)
        make_visit(prospect, visited_on=entered, outcome=Outcome.TURNED_AWAY)  # not contact
    if won:
        with time_machine.travel(won, tick=False):
            prospect.stage = Stage.CLIENT
            prospect.save()
    return prospect


def build(people):
    owner, teammate = people.owner, people.teammate
    _enter(owner, "referral", date(2026, 1, 5), won=date(2026, 1, 25), contact=date(2026, 1, 15))
    _enter(owner, "referral", date(2026, 1, 6))
    _enter(teammate, "referral", date(2026, 2, 1), won=date(2026, 2, 21))
    _enter(teammate, "shop_cluster", date(2026, 2, 2))
    _enter(teammate, "shop_cluster", date(2026, 2, 3), won=date(2026, 4, 1))  # after the period
    _enter(owner, "competitor", date(2025, 6, 1), won=date(2026, 1, 10))  # entered before
    _enter(people.other_manager, "referral", date(2026, 1, 5), won=date(2026, 1, 6))


def test_team_conversion_against_a_hand_count(people):
    build(people)
    rows = {
        row.source: row
        for row in team_conversion(people.supervisor, start=date(2026, 1, 1), end=date(2026, 3, 31))
    }
    assert (rows["referral"].prospects, rows["referral"].clients) == (3, 2)
    assert rows["referral"].median_days == 15.0  # 10 (from contact) and 20 (from entry)
    assert (rows["shop_cluster"].prospects, rows["shop_cluster"].clients) == (2, 0)
    assert rows["competitor"].prospects == 0
    assert rows["referral"].percent == Decimal("66.7")


def test_a_manager_sees_only_their_own_conversion(people):
    build(people)
    rows = {
        row.source: row
        for row in team_conversion(people.owner, start=date(2026, 1, 1), end=date(2026, 3, 31))
    }
    assert (rows["referral"].prospects, rows["referral"].clients) == (2, 1)
    assert rows["shop_cluster"].prospects == 0


def test_the_conversion_page_shows_the_table_and_the_chart(people):
    build(people)
    response = client_for(people.supervisor).get(
        reverse("prospects:conversion")
        + f"?start=2026-01-01&end=2026-03-31&owner={people.owner.pk}"
    )
    assert response.status_code == 200
    referral = next(row for row in response.context["rows"] if row.source == "referral")
    assert (referral.prospects, referral.clients) == (2, 1)
    html = response.content.decode()
    assert 'id="conversion-data"' in html
    assert "50.0%" in html


def test_a_period_that_ends_before_it_starts_is_refused_beside_the_field(people):
    response = client_for(people.owner).get(
        reverse("prospects:conversion") + "?start=2026-03-01&end=2026-01-01"
    )
    assert response.status_code == 200
    assert response.context["form"].errors["end"]
    assert response.context["rows"] == []


def test_conversion_queries_do_not_grow_with_rows(people, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(people.supervisor)
    url = reverse("prospects:conversion") + "?start=2025-01-01&end=2026-12-31"
    build(people)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(5):
        build(people)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url)
