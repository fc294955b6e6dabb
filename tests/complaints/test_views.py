"""What a manager and a supervisor notice on the complaint pages, and bad input."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from accounts.contributions import AGENDA_SHOWN
from complaints import rules
from complaints.models import Case, CaseEvent, FeedbackContact
from tests.complaints.factories import (
    earlier_today,
    make_case,
    make_contact,
    make_question,
    silent_since,
)
from tests.conftest import client_for
from tests.home import loaded_home
from tests.prospects.factories import make_promise, make_prospect
from tests.security.pages import as_sent, forms_on, post_as_drawn

pytestmark = pytest.mark.django_db


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def complaint_data(people, **overrides):
    data = {
        "client_name": "王先生",
        "client_phone": "13800000000",
        "channel": "counter",
        "received_at": local(earlier_today(hours=5 / 60)),
        "category": "fees",
        "points": "收费不透明\n柜员态度差",
        "mood": "angry",
        "handler": people.owner.pk,
    }
    data.update(overrides)
    return data


def test_manager_records_a_complaint_and_it_is_on_their_list(people, manager_client):
    response = manager_client.post(reverse("complaints:create"), complaint_data(people))
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.handler == people.owner and case.status == "listen"
    assert case.decide_by == (timezone.localdate() + timedelta(days=15))
    listing = manager_client.get(reverse("complaints:list")).text
    assert "王先生" in listing


def test_a_client_on_file_or_a_name_is_required(people, manager_client):
    response = manager_client.post(
        reverse("complaints:create"), complaint_data(people, client_name="")
    )
    assert response.status_code == 200
    assert "请选择已建档的客户，或填写此人的姓名。" in response.text
    assert not Case.objects.exists()


def test_the_client_phone_follows_the_prospects_phone_rule(people, manager_client):
    bad = manager_client.post(
        reverse("complaints:create"), complaint_data(people, client_phone="12345")
    )
    assert bad.status_code == 200
    assert "请输入大陆手机号（13–19开头的11位数字）或带区号的固定电话。" in bad.text
    assert not Case.objects.exists()
    manager_client.post(
        reverse("complaints:create"), complaint_data(people, client_phone="+86 138 1234 5678")
    )
    assert Case.objects.get().client_phone == "13812345678"  # the canonical form, as on file


def test_received_in_the_future_is_refused(people, manager_client):
    later = local(timezone.now() + timedelta(days=1))
    response = manager_client.post(
        reverse("complaints:create"), complaint_data(people, received_at=later)
    )
    assert "受理时间不能晚于现在。" in response.text
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "received_at", ["0001-01-01T00:00", "0001-01-02T10:00", "9999-12-31T23:59"]
)
def test_a_slip_of_the_year_is_refused_beside_the_field(people, manager_client, received_at):
    response = manager_client.post(
        reverse("complaints:create"), complaint_data(people, received_at=received_at)
    )
    assert response.status_code == 200
    assert "请检查年份" in response.text or "受理时间不能晚于现在。" in response.text
    assert not Case.objects.exists()


def test_a_corrected_time_received_moves_the_daily_clock_while_nothing_was_logged(
    people, manager_client
):
    case = silent_since(make_case(people.owner), timezone.now() - timedelta(days=60))
    assert case.badge() == "late"  # silent for two months, past its deadline
    received = earlier_today(hours=10 / 60).replace(second=0, microsecond=0)
    data = complaint_data(people, received_at=local(received))
    response = manager_client.post(reverse("complaints:edit", args=[case.pk]), data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.received_at == case.last_contact_at == received
    assert case.badge() is None  # received today: nothing is due yet
    assert case.events.get(action="receive").at == received


def test_the_time_received_cannot_be_moved_past_the_first_contact(people, manager_client):
    case = silent_since(make_case(people.owner), timezone.now() - timedelta(days=3))
    contact = make_contact(case, timezone.now() - timedelta(days=2))
    later = local(timezone.now() - timedelta(days=1))
    response = manager_client.post(
        reverse("complaints:edit", args=[case.pk]), complaint_data(people, received_at=later)
    )
    assert response.status_code == 200
    assert "受理时间不能晚于第一次联系或步骤" in response.text
    case.refresh_from_db()
    assert case.received_at < contact.at and case.last_contact_at == contact.at


def test_a_question_turned_into_a_complaint_today_is_not_late(people, manager_client):
    question = silent_since(make_question(people.owner), timezone.now() - timedelta(days=3))
    assert question.badge() == "escalated"  # nobody answered for three days
    assert step(manager_client, question, "convert").status_code == 302
    question.refresh_from_db()
    # Received now as a complaint: hearing it is today's contact.
    assert question.last_contact_at == question.received_at and question.badge() is None


def noon(days_ago: int):
    """Noon of the bank's day `days_ago` days back: whole days whatever the hour now."""
    today = rules.bank_day(timezone.now())
    return rules.day_start(today - timedelta(days=days_ago)) + timedelta(hours=12)


def as_drawn(client, url: str, action: str | None = None) -> dict:
    """What the browser sends, untouched, for the form on the page at `url` that posts to
    `action` (by default back to `url`)."""
    action = action or url
    (drawn,) = [f for f in forms_on(client.get(url).text, url) if f.action == action]
    return as_sent(drawn)


def test_a_question_turned_into_a_complaint_can_still_be_edited(people, manager_client):
    question = make_question(people.owner, received_at=noon(2))
    make_contact(question, noon(1), said="还在请教信贷部")
    assert step(manager_client, question, "convert").status_code == 302
    edit = reverse("complaints:edit", args=[question.pk])
    # Saved unchanged: what was logged while it was a question comes before its receipt.
    assert post_as_drawn(manager_client, edit).status_code == 302
    response = manager_client.post(
        edit, {**as_drawn(manager_client, edit), "departments": "信贷部"}
    )
    assert response.status_code == 302
    assert "信贷部" in manager_client.get(question.get_absolute_url()).text


def test_a_converted_complaint_received_earlier_keeps_the_question_history(people, manager_client):
    question = make_question(people.owner, received_at=noon(3))
    make_contact(question, noon(1), said="还在请教信贷部")
    assert step(manager_client, question, "convert").status_code == 302
    edit = reverse("complaints:edit", args=[question.pk])
    # The client complained two days ago; the manager turned it into a complaint today.
    response = manager_client.post(
        edit, {**as_drawn(manager_client, edit), "received_at": local(noon(2))}
    )
    assert response.status_code == 302
    page = manager_client.get(question.get_absolute_url()).text
    # The question was asked when it was; the client last heard from us yesterday.
    assert f"{timezone.localtime(noon(3)):%Y-%m-%d %H:%M} · 已受理" in page
    assert "case-badge-due_today" in page and "case-badge-overdue" not in page


# --- Recusal: nobody handles a complaint about themselves ------------------------------


def test_recused_handler_refused_on_create(people, supervisor_client):
    data = complaint_data(people, handler=people.owner.pk, about=people.owner.pk)
    response = supervisor_client.post(reverse("complaints:create"), data)
    assert response.status_code == 200
    assert "任何人不得处理针对自己的投诉" in response.text
    assert not Case.objects.exists()


def test_recused_handler_refused_on_edit(people, supervisor_client):
    case = make_case(people.owner)
    data = complaint_data(people, about=people.owner.pk)
    data.pop("handler")
    response = supervisor_client.post(reverse("complaints:edit", args=[case.pk]), data)
    assert "任何人不得处理针对自己的投诉" in response.text
    case.refresh_from_db()
    assert case.about is None


def test_recused_handler_refused_on_reassignment(people, supervisor_client):
    case = make_case(people.owner, about=people.teammate)
    page = supervisor_client.get(reverse("complaints:reassign", args=[case.pk])).text
    assert f'value="{people.teammate.pk}"' not in page
    response = supervisor_client.post(
        reverse("complaints:reassign", args=[case.pk]), {"handler": people.teammate.pk}
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.handler == people.owner
    response = supervisor_client.post(
        reverse("complaints:reassign", args=[case.pk]), {"handler": people.supervisor.pk}
    )
    case.refresh_from_db()
    assert case.handler == people.supervisor
    assert case.events.filter(action="reassign").exists()


def test_the_person_complained_about_does_not_see_it(people):
    case = make_case(people.owner, about=people.supervisor)
    supervisor = client_for(people.supervisor)
    assert supervisor.get(case.get_absolute_url()).status_code == 404
    assert "客户" not in supervisor.get(reverse("complaints:list")).text.split("case-list")[1][:200]
    assert client_for(people.owner).get(case.get_absolute_url()).status_code == 200


def test_model_refuses_recused_handler_even_outside_forms(people):
    case = make_case(people.owner)
    from django.core.exceptions import ValidationError

    case.about = people.teammate
    case.save()
    with pytest.raises(ValidationError):
        case.reassign(to=people.teammate, by=people.supervisor)


# --- The five steps, contacts, closing -------------------------------------------------


def step(client, case, action, note="", at=None):
    return client.post(
        reverse("complaints:step", args=[case.pk, action]),
        {"at": local(at or timezone.now()), "note": note},
    )


def test_steps_go_in_order_and_then_close(people, manager_client):
    case = make_case(people.owner)
    response = step(manager_client, case, "respond", "跳过")
    # Not drawn again at the step it is not: the case as it is, saying why.
    assert response.url == case.get_absolute_url()
    assert "此时无法进行" in manager_client.get(response.url).text
    for action in ("listen", "acknowledge", "respond", "agree", "exceed"):
        assert step(manager_client, case, action, f"{action} note").status_code == 302
    case.refresh_from_db()
    assert case.status == "closing"
    url = reverse("complaints:close", args=[case.pk])
    response = manager_client.post(url, {"solution": "退还费用", "at": local(timezone.now())})
    assert "请记录根本原因（溯源）。" in response.text
    case.refresh_from_db()
    assert case.status == "closing"
    response = manager_client.post(
        url,
        {
            "solution": "退还费用",
            "client_told": "已告知结果；如不满意可向上级行、调解、仲裁或法院反映",
            "root_cause": "收费公示不清",
            "fix": "更新公示牌",
            "at": local(timezone.now()),
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "closed" and case.root_cause == "收费公示不清"
    assert LogEntry.objects.get_for_object(case).exists()


def test_reopen_needs_a_reason(people, manager_client):
    case = make_case(people.owner)
    Case.objects.filter(pk=case.pk).update(status="closed", solution="s", root_cause="r")
    url = reverse("complaints:reopen", args=[case.pk])
    response = manager_client.post(url, {"note": "", "at": local(timezone.now())})
    assert response.status_code == 200
    response = manager_client.post(url, {"note": "客户不接受", "at": local(timezone.now())})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "respond" and case.closed_at is None


@pytest.mark.parametrize("target", [None, "feedback", "agenda-case"])
def test_a_contact_for_a_case_closed_meanwhile_is_refused_aloud_and_kept(
    people, manager_client, target
):
    case = make_case(people.owner)
    Case.objects.filter(pk=case.pk).update(status="closed", solution="s", root_cause="r")
    hx_target = f"agenda-case-{case.pk}" if target == "agenda-case" else target
    response = manager_client.post(
        reverse("complaints:contact", args=[case.pk]),
        {"said": "已电话告知处理进展", "method": "phone"},
        headers={"HX-Request": "true", "HX-Target": hx_target} if target else {},
    )
    assert response.status_code == 200
    assert (
        'class="flash flash-error" role="alert"' in response.text
        and "已电话告知处理进展" in response.text
    )
    assert not case.contacts.exists()


def test_turning_a_question_already_answered_into_a_complaint_says_why_not(people, manager_client):
    question = make_question(people.owner)
    Case.objects.filter(pk=question.pk).update(status="answered", answer="已答复")
    response = manager_client.post(
        reverse("complaints:step", args=[question.pk, "convert"]), follow=True
    )
    assert response.redirect_chain == [(question.get_absolute_url(), 302)]
    assert "当前处于“已答复”，此时无法进行该操作。" in response.text
    question.refresh_from_db()
    assert question.kind == "question"


@pytest.mark.parametrize("target", ["feedback", "agenda"])
def test_a_double_tap_logs_the_contact_once(people, manager_client, target):
    # Silent for two days: the case is on the agenda too.
    case = silent_since(make_case(people.owner), timezone.now() - timedelta(days=2))
    page = manager_client.get(case.get_absolute_url() if target == "feedback" else "/").text
    action = re.escape(reverse("complaints:contact", args=[case.pk]))
    form = rf'<form[^>]*action="{action}".*?name="form_token" value="([^"]+)"'
    token = re.search(form, page, re.S).group(1)
    tap = {"said": "已电话告知处理进展", "method": "phone", "form_token": token}
    hx_target = "feedback" if target == "feedback" else f"agenda-case-{case.pk}"
    for _ in range(2):
        response = manager_client.post(
            reverse("complaints:contact", args=[case.pk]),
            tap,
            headers={"HX-Request": "true", "HX-Target": hx_target},
        )
        assert response.status_code == 200 and "已记录联系" in response.text
    assert case.contacts.count() == 1


def test_contact_logged_with_htmx_returns_the_log(people, manager_client):
    case = silent_since(make_case(people.owner), timezone.now() - timedelta(days=3))
    response = manager_client.post(
        reverse("complaints:contact", args=[case.pk]),
        {"said": "已回电告知进展", "method": "phone"},
        headers={"HX-Request": "true", "HX-Target": "feedback"},
    )
    assert response.status_code == 200
    assert "<html" not in response.text and "已回电告知进展" in response.text
    case.refresh_from_db()
    assert case.badge() is None


def test_contact_in_the_future_or_before_receipt_is_refused(people, manager_client):
    case = make_case(people.owner)
    url = reverse("complaints:contact", args=[case.pk])
    for at, message in (
        (timezone.now() + timedelta(hours=2), "联系时间不能晚于现在。"),
        (case.received_at - timedelta(days=1), "联系时间不能早于投诉受理时间。"),
    ):
        response = manager_client.post(
            url, {"said": "x", "method": "phone", "at": local(at)}, headers={"HX-Request": "true"}
        )
        assert response.status_code == 200
        assert message in response.text
    assert not FeedbackContact.objects.exists()


def test_contact_from_the_agenda_swaps_the_agenda_line(people, manager_client):
    case = silent_since(make_case(people.owner), timezone.now() - timedelta(days=2))
    assert f'id="agenda-case-{case.pk}"' in manager_client.get(reverse("home")).text
    response = manager_client.post(
        reverse("complaints:contact", args=[case.pk]),
        {"said": "已告知进展", "method": "phone"},
        headers={"HX-Request": "true", "HX-Target": f"agenda-case-{case.pk}"},
    )
    assert response.text.lstrip().startswith("<li")
    assert "已记录联系" in response.text


# A page drawn just before midnight in Shanghai, sent just after.
BEFORE_MIDNIGHT = datetime(2026, 3, 10, 23, 50, tzinfo=rules.BANK_ZONE)
AFTER_MIDNIGHT = datetime(2026, 3, 11, 0, 10, tzinfo=rules.BANK_ZONE)


def test_a_contact_is_dated_when_it_is_logged_not_when_the_page_was_drawn(people):
    with time_machine.travel(BEFORE_MIDNIGHT, tick=False) as clock:
        case = make_case(people.owner, received_at=BEFORE_MIDNIGHT - timedelta(days=1))
        client = client_for(people.owner)
        contact = reverse("complaints:contact", args=[case.pk])
        drawn = as_drawn(client, case.get_absolute_url(), contact)
        drawn_page = client.get(case.get_absolute_url()).text
        assert "case-badge-due_today" in drawn_page and "留空则按保存时的时间记录" in drawn_page
        clock.move_to(AFTER_MIDNIGHT)
        assert client.post(contact, {**drawn, "said": "已电话告知进展"}).status_code == 302
        page = client.get(case.get_absolute_url()).text
    # Heard from us today (11 March): nothing is due until the end of tomorrow.
    assert "2026-03-11 00:10</strong>" in page
    assert "case-badge-" not in page and "2026-03-12 23:59" in page


def test_a_contact_time_the_person_typed_is_kept(people):
    with time_machine.travel(BEFORE_MIDNIGHT, tick=False) as clock:
        case = make_case(people.owner, received_at=BEFORE_MIDNIGHT - timedelta(days=1))
        client = client_for(people.owner)
        contact = reverse("complaints:contact", args=[case.pk])
        drawn = as_drawn(client, case.get_absolute_url(), contact)
        clock.move_to(AFTER_MIDNIGHT)
        typed = {**drawn, "said": "昨晚已电话告知", "at": "2026-03-10T23:40"}
        assert client.post(contact, typed).status_code == 302
        page = client.get(case.get_absolute_url()).text
    assert "2026-03-10 23:40</strong>" in page and "case-badge-due_today" in page


def test_reopening_is_dated_when_it_is_sent_not_when_the_page_was_drawn(people):
    with time_machine.travel(BEFORE_MIDNIGHT, tick=False) as clock:
        case = make_case(people.owner, received_at=BEFORE_MIDNIGHT - timedelta(days=3))
        Case.objects.filter(pk=case.pk).update(
            status="closed", solution="s", root_cause="r", closed_at=timezone.now()
        )
        client = client_for(people.owner)
        reopen = reverse("complaints:reopen", args=[case.pk])
        drawn = as_drawn(client, reopen)
        clock.move_to(AFTER_MIDNIGHT)
        assert client.post(reopen, {**drawn, "note": "客户不接受"}).status_code == 302
        page = client.get(case.get_absolute_url()).text
    # Reopening is news to the client: today's contact.
    assert "2026-03-11 00:10 · 已重新打开" in page
    assert "case-badge-" not in page and "2026-03-12 23:59" in page


# --- Extensions -------------------------------------------------------------------------


def test_first_extension_needs_a_reason_second_the_supervisor(people, manager_client):
    case = make_case(people.owner)
    url = reverse("complaints:extend", args=[case.pk])
    now = local(timezone.now())
    assert manager_client.post(url, {"note": "", "at": now}).status_code == 200
    assert manager_client.post(url, {"note": "需调取监控", "at": now}).status_code == 302
    response = manager_client.post(url, {"note": "更复杂", "at": now})
    assert "只有处理人的主管才能批准第二次延期。" in response.text
    supervisor = client_for(people.supervisor)
    assert supervisor.post(url, {"note": "主管批准", "at": now}).status_code == 302
    case.refresh_from_db()
    assert case.extensions == 2
    assert case.decide_by == timezone.localdate() + timedelta(days=60)
    response = supervisor.post(url, {"note": "再延", "at": now})
    assert "投诉最多延期两次（至60天）。" in response.text


# --- Questions and broken promises ------------------------------------------------------


def test_question_answered_or_turned_into_a_complaint_with_its_history(people, manager_client):
    question = make_question(people.owner)
    manager_client.post(
        reverse("complaints:contact", args=[question.pk]), {"said": "还在请教", "method": "sms"}
    )
    response = step(manager_client, question, "convert")
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.kind == "complaint" and question.status == "listen"
    assert question.contacts.count() == 1
    assert list(question.events.values_list("action", flat=True)) == ["receive", "convert"]

    other = make_question(people.owner)
    response = manager_client.post(
        reverse("complaints:step", args=[other.pk, "answer"]),
        {"answer": "", "at": local(timezone.now())},
    )
    assert response.status_code == 200
    manager_client.post(
        reverse("complaints:step", args=[other.pk, "answer"]),
        {"answer": "利率按合同执行", "at": local(timezone.now())},
    )
    other.refresh_from_db()
    assert other.status == "answered"


def test_broken_promise_offers_a_prefilled_follow_up(people, manager_client):
    prospect = make_prospect(people.owner)
    promise = make_promise(prospect)
    promise.mark_cannot_keep(explanation="政策变化", compensation="无", on=timezone.localdate())
    page = manager_client.get(prospect.get_absolute_url()).text
    offer = f"/complaints/new/?promise={promise.pk}"
    assert offer in page
    form = manager_client.get(offer).text
    assert "政策变化" in form
    data = complaint_data(people, client_name="", prospect=prospect.pk, promise=promise.pk)
    assert manager_client.post(offer, data).status_code == 302
    assert Case.objects.get().promise == promise


def test_client_page_shows_the_case_in_the_timeline(people, manager_client):
    prospect = make_prospect(people.owner)
    make_case(people.owner, prospect=prospect, client_name="", points="等待太久")
    assert "等待太久" in manager_client.get(prospect.get_absolute_url()).text


def test_trainee_sees_no_complaints_anywhere(people, trainee_client):
    make_case(people.owner)
    assert trainee_client.get(reverse("complaints:list")).status_code == 404
    assert "/complaints/" not in trainee_client.get(reverse("home")).text


def test_supervisor_board_lists_the_escalated_case(people, supervisor_client):
    case = silent_since(
        make_case(people.owner, client_name="老李"), timezone.now() - timedelta(days=4)
    )
    page = supervisor_client.get(reverse("complaints:board")).text
    assert "老李" in page and "case-badge-escalated" in page
    assert "老李" in loaded_home(supervisor_client).text
    assert case.events.count() == 1
    assert CaseEvent.objects.count() == 1


def test_open_cases_most_urgent_first(people, manager_client):
    now = timezone.now()
    quiet = silent_since(make_case(people.owner, client_name="甲"), earlier_today(2))
    escalated = silent_since(make_case(people.owner, client_name="乙"), now - timedelta(days=4))
    late = silent_since(make_case(people.owner, client_name="丙"), now - timedelta(days=20))
    make_contact_now = FeedbackContact.objects.create(
        case=late, at=now, said="每日反馈", by=people.owner
    )
    Case.objects.filter(pk=late.pk).update(last_contact_at=make_contact_now.at)
    page = manager_client.get(reverse("complaints:list")).text
    assert page.index("丙") < page.index("乙") < page.index("甲")
    assert "超期未决" in page and "已升级" in page
    assert quiet.badge() is None and escalated.badge() == "escalated"


def test_an_escalated_question_is_not_left_off_below_the_complaints(people, manager_client):
    # A question has no decision deadline; silent for four days it is the most urgent.
    for _ in range(AGENDA_SHOWN):
        silent_since(make_case(people.owner), noon(3))
    question = silent_since(make_question(people.owner, client_name="问询客户"), noon(4))
    assert question.badge() == "escalated"
    assert "问询客户" in manager_client.get(reverse("home")).text
    listing = manager_client.get(reverse("complaints:list")).text.split('id="results"')[1]
    assert listing.index("问询客户") < listing.index("客户")
    supervisor = client_for(people.supervisor)
    assert "问询客户" in supervisor.get(reverse("complaints:board")).text
    assert "问询客户" in loaded_home(supervisor).text


def test_calendar_has_the_feedback_day_and_the_decision_day(people, manager_client):
    make_case(people.owner, client_name="钱女士")
    ics = manager_client.get(reverse("calendar")).content.decode()
    assert "向钱女士反馈" in ics and "投诉处理期限：钱女士" in ics


def test_client_page_offers_to_record_a_complaint(people, manager_client):
    prospect = make_prospect(people.owner)
    page = manager_client.get(prospect.get_absolute_url()).text
    assert f"/complaints/new/?prospect={prospect.pk}" in page
    form = manager_client.get(f"/complaints/new/?prospect={prospect.pk}").text
    assert f'<option value="{prospect.pk}" selected>' in form


def test_a_step_cannot_be_dated_before_the_step_before_it(people, manager_client):
    case = make_case(people.owner, received_at=timezone.now() - timedelta(hours=3))
    listened = timezone.now() - timedelta(hours=1)
    assert step(manager_client, case, "listen", at=listened).status_code == 302
    response = step(
        manager_client, case, "acknowledge", "先安抚", at=listened - timedelta(minutes=1)
    )
    shown = timezone.localtime(listened).strftime("%Y-%m-%d %H:%M")
    assert f"步骤的时间不能早于上一步（{shown}）。" in response.text
    assert "先安抚" in response.text  # kept for the next try
    assert not case.events.filter(action="acknowledge").exists()
    # The same minute is in order; a new handler in between does not count as a step.
    case.refresh_from_db()
    case.reassign(to=people.teammate, by=people.supervisor)
    assert step(client_for(people.teammate), case, "acknowledge", at=listened).status_code == 302


def test_a_step_dated_in_the_future_or_before_receipt_says_step_not_contact(people, manager_client):
    case = make_case(people.owner, received_at=timezone.now() - timedelta(hours=3))
    for at, message in (
        (timezone.now() + timedelta(hours=2), "步骤的时间不能晚于现在。"),
        (case.received_at - timedelta(days=1), "步骤的时间不能早于投诉受理时间。"),
    ):
        response = step(manager_client, case, "listen", "客户情绪激动", at=at)
        assert message in response.text
        assert "联系时间" not in response.text
    assert not case.events.filter(action="listen").exists()
