"""Each list and detail page runs the same number of queries for 2 rows as for 20."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for
from tests.prospects.factories import (
    make_hospitality,
    make_promise,
    make_prospect,
    make_territory,
    make_visit,
)

pytestmark = pytest.mark.django_db


def add_rows(people, territory, hub, count: int) -> None:
    today = timezone.localdate()
    for index in range(count):
        owner = people.owner if index % 2 else people.teammate
        prospect = make_prospect(
            owner,
            territory=territory,
            referred_by=hub,
            source="referral",
            stage="client" if index % 3 == 0 else "negotiating",
            next_action_date=today - timedelta(days=index % 3),
        )
        make_visit(prospect, learned="见到老板")
        make_visit(prospect, visited_on=today + timedelta(days=1), outcome="")
        make_visit(hub, learned=f"第{index}次拜访")
        make_promise(prospect, due_on=today - timedelta(days=1), made_on=today - timedelta(days=5))
        make_promise(hub, due_on=today + timedelta(days=index))
        make_hospitality(prospect, value=Decimal(100 + index))
        make_hospitality(hub, kind="gift", paid_by="us", value=Decimal(300))


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


PAGES = [
    ("owner", lambda hub, territory: reverse("prospects:list")),
    ("supervisor", lambda hub, territory: reverse("prospects:list") + "?overdue=on&sort=name"),
    ("owner", lambda hub, territory: hub.get_absolute_url()),
    ("supervisor", lambda hub, territory: hub.get_absolute_url()),
    ("owner", lambda hub, territory: reverse("prospects:promise_list")),
    ("supervisor", lambda hub, territory: reverse("prospects:hospitality_list")),
    ("owner", lambda hub, territory: reverse("prospects:hospitality_list") + "?show=all"),
    ("owner", lambda hub, territory: reverse("prospects:referrals")),
    ("supervisor", lambda hub, territory: reverse("prospects:territory_list")),
    ("owner", lambda hub, territory: territory.get_absolute_url()),
    ("owner", lambda hub, territory: reverse("calendar")),
    ("owner", lambda hub, territory: reverse("home")),
    ("supervisor", lambda hub, territory: reverse("home")),
    ("supervisor", lambda hub, territory: reverse("prospects:team_attention")),
    ("supervisor", lambda hub, territory: reverse("own_agenda")),
]


@pytest.mark.parametrize(("viewer", "url"), PAGES)
def test_page_queries_do_not_grow_with_rows(people, viewer, url, django_assert_num_queries):
    territory = make_territory(branch=people.owner.branch, managers=[people.owner])
    hub = make_prospect(people.owner, name="转介绍大户", stage="client", territory=territory)
    client = client_for(getattr(people, viewer))
    add_rows(people, territory, hub, 2)
    small = count_queries(client, url(hub, territory))
    add_rows(people, territory, hub, 18)
    with django_assert_num_queries(small):
        assert client.get(url(hub, territory)).status_code == 200
