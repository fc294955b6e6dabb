"""Hospitality review: the supervisor acknowledges or questions a flagged entry."""

from __future__ import annotations

import pytest
from django.urls import reverse

from prospects.models import HospitalityEntry, HospitalityReview
from tests.conftest import client_for
from tests.home import loaded_home
from tests.prospects.factories import make_hospitality, make_prospect

pytestmark = pytest.mark.django_db


def review_url(entry) -> str:
    return reverse("prospects:hospitality_review", args=[entry.pk])


def test_an_acknowledged_entry_leaves_the_home_panel_but_stays_in_the_register(people):
    entry = make_hospitality(make_prospect(people.owner), kind="meal", paid_by="client")
    supervisor = client_for(people.supervisor)
    assert entry.prospect.name in loaded_home(supervisor).text
    response = supervisor.post(review_url(entry), {"review": "acknowledged", "comment": "可以"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.review, entry.reviewed_by, entry.review_comment) == (
        HospitalityReview.ACKNOWLEDGED,
        people.supervisor,
        "可以",
    )
    home = loaded_home(supervisor)
    team_panel = next(p for p in home.panels if "flagged" in p.context)
    assert entry not in team_panel.context["flagged"]
    register = supervisor.get(reverse("prospects:hospitality_list") + "?show=flagged")
    assert entry in register.context["page"].object_list
    assert str(people.supervisor) in register.content.decode()


def test_a_questioned_entry_goes_back_to_the_manager_and_returns_with_the_answer(people):
    entry = make_hospitality(make_prospect(people.owner), kind="meal", paid_by="client")
    supervisor = client_for(people.supervisor)
    empty = supervisor.post(review_url(entry), {"review": "questioned", "comment": ""})
    assert "说明" in empty.content.decode() or empty.context["review_form"].errors
    supervisor.post(review_url(entry), {"review": "questioned", "comment": "谁付的？"})
    entry.refresh_from_db()
    assert entry.review == HospitalityReview.QUESTIONED
    client_for(people.owner).post(review_url(entry), {"answer": "客户坚持买单，下次我们回请"})
    entry.refresh_from_db()
    assert entry.review == HospitalityReview.AWAITING
    assert entry.answer.startswith("客户坚持")
    assert HospitalityEntry.objects.flagged().awaiting_review().filter(pk=entry.pk).exists()


def test_a_manager_cannot_review_their_own_entry(people):
    entry = make_hospitality(make_prospect(people.owner), kind="meal", paid_by="client")
    response = client_for(people.owner).post(review_url(entry), {"review": "acknowledged"})
    assert response.status_code == 200
    assert response.context["review_form"].non_field_errors()
    entry.refresh_from_db()
    assert entry.review == HospitalityReview.AWAITING


def test_the_threshold_shows_in_the_form_before_saving(people):
    prospect = make_prospect(people.owner)
    html = client_for(people.owner).get(prospect.get_absolute_url()).content.decode()
    assert "¥200" in html


@pytest.mark.parametrize("sent", [{"comment": "x"}, {}])
def test_a_review_sent_without_its_choice_is_answered_beside_the_form(people, sent):
    """Sent without "review" (a stale tab, or the owner's comment), the page fell over (500)."""
    entry = make_hospitality(make_prospect(people.owner), kind="meal", paid_by="client")
    owner = client_for(people.owner).post(review_url(entry), sent)
    supervisor = client_for(people.supervisor).post(review_url(entry), sent)

    assert owner.status_code == 200
    assert "您的主管" in str(owner.context["review_form"].non_field_errors())
    assert supervisor.status_code == 200
    assert supervisor.context["review_form"].errors["review"] == ["这个字段是必填项。"]
    entry.refresh_from_db()
    assert entry.reviewed_by is None
