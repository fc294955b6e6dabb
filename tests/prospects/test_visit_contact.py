"""Handbook §1: only a visit that reached the client is contact (rules.counts_as_contact)."""

from __future__ import annotations

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prospects import rules
from prospects.models import Outcome, Prospect, Stage, Visit
from prospects.services import visit_log
from tests.prospects.factories import make_prospect

TODAY = timezone.localdate()


@pytest.mark.parametrize(
    ("outcome", "contact"),
    [
        (Outcome.MET_DECISION_MAKER, True),
        (Outcome.MET_STAFF, True),
        (Outcome.TURNED_AWAY, False),
        (Outcome.NO_ANSWER, False),
        (Outcome.RESCHEDULED, False),
        (Outcome.PLANNED, False),
    ],
)
def test_only_a_visit_that_reached_the_client_is_contact(outcome, contact):
    assert rules.counts_as_contact(outcome) is contact


@pytest.mark.parametrize("outcome", [Outcome.TURNED_AWAY, Outcome.NO_ANSWER, Outcome.RESCHEDULED])
def test_an_attempt_leaves_a_lead_a_lead(manager, outcome):
    prospect = make_prospect(manager, stage=Stage.LEAD)
    visit_log(visit=Visit(prospect=prospect, visited_on=TODAY, outcome=outcome), by=manager)
    assert Prospect.objects.get(pk=prospect.pk).stage == Stage.LEAD


def test_meeting_someone_makes_a_lead_contacted(manager):
    prospect = make_prospect(manager, stage=Stage.LEAD)
    visit_log(
        visit=Visit(prospect=prospect, visited_on=TODAY, outcome=Outcome.MET_STAFF),
        by=manager,
    )
    assert Prospect.objects.get(pk=prospect.pk).stage == Stage.CONTACTED


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(outcomes=st.lists(st.sampled_from(Outcome.values), max_size=8))
def test_contact_figures_in_sql_match_the_rule(manager, outcomes):
    prospect = make_prospect(manager)
    Visit.objects.filter(prospect=prospect).delete()
    for outcome in outcomes:
        Visit.objects.create(
            prospect=prospect, visited_on=TODAY, outcome=outcome, recorded_by=manager
        )
    visits = Visit.objects.filter(prospect=prospect)
    assert visits.contacts().count() == sum(rules.counts_as_contact(o) for o in outcomes)


def test_a_promise_is_checked_with_the_supervisor_first_then_the_own_team(people):
    from prospects.forms import PromiseForm

    choices = list(PromiseForm(user=people.owner).fields["consulted"].queryset)
    assert choices == [people.supervisor, people.teammate]  # not the trainee, admin, other team


def test_a_supervisor_checks_with_the_managers_of_the_own_team(people):
    from prospects.forms import PromiseForm

    choices = set(PromiseForm(user=people.supervisor).fields["consulted"].queryset)
    assert choices == {people.owner, people.teammate}
