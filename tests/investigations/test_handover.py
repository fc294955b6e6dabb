"""A client handed to another manager takes its investigations not yet decided along:
the new manager finishes or answers them; a decided one stays with who investigated."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib.messages import get_messages
from django.urls import reverse

from investigations.models import Investigation, Status
from prospects.models import Handover
from tests.conftest import client_for
from tests.investigations.factories import make_investigation, refresh, submitted
from tests.investigations.test_workflow import review

pytestmark = pytest.mark.django_db


def test_open_investigations_follow_their_client_and_decided_ones_stay(people):
    draft = make_investigation(people.owner)
    waiting = submitted(people.owner)
    decided = submitted(people.owner)
    review(client_for(people.supervisor), decided, decision="approve")
    response = client_for(people.supervisor).post(
        reverse("prospects:handover"),
        {
            "from_person": people.owner.pk,
            "to_person": people.teammate.pk,
            "everything": "on",
            "reason": "调往其他支行",
            "confirm": "1",
        },
    )
    assert response.status_code == 302
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert "2 项未审结的调查随客户移交。" in said
    owners = dict(Investigation.objects.values_list("pk", "owner"))
    assert owners == {
        draft.pk: people.teammate.pk,
        waiting.pk: people.teammate.pk,
        decided.pk: people.owner.pk,
    }
    assert refresh(waiting).status == Status.SUBMITTED
    # The new manager works on the draft; the one who left no longer sees it.
    teammate = client_for(people.teammate)
    assert teammate.get(reverse("investigations:edit", args=[draft.pk])).status_code == 200
    assert client_for(people.owner).get(draft.get_absolute_url()).status_code == 404
    assert (
        LogEntry.objects.get_for_object(refresh(draft)).filter(changes__icontains="owner").exists()
    )


def test_reassigning_one_client_is_a_handover_its_open_investigation_follows(people):
    draft = make_investigation(people.owner)
    prospect = draft.prospect
    client = client_for(people.supervisor)
    url = reverse("prospects:reassign", args=[prospect.pk])
    # Why is asked, as for a handover.
    response = client.post(url, {"owner": people.teammate.pk, "reason": ""})
    assert response.context["form"].errors["reason"]
    response = client.post(url, {"owner": people.teammate.pk, "reason": "片区调整"})
    assert response.status_code == 302
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert "1 项未审结的调查随客户移交。" in said
    assert refresh(draft).owner == people.teammate
    handover = Handover.objects.get()
    assert (handover.reason, list(handover.prospects.all())) == ("片区调整", [prospect])
    # The former owner can no longer start a second one or finish this one.
    assert client_for(people.owner).get(draft.get_absolute_url()).status_code == 404
