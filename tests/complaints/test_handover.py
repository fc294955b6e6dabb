"""A leaving manager's clients are handed over: their open cases follow them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from complaints import rules
from complaints.models import Action, Case, CaseEvent
from prospects.services import prospects_hand_over
from tests.complaints.factories import make_case, make_question, silent_since
from tests.conftest import client_for
from tests.prospects.factories import make_prospect

pytestmark = pytest.mark.django_db


def hand_over(people, *prospects):
    """The supervisor hands the chosen clients of `owner` to `teammate`, as the page does:
    what it says afterwards."""
    response = client_for(people.supervisor).post(
        reverse("prospects:handover"),
        {
            "from_person": people.owner.pk,
            "to_person": people.teammate.pk,
            "prospects": [prospect.pk for prospect in prospects],
            "reason": "调往其他支行",
            "confirm": "1",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    return [str(message) for message in get_messages(response.wsgi_request)]


def closed(case: Case) -> Case:
    Case.objects.filter(pk=case.pk).update(
        status="closed", solution="退还费用", root_cause="公示不清", closed_at=timezone.now()
    )
    return Case.objects.get(pk=case.pk)


def test_the_leavers_open_complaint_follows_its_client_with_a_step_by_who_decided(people):
    client = make_prospect(people.owner, name="甲商行")
    case = make_case(people.owner, prospect=client, points="收费不透明")
    said = hand_over(people, client)
    case.refresh_from_db()
    assert case.handler == people.teammate
    step = CaseEvent.objects.get(case=case, action=Action.REASSIGN)
    assert step.by == people.supervisor
    assert step.note == "Teammate：客户从Owner移交而来（调往其他支行）。"
    assert "1 件未结的投诉或待答复咨询随客户移交。" in said
    # The case page's history says who moved it and why.
    page = client_for(people.teammate).get(case.get_absolute_url()).text
    assert "已更换处理人 · Supervisor: Teammate：客户从Owner移交而来（调往其他支行）。" in page


def test_the_new_manager_sees_the_case_in_their_list_and_the_leaver_no_longer_does(people):
    client = make_prospect(people.owner, name="甲商行")
    make_case(people.owner, prospect=client, points="收费不透明")
    question = make_question(people.owner, prospect=client, points="理财赎回何时到账")
    hand_over(people, client)
    assert Case.objects.get(pk=question.pk).handler == people.teammate
    listing = reverse("complaints:list")
    theirs = client_for(people.teammate).get(listing).text
    assert "收费不透明" in theirs and "理财赎回何时到账" in theirs
    leavers = client_for(people.owner).get(listing).text
    assert "收费不透明" not in leavers and "理财赎回何时到账" not in leavers


def test_the_feedback_clock_runs_on_from_the_last_contact(people):
    client = make_prospect(people.owner)
    case = make_case(people.owner, prospect=client, points="收费不透明")
    silent_since(case, timezone.now() - timedelta(days=2))
    last_contact = case.last_contact_at
    hand_over(people, client)
    case.refresh_from_db()
    assert case.last_contact_at == last_contact
    assert case.badge() == "overdue"
    assert "case-badge-overdue" in client_for(people.teammate).get(reverse("complaints:list")).text


def test_closed_cases_other_clients_and_other_handlers_cases_stay(people):
    client, other_client = make_prospect(people.owner), make_prospect(people.owner)
    done = closed(make_case(people.owner, prospect=client))
    kept_client = make_case(people.owner, prospect=other_client)
    not_on_file = make_case(people.owner, client_name="路过的王先生")
    supervisors = make_case(people.supervisor, prospect=client)
    said = hand_over(people, client)
    for case, handler in (
        (done, people.owner),
        (kept_client, people.owner),
        (not_on_file, people.owner),
        (supervisors, people.supervisor),
    ):
        assert Case.objects.get(pk=case.pk).handler == handler
        assert not CaseEvent.objects.filter(case=case, action=Action.REASSIGN).exists()
    assert not any("投诉" in sentence for sentence in said)


def test_a_complaint_about_the_new_manager_stays_and_the_handover_says_so(people):
    client = make_prospect(people.owner)
    about_them = make_case(people.owner, prospect=client, about=people.teammate)
    follows = make_case(people.owner, prospect=client)
    said = hand_over(people, client)
    assert Case.objects.get(pk=about_them.pk).handler == people.owner
    assert not CaseEvent.objects.filter(case=about_them, action=Action.REASSIGN).exists()
    assert Case.objects.get(pk=follows.pk).handler == people.teammate
    assert "1 件未结投诉针对的是Teammate，仍由Owner处理：请另选处理人。" in said
    assert "1 件未结的投诉或待答复咨询随客户移交。" in said


def test_reassigning_one_client_takes_its_open_complaint_along(people):
    client = make_prospect(people.owner)
    case = make_case(people.owner, prospect=client)
    response = client_for(people.supervisor).post(
        reverse("prospects:reassign", args=[client.pk]),
        {"owner": people.teammate.pk, "reason": "片区调整"},
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).handler == people.teammate
    # The step says why, in the reassignment's own words.
    step = CaseEvent.objects.get(case=case, action=Action.REASSIGN)
    assert step.note == "Teammate：客户从Owner移交而来（片区调整）。"


def test_the_handover_records_one_step_per_case_it_moves(people):
    client = make_prospect(people.owner)
    cases = [make_case(people.owner, prospect=client) for _ in range(3)]
    handover = prospects_hand_over(
        prospects=[client],
        from_person=people.owner,
        to=people.teammate,
        by=people.supervisor,
        reason="调往其他支行",
    )
    assert "3 件未结的投诉或待答复咨询随客户移交。" in handover.followed
    moves = CaseEvent.objects.filter(case__in=cases, action=Action.REASSIGN)
    assert moves.count() == 3 and {move.by for move in moves} == {people.supervisor}


def test_who_may_handle_a_case_is_the_same_rule_in_sql_and_in_python(people):
    """CaseQuerySet.handleable_by (what a handover moves) agrees with rules.can_handle
    (what a reassignment checks), for every person and every "about"."""
    cases = [
        make_case(people.owner, about=about)
        for about in (None, people.teammate, people.supervisor, people.other_manager)
    ]
    everyone = [people.owner, people.teammate, people.supervisor, people.other_manager]
    for person in everyone:
        in_sql = set(Case.objects.filter(pk__in=[c.pk for c in cases]).handleable_by(person))
        in_python = {c for c in cases if rules.can_handle(person, about_id=c.about_id)}
        assert in_sql == in_python, person
