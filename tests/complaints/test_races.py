"""Two people working one case at the same moment: each check reads the case's row as
it is now, not as it was when their page was drawn."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from complaints.forms import CaseForm
from complaints.models import Action, Case, CaseEvent
from complaints.services import case_correct, contact_log
from tests.complaints.factories import make_case
from tests.security.concurrency import at_once, is_postgresql, needs_postgresql

TRIALS = 20

pytestmark = pytest.mark.django_db


def edit_form(page: Case, user, **changes) -> CaseForm:
    """The case's edit form as sent from `page` (the case as drawn), with `changes`."""
    data = {
        "client_name": page.client_name,
        "client_phone": page.client_phone,
        "channel": page.channel,
        "received_at": timezone.localtime(page.received_at).strftime("%Y-%m-%dT%H:%M"),
        "category": "fees",
        "points": page.points,
        "mood": "calm",
        "handler": page.handler_id,
    }
    return CaseForm({**data, **changes}, instance=page, user=user)


def two_pages(case: Case) -> tuple[Case, Case]:
    """The case as two people's pages read it, before either acts."""
    return Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)


def test_a_step_recorded_from_a_page_drawn_before_the_same_step_is_refused(people):
    mine, theirs = two_pages(make_case(people.owner))
    mine.apply(Action.LISTEN, by=people.owner, note="倾听")
    with pytest.raises(ValidationError, match=r"此时无法进行|cannot be done"):
        theirs.apply(Action.LISTEN, by=people.supervisor, note="也倾听")
    assert CaseEvent.objects.filter(case=mine, action=Action.LISTEN).count() == 1
    assert theirs.status == "acknowledge", "the refused page now shows the case as it is"


def test_a_closing_from_a_page_drawn_before_another_closing_changes_nothing(people):
    case = make_case(people.owner)
    for action in ("listen", "acknowledge", "respond", "agree", "exceed"):
        case.apply(action, by=people.owner, note=action)
    mine, theirs = two_pages(case)
    closing = {"client_told": "已告知可向上级行申诉", "fix": "公示收费标准"}
    mine.apply(
        Action.CLOSE,
        by=people.owner,
        changes={**closing, "solution": "退还费用", "root_cause": "公示不清"},
    )
    with pytest.raises(ValidationError, match=r"此时无法进行|cannot be done"):
        theirs.apply(
            Action.CLOSE,
            by=people.supervisor,
            changes={**closing, "solution": "不予退费", "root_cause": "客户误解"},
        )
    case = Case.objects.get(pk=case.pk)
    assert (case.solution, case.root_cause) == ("退还费用", "公示不清")
    assert CaseEvent.objects.filter(case=case, action=Action.CLOSE).get().by == people.owner


def test_two_extensions_from_pages_drawn_together_make_sixty_days(people):
    mine, theirs = two_pages(make_case(people.owner))
    mine.extend(by=people.owner, reason="需调取监控")
    theirs.extend(by=people.supervisor, reason="主管批准再延")
    case = Case.objects.get(pk=mine.pk)
    assert case.extensions == 2
    assert case.decide_by == timezone.localdate(case.received_at) + timedelta(days=60)
    with pytest.raises(ValidationError):
        mine.extend(by=people.supervisor, reason="第三次")


def test_a_contact_for_a_case_closed_since_the_page_was_drawn_is_refused(people):
    page = make_case(people.owner)
    Case.objects.filter(pk=page.pk).update(status="closed", solution="退费", root_cause="公示不清")
    with pytest.raises(ValidationError, match=r"已结案|closed"):
        contact_log(case=page, by=people.owner, said="已告知进展", method="phone", progress=True)
    assert not page.contacts.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not is_postgresql(), **needs_postgresql)
def test_two_people_recording_the_same_step_at_once_record_it_once(people):
    for trial in range(TRIALS):
        mine, theirs = two_pages(make_case(people.owner))
        people_in_order = [(mine, people.owner), (theirs, people.supervisor)]
        if trial % 2:
            people_in_order.reverse()
        outcomes = at_once(
            [
                lambda case=case, by=by: case.apply(Action.LISTEN, by=by, note="同时倾听")
                for case, by in people_in_order
            ]
        )
        refused = [o for o in outcomes if isinstance(o, ValidationError)]
        assert len(refused) == 1, f"trial {trial}: {outcomes}"
        assert CaseEvent.objects.filter(case=mine, action=Action.LISTEN).count() == 1


def test_an_edit_from_a_page_drawn_before_a_step_and_an_extension_undoes_neither(people):
    case = make_case(people.owner)
    page = Case.objects.get(pk=case.pk)
    form = edit_form(page, people.owner, client_name="王先生（更正）")
    assert form.is_valid(), form.errors
    meanwhile = Case.objects.get(pk=case.pk)
    meanwhile.apply(Action.LISTEN, by=people.owner, note="倾听")
    meanwhile.extend(by=people.owner, reason="需调取监控")
    case_correct(form=form)
    case = Case.objects.get(pk=case.pk)
    assert case.client_name == "王先生（更正）"
    assert case.status == "acknowledge" and case.extensions == 1
    assert case.decide_by == timezone.localdate(case.received_at) + timedelta(days=30)


def test_a_receipt_corrected_past_a_contact_logged_since_the_page_was_drawn_is_refused(people):
    case = make_case(people.owner, received_at=timezone.now() - timedelta(hours=5))
    received = case.received_at
    page = Case.objects.get(pk=case.pk)
    later = timezone.localtime(timezone.now() - timedelta(hours=1))
    form = edit_form(page, people.owner, received_at=later.strftime("%Y-%m-%dT%H:%M"))
    assert form.is_valid(), form.errors  # nothing logged yet when the page was checked
    contact_log(
        case=Case.objects.get(pk=case.pk),
        by=people.owner,
        said="已电话告知",
        method="phone",
        progress=False,
        at=timezone.now() - timedelta(hours=3),
    )
    with pytest.raises(ValidationError) as refused:
        case_correct(form=form)
    assert "received_at" in refused.value.message_dict
    # Nothing saved: the receipt and the clock stay where the contact left them.
    case.refresh_from_db()
    assert case.received_at == received
    assert case.last_contact_at > case.received_at
