"""What people noticed on the complaint pages, and what they now see instead."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from complaints import rules
from complaints.models import Action, Case, CaseEvent, Reminder
from complaints.reminders import sweep
from tests.complaints.factories import earlier_today, make_case, make_question, silent_since
from tests.conftest import client_for, make_user
from tests.prospects.factories import make_prospect
from tests.security.pages import as_sent, forms_on

pytestmark = pytest.mark.django_db


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def days_ago(days: int, hour: int = 10):
    """`hour` o'clock on the bank's day `days` days back: whole days whatever the hour now."""
    today = rules.bank_day(timezone.now())
    return rules.day_start(today - timedelta(days=days)) + timedelta(hours=hour)


def drawn(client, page: str, action: str) -> dict:
    """What the browser sends, untouched, for the form on `page` that posts to `action`."""
    (form,) = [f for f in forms_on(client.get(page).text, page) if f.action == action]
    return as_sent(form)


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def closed(case: Case, by) -> Case:
    for action in ("listen", "acknowledge", "respond", "agree", "exceed"):
        case.apply(action, by=by)
    closing = {
        "solution": "退还管理费200元",
        "client_told": "已告知；不满意可向上级行反映",
        "root_cause": "收费公示不清",
        "fix": "更新公示",
    }
    case.apply(Action.CLOSE, by=by, changes=closing)
    return case


# --- 1. A contact answers the reminders -------------------------------------------------


def test_a_contact_logged_from_the_agenda_clears_the_reminders_for_everyone(people):
    case = silent_since(make_case(people.owner), days_ago(3))
    sweep(timezone.now())  # escalated: the handler and their supervisor are reminded
    owner = client_for(people.owner)
    assert 'aria-label="1 条新消息"' in owner.get(reverse("home")).text
    owner.post(
        reverse("complaints:contact", args=[case.pk]),
        {"said": "已回电告知进展", "method": "phone"},
        headers={"HX-Request": "true", "HX-Target": f"agenda-case-{case.pk}"},
    )
    assert "条新消息" not in owner.get(reverse("home")).text
    assert "条新消息" not in client_for(people.supervisor).get(reverse("home")).text
    assert not Reminder.objects.filter(read_at__isnull=True).exists()


def test_a_contact_logged_late_for_a_day_before_the_reminder_leaves_it_unread(people):
    case = silent_since(make_case(people.owner), days_ago(3))
    sweep(timezone.now())
    client_for(people.owner).post(
        reverse("complaints:contact", args=[case.pk]),
        {"said": "补记：三天前已回电", "method": "phone", "at": local(days_ago(3, hour=15))},
    )
    # The client has still not heard from us today: today's reminders stand.
    assert Reminder.objects.unread_for(people.owner).count() == 1


# --- 2. One record per form on the action pages ----------------------------------------


def extend_page(people, case):
    return client_for(people.owner), {"note": "案情复杂，需调取监控"}


def reopen_page(people, case):
    closed(case, people.owner)
    return client_for(people.owner), {"note": "客户不接受处理结果"}


def close_page(people, case):
    for action in ("listen", "acknowledge", "respond", "agree", "exceed"):
        case.apply(action, by=people.owner)
    fields = {"solution": "退还费用", "client_told": "已告知", "root_cause": "公示不清"}
    return client_for(people.owner), {**fields, "fix": "更新公示"}


def reassign_page(people, case):
    return client_for(people.supervisor), {"handler": str(people.teammate.pk)}


@pytest.mark.parametrize(
    ("name", "action", "setup"),
    [
        ("complaints:extend", Action.EXTEND, extend_page),
        ("complaints:reopen", Action.REOPEN, reopen_page),
        ("complaints:close", Action.CLOSE, close_page),
        ("complaints:reassign", Action.REASSIGN, reassign_page),
    ],
)
def test_a_double_click_on_an_action_page_records_it_once(people, name, action, setup):
    case = make_case(people.owner)
    client, typed = setup(people, case)
    url = reverse(name, args=[case.pk])
    data = {**drawn(client, url, url), **typed}
    assert client.post(url, data).status_code == 302
    second = client.post(url, data)
    assert second.status_code == 302 and second.url == case.get_absolute_url()
    assert "此表单已经提交过，只保存了一次。" in said(second)
    assert CaseEvent.objects.filter(case=case, action=action).count() == 1
    if action == Action.EXTEND:
        case.refresh_from_db()
        assert case.extensions == 1  # 30 days, not 60


# --- 3. and 4. A step refused because the case moved on ---------------------------------


def step_url(case, action) -> str:
    return reverse("complaints:step", args=[case.pk, action])


def test_a_double_click_on_done_next_step_records_the_step_once(people, manager_client):
    case = make_case(people.owner)
    note = "客户诉求：退还多收的账户管理费"
    data = {
        **drawn(manager_client, case.get_absolute_url(), step_url(case, "listen")),
        "note": note,
    }
    manager_client.post(step_url(case, "listen"), data)
    second = manager_client.post(step_url(case, "listen"), data, follow=True)
    step2 = re.search(r'id="step-2">.*?id="step-3"', second.text, re.S).group(0)
    assert note not in step2  # step 2's form is empty, not step 1's note
    assert list(case.events.values_list("action", flat=True)) == ["receive", "listen"]


def test_a_step_sent_again_from_an_old_page_goes_to_the_case_saying_why(people, manager_client):
    case = make_case(people.owner)
    note = "客户诉求：退还多收的账户管理费"
    # Sent twice without the page's token (a tab drawn before the step was recorded).
    manager_client.post(step_url(case, "listen"), {"note": note, "at": ""})
    second = manager_client.post(step_url(case, "listen"), {"note": note, "at": ""})
    assert second.status_code == 302 and second.url == case.get_absolute_url()
    assert "当前处于“2 认同感受”，此时无法进行该操作。" in said(second)
    page = manager_client.get(case.get_absolute_url()).text
    step2 = re.search(r'id="step-2">.*?id="step-3"', page, re.S).group(0)
    assert note not in step2
    manager_client.post(step_url(case, "acknowledge"), {"note": "已安抚客户情绪", "at": ""})
    assert case.events.get(action="acknowledge").note == "已安抚客户情绪"


def test_a_refused_last_step_says_why_and_keeps_what_was_typed(people, manager_client):
    case = make_case(people.owner)
    for action in ("listen", "acknowledge", "respond", "agree"):
        case.apply(action, by=people.owner)
    Case.objects.get(pk=case.pk).apply("exceed", by=people.supervisor, note="主管已致歉")
    response = manager_client.post(
        step_url(case, "exceed"), {"note": "送了礼品致歉", "at": ""}, follow=True
    )
    assert "当前处于“待结案”，此时无法进行该操作。" in response.text
    assert "您填写的内容：送了礼品致歉" in response.text


def test_an_answer_to_a_question_turned_into_a_complaint_meanwhile_is_kept(people, manager_client):
    question = make_question(people.owner)
    Case.objects.get(pk=question.pk).apply(Action.CONVERT, by=people.supervisor)
    response = manager_client.post(
        step_url(question, "answer"), {"answer": "利率按合同第5条执行", "at": ""}, follow=True
    )
    assert "此时无法进行该操作" in response.text
    assert "您填写的内容：利率按合同第5条执行" in response.text
    question.refresh_from_db()
    assert question.answer == ""


# --- 5. and 6. A complaint about the person recording it --------------------------------


def complaint(people, **fields) -> dict:
    return {
        "client_name": "王先生",
        "channel": "counter",
        "received_at": local(earlier_today(0.1)),
        "category": "attitude",
        "points": "态度差",
        **fields,
    }


def test_a_supervisor_recording_a_complaint_about_themselves_lands_on_the_list(people):
    supervisor = client_for(people.supervisor)
    data = complaint(people, handler=people.owner.pk, about=people.supervisor.pk)
    response = supervisor.post(reverse("complaints:create"), data, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("complaints:list"), 302)]
    assert "已记录。该投诉针对的是您本人，因此不会出现在您的列表中：由Owner处理" in response.text
    assert Case.objects.get().handler == people.owner


def test_a_supervisor_editing_a_complaint_to_be_about_themselves_lands_on_the_list(people):
    case = make_case(people.owner)
    supervisor = client_for(people.supervisor)
    edit = reverse("complaints:edit", args=[case.pk])
    data = {**drawn(supervisor, edit, edit), "about": str(people.supervisor.pk)}
    response = supervisor.post(edit, data, follow=True)
    assert response.redirect_chain == [(reverse("complaints:list"), 302)]
    assert "已保存。该投诉针对的是您本人" in response.text


def handler_options(client) -> list[str]:
    page = client.get(reverse("complaints:create")).text
    select = re.search(r'<select name="handler".*?</select>', page, re.S).group(0)
    return re.findall(r"<option value=\"\d+\"[^>]*>([^<]*)", select)


def test_a_manager_records_a_complaint_about_themselves_for_their_supervisor(
    people, manager_client
):
    assert handler_options(manager_client) == ["Owner", "Supervisor（仅限针对您的投诉）"]
    data = complaint(people, handler=people.supervisor.pk, about=people.owner.pk)
    response = manager_client.post(reverse("complaints:create"), data, follow=True)
    assert response.redirect_chain == [(reverse("complaints:list"), 302)]
    assert "由Supervisor处理" in response.text
    case = Case.objects.get()
    assert case.handler == people.supervisor and case.about == people.owner


def test_the_supervisor_is_offered_to_a_manager_only_for_a_complaint_about_them(
    people, manager_client
):
    data = complaint(people, handler=people.supervisor.pk)
    response = manager_client.post(reverse("complaints:create"), data)
    assert "Supervisor 仅可作为针对您本人的投诉的处理人。" in response.text
    # Nobody handles a complaint about themselves, still.
    data = complaint(people, handler=people.owner.pk, about=people.owner.pk)
    response = manager_client.post(reverse("complaints:create"), data)
    assert "任何人不得处理针对自己的投诉：请另选处理人。" in response.text
    assert not Case.objects.exists()


def test_without_an_active_supervisor_the_administrators_are_offered(people):
    people.supervisor.is_active = False
    people.supervisor.save(update_fields=["is_active"])
    other_admin = make_user("zadmin", Role.ADMINISTRATOR, branch=people.owner.branch)
    options = handler_options(client_for(people.owner))
    assert sorted(options) == [
        "Administrator（仅限针对您的投诉）",
        "Owner",
        f"{other_admin}（仅限针对您的投诉）",
    ]


# --- 7. The case page after "Log contact" ------------------------------------------------


def test_logging_a_contact_on_the_case_page_updates_the_badge_and_the_due_date(
    people, manager_client
):
    case = silent_since(make_case(people.owner), days_ago(3))
    assert "case-badge-escalated" in manager_client.get(case.get_absolute_url()).text
    response = manager_client.post(
        reverse("complaints:contact", args=[case.pk]),
        {"said": "已回电告知进展", "method": "phone"},
        headers={"HX-Request": "true", "HX-Target": "feedback"},
    )
    badge = re.search(r'<span id="case-badge" hx-swap-oob="true">(.*?)</span>', response.text, re.S)
    assert badge and "case-badge" not in badge.group(1)  # no badge any more
    tomorrow = rules.bank_day(timezone.now()) + timedelta(days=1)
    assert (
        f'<dd id="case-feedback-due" hx-swap-oob="true">{tomorrow:%Y-%m-%d} 23:59</dd>'
        in response.text
    )


# --- 8. Steps done with the client are news to them --------------------------------------


@pytest.mark.parametrize("last_step", ["agree", "exceed"])
def test_a_step_done_with_the_client_counts_as_hearing_from_us(people, last_step):
    start = days_ago(4, hour=9)
    case = silent_since(make_case(people.owner), start)
    case.events.filter(action="receive").update(at=start)
    for minutes, action in enumerate(("listen", "acknowledge", "respond"), start=1):
        case.apply(action, by=people.owner, at=start + timedelta(minutes=minutes))
    case.apply("agree", by=people.owner, at=days_ago(1 if last_step == "agree" else 2))
    if last_step == "exceed":
        case.apply("exceed", by=people.owner, at=days_ago(1))
    case.refresh_from_db()
    assert case.badge() == "due_today"  # not escalated: the client heard from us yesterday
    sweep(timezone.now())
    assert list(Reminder.objects.values_list("person__username", "reason")) == [
        ("owner", "due_today")
    ]
    assert Case.objects.due_today(timezone.now()).filter(pk=case.pk).exists()


# --- 9. No extension once the deadline has passed ---------------------------------------


def test_an_extension_after_the_decision_deadline_is_refused(people, manager_client):
    case = silent_since(make_case(people.owner), days_ago(20))
    response = manager_client.post(reverse("complaints:extend", args=[case.pk]), {"note": "复杂"})
    assert response.status_code == 200
    assert f"处理决定应于{case.decide_by:%Y-%m-%d}前作出：已过期限，不能再延期。" in response.text
    case.refresh_from_db()
    assert case.extensions == 0 and case.badge() == "late"


def test_an_extension_on_the_deadline_day_is_still_allowed(people, manager_client):
    case = silent_since(make_case(people.owner), days_ago(15))
    assert case.decide_by == rules.bank_day(timezone.now())
    manager_client.post(reverse("complaints:extend", args=[case.pk]), {"note": "需调取监控"})
    case.refresh_from_db()
    assert case.extensions == 1


# --- 10. A handover decided by the person a complaint is about ---------------------------


def test_a_handover_leaves_a_complaint_about_the_supervisor_deciding_it(people):
    client = make_prospect(people.owner, name="甲商行")
    about_them = make_case(people.owner, prospect=client, client_name="", about=people.supervisor)
    follows = make_case(people.owner, prospect=client, client_name="")
    form = {
        "from_person": people.owner.pk,
        "to_person": people.teammate.pk,
        "prospects": [client.pk],
        "reason": "调岗",
    }
    supervisor = client_for(people.supervisor)
    stays = "1 件未结投诉针对的是Owner工作的审批人"
    preview = supervisor.post(reverse("prospects:handover"), form).text
    assert f"{stays}，将仍由Owner处理" in preview
    assert "1 件未结的投诉或待答复咨询将随客户移交。" in preview
    done = supervisor.post(reverse("prospects:handover"), {**form, "confirm": "1"})
    assert f"{stays}，仍由Owner处理：由管理员另选处理人。" in said(done)
    assert "1 件未结的投诉或待答复咨询随客户移交。" in said(done)
    assert Case.objects.get(pk=about_them.pk).handler == people.owner
    assert not CaseEvent.objects.filter(case=about_them, action=Action.REASSIGN).exists()
    assert Case.objects.get(pk=follows.pk).handler == people.teammate


def test_nobody_reassigns_a_complaint_about_themselves_even_outside_the_pages(people):
    from django.core.exceptions import ValidationError

    case = make_case(people.owner, about=people.supervisor)
    with pytest.raises(ValidationError):
        case.reassign(to=people.teammate, by=people.supervisor)
    assert Case.objects.get(pk=case.pk).handler == people.owner


# --- 11. A new handler can call the client ----------------------------------------------


def test_a_new_handler_sees_the_clients_name_and_phone_without_a_link(people):
    prospect = make_prospect(people.owner, name="甲商行", phone="13912345678")
    case = make_case(people.owner, prospect=prospect, client_name="", client_phone="")
    case.reassign(to=people.teammate, by=people.supervisor, note="回避")
    page = client_for(people.teammate).get(case.get_absolute_url()).text
    assert prospect.get_absolute_url() not in page
    assert "甲商行" in page and 'href="tel:13912345678"' in page
    # Whoever may open the client's page still has the link.
    supervisor = client_for(people.supervisor)
    assert prospect.get_absolute_url() in supervisor.get(case.get_absolute_url()).text


# --- 12. Reminder emails in the reader's language ---------------------------------------


def test_each_reminder_email_is_in_its_readers_language(people):
    people.owner.language, people.owner.email = "en", "owner@bank.example"
    people.owner.save()
    people.teammate.email = "teammate@bank.example"
    people.teammate.save()
    silent_since(make_case(people.owner), days_ago(2))
    silent_since(make_case(people.teammate), days_ago(2))
    sweep(timezone.now())
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects == {
        "owner@bank.example": "1 complaint(s) or question(s) need you today",
        "teammate@bank.example": "今天有1件投诉或问题需要您处理",
    }


# --- 13. Reopening, closing again, extending ---------------------------------------------


def test_a_reopened_case_hides_the_old_closing_and_the_close_form_starts_from_it(
    people, manager_client
):
    case = closed(make_case(people.owner), people.owner)
    assert "退还管理费200元" in manager_client.get(case.get_absolute_url()).text
    manager_client.post(reverse("complaints:reopen", args=[case.pk]), {"note": "客户不接受"})
    assert "退还管理费200元" not in manager_client.get(case.get_absolute_url()).text
    for action in ("respond", "agree", "exceed"):
        Case.objects.get(pk=case.pk).apply(action, by=people.owner)
    close = reverse("complaints:close", args=[case.pk])
    assert drawn(manager_client, close, close)["solution"].strip() == "退还管理费200元"


def test_extend_is_not_offered_after_two_extensions(people, supervisor_client):
    case = make_case(people.owner)
    extend = reverse("complaints:extend", args=[case.pk])
    case.extend(by=people.owner, reason="复杂")
    assert extend in supervisor_client.get(case.get_absolute_url()).text
    Case.objects.get(pk=case.pk).extend(by=people.supervisor, reason="批准")
    assert extend not in supervisor_client.get(case.get_absolute_url()).text


def test_an_extension_told_to_the_client_is_a_contact_with_the_reason(people, manager_client):
    case = silent_since(make_case(people.owner), days_ago(3))
    url = reverse("complaints:extend", args=[case.pk])
    response = manager_client.post(url, {"note": "需调取监控", "told_by": "phone"})
    assert said(response) == ["已记录。"]
    case.refresh_from_db()
    contact = case.contacts.get()
    assert (
        contact.said
        == f"已告知客户处理决定将于{case.decide_by:%Y-%m-%d}前作出，延期理由：需调取监控"
    )
    assert contact.method == "phone" and case.badge() is None
    assert contact.said in manager_client.get(case.get_absolute_url()).text


def test_an_extension_not_yet_told_asks_to_tell_the_client(people, manager_client):
    case = make_case(people.owner)
    response = manager_client.post(reverse("complaints:extend", args=[case.pk]), {"note": "复杂"})
    assert said(response) == ["已记录。请将延期理由告知客户，并记录这次联系。"]
    assert not case.contacts.exists()
    assert Case.objects.get(pk=case.pk).extensions == 1
