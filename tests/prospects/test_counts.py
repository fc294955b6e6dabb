"""Territory and referral counts: one grouped pass, each prospect counted once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from prospects.models import Prospect, Territory
from tests.prospects.factories import make_prospect, make_territory

pytestmark = pytest.mark.django_db


def test_a_territory_two_teammates_work_counts_each_prospect_once(people, supervisor_client):
    shared = make_territory(
        branch=people.owner.branch, managers=[people.owner, people.teammate, people.supervisor]
    )
    make_prospect(people.owner, territory=shared, stage="client")
    make_prospect(people.teammate, territory=shared, stage="lead")
    make_prospect(people.other_manager, territory=shared, stage="lead")
    rows = supervisor_client.get(reverse("prospects:territory_list")).context["rows"]
    assert len(rows) == 1
    territory, _rate = rows[0]
    assert (territory.prospects_total, territory.clients_won) == (3, 1)
    assert (territory.stage_lead, territory.stage_client, territory.stage_lost) == (2, 1, 0)


def test_a_territory_without_prospects_counts_zero(people):
    make_territory(branch=people.owner.branch, managers=[people.owner])
    territory = Territory.objects.with_counts().with_stage_counts().get()
    assert (territory.prospects_total, territory.clients_won, territory.stage_lead) == (0, 0, 0)


def test_the_ranking_orders_by_referrals_then_clients_then_name(manager):
    first, second, third = (make_prospect(manager, name=n) for n in ("乙店", "甲店", "丙店"))
    for referrer, stages in (
        (first, ["lead", "client"]),
        (second, ["client", "client"]),
        (third, ["lead"]),
    ):
        for stage in stages:
            make_prospect(manager, referred_by=referrer, source="referral", stage=stage)
    ranking = Prospect.objects.visible_to(manager).referral_ranking()
    assert [(p.name, p.referred_count, p.referred_clients) for p in ranking] == [
        ("甲店", 2, 2),
        ("乙店", 2, 1),
        ("丙店", 1, 0),
    ]


def test_the_ranking_counts_referrals_the_viewer_cannot_see(people):
    referrer = make_prospect(people.owner, name="老客户")
    make_prospect(people.other_manager, referred_by=referrer, source="referral")
    ranking = list(Prospect.objects.visible_to(people.owner).referral_ranking())
    assert [(p.name, p.referred_count) for p in ranking] == [("老客户", 1)]
    assert list(Prospect.objects.visible_to(people.other_manager).referral_ranking()) == []
