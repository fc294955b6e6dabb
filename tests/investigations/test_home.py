"""What investigations add to the shared screens: navigation, agenda, home panel,
the prospect's timeline and its "start an investigation" action."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.contributions import agenda, nav_items, prospect_actions
from investigations.models import Investigation
from tests.conftest import client_for
from tests.investigations.factories import make_investigation, refresh, submitted
from tests.investigations.test_workflow import review
from tests.prospects.factories import make_prospect

pytestmark = pytest.mark.django_db


def labels(items) -> list[str]:
    return [str(item.label) for item in items]


def test_navigation_item_for_caseworkers_only(people):
    assert reverse("investigations:list") in [i.url for i in nav_items(people.owner)]
    assert reverse("investigations:queue") in [i.url for i in nav_items(people.supervisor)]
    assert reverse("investigations:queue") not in [i.url for i in nav_items(people.owner)]
    trainee_urls = [i.url for i in nav_items(people.trainee)]
    assert not [url for url in trainee_urls if url.startswith("/investigations/")]


def test_agenda_shows_returned_investigations_and_old_drafts(people):
    returned = submitted(people.owner)
    review(client_for(people.supervisor), returned, decision="return", comment="补材料")
    old = make_investigation(people.owner)
    Investigation.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    make_investigation(people.owner)  # a fresh draft is not on the agenda
    sections = {
        section.template: section.items for section in agenda(people.owner, timezone.localdate())
    }
    assert sections["investigations/agenda/returned.html"] == [refresh(returned)]
    assert [inv.pk for inv in sections["investigations/agenda/drafts.html"]] == [old.pk]


def test_supervisor_home_shows_the_queue_count_and_oldest_age(people):
    first = submitted(people.owner)
    submitted(people.teammate)
    Investigation.objects.filter(pk=first.pk).update(
        submitted_at=timezone.now() - timedelta(days=5)
    )
    response = client_for(people.supervisor).get(reverse("home"))
    panel = next(p for p in response.context["panels"] if "queue" in p.template)
    assert panel.context["count"] == 2
    assert panel.context["oldest_days"] == 5


def test_only_the_prospects_own_manager_is_offered_to_start(people):
    prospect = make_prospect(people.owner)
    url = reverse("investigations:create", args=[prospect.pk])
    assert url in [a.url for a in prospect_actions(prospect, people.owner)]
    assert url not in [a.url for a in prospect_actions(prospect, people.supervisor)]
    trainee_prospect = make_prospect(people.trainee)
    assert not prospect_actions(trainee_prospect, people.trainee) or all(
        "/investigations/" not in a.url for a in prospect_actions(trainee_prospect, people.trainee)
    )


def test_the_investigation_is_on_the_prospects_timeline(people):
    investigation = make_investigation(people.owner)
    page = client_for(people.owner).get(investigation.prospect.get_absolute_url())
    assert f'id="investigation-{investigation.pk}"' in page.content.decode()
    assert investigation.get_absolute_url() in page.content.decode()
