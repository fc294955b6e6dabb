"""Imported leads do not bury a manager's real work (issue 11)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from prospects import rules
from prospects.models import ImportBatch, ImportStatus, Prospect
from tests.prospects.factories import make_prospect, make_territory

TODAY = timezone.localdate


def test_the_list_puts_due_and_overdue_follow_ups_first(people, manager_client):
    today = TODAY()
    make_prospect(people.owner, name="刚导入的商户")
    make_prospect(people.owner, name="下周再访", next_action_date=today + timedelta(days=7))
    make_prospect(people.owner, name="今天要访", next_action_date=today)
    make_prospect(people.owner, name="已逾期", next_action_date=today - timedelta(days=3))
    make_prospect(
        people.owner, name="已拒绝", stage="declined", next_action_date=today - timedelta(days=9)
    )
    names = [p.name for p in manager_client.get(reverse("prospects:list")).context["page"]]
    assert names[:2] == ["已逾期", "今天要访"]
    assert set(names[2:]) == {"刚导入的商户", "下周再访", "已拒绝"}


def test_the_list_filters_by_import(people, manager_client):
    territory = make_territory(branch=people.owner.branch)
    batch = ImportBatch.objects.create(
        created_by=people.owner,
        owner=people.owner,
        territory=territory,
        file_name="a.csv",
        data=b"",
        status=ImportStatus.COMMITTED,
    )
    make_prospect(people.owner, name="导入的", import_batch=batch)
    make_prospect(people.owner, name="自己找的")
    page = manager_client.get(reverse("prospects:list"), {"batch": batch.pk}).context["page"]
    assert [p.name for p in page] == ["导入的"]


def test_coverage_is_prospects_on_file_over_merchants_and_may_exceed_one():
    assert rules.coverage(30, 100) == Decimal("0.3")
    assert rules.coverage(5, 0) == 0
    assert rules.coverage(150, 100) == Decimal("1.5")
    assert rules.merchant_count_outdated(on_file=101, merchants=100)
    assert not rules.merchant_count_outdated(on_file=100, merchants=100)


def test_the_territory_asks_for_a_new_merchant_count_when_exceeded(people, supervisor_client):
    territory = make_territory(branch=people.owner.branch, merchants=2)
    for _ in range(3):
        make_prospect(people.owner, territory=territory)
    page = supervisor_client.get(territory.get_absolute_url()).text
    assert "150.0%" in page
    assert "更新商户数" in page
    assert Prospect.objects.filter(territory=territory).count() == 3
