"""A mistaken or orphaned reading assignment is withdrawn, kept on record, off every list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from playbook.home import agenda_sections, home_panels
from playbook.models import ReadingAssignment
from playbook.services import reading_assign
from tests.conftest import client_for
from tests.playbook.factories import make_entry

pytestmark = pytest.mark.django_db


def _assign(people, *, days: int = 3) -> ReadingAssignment:
    return reading_assign(
        trainee=people.trainee,
        by=people.supervisor,
        due_on=timezone.localdate() + timedelta(days=days),
        entries=[make_entry()],
    )


def _withdraw_url(assignment: ReadingAssignment) -> str:
    return reverse("playbook:assignment_withdraw", kwargs={"pk": assignment.pk})


def _overdue_reading(user) -> list[ReadingAssignment]:
    sections = agenda_sections(user, timezone.localdate())
    return [item for section in sections for item in section.items]


def test_the_mentor_withdraws_a_mistaken_assignment_and_it_is_kept_on_record(people):
    assignment = _assign(people)
    mentor = client_for(people.supervisor)
    assert (
        f'action="{_withdraw_url(assignment)}"'
        in mentor.get(reverse("playbook:assignments")).content.decode()
    )

    response = mentor.post(_withdraw_url(assignment), follow=True)
    assert response.redirect_chain == [(reverse("playbook:assignments"), 302)]
    assert "已撤回指定阅读" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.withdrawn_at is not None and assignment.withdrawn_by == people.supervisor
    assert f'data-assignment="{assignment.pk}"' not in response.content.decode()


def test_the_withdraw_form_asks_for_confirmation(people):
    _assign(people)
    html = client_for(people.supervisor).get(reverse("playbook:assignments")).content.decode()
    assert "data-confirm=" in html


def test_the_trainee_sees_no_withdraw_button_and_may_not_withdraw(people):
    assignment = _assign(people)
    trainee = client_for(people.trainee)
    assert (
        _withdraw_url(assignment)
        not in trainee.get(reverse("playbook:assignments")).content.decode()
    )
    assert trainee.post(_withdraw_url(assignment)).status_code == 403
    assignment.refresh_from_db()
    assert assignment.withdrawn_at is None


@pytest.mark.parametrize("stranger", ["other_supervisor", "other_branch_supervisor", "owner"])
def test_nobody_else_finds_it(people, stranger):
    assignment = _assign(people)
    assert client_for(getattr(people, stranger)).post(_withdraw_url(assignment)).status_code == 404


def test_an_administrator_withdraws_it(people):
    assignment = _assign(people)
    assert client_for(people.admin).post(_withdraw_url(assignment)).status_code == 302
    assignment.refresh_from_db()
    assert assignment.withdrawn_by == people.admin


def test_a_confirmed_assignment_cannot_be_withdrawn(people):
    assignment = _assign(people)
    assignment.confirm()
    response = client_for(people.supervisor).post(_withdraw_url(assignment), follow=True)
    assert "已确认" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.withdrawn_at is None and assignment.confirmed_at is not None


def test_withdrawing_twice_says_so(people):
    assignment = _assign(people)
    mentor = client_for(people.supervisor)
    mentor.post(_withdraw_url(assignment))
    first_moment = ReadingAssignment.objects.get().withdrawn_at
    response = mentor.post(_withdraw_url(assignment), follow=True)
    assert response.status_code == 200 and "已经撤回过了" in response.content.decode()
    assert ReadingAssignment.objects.get().withdrawn_at == first_moment


def test_a_withdrawn_assignment_leaves_both_agendas_and_the_trainees_home(people, rf):
    assignment = _assign(people, days=-2)
    assert _overdue_reading(people.supervisor) == [assignment]
    assert _overdue_reading(people.trainee) == [assignment]
    assignment.withdraw(by=people.supervisor)

    assert _overdue_reading(people.supervisor) == []
    assert _overdue_reading(people.trainee) == []
    request = rf.get("/")
    request.user = people.trainee
    (panel,) = home_panels(request)
    assert panel.context["assignments"] == []
    assert list(ReadingAssignment.objects.visible_to(people.supervisor).open()) == []


def test_the_trainee_cannot_confirm_a_withdrawn_assignment(people):
    assignment = _assign(people)
    assignment.withdraw(by=people.supervisor)
    response = client_for(people.trainee).post(
        reverse("playbook:assignment_confirm", kwargs={"pk": assignment.pk}), follow=True
    )
    assert "帮带老师已撤回" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.confirmed_at is None


def test_a_deactivated_trainees_reading_leaves_the_mentors_agenda(people):
    assignment = _assign(people, days=-2)
    assert _overdue_reading(people.supervisor) == [assignment]
    people.trainee.is_active = False
    people.trainee.save(update_fields=["is_active"])

    assert _overdue_reading(people.supervisor) == []
    # Still on the mentor's list of assigned reading, where it can be withdrawn.
    html = client_for(people.supervisor).get(reverse("playbook:assignments")).content.decode()
    assert _withdraw_url(assignment) in html
    assert client_for(people.supervisor).post(_withdraw_url(assignment)).status_code == 302


def test_withdrawing_is_in_the_audit_log(people):
    from auditlog.models import LogEntry

    assignment = _assign(people)
    assignment.withdraw(by=people.supervisor)
    entry = LogEntry.objects.get_for_object(assignment).order_by("-timestamp", "-pk").first()
    assert "withdrawn_at" in entry.changes_dict


def test_the_admin_lists_assignments_read_only(people):
    assignment = _assign(people)
    admin = client_for(people.admin)
    assert admin.get(reverse("admin:playbook_readingassignment_changelist")).status_code == 200
    assert admin.get(reverse("admin:playbook_readingassignment_add")).status_code == 403
    change = admin.post(
        reverse("admin:playbook_readingassignment_change", args=[assignment.pk]),
        {"due_on": "2030-01-01"},
    )
    assert change.status_code == 403
    assignment.refresh_from_db()
    assert assignment.due_on != timezone.datetime(2030, 1, 1).date()
