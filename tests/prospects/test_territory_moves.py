"""A prospect moved to another territory counts, each month, where it was at that month's
end: moving it today rewrites neither territory's past penetration (issue 12)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import Branch, Role
from bench.prospect_import import csv_bytes
from prospects.history import territory_history
from prospects.models import Prospect, Stage, Territory
from tests.conftest import client_for, make_user
from tests.migrations import migrate_to, migrate_to_latest
from tests.prospects.factories import make_prospect, make_territory
from tests.prospects.test_import_views import GOOD, commit, uploaded
from tests.prospects.test_views import prospect_data

pytestmark = pytest.mark.django_db

JANUARY, FEBRUARY, MARCH, APRIL = (date(2025, month, 1) for month in (1, 2, 3, 4))
TEN = Decimal("0.1")


def figures(territory: Territory, months: int = 3) -> list[tuple[date, int, Decimal]]:
    return territory_history(territory, today=timezone.localdate(), months=months)


def clients(territory: Territory, months: int = 3) -> list[int]:
    return [count for _month, count, _rate in figures(territory, months)]


def move(prospect: Prospect, territory: Territory | None) -> None:
    prospect.territory = territory
    prospect.save()


@pytest.fixture
def a_and_b(people) -> tuple[Territory, Territory]:
    with time_machine.travel(date(2025, 1, 2), tick=False):
        return tuple(
            make_territory(branch=people.owner.branch, name=name, merchants=10)
            for name in ("片区A", "片区B")
        )


def client_since_january(people, territory: Territory) -> Prospect:
    with time_machine.travel(date(2025, 1, 10), tick=False):
        return make_prospect(people.owner, territory=territory, stage=Stage.CLIENT)


def test_moving_a_client_leaves_both_territories_past_months_as_they_were(people, a_and_b):
    a, b = a_and_b
    prospect = client_since_january(people, a)
    with time_machine.travel(date(2025, 3, 15), tick=False):
        before_a, before_b = figures(a), figures(b)
        move(prospect, b)
        after_a, after_b = figures(a), figures(b)
    assert before_a == [(JANUARY, 1, TEN), (FEBRUARY, 1, TEN), (MARCH, 1, TEN)]
    assert before_b == [(JANUARY, 0, 0), (FEBRUARY, 0, 0), (MARCH, 0, 0)]
    # January and February as they were; March, the month of the move, counts in B only.
    assert after_a == [(JANUARY, 1, TEN), (FEBRUARY, 1, TEN), (MARCH, 0, 0)]
    assert after_b == [(JANUARY, 0, 0), (FEBRUARY, 0, 0), (MARCH, 1, TEN)]


def test_a_prospect_that_never_moved_keeps_its_months_beside_one_that_left(people, a_and_b):
    a, b = a_and_b
    stayed = client_since_january(people, a)
    left = client_since_january(people, a)
    with time_machine.travel(date(2025, 3, 15), tick=False):
        move(left, b)
        stayed.name = "改了名字的商户"  # saved again, not moved: no new entry
        stayed.save()
        assert clients(a) == [2, 2, 1]
        assert clients(b) == [0, 0, 1]
    assert list(stayed.territory_changes.values_list("territory", "changed_on")) == [
        (a.pk, date(2025, 1, 10))
    ]


def test_moving_back_and_forth_within_a_month_counts_once_where_it_ended(people, a_and_b):
    a, b = a_and_b
    prospect = client_since_january(people, a)
    for day in (date(2025, 3, 3), date(2025, 3, 9), date(2025, 3, 20)):
        with time_machine.travel(day, tick=False):
            move(prospect, b if prospect.territory == a else a)
    with time_machine.travel(date(2025, 4, 2), tick=False):
        # A → B → A → B in March: at its end the client was in B, counted there only.
        assert clients(a, 4) == [1, 1, 0, 0]
        assert clients(b, 4) == [0, 0, 1, 1]
        # Moved away and back on one day: the day ends where it began.
        move(prospect, a)
        move(prospect, b)
        assert clients(a, 4) == [1, 1, 0, 0]
        assert clients(b, 4) == [0, 0, 1, 1]


def test_a_client_lost_after_moving_counts_where_it_was_each_month(people, a_and_b):
    a, b = a_and_b
    prospect = client_since_january(people, a)
    with time_machine.travel(date(2025, 2, 10), tick=False):
        move(prospect, b)
    with time_machine.travel(date(2025, 3, 5), tick=False):
        prospect.stage, prospect.closed_reason = Stage.LOST, "转去他行"
        prospect.save()
    with time_machine.travel(date(2025, 3, 6), tick=False):
        move(prospect, None)  # and taken off every territory
        assert clients(a) == [1, 0, 0]
        assert clients(b) == [0, 1, 0]


def test_a_client_given_a_territory_counts_there_from_that_day_only(people, a_and_b):
    _a, b = a_and_b
    with time_machine.travel(date(2025, 1, 10), tick=False):
        prospect = make_prospect(people.owner, stage=Stage.CLIENT)  # in no territory
    with time_machine.travel(date(2025, 3, 15), tick=False):
        move(prospect, b)
        assert clients(b) == [0, 0, 1]


def test_a_move_made_on_the_edit_page_is_recorded(people, a_and_b):
    a, b = a_and_b
    prospect = client_since_january(people, a)
    client = client_for(people.owner)
    with time_machine.travel(date(2025, 3, 15), tick=False):
        response = client.post(
            reverse("prospects:edit", args=[prospect.pk]),
            prospect_data(
                name=prospect.name,
                phone=prospect.phone,
                stage=Stage.CLIENT,
                territory=b.pk,
                version=prospect.version,
            ),
        )
        assert response.status_code == 302, response.context["form"].errors
        assert Prospect.objects.get(pk=prospect.pk).territory == b
        assert clients(a) == [1, 1, 0]
        assert clients(b) == [0, 0, 1]


def test_imported_prospects_enter_their_territory_and_leave_it_when_moved(
    people, a_and_b, manager_client
):
    a, b = a_and_b
    with time_machine.travel(date(2025, 1, 10), tick=False):
        batch = uploaded(manager_client, a, csv_bytes(GOOD, encoding="gbk"))
        assert commit(manager_client, batch).status_code == 302
    imported = Prospect.objects.get(import_batch=batch, name="鑫源服装商行")
    with time_machine.travel(date(2025, 2, 10), tick=False):
        imported.stage = Stage.CLIENT
        imported.save()
    with time_machine.travel(date(2025, 3, 15), tick=False):
        move(imported, b)
        assert clients(a) == [0, 1, 0]
        assert clients(b) == [0, 0, 1]


def test_the_history_costs_the_same_queries_however_many_moves(
    people, a_and_b, django_assert_num_queries
):
    a, b = a_and_b
    moved = [client_since_january(people, a) for _ in range(2)]
    with time_machine.travel(date(2025, 2, 10), tick=False):
        for prospect in moved:
            move(prospect, b)
    with time_machine.travel(date(2025, 3, 15), tick=False), django_assert_num_queries(3):
        assert clients(a) == [2, 0, 0]
    moved += [client_since_january(people, a) for _ in range(8)]
    with time_machine.travel(date(2025, 2, 10), tick=False):
        for prospect in moved[2:]:
            move(prospect, b)
    with time_machine.travel(date(2025, 3, 15), tick=False), django_assert_num_queries(3):
        assert clients(a) == [10, 0, 0]


# --- The migration ----------------------------------------------------------------------

BEFORE = [("prospects", "0020_visit_contact_index")]
AFTER = [("prospects", "0022_backfill_territory_history")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_prospects_their_territory_since_their_first_stage():
    apps = migrate_to(BEFORE)
    try:
        # People as today's model has them: the accounts tables are not rolled back.
        branch = Branch.objects.create(code="M2", name="迁移支行")
        owner = make_user("片区经理", Role.CLIENT_MANAGER, branch=branch)
        Prospect_ = apps.get_model("prospects", "Prospect")
        StageChange = apps.get_model("prospects", "ProspectStageChange")
        territory = apps.get_model("prospects", "Territory").objects.create(
            name="城南批发市场", kind="market", branch_id=branch.pk, merchant_count=10
        )
        apps.get_model("prospects", "MerchantCountChange").objects.create(
            territory=territory, merchant_count=10, changed_on=date(2025, 1, 2)
        )
        won, elsewhere = (
            Prospect_.objects.create(name=name, owner_id=owner.pk, stage="client", territory=t)
            for name, t in (("鑫源服装商行", territory), ("宏达五金", None))
        )
        for prospect in (won, elsewhere):
            StageChange.objects.create(
                prospect=prospect, to_stage="client", changed_on=date(2025, 1, 10)
            )

        apps = migrate_to(AFTER)

        rows = apps.get_model("prospects", "ProspectTerritoryChange").objects.values_list(
            "prospect_id", "territory_id", "changed_on"
        )
        # Dated at its first stage, not at the migration: its past months stay as they were.
        assert sorted(rows) == [
            (won.pk, territory.pk, date(2025, 1, 10)),
            (elsewhere.pk, None, date(2025, 1, 10)),
        ]
        migrate_to_latest()
        with time_machine.travel(date(2025, 3, 15), tick=False):
            assert clients(Territory.objects.get(pk=territory.pk)) == [1, 1, 1]
    finally:
        migrate_to_latest()
