"""Handover: a leaving manager's prospects, promises and planned visits move in one action."""

from __future__ import annotations

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from prospects.models import Handover, Promise, Prospect, Visit
from tests.conftest import client_for
from tests.prospects.factories import make_promise, make_prospect, make_visit

pytestmark = pytest.mark.django_db


def leaving_managers_book(people):
    owner = people.owner
    first, second, third = (
        make_prospect(owner, name=name) for name in ("甲商行", "乙商行", "丙商行")
    )
    make_promise(first)
    make_visit(second, visited_on=timezone.localdate() + timedelta(days=2), outcome="")
    make_visit(second)  # done: stays as it was recorded
    return first, second, third


def form_data(people, **extra):
    return {
        "from_person": people.owner.pk,
        "to_person": people.teammate.pk,
        "everything": "on",
        "reason": "调往其他支行",
        **extra,
    }


def test_preview_shows_what_moves_and_moves_nothing(people):
    leaving_managers_book(people)
    response = client_for(people.supervisor).post(reverse("prospects:handover"), form_data(people))
    preview = response.context["preview"]
    assert len(preview.prospects) == 3
    assert len(preview.open_promises) == 1 and len(preview.planned_visits) == 1
    assert Prospect.objects.filter(owner=people.owner).count() == 3


def test_confirming_hands_everything_over_with_an_audit_entry(people):
    first, second, _third = leaving_managers_book(people)
    response = client_for(people.supervisor).post(
        reverse("prospects:handover"), form_data(people, confirm="1")
    )
    assert response.status_code == 302
    assert Prospect.objects.filter(owner=people.teammate).count() == 3
    assert Visit.objects.get(prospect=second, outcome="").recorded_by == people.teammate
    assert Visit.objects.get(prospect=second, outcome="met_staff").recorded_by == people.owner
    handover = Handover.objects.get()
    assert (handover.from_person, handover.to_person, handover.decided_by) == (
        people.owner,
        people.teammate,
        people.supervisor,
    )
    assert (handover.open_promises, handover.planned_visits) == (1, 1)
    assert handover.prospects.count() == 3
    assert LogEntry.objects.get_for_object(first).filter(changes__icontains="owner").exists()
    # The promise follows its client: the teammate now sees it.
    assert Promise.objects.visible_to(people.teammate).filter(prospect=first).exists()


def test_a_selection_moves_only_the_ticked_prospects(people):
    first, _second, third = leaving_managers_book(people)
    data = form_data(people, confirm="1", prospects=[first.pk, third.pk])
    del data["everything"]
    client_for(people.supervisor).post(reverse("prospects:handover"), data)
    assert set(Prospect.objects.filter(owner=people.teammate)) == {first, third}


def test_handing_over_to_the_same_person_is_refused_beside_the_field(people):
    leaving_managers_book(people)
    response = client_for(people.supervisor).post(
        reverse("prospects:handover"),
        form_data(people, to_person=people.owner.pk, confirm="1"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["to_person"]
    assert not Handover.objects.exists()


def test_another_teams_supervisor_cannot_hand_over_this_team(people):
    leaving_managers_book(people)
    response = client_for(people.other_supervisor).post(
        reverse("prospects:handover"), form_data(people, confirm="1")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["from_person"]
    assert Prospect.objects.filter(owner=people.owner).count() == 3


def test_a_leaver_whose_account_was_closed_first_can_still_be_handed_over(people):
    leaving_managers_book(people)
    people.owner.is_active = False
    people.owner.save()
    client = client_for(people.supervisor)
    page = client.get(reverse("prospects:handover")).text
    assert "Owner（账号已停用）" in page
    response = client.post(reverse("prospects:handover"), form_data(people, confirm="1"))
    assert response.status_code == 302
    assert Prospect.objects.filter(owner=people.teammate).count() == 3
    # Closed accounts without clients, or outside the team, are not offered.
    people.other_manager.is_active = False
    people.other_manager.save()
    assert "Othermanager" not in client.get(reverse("prospects:handover")).text


def test_clients_are_not_handed_to_a_trainee(people):
    leaving_managers_book(people)
    client = client_for(people.supervisor)
    response = client.post(
        reverse("prospects:handover"), form_data(people, to_person=people.trainee.pk, confirm="1")
    )
    assert response.context["form"].errors["to_person"]
    prospect = Prospect.objects.filter(owner=people.owner).first()
    response = client.post(
        reverse("prospects:reassign", args=[prospect.pk]),
        {"owner": people.trainee.pk, "reason": "练习"},
    )
    assert response.context["form"].errors["owner"]
    assert Prospect.objects.filter(owner=people.owner).count() == 3
