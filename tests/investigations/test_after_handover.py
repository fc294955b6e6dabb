"""A client's decided investigation stays with who investigated when the client is handed
over, and the client's new manager (and who sees their records) reads it, read-only: the
report, its PDF and files, linked from the client's page; nothing to change, decide or count
as their own work."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from investigations.models import Investigation, Status
from prospects.services import prospects_hand_over
from tests.conftest import client_for
from tests.investigations.factories import make_investigation, pdf_upload, refresh, submitted
from tests.investigations.test_workflow import review

pytestmark = pytest.mark.django_db

READ_ONLY_NOTE = "前任客户经理 Owner 在客户移交前所做的调查（只读）。"


def approved(people, **fields) -> Investigation:
    investigation = submitted(people.owner, **fields)
    response = review(client_for(people.supervisor), investigation, decision="approve")
    assert response.status_code == 302
    investigation = refresh(investigation)
    assert investigation.status == Status.APPROVED
    return investigation


def hand_over(people, investigation, *, to, by) -> None:
    prospects_hand_over(
        prospects=[investigation.prospect],
        from_person=people.owner,
        to=to,
        by=by,
        reason="调往其他支行",
    )


def test_new_manager_reads_the_report_its_pdf_and_its_files(people):
    investigation = approved(people)
    hand_over(people, investigation, to=people.teammate, by=people.supervisor)
    teammate = client_for(people.teammate)
    response = teammate.get(investigation.get_absolute_url())
    assert response.status_code == 200
    assert READ_ONLY_NOTE in response.text
    assert response.context["can_edit"] is False
    assert response.context["can_decide"] is False
    pdf = teammate.get(reverse("investigations:pdf", args=[investigation.pk]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    file = investigation.evidence.get()  # the written authorization of the credit query
    assert teammate.get(file.get_absolute_url()).status_code == 200


def test_the_clients_page_links_the_former_managers_investigation(people):
    investigation = approved(people)
    hand_over(people, investigation, to=people.teammate, by=people.supervisor)
    response = client_for(people.teammate).get(investigation.prospect.get_absolute_url())
    assert response.status_code == 200
    assert f'href="{investigation.get_absolute_url()}"' in response.text
    assert READ_ONLY_NOTE in response.text


def test_new_manager_cannot_change_submit_attach_to_or_decide_it(people):
    investigation = approved(people)
    hand_over(people, investigation, to=people.teammate, by=people.supervisor)
    teammate = client_for(people.teammate)
    page = teammate.get(investigation.get_absolute_url())
    assert page.status_code == 200
    for name in ("edit", "submit", "evidence_upload", "review"):
        assert f'href="{reverse(f"investigations:{name}", args=[investigation.pk])}"' not in (
            page.text
        )
    file = investigation.evidence.get()
    item = investigation.items.get(position=4)
    refused = {
        "edit": reverse("investigations:edit", args=[investigation.pk]),
        "item": reverse("investigations:item", args=[investigation.pk, item.pk]),
        "guarantor": reverse("investigations:child_create", args=[investigation.pk, "guarantors"]),
        "submit": reverse("investigations:submit", args=[investigation.pk]),
        "upload": reverse("investigations:evidence_upload", args=[investigation.pk]),
        "review": reverse("investigations:review", args=[investigation.pk]),
        "cover": reverse("investigations:cover", args=[investigation.pk]),
    }
    for url in refused.values():
        assert teammate.get(url).status_code == 404, url
    posts = {
        refused["edit"]: {"purpose": "改写"},
        refused["upload"]: {"file": pdf_upload()},
        refused["submit"]: {"seen_version": investigation.version},
        refused["review"]: {"decision": "decline", "seen_version": investigation.version},
        reverse("investigations:evidence_delete", args=[file.pk]): {},
    }
    for url, data in posts.items():
        assert teammate.post(url, data).status_code == 404, url
    after = refresh(investigation)
    assert (after.status, after.version, after.owner) == (
        Status.APPROVED,
        investigation.version,
        people.owner,
    )
    assert after.evidence.count() == 1


def test_it_is_not_the_new_managers_work(people):
    """Read from the client's page; not in their list of investigations nor anyone's queue."""
    investigation = approved(people)
    hand_over(people, investigation, to=people.other_manager, by=people.admin)
    for person in (people.other_manager, people.other_supervisor):
        client = client_for(person)
        assert client.get(investigation.get_absolute_url()).status_code == 200
        listing = client.get(reverse("investigations:list"))
        assert investigation not in list(listing.context["page"])
    queue = client_for(people.other_supervisor).get(reverse("investigations:queue"))
    assert list(queue.context["page"]) == []
    assert not Investigation.objects.visible_to(people.other_manager).exists()


def test_former_manager_and_team_keep_it_and_other_teams_still_get_404(people):
    investigation = approved(people)
    hand_over(people, investigation, to=people.other_manager, by=people.admin)
    url = investigation.get_absolute_url()
    pdf = reverse("investigations:pdf", args=[investigation.pk])
    # The new team reads it now ...
    assert client_for(people.other_supervisor).get(url).status_code == 200
    # ... the one who investigated, their supervisor and an administrator as before ...
    for person in (people.owner, people.supervisor, people.admin):
        assert client_for(person).get(url).status_code == 200, person
    owner_list = client_for(people.owner).get(reverse("investigations:list"))
    assert investigation in list(owner_list.context["page"])
    # ... and nobody else.
    for person in (
        people.teammate,
        people.trainee,
        people.other_branch_supervisor,
        people.other_branch_manager,
    ):
        client = client_for(person)
        assert client.get(url).status_code == 404, person
        assert client.get(pdf).status_code == 404, person
    # A trainee given a client reads none of its investigations (trainees see none at all).
    other = approved(people)
    hand_over(people, other, to=people.trainee, by=people.supervisor)
    trainee = client_for(people.trainee)
    assert trainee.get(other.get_absolute_url()).status_code == 404
    client_page = trainee.get(other.prospect.get_absolute_url())
    assert client_page.status_code == 200
    assert other.get_absolute_url() not in client_page.text


def test_the_report_links_the_client_only_for_those_who_still_see_it(people):
    investigation = approved(people)
    hand_over(people, investigation, to=people.other_manager, by=people.admin)
    client_link = f'href="{investigation.prospect.get_absolute_url()}"'

    def report(person) -> str:
        return client_for(person).get(investigation.get_absolute_url()).text

    for person in (people.other_manager, people.other_supervisor, people.admin):
        assert client_link in report(person), person
    # The one who investigated, and their supervisor, read their work; the client has gone.
    for person in (people.owner, people.supervisor):
        page = report(person)
        assert client_link not in page and investigation.prospect.name in page, person


def test_an_undecided_one_still_follows_the_client_and_the_decided_one_is_read(people):
    decided = approved(people)
    draft = make_investigation(people.owner, prospect=decided.prospect)
    hand_over(people, decided, to=people.teammate, by=people.supervisor)
    assert refresh(draft).owner == people.teammate
    assert refresh(decided).owner == people.owner
    teammate = client_for(people.teammate)
    assert teammate.get(reverse("investigations:edit", args=[draft.pk])).status_code == 200
    assert teammate.get(decided.get_absolute_url()).status_code == 200
    assert list(Investigation.objects.readable_by(people.teammate).order_by("pk")) == [
        decided,
        draft,
    ]
    former = client_for(people.owner)
    assert former.get(draft.get_absolute_url()).status_code == 404
    assert former.get(decided.get_absolute_url()).status_code == 200


def _count(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries), response.text


@pytest.mark.parametrize("screen", ["prospect", "report"])
def test_queries_do_not_grow_with_handed_over_investigations(people, screen):
    def build(size: int) -> list[Investigation]:
        first = approved(people)
        rest = [approved(people, prospect=first.prospect) for _ in range(size - 1)]
        hand_over(people, first, to=people.teammate, by=people.supervisor)
        return [first, *rest]

    def url(investigation: Investigation) -> str:
        if screen == "prospect":
            return investigation.prospect.get_absolute_url()
        return investigation.get_absolute_url()

    teammate = client_for(people.teammate)
    small, _ = _count(teammate, url(build(2)[0]))
    large = build(6)
    queries, text = _count(teammate, url(large[0]))
    assert queries == small
    if screen == "prospect":
        assert all(f'href="{inv.get_absolute_url()}"' in text for inv in large)


# --- Four eyes across handovers: who worked on it, whoever owns it now ----------------------


@pytest.mark.parametrize("work", ["figures", "guarantor", "checklist", "evidence"])
def test_a_supervisor_who_worked_on_it_while_it_was_theirs_does_not_decide_it(people, work):
    """Their client went to them while its manager was away; they typed some of it, and
    handed it back. The manager submits: the supervisor may not approve, an administrator
    decides (and a later re-save by the manager does not wipe out their part)."""
    from decimal import Decimal

    from investigations import services
    from tests.investigations.factories import (
        add_guarantor,
        fill_checklist,
        fill_findings,
    )

    lead = people.supervisor
    investigation = make_investigation(people.owner)
    prospect = investigation.prospect
    prospects_hand_over(
        prospects=[prospect], from_person=people.owner, to=lead, by=lead, reason="休假"
    )
    investigation = refresh(investigation)
    if work == "figures":
        fill_findings(investigation)
    elif work == "guarantor":
        add_guarantor(investigation, assets=Decimal("9000000"))
    elif work == "checklist":
        fill_checklist(investigation)
    else:
        services.evidence_add(investigation=investigation, upload=pdf_upload(), by=lead)
    prospect.refresh_from_db()
    prospects_hand_over(
        prospects=[prospect], from_person=lead, to=people.owner, by=lead, reason="回岗"
    )
    # The manager completes it (re-saving what the supervisor did), and submits.
    investigation = refresh(investigation)
    fill_findings(investigation)
    fill_checklist(investigation)
    if not refresh(investigation).guarantors.exists():
        add_guarantor(investigation, assets=Decimal("9000000"))
    investigation = refresh(investigation)
    services.investigation_submit(
        investigation=investigation, by=people.owner, seen_version=investigation.version
    )
    investigation = refresh(investigation)
    assert investigation.status == Status.SUBMITTED
    assert investigation not in Investigation.objects.awaiting_review_by(lead)
    review(client_for(lead), investigation, decision="approve")
    assert refresh(investigation).status == Status.SUBMITTED  # refused
    assert investigation in Investigation.objects.awaiting_review_by(people.admin)
    assert review(client_for(people.admin), investigation, decision="approve").status_code == 302
    assert refresh(investigation).status == Status.APPROVED
