"""Lists page through every row exactly once, and a deep page costs what the first does."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.pagination import ListPaginator, total_order
from prospects.models import Prospect
from tests.prospects.factories import make_prospect

pytestmark = pytest.mark.django_db


def test_the_primary_key_breaks_ties_in_the_direction_of_the_order():
    assert total_order(Prospect.objects.all()) == ["-updated_at", "-pk"]
    assert total_order(Prospect.objects.order_by("name")) == ["name", "pk"]
    assert total_order(Prospect.objects.order_by("-name")) == ["-name", "-pk"]
    assert total_order(Prospect.objects.order_by("name", "-pk")) == ["name", "-pk"]
    by_date = F("next_action_date").desc(nulls_last=True)
    assert total_order(Prospect.objects.order_by(by_date)) == [by_date, "-pk"]


def test_rows_updated_at_the_same_moment_appear_once_across_pages(manager):
    prospects = [make_prospect(manager, name=f"同时更新{i}") for i in range(7)]
    # Same name and the same updated time: only the tie-breaker orders them.
    Prospect.objects.update(updated_at=timezone.now(), name="同名商户")
    paginator = ListPaginator(Prospect.objects.order_by("name"), 3)
    seen = [p.pk for number in paginator.page_range for p in paginator.page(number)]
    assert seen == sorted(p.pk for p in prospects)


def test_a_page_keeps_the_list_s_order_and_joins(manager):
    for i in range(5):
        make_prospect(manager, name=f"商户{i}")
    page = ListPaginator(Prospect.objects.for_list().order_by("-name"), 2).page(2)
    assert [p.name for p in page] == ["商户2", "商户1"]
    with CaptureQueriesContext(connection) as queries:
        assert [p.owner for p in page] == [manager, manager]
    assert len(queries) == 0


def test_a_deep_page_runs_the_same_queries_as_the_first(manager):
    for i in range(12):
        make_prospect(manager, name=f"商户{i}")
    paginator = ListPaginator(Prospect.objects.for_list(), 2)
    paginator.count  # noqa: B018 - counted once, as the list page does
    with CaptureQueriesContext(connection) as first:
        list(paginator.page(1))
    with CaptureQueriesContext(connection) as deep:
        list(paginator.page(6))
    assert len(first) == len(deep) == 1
