"""Regular contact (经常走访): N days without a real contact, by stage, on a controlled clock."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.contributions import agenda
from prospects import rules
from prospects.models import Outcome, Prospect, Stage
from prospects.supervision import team_overview
from tests.conftest import client_for
from tests.prospects.factories import make_prospect, make_visit

WON = date(2026, 1, 5)


def won_client(owner):
    with time_machine.travel(WON, tick=False):
        return make_prospect(owner, stage=Stage.CLIENT)


def due_ids(owner, today):
    return set(
        Prospect.objects.filter(owner=owner).contact_overdue(today).values_list("pk", flat=True)
    )


@pytest.mark.django_db
def test_a_client_appears_after_thirty_days_without_a_real_contact(people):
    client = won_client(people.owner)
    make_visit(client, visited_on=date(2026, 1, 10), outcome=Outcome.MET_DECISION_MAKER)
    with time_machine.travel(date(2026, 2, 8), tick=False):  # 29 days after the visit
        assert client.pk not in due_ids(people.owner, date(2026, 2, 8))
    with time_machine.travel(date(2026, 2, 9), tick=False):  # 30 days
        assert client.pk in due_ids(people.owner, date(2026, 2, 9))
        sections = agenda(people.owner, date(2026, 2, 9))
        section = next(s for s in sections if s.template.endswith("contact_due.html"))
        assert [p.pk for p in section.items] == [client.pk]


@pytest.mark.django_db
def test_a_turned_away_visit_does_not_reset_the_count(people):
    client = won_client(people.owner)
    make_visit(client, visited_on=date(2026, 1, 10), outcome=Outcome.MET_STAFF)
    for outcome in (Outcome.TURNED_AWAY, Outcome.NO_ANSWER, Outcome.RESCHEDULED):
        make_visit(client, visited_on=date(2026, 2, 8), outcome=outcome)
    make_visit(client, visited_on=date(2026, 2, 9), outcome=Outcome.PLANNED)
    with time_machine.travel(date(2026, 2, 10), tick=False):
        assert client.pk in due_ids(people.owner, date(2026, 2, 10))
    make_visit(client, visited_on=date(2026, 2, 9), outcome=Outcome.MET_STAFF)
    with time_machine.travel(date(2026, 2, 10), tick=False):
        assert client.pk not in due_ids(people.owner, date(2026, 2, 10))


@pytest.mark.django_db
def test_leads_and_closed_prospects_are_not_counted_and_a_new_client_is_not_neglected(people):
    with time_machine.travel(WON, tick=False):
        lead = make_prospect(people.owner)
        lost = make_prospect(people.owner, stage=Stage.LOST, closed_reason="他行")
        negotiating = make_prospect(people.owner, stage=Stage.NEGOTIATING)
    with time_machine.travel(date(2026, 1, 25), tick=False):
        negotiating.stage = Stage.CLIENT  # won on the 25th: counted from then
        negotiating.save()
    today = date(2026, 2, 10)
    assert due_ids(people.owner, today) == set()
    assert lead.pk not in due_ids(people.owner, date(2026, 12, 1))
    assert lost.pk not in due_ids(people.owner, date(2026, 12, 1))
    assert negotiating.pk in due_ids(people.owner, date(2026, 2, 24))


@pytest.mark.django_db
def test_the_overview_counts_and_links_the_neglected(people):
    for _ in range(2):
        client = won_client(people.owner)
    make_visit(client, visited_on=date(2026, 1, 20), outcome=Outcome.MET_STAFF)
    today = date(2026, 3, 1)
    with time_machine.travel(today, tick=False):
        rows = {row.person.pk: row for row in team_overview(people.supervisor, today=today)}
        assert rows[people.owner.pk].out_of_contact == 2
        listed = client_for(people.supervisor).get(
            reverse("prospects:list") + f"?owner={people.owner.pk}&contact_overdue=on"
        )
        assert len(listed.context["page"].object_list) == 2


def test_contact_overdue_rule_counts_from_the_later_of_contact_and_stage():
    today = date(2026, 3, 1)
    assert rules.contact_overdue(
        stage="client", last_contact=date(2026, 1, 1), stage_since=None, today=today
    )
    assert not rules.contact_overdue(
        stage="client", last_contact=date(2026, 1, 1), stage_since=date(2026, 2, 20), today=today
    )
    assert not rules.contact_overdue(stage="lead", last_contact=None, stage_since=None, today=today)
    assert rules.counts_as_contact("met_staff")
    assert not rules.counts_as_contact("turned_away")
    assert not rules.counts_as_contact("")


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(Stage.values),
            st.integers(min_value=0, max_value=90),  # days before today the stage was reached
            st.lists(
                st.tuples(st.sampled_from(Outcome.values), st.integers(min_value=0, max_value=90)),
                max_size=3,
            ),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_contact_overdue_sql_matches_the_python_rule(people, prospects):
    today = date(2026, 6, 30)
    Prospect.objects.filter(owner=people.owner).delete()
    expected = set()
    for stage, stage_age, visits in prospects:
        with time_machine.travel(today - timedelta(days=stage_age), tick=False):
            prospect = make_prospect(
                people.owner,
                stage=stage,
                closed_reason="x" if stage in ("lost", "declined") else "",
            )
        contacts = []
        for outcome, age in visits:
            make_visit(prospect, visited_on=today - timedelta(days=age), outcome=outcome)
            if rules.counts_as_contact(outcome):
                contacts.append(today - timedelta(days=age))
        if rules.contact_overdue(
            stage=stage,
            last_contact=max(contacts, default=None),
            stage_since=today - timedelta(days=stage_age),
            today=today,
        ):
            expected.add(prospect.pk)
    assert due_ids(people.owner, today) == expected
