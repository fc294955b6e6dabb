"""The team overview: figures counted by hand, links to the lists behind them, queries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from prospects.models import HospitalityReview, Outcome, PromiseStatus, Stage
from prospects.supervision import team_overview
from tests.conftest import client_for, make_user
from tests.prospects.factories import (
    make_hospitality,
    make_promise,
    make_prospect,
    make_visit,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 18)  # a Wednesday: the week began on Monday 16 March


def on(day: date):
    return time_machine.travel(day, tick=False)


def become(prospect, stage: str, day: date) -> None:
    with on(day):
        prospect.stage = stage
        prospect.closed_reason = "去了他行" if stage == Stage.LOST else ""
        prospect.save()


def build_owner_records(owner) -> None:
    with on(date(2026, 1, 2)):
        lead = make_prospect(owner, next_action_date=date(2026, 3, 10))  # overdue
        make_prospect(owner, next_action_date=TODAY)  # due today: not overdue
        make_prospect(owner, stage=Stage.CONTACTED)
        won_in_march = make_prospect(owner, stage=Stage.NEGOTIATING)
        won_in_january = make_prospect(owner, stage=Stage.NEGOTIATING)
        lost = make_prospect(owner, stage=Stage.NEGOTIATING)
    become(won_in_march, Stage.CLIENT, date(2026, 3, 5))
    become(won_in_january, Stage.CLIENT, date(2026, 1, 20))
    become(lost, Stage.CLIENT, date(2026, 2, 10))
    become(lost, Stage.LOST, date(2026, 3, 1))

    make_visit(lead, visited_on=date(2026, 3, 17), outcome=Outcome.MET_STAFF)
    make_visit(lead, visited_on=date(2026, 3, 16), outcome=Outcome.TURNED_AWAY)
    make_visit(lead, visited_on=date(2026, 3, 3), outcome=Outcome.MET_DECISION_MAKER)
    make_visit(lead, visited_on=date(2026, 3, 2), outcome=Outcome.NO_ANSWER)
    make_visit(lead, visited_on=date(2026, 2, 27), outcome=Outcome.MET_STAFF)  # last month
    make_visit(lead, visited_on=date(2026, 3, 19), outcome=Outcome.PLANNED)  # not yet done

    make_promise(won_in_march, due_on=date(2026, 3, 10), made_on=date(2026, 3, 1))
    make_promise(won_in_march, due_on=date(2026, 3, 25), made_on=date(2026, 3, 1))
    make_promise(
        won_in_march,
        due_on=date(2026, 3, 1),
        made_on=date(2026, 2, 1),
        status=PromiseStatus.KEPT,
    )

    make_hospitality(won_in_march, kind="meal", paid_by="client")  # flagged, awaiting
    make_hospitality(
        won_in_march,
        kind="gift",
        paid_by="us",
        value=Decimal("500"),
        review=HospitalityReview.ACKNOWLEDGED,
    )
    make_hospitality(won_in_march, kind="meal", paid_by="us")  # not flagged


def test_overview_figures_match_a_hand_count(people):
    build_owner_records(people.owner)
    make_prospect(people.other_manager)  # another team: not in the overview
    with on(TODAY):
        rows = {row.person.username: row for row in team_overview(people.supervisor, today=TODAY)}
    assert set(rows) == {"owner", "teammate", "trainee"}
    owner = rows["owner"]
    assert {value: count for value, _label, count in owner.stage_counts} == {
        "lead": 2,
        "contacted": 1,
        "negotiating": 0,
        "client": 2,
        "lost": 1,
        "declined": 0,
    }
    assert (owner.won_month, owner.won_year) == (1, 3)
    assert (owner.contacts_week, owner.not_reached_week) == (1, 1)
    assert (owner.contacts_month, owner.not_reached_month) == (2, 2)
    assert owner.overdue_actions == 1
    assert (owner.open_promises, owner.overdue_promises) == (2, 1)
    assert owner.flagged_hospitality == 1
    assert owner.reading is None
    teammate = rows["teammate"]
    assert teammate.prospects_total == 0 and teammate.won_year == 0
    assert rows["trainee"].reading is not None


def test_each_figure_links_to_the_list_that_shows_the_same_count(people):
    build_owner_records(people.owner)
    client = client_for(people.supervisor)
    with on(TODAY):
        page = client.get(reverse("prospects:team_overview"))
        assert page.status_code == 200
        html = page.content.decode()
        overdue_url = reverse("prospects:list") + f"?owner={people.owner.pk}&overdue=on"
        assert overdue_url.replace("&", "&amp;") in html
        listed = client.get(overdue_url).context["page"]
        assert len(listed.object_list) == 1
        won = client.get(
            reverse("prospects:list") + f"?owner={people.owner.pk}&won_from=2026-01-01"
        ).context["page"]
        assert len(won.object_list) == 3
        visits = client.get(
            reverse("prospects:visit_list")
            + f"?owner={people.owner.pk}&visited_from=2026-03-01&contact=not_reached"
        ).context["page"]
        assert len(visits.object_list) == 2
        promises = client.get(
            reverse("prospects:promise_list") + f"?show=overdue&owner={people.owner.pk}"
        ).context["page"]
        assert len(promises.object_list) == 1
        flagged = client.get(
            reverse("prospects:hospitality_list") + f"?show=awaiting&owner={people.owner.pk}"
        ).context["page"]
        assert len(flagged.object_list) == 1


def test_the_supervisors_home_shows_the_overview(people):
    build_owner_records(people.owner)
    with on(TODAY):
        html = client_for(people.supervisor).get(reverse("home")).content.decode()
    assert f'id="member-{people.owner.pk}"' in html
    assert reverse("prospects:team_overview") in html


def _team(people, size: int) -> None:
    for number in range(size):
        member = make_user(
            f"m{size}x{number}", "manager", branch=people.owner.branch, supervisor=people.supervisor
        )
        build_owner_records(member)


def test_overview_queries_do_not_grow_with_the_team(people, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(people.supervisor)
    url = reverse("prospects:team_overview")
    _team(people, 1)
    with on(TODAY), CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _team(people, 5)
    with on(TODAY), django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_overview_of_the_demo_team_matches_a_hand_count():
    from accounts.management.commands.seed_demo import Command
    from prospects import demo

    people = Command().seed_people()
    demo.seed(people)
    today = timezone.localdate()
    rows = {row.person.username: row for row in team_overview(people.zhangwei, today=today)}
    assert set(rows) == {"lina", "wangqiang", "zhaomin"}  # not chenjie's liuyang

    def stages(username):
        return {value: n for value, _label, n in rows[username].stage_counts if n}

    # Counted from the table in prospects/demo.py.
    assert stages("lina") == {"client": 4, "negotiating": 2, "contacted": 2, "lead": 1}
    assert stages("wangqiang") == {
        "client": 1,
        "negotiating": 1,
        "contacted": 2,
        "lead": 3,
        "lost": 1,
    }
    assert stages("zhaomin") == {"contacted": 1, "lead": 2, "declined": 1}
    assert [rows[name].overdue_actions for name in ("lina", "wangqiang", "zhaomin")] == [2, 1, 1]
    lina = rows["lina"]
    assert (lina.open_promises, lina.overdue_promises, lina.unconsulted_promises) == (2, 1, 1)
    assert (lina.credit_gaps, lina.credit_excess) == (1, Decimal("1000000"))
    assert rows["wangqiang"].flagged_hospitality == 1  # 老周家常菜馆: the client paid
    assert rows["zhaomin"].reading is not None and lina.reading is None


SUPERVISION_PAGES = [
    ("supervisor", lambda hub: reverse("prospects:visit_list") + "?contact=reached"),
    ("supervisor", lambda hub: reverse("prospects:team_overview")),
    ("supervisor", lambda hub: reverse("prospects:conversion")),
    ("supervisor", lambda hub: reverse("prospects:handover") + f"?from_person={hub.owner_id}"),
    ("owner", lambda hub: reverse("prospects:client_credit", args=[hub.pk])),
    ("owner", lambda hub: reverse("prospects:list") + "?contact_overdue=on&credit_gap=on"),
    ("supervisor", lambda hub: reverse("prospects:promise_list") + "?show=unconsulted"),
    ("owner", lambda hub: reverse("home")),
]


@pytest.mark.parametrize(("viewer", "url"), SUPERVISION_PAGES)
def test_supervision_pages_queries_do_not_grow_with_rows(
    people, viewer, url, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.prospects.factories import make_territory
    from tests.prospects.test_queries import add_rows

    territory = make_territory(branch=people.owner.branch, managers=[people.owner])
    hub = make_prospect(people.owner, name="转介绍大户", stage="client", territory=territory)
    client = client_for(getattr(people, viewer))
    add_rows(people, territory, hub, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url(hub)).status_code == 200
    add_rows(people, territory, hub, 12)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url(hub)).status_code == 200


@pytest.mark.parametrize(
    ("url_name", "marker"),
    [("prospects:team_attention", "本组逾期商行"), ("complaints:board_panel", "本组升级客户")],
)
def test_a_team_panel_loaded_after_the_home_shows_only_the_viewers_team(people, url_name, marker):
    """The panels' own URLs are pages of team data: one supervisor's team only. (The own
    agenda's rows are checked by the access table: each person sees only their own.)"""
    from datetime import timedelta

    from tests.complaints.factories import make_case, silent_since

    overdue = timezone.localdate() - timedelta(days=3)
    make_prospect(people.owner, name="本组逾期商行", next_action_date=overdue)
    silent_since(
        make_case(people.owner, client_name="本组升级客户"), timezone.now() - timedelta(days=5)
    )

    def shown_to(person) -> bool:
        response = client_for(person).get(reverse(url_name), headers={"HX-Request": "true"})
        assert response.status_code == 200
        return marker in response.text

    assert shown_to(people.supervisor)
    assert not shown_to(people.other_supervisor)
    assert not shown_to(people.other_branch_supervisor)


def test_the_team_panel_flags_the_teams_hospitality_not_the_supervisors_own(people):
    """The supervisor's own flagged meal waits for their reviewer, not for them."""
    make_hospitality(
        make_prospect(people.owner, name="本组宴请商行"), kind="meal", paid_by="client"
    )
    make_hospitality(
        make_prospect(people.supervisor, name="主管自己的商行"), kind="meal", paid_by="client"
    )
    page = (
        client_for(people.supervisor)
        .get(reverse("prospects:team_attention"), headers={"HX-Request": "true"})
        .text
    )
    assert "本组宴请商行" in page
    assert "主管自己的商行" not in page
