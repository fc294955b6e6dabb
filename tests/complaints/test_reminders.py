"""send_feedback_reminders: one email per person, never twice, a fixed number of queries."""

from __future__ import annotations

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from complaints import reminders, rules
from complaints.models import Case, Reminder, ReminderEmail
from complaints.reminders import sweep
from tests.complaints.factories import make_case, make_question, silent_since
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def emails(people):
    staff = (people.owner, people.teammate, people.supervisor, people.other_manager)
    for person in (*staff, people.other_supervisor):
        person.email = f"{person.username}@bank.example"
        person.save(update_fields=["email"])
    return people


def backdate(case, days: int):
    """Silent since `days` of the bank's days ago (at noon): as many days whatever the
    hour the tests run, midnight in Shanghai included."""
    noon = rules.day_start(rules.bank_day(timezone.now()) - timedelta(days=days)) + timedelta(
        hours=12
    )
    return silent_since(case, noon)


def test_handler_gets_one_email_listing_every_case_due(emails):
    people = emails
    backdate(make_case(people.owner), 1)  # due today
    backdate(make_case(people.owner), 2)  # overdue
    backdate(make_question(people.owner), 1)
    make_case(people.owner)  # received today: nothing yet
    report = sweep(timezone.now())
    assert report.emails_sent == 1
    assert [m.to for m in mail.outbox] == [["owner@bank.example"]]
    assert "3" in mail.outbox[0].subject
    assert Reminder.objects.filter(person=people.owner).count() == 3


def test_escalation_also_goes_to_the_supervisor(emails):
    people = emails
    backdate(make_case(people.owner), 3)
    sweep(timezone.now())
    assert sorted(m.to[0] for m in mail.outbox) == ["owner@bank.example", "supervisor@bank.example"]
    assert Reminder.objects.get(person=people.supervisor).reason == "escalated"


def test_an_email_lists_the_longest_silences_first_and_sums_up_the_rest(emails, monkeypatch):
    people = emails
    monkeypatch.setattr(reminders, "EMAIL_CASE_LIMIT", 2)
    newest = backdate(make_case(people.owner), 1)
    oldest = backdate(make_case(people.owner), 4)
    middle = backdate(make_case(people.owner), 2)
    sweep(timezone.now())
    (message,) = [m for m in mail.outbox if m.to == ["owner@bank.example"]]
    assert message.subject == "今天有3件投诉或问题需要您处理"
    body = message.body
    assert body.index(oldest.get_absolute_url()) < body.index(middle.get_absolute_url())
    assert newest.get_absolute_url() not in body
    assert "另有1条" in body
    # Each line shows the first of the points only.
    assert oldest.points.splitlines()[0] in body and "第二点" not in body
    # The in-app list and the record have all three.
    assert Reminder.objects.filter(person=people.owner).count() == 3
    assert ReminderEmail.objects.get(person=people.owner).cases == 3


def test_a_later_run_the_same_day_sends_only_what_is_new(emails):
    people = emails
    first = backdate(make_case(people.owner), 1)
    sweep(timezone.now())
    later = backdate(make_case(people.owner), 1)
    mail.outbox = []
    report = sweep(timezone.now())
    assert report.created == 1
    (message,) = mail.outbox
    assert later.get_absolute_url() in message.body
    assert first.get_absolute_url() not in message.body
    counts = ReminderEmail.objects.filter(person=people.owner).values_list("cases", flat=True)
    assert sorted(counts) == [1, 1]


def test_supervisor_complained_about_is_not_reminded(emails):
    people = emails
    backdate(make_case(people.owner, about=people.supervisor), 4)
    sweep(timezone.now())
    assert [m.to for m in mail.outbox] == [["owner@bank.example"]]


@pytest.mark.parametrize(
    ("handler", "about", "escalated_to"),
    [
        ("owner", None, ["supervisor"]),
        # Nobody supervises a supervisor, or a manager without a team; and a supervisor
        # decides nothing about a complaint about themselves: an administrator does.
        ("supervisor", None, ["admin", "admin2"]),
        ("lone", None, ["admin", "admin2"]),
        ("owner", "supervisor", ["admin", "admin2"]),
        ("supervisor", "admin", ["admin2"]),
        # A supervisor who left, or is no longer one, decides nothing any more.
        ("owner", "-left", ["admin", "admin2"]),
        ("owner", "-demoted", ["admin", "admin2"]),
    ],
    ids=[
        "supervised",
        "supervisor",
        "no-team",
        "about-supervisor",
        "about-administrator",
        "supervisor-left",
        "supervisor-demoted",
    ],
)
def test_escalations_nobody_supervises_go_to_the_active_administrators(
    emails, branch, handler, about, escalated_to
):
    people = emails
    people.lone = make_user("lone", Role.CLIENT_MANAGER, branch=branch)
    people.admin2 = make_user("admin2", Role.ADMINISTRATOR, branch=branch)
    retired = make_user("retired", Role.ADMINISTRATOR, branch=branch)
    retired.is_active = False
    for person in (people.lone, people.admin, people.admin2, retired):
        person.email = f"{person.username}@bank.example"
        person.save()
    if about in ("-left", "-demoted"):
        lead = people.supervisor
        lead.is_active, lead.role = (False, lead.role) if about == "-left" else (True, "manager")
        lead.save()
        about = None
    case = make_case(getattr(people, handler), about=about and getattr(people, about))
    backdate(case, 3)
    sweep(timezone.now())
    escalated = Reminder.objects.filter(case=case).exclude(person=case.handler)
    assert sorted(reminder.person.username for reminder in escalated) == sorted(
        getattr(people, name).username for name in escalated_to
    )
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted(
        f"{person.username}@bank.example"
        for person in (case.handler, *(getattr(people, name) for name in escalated_to))
    )
    for name in escalated_to:
        home = client_for(getattr(people, name)).get(reverse("home")).text
        assert 'aria-label="1 条新消息"' in home


def test_running_twice_a_day_sends_nothing_new(emails):
    people = emails
    backdate(make_case(people.owner), 2)
    out = StringIO()
    call_command("send_feedback_reminders", stdout=out)
    call_command("send_feedback_reminders", stdout=out)
    assert len(mail.outbox) == 1
    assert "0 new reminder(s), 0 email(s) sent" in out.getvalue()


def test_closed_cases_are_not_reminded(emails):
    people = emails
    case = backdate(make_case(people.owner), 5)
    case.status = "closed"
    case.solution = case.root_cause = "x"
    case.save()
    sweep(timezone.now())
    assert mail.outbox == []


def test_sweep_runs_a_fixed_number_of_queries(emails):
    people = emails

    def queries_with(count: int) -> int:
        Reminder.objects.all().delete()
        for index in range(count):
            backdate(make_case(people.owner if index % 2 else people.teammate), 1 + index % 4)
        with CaptureQueriesContext(connection) as context:
            sweep(timezone.now())
        return len(context.captured_queries)

    assert queries_with(2) == queries_with(20)


def test_a_refusing_mail_server_is_reported_and_the_run_goes_on(emails, settings):
    people = emails
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    backdate(make_case(people.owner), 2)
    backdate(make_case(people.teammate), 2)
    err = StringIO()
    call_command("send_feedback_reminders", stdout=StringIO(), stderr=err)
    assert err.getvalue().count("Not sent to") == 2
    # The in-app notifications are there, and the failure is recorded, not retried as new.
    assert Reminder.objects.count() == 2
    assert ReminderEmail.objects.filter(sent_at__isnull=True).exclude(error="").count() == 2
    response = client_for(people.owner).get(reverse("complaints:list"))
    assert '<span class="badge"' in response.text


def test_a_person_without_address_is_reported_others_get_theirs(emails):
    people = emails
    people.teammate.email = ""
    people.teammate.save(update_fields=["email"])
    backdate(make_case(people.owner), 2)
    backdate(make_case(people.teammate), 2)
    report = sweep(timezone.now())
    assert report.emails_sent == 1
    assert [why for _who, why in report.failures] == ["没有电子邮件地址"]
    assert ReminderEmail.objects.get(person=people.owner).sent_at is not None


def test_reminders_show_as_a_count_in_the_navigation_until_read(emails):
    people = emails
    case = backdate(make_case(people.owner), 2)
    sweep(timezone.now())
    client = client_for(people.owner)
    assert 'aria-label="1 条新消息"' in client.get(reverse("home")).text
    client.get(case.get_absolute_url())
    assert "条新消息" not in client.get(reverse("home")).text


def handed_to_a_teammate(people, case):
    case.reassign(to=people.teammate, by=people.supervisor)
    return people.owner


def handler_moved_to_another_team(people, case):
    people.owner.supervisor = people.other_supervisor
    people.owner.save(update_fields=["supervisor"])
    return people.supervisor


def now_about_the_supervisor(people, case):
    # As the handler's edit form saves it: the complaint turns out to be about them.
    Case.objects.filter(pk=case.pk).update(about=people.supervisor)
    return people.supervisor


@pytest.mark.parametrize(
    "change", [handed_to_a_teammate, handler_moved_to_another_team, now_about_the_supervisor]
)
def test_reminders_about_a_case_no_longer_seen_leave_the_count_and_the_list(emails, change):
    people = emails
    case = backdate(make_case(people.owner), 3)  # escalated: the handler and the supervisor
    sweep(timezone.now())
    recipient = change(people, case)
    client = client_for(recipient)
    assert client.get(case.get_absolute_url()).status_code == 404
    assert "条新消息" not in client.get(reverse("home")).text
    assert case.client_label not in client.get(reverse("complaints:list")).text


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_send_each_reminder_once(emails):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent runs are tested on PostgreSQL (set DATABASE_URL)")
    people = emails
    for index in range(30):
        handler = (people.owner, people.teammate, people.other_manager)[index % 3]
        backdate(make_case(handler), 1 + index % 4)
    expected_rows = 30 + sum(1 for index in range(30) if 1 + index % 4 >= 3)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            sweep(timezone.now())
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Reminder.objects.count() == expected_rows
    recipients = sorted(address for message in mail.outbox for address in message.to)
    # Each person once in all: owner, teammate, other manager, and both supervisors.
    assert len(recipients) == len(set(recipients)) == 5
    listed = sum(message.body.count("/complaints/") for message in mail.outbox)
    assert listed == expected_rows


def test_nobody_is_reminded_through_a_closed_account(emails):
    people = emails
    leaver_case = backdate(make_case(people.teammate), 3)
    team_case = backdate(make_case(people.owner), 3)
    User.objects.filter(pk__in=[people.teammate.pk, people.supervisor.pk]).update(is_active=False)
    sweep(timezone.now())
    reminded = {(reminder.case_id, reminder.person.username) for reminder in Reminder.objects.all()}
    # The leaver's case still escalates; their closed supervisor's part goes to an
    # administrator, as for anyone without a supervisor.
    assert reminded == {
        (team_case.pk, "owner"),
        (team_case.pk, people.admin.username),
        (leaver_case.pk, people.admin.username),
    }


# --- The decision deadline (the regulator's 15/30/60 days) -------------------------------


def deadline_in(case: Case, days: int) -> Case:
    """The decision is due `days` bank days from today (negative: that long ago); the
    client heard from us today, so the feedback rule says nothing."""
    today = rules.bank_day(timezone.now())
    Case.objects.filter(pk=case.pk).update(decide_by=today + timedelta(days=days))
    case.refresh_from_db()
    return case


def test_the_handler_is_reminded_of_a_decision_due_within_three_days(emails):
    people = emails
    near = deadline_in(make_case(people.owner), 3)
    today = deadline_in(make_case(people.owner), 0)
    far = deadline_in(make_case(people.owner), 4)
    make_question(people.owner)  # no deadline
    sweep(timezone.now())
    assert sorted(Reminder.objects.values_list("person__username", "case", "reason")) == sorted(
        [("owner", near.pk, "decision_due"), ("owner", today.pk, "decision_due")]
    )
    (message,) = mail.outbox  # the supervisor hears nothing yet
    assert message.to == ["owner@bank.example"]
    assert f"[决定期限将至 {near.decide_by:%Y-%m-%d}]" in message.body
    assert far.get_absolute_url() not in message.body
    # The in-app list says why.
    page = client_for(people.owner).get(reverse("complaints:list")).text
    assert "决定期限将至" in page


def test_a_late_decision_is_told_to_the_supervisor_the_morning_after_and_comes_first(
    emails, monkeypatch
):
    people = emails
    monkeypatch.setattr(reminders, "EMAIL_CASE_LIMIT", 1)
    backdate(make_case(people.owner), 3)  # escalated: silent for three days
    late = deadline_in(make_case(people.owner), -1)  # the deadline was yesterday
    late_longer = deadline_in(make_case(people.owner), -2)
    sweep(timezone.now())
    body = {m.to[0]: m.body for m in mail.outbox}
    # One line each: a late decision, before the longer silence.
    assert "[已过决定期限 " in body["owner@bank.example"]
    assert late.get_absolute_url() in body["supervisor@bank.example"]
    assert f"[已过决定期限 {late.decide_by:%Y-%m-%d}]" in body["supervisor@bank.example"]
    assert Reminder.objects.get(person=people.supervisor, case=late).reason == "late"
    # The handler hears of every late decision each morning; the supervisor of one only
    # the morning after its deadline (the board lists it from then on).
    assert Reminder.objects.filter(person=people.owner, reason="late").count() == 2
    assert not Reminder.objects.filter(person=people.supervisor, case=late_longer).exists()


def test_a_contact_leaves_a_decision_reminder_unread_and_closing_answers_it(emails):
    people = emails
    case = deadline_in(make_case(people.owner), 1)
    sweep(timezone.now())
    owner = client_for(people.owner)
    owner.post(
        reverse("complaints:contact", args=[case.pk]),
        {"said": "已告知处理进展", "method": "phone"},
        headers={"HX-Request": "true", "HX-Target": f"agenda-case-{case.pk}"},
    )
    # Hearing from us does not decide the complaint: the reminder stands.
    assert Reminder.objects.unread_for(people.owner).count() == 1
    for action in ("listen", "acknowledge", "respond", "agree", "exceed"):
        case.apply(action, by=people.owner)
    closing = {"solution": "退费", "client_told": "已告知", "root_cause": "公示", "fix": "更新"}
    case.apply("close", by=people.owner, changes=closing)
    assert "条新消息" not in owner.get(reverse("home")).text
    # Nor is a closed case reminded the next morning.
    mail.outbox = []
    assert sweep(timezone.now() + timedelta(days=1)).created == 0


def test_the_agenda_lists_the_decisions_due_within_three_days_and_links_to_all_of_them(
    emails,
):
    people = emails
    today_case = deadline_in(make_case(people.owner, client_name="今日客户"), 0)
    soon = deadline_in(make_case(people.owner, client_name="两天客户"), 2)
    later = deadline_in(make_case(people.owner, client_name="四天客户"), 4)
    deadline_in(make_case(people.teammate, client_name="同事客户"), 1)
    client = client_for(people.owner)
    home = client.get(reverse("home")).text
    section = home[home.index("即将到期的投诉处理决定") :]
    section = section[: section.index("</article>")]
    assert section.index(today_case.get_absolute_url()) < section.index(soon.get_absolute_url())
    assert "今天到期" in section and "还剩 2 天" in section
    assert later.get_absolute_url() not in section and "同事客户" not in section
    listed = client.get(reverse("complaints:list") + "?state=decision_due").text
    assert "决定期限将至" in listed
    assert today_case.get_absolute_url() in listed and soon.get_absolute_url() in listed
    assert later.get_absolute_url() not in listed
