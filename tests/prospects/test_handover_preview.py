"""The handover's preview says what else follows the clients (the other apps' records),
and what stays, before the supervisor confirms; the confirmed handover then moves just
that, and says why on each complaint it moves."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints.models import Action, Case, CaseEvent
from investigations.models import Investigation, Status
from tests.complaints.factories import make_case, make_question
from tests.complaints.test_handover import closed
from tests.conftest import client_for
from tests.investigations.factories import make_investigation
from tests.prospects.factories import make_prospect
from tests.prospects.test_handover import form_data

pytestmark = pytest.mark.django_db


def preview(people, client=None) -> str:
    client = client or client_for(people.supervisor)
    response = client.post(reverse("prospects:handover"), form_data(people))
    assert response.status_code == 200 and response.context["preview"] is not None
    return response.text


def leavers_casework(people, clients: int = 3) -> None:
    """`clients` clients of the leaver, each with an investigation not yet decided and an
    open complaint or question; one decided investigation, one closed complaint, and one
    open complaint about the new manager."""
    for index in range(clients):
        investigation = make_investigation(people.owner)
        maker = make_question if index % 2 else make_case
        maker(people.owner, prospect=investigation.prospect)
    decided = make_investigation(people.owner)
    Investigation.objects.filter(pk=decided.pk).update(status=Status.APPROVED)
    closed(make_case(people.owner, prospect=decided.prospect))
    make_case(people.owner, prospect=decided.prospect, about=people.teammate)


def test_the_preview_says_what_follows_and_what_stays_as_the_handover_then_moves_it(people):
    leavers_casework(people, clients=3)
    page = preview(people)
    assert "随客户移交的其他事项" in page
    assert "3 项未审结的调查将随客户移交。" in page
    assert "3 件未结的投诉或待答复咨询将随客户移交。" in page
    assert "1 件未结投诉针对的是Teammate，将仍由Owner处理：请另选处理人。" in page
    # Nothing moved yet.
    assert not Investigation.objects.filter(owner=people.teammate).exists()
    assert not Case.objects.filter(handler=people.teammate).exists()

    response = client_for(people.supervisor).post(
        reverse("prospects:handover"), form_data(people, confirm="1")
    )
    assert response.status_code == 302
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert "3 项未审结的调查随客户移交。" in said
    assert "3 件未结的投诉或待答复咨询随客户移交。" in said
    assert "1 件未结投诉针对的是Teammate，仍由Owner处理：请另选处理人。" in said
    # The preview's counts are what moved.
    assert Investigation.objects.filter(owner=people.teammate).count() == 3
    assert Case.objects.filter(handler=people.teammate).count() == 3
    assert Case.objects.open().filter(handler=people.owner).count() == 1


def test_each_moved_complaint_step_says_why_the_client_was_handed_over(people):
    client = make_prospect(people.owner)
    case = make_case(people.owner, prospect=client)
    response = client_for(people.supervisor).post(
        reverse("prospects:handover"), form_data(people, confirm="1")
    )
    assert response.status_code == 302
    step = CaseEvent.objects.get(case=case, action=Action.REASSIGN)
    assert step.note == "Teammate：客户从Owner移交而来（调往其他支行）。"


def test_preview_queries_do_not_grow_with_clients_and_cases(people, django_assert_num_queries):
    supervisor = client_for(people.supervisor)
    leavers_casework(people, clients=1)
    with CaptureQueriesContext(connection) as small:
        page = preview(people, supervisor)
    assert "1 项未审结的调查将随客户移交。" in page
    leavers_casework(people, clients=5)
    with django_assert_num_queries(len(small.captured_queries)):
        page = preview(people, supervisor)
    assert "6 项未审结的调查将随客户移交。" in page
    assert "6 件未结的投诉或待答复咨询将随客户移交。" in page
    assert "2 件未结投诉针对的是Teammate，将仍由Owner处理：请另选处理人。" in page
