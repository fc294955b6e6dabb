"""Penetration history: past months stay as they were when the present changes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from prospects.history import territory_history
from prospects.models import ProspectStageChange, Stage
from tests.prospects.factories import make_prospect, make_territory

pytestmark = pytest.mark.django_db


def _figures(territory):
    return [
        (month, count, rate)
        for month, count, rate in territory_history(territory, today=timezone.localdate())
    ]


def test_every_stage_change_is_recorded_with_its_day(people):
    with time_machine.travel(date(2026, 1, 5), tick=False):
        prospect = make_prospect(people.owner)
    with time_machine.travel(date(2026, 2, 9), tick=False):
        prospect.stage = Stage.CLIENT
        prospect.save()
        prospect.save()  # saved again unchanged: no new row
    assert list(
        ProspectStageChange.objects.filter(prospect=prospect).values_list(
            "from_stage", "to_stage", "changed_on"
        )
    ) == [("", "lead", date(2026, 1, 5)), ("lead", "client", date(2026, 2, 9))]


def test_losing_a_client_today_leaves_last_month_unchanged(people):
    territory = make_territory(branch=people.owner.branch, merchants=10)
    with time_machine.travel(date(2026, 1, 10), tick=False):
        clients = [
            make_prospect(people.owner, territory=territory, stage=Stage.CLIENT) for _ in range(3)
        ]
    with time_machine.travel(date(2026, 3, 15), tick=False):
        before = _figures(territory)
        lost = clients[0]
        lost.stage = Stage.LOST
        lost.closed_reason = "转去他行"
        lost.save()
        after = _figures(territory)
    assert before[-2][1:] == after[-2][1:] == (3, before[-2][2])  # February: 3 clients
    assert after[-2][2] * 100 == 30
    assert after[-1][1] == 2  # this month: the loss shows


def test_changing_the_merchant_count_today_leaves_past_months_unchanged(people):
    with time_machine.travel(date(2026, 1, 10), tick=False):
        territory = make_territory(branch=people.owner.branch, merchants=10)
        make_prospect(people.owner, territory=territory, stage=Stage.CLIENT)
    with time_machine.travel(date(2026, 3, 15), tick=False):
        before = _figures(territory)
        territory.merchant_count = 50
        territory.save()
        after = _figures(territory)
    assert after[:-1] == before[:-1]
    assert [rate * 100 for _m, _c, rate in after[-3:]] == [10, 10, 2]


def test_the_territory_page_shows_the_month_as_it_was(people, manager_client):
    territory = make_territory(branch=people.owner.branch, merchants=4, managers=[people.owner])
    won = timezone.localdate() - timedelta(days=70)
    client = make_prospect(people.owner, territory=territory, stage=Stage.CLIENT)
    client.stage_changes.update(changed_on=won)
    client.stage = Stage.LOST
    client.closed_reason = "转去他行"
    client.save()
    months = manager_client.get(territory.get_absolute_url()).context["months"]
    assert months[-2][1] == 1 and months[-1][1] == 0
