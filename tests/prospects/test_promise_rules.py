"""先请示 and the one exception to keeping a promise."""

from __future__ import annotations

import pytest
from django.urls import reverse

from prospects.models import Promise, PromiseStatus
from tests.conftest import client_for
from tests.home import loaded_home
from tests.prospects.factories import make_promise, make_prospect

pytestmark = pytest.mark.django_db


def promise_data(**extra):
    return {
        "promise-description": "三天内答复贷款额度",
        "promise-made_on": "2026-01-05",
        "promise-due_on": "2026-01-08",
        **extra,
    }


def unconsulted_panel(user):
    home = loaded_home(client_for(user))
    panel = next(p for p in home.panels if p.template.endswith("unconsulted.html"))
    return panel.context["promises"]


def test_a_promise_made_alone_is_flagged_for_the_supervisor_but_not_blocked(people):
    prospect = make_prospect(people.owner)
    response = client_for(people.owner).post(
        reverse("prospects:promise_create", args=[prospect.pk]), promise_data(), follow=True
    )
    promise = Promise.objects.get()
    assert promise.made_alone
    assert "先请示" in response.content.decode()
    assert unconsulted_panel(people.supervisor) == [promise]


def test_a_promise_after_asking_first_is_not_flagged(people):
    prospect = make_prospect(people.owner)
    client_for(people.owner).post(
        reverse("prospects:promise_create", args=[prospect.pk]),
        promise_data(**{"promise-consulted": people.supervisor.pk}),
    )
    assert not Promise.objects.get().made_alone
    assert unconsulted_panel(people.supervisor) == []


def test_a_trainees_promise_made_alone_goes_to_the_mentor(people):
    promise = make_promise(make_prospect(people.trainee))
    assert unconsulted_panel(people.supervisor) == [promise]
    assert unconsulted_panel(people.other_supervisor) == []


def test_marking_seen_takes_it_off_the_home_but_keeps_the_flag(people):
    promise = make_promise(make_prospect(people.owner))
    seen_url = reverse("prospects:promise_unconsulted_seen", args=[promise.pk])
    client_for(people.owner).post(seen_url)  # not theirs to clear
    promise.refresh_from_db()
    assert promise.unconsulted_seen_by is None
    client_for(people.supervisor).post(seen_url)
    promise.refresh_from_db()
    assert promise.unconsulted_seen_by == people.supervisor and promise.made_alone
    assert unconsulted_panel(people.supervisor) == []


def test_declining_for_the_banks_rules_records_the_reason_without_compensation(people):
    promise = make_promise(make_prospect(people.owner))
    url = reverse("prospects:promise_decline", args=[promise.pk])
    empty = client_for(people.owner).post(url, {"reason": ""})
    assert empty.status_code == 200 and empty.context["form"].errors["reason"]
    response = client_for(people.owner).post(url, {"reason": "超出授权，违反信贷审批制度"})
    assert response.status_code == 302
    promise.refresh_from_db()
    assert promise.status == PromiseStatus.DECLINED_RULES
    assert promise.explanation == "超出授权，违反信贷审批制度"
    assert (promise.loss_caused, promise.compensation) == (False, "")


def test_compensation_is_asked_only_when_a_loss_was_caused(people):
    promise = make_promise(make_prospect(people.owner))
    url = reverse("prospects:promise_decline", args=[promise.pk])
    response = client_for(people.owner).post(url, {"reason": "违反规定", "loss_caused": "on"})
    assert response.status_code == 200
    assert response.context["form"].errors["compensation"]
    assert Promise.objects.get().status == PromiseStatus.OPEN
    client_for(people.owner).post(
        url, {"reason": "违反规定", "loss_caused": "on", "compensation": "承担客户的评估费"}
    )
    promise.refresh_from_db()
    assert (promise.status, promise.compensation) == (
        PromiseStatus.DECLINED_RULES,
        "承担客户的评估费",
    )
