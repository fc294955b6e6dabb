"""Complaints in a real browser at phone width (375 px)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from complaints.models import Case
from tests.browser.phone import phone_problems
from tests.complaints.factories import make_case, silent_since

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 740}


@pytest.fixture(autouse=True)
def _phone(page):
    page.set_default_timeout(8_000)
    page.set_viewport_size(PHONE)


def assert_fits(page) -> None:
    overflow = page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow, f"sideways scroll at 375 px on {page.url}"


def log_contact(page, said: str) -> None:
    feedback = page.locator("#feedback")
    feedback.get_by_label("沟通内容").fill(said)
    with page.expect_response(lambda response: "/contacts/" in response.url):
        feedback.get_by_role("button", name="记录联系").click()
    expect(page.locator(".contact-log")).to_contain_text(said)


def test_manager_records_a_complaint_through_the_five_steps_and_closes_it(
    people, sign_in, live_server
):
    page = sign_in(people.owner, at="/complaints/")
    assert_fits(page)
    page.get_by_role("button", name="登记投诉", exact=True).click()
    page.get_by_label("客户姓名").fill("王先生")
    page.get_by_label("客户电话").fill("13800000000")
    page.get_by_label("渠道").select_option(label="柜台")
    page.get_by_label("类别").select_option(label="收费")
    page.get_by_label("投诉要点").fill("账户管理费扣收未告知\n柜员解释不清")
    page.get_by_label("客户情绪").select_option(label="愤怒")
    assert_fits(page)
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", name="王先生")).to_be_visible()
    assert_fits(page)

    notes = [
        "已复述投诉要点，客户确认",
        "耐心听客户讲完",
        "会同运营部核实扣费",
        "",
        "上门致歉并致谢",
    ]
    for number, note in enumerate(notes, start=1):
        step = page.locator(".step-next")
        expect(step).to_contain_text(str(number))
        if note:
            step.get_by_label("备注").fill(note)
        if number == 4:
            # Step 4 is the feedback log: two contacts, each one tap and a sentence.
            log_contact(page, "告知正在核实，明天再回电")
            log_contact(page, "已查明原因，拟退还费用")
            page.locator(".step-next").get_by_label("备注").fill("客户同意退费方案")
            page.locator(".step-next").get_by_role("button").click()
        else:
            step.get_by_role("button").click()
        expect(page.locator(f"#step-{number}.step-done")).to_be_visible()
    page.get_by_role("button", name="结案").click()
    expect(page.get_by_label("解决方案")).to_be_visible()
    assert_fits(page)
    page.get_by_label("解决方案").fill("退还多收费用")
    page.get_by_role("button", name="记录").click()
    expect(page.get_by_text("请记录根本原因（溯源）。")).to_be_visible()
    page.get_by_label("告知客户的内容").fill(
        "已告知结果；如不满意可向上级行反映，或申请调解、仲裁、起诉"
    )
    page.get_by_label("根本原因").fill("收费公示未更新")
    page.get_by_label("整改措施").fill("每月核对收费公示")
    page.get_by_role("button", name="记录").click()
    expect(page.get_by_text("已结案").first).to_be_visible()
    assert_fits(page)
    case = Case.objects.get()
    assert case.status == "closed" and case.contacts.count() == 2
    assert case.root_cause == "收费公示未更新"


def test_supervisor_sees_an_escalated_case_on_the_board(people, sign_in, live_server):
    case = make_case(people.owner, client_name="老李")
    silent_since(case, timezone.now() - timedelta(days=4))
    page = sign_in(people.supervisor)
    expect(page.locator(".complaints-panel")).to_contain_text("老李")
    page.get_by_role("link", name="打开团队看板").click()
    expect(page.get_by_role("heading", name="团队投诉看板")).to_be_visible()
    escalated = page.locator(".case-badge-escalated").first
    expect(escalated).to_have_text("已升级")
    expect(page.locator("main")).to_contain_text("老李")
    expect(page.locator("canvas[data-chart='ageing-data']")).to_have_attribute("data-drawn", "1")
    assert_fits(page)


def test_a_long_group_leads_from_the_board_to_all_its_cases_on_a_phone(
    people, sign_in, live_server
):
    four_days_ago = timezone.now() - timedelta(days=4)
    for number in range(12):
        silent_since(make_case(people.owner, client_name=f"升级客户{number}"), four_days_ago)
    page = sign_in(people.supervisor)
    panel = page.locator(".complaints-panel")
    expect(panel).to_contain_text("查看全部 12 项")
    # The badge keeps its colours outside the complaint pages (app.css).
    colour = page.locator(".case-badge-escalated").first.evaluate(
        "badge => getComputedStyle(badge).backgroundColor"
    )
    assert colour == "rgb(130, 80, 223)"
    assert phone_problems(page) == []
    page.get_by_role("link", name="打开团队看板").click()
    expect(page.get_by_role("heading", name="团队投诉看板")).to_be_visible()
    assert phone_problems(page) == []
    page.locator("main").get_by_role("link", name="查看全部 12 项").first.click()
    expect(page.locator("main")).to_contain_text("团队的案件 · 已升级")
    assert page.locator(".case-link").count() == 12
    assert phone_problems(page) == []
    page.screenshot(path="test-results/complaints-team-escalated-375.png", full_page=True)


def test_on_a_phone_a_contact_clears_the_badge_and_an_extension_is_told(
    people, sign_in, live_server
):
    case = silent_since(
        make_case(people.owner, client_name="老张"), timezone.now() - timedelta(days=3)
    )
    page = sign_in(people.owner, at=case.get_absolute_url())
    expect(page.locator("#case-badge .case-badge-escalated")).to_be_visible()
    log_contact(page, "已回电告知进展")
    # Swapped in place with the log: no badge left, feedback due tomorrow.
    expect(page.locator("#case-badge .case-badge")).to_have_count(0)
    tomorrow = timezone.localdate() + timedelta(days=1)
    expect(page.locator("#case-feedback-due")).to_contain_text(f"{tomorrow:%Y-%m-%d}")
    assert_fits(page)
    page.get_by_role("button", name="延长处理期限").click()
    page.get_by_label("理由：", exact=True).fill("需调取柜台监控并请运营部复核，预计需两周")
    page.get_by_label("延期理由告知客户的方式").select_option(label="电话")
    assert_fits(page)
    page.get_by_role("button", name="记录").click()
    expect(page.locator(".contact-log")).to_contain_text("需调取柜台监控")
    assert_fits(page)


def test_on_a_phone_a_step_done_meanwhile_says_why_and_keeps_the_note(people, sign_in, live_server):
    case = make_case(people.owner, client_name="老周")
    page = sign_in(people.owner, at=case.get_absolute_url())
    Case.objects.get(pk=case.pk).apply("listen", by=people.supervisor, note="主管已复述")
    note = "客户诉求：退还多收的账户管理费，并要求书面道歉" * 3
    page.locator(".step-next").get_by_label("备注").fill(note)
    page.locator(".step-next").get_by_role("button").click()
    expect(page.locator(".flash-error")).to_contain_text("此时无法进行该操作")
    expect(page.locator(".messages")).to_contain_text(note)
    expect(page.locator(".step-next")).to_contain_text("2")
    assert_fits(page)
    page.screenshot(path="test-results/complaints-step-refused-375.png")


def test_on_a_phone_a_contact_from_the_agenda_takes_the_menus_count_down(
    people, sign_in, live_server
):
    from complaints.reminders import sweep

    silent_since(make_case(people.owner, client_name="老李"), timezone.now() - timedelta(days=3))
    sweep(timezone.now())
    page = sign_in(people.owner)
    menu = page.locator("#site-menu-summary")
    expect(menu.locator(".badge")).to_have_text("1")
    line = page.locator(".agenda-case").first
    line.get_by_label("告知客户的内容").fill("已回电告知进展")
    with page.expect_response(lambda response: "/contacts/" in response.url):
        line.get_by_role("button", name="记录联系").click()
    expect(page.locator(".agenda-case").first).to_contain_text("已记录联系")
    # The count went with the reminder, without reloading the page; the menu still opens.
    expect(menu.locator(".badge")).to_have_count(0)
    menu.click()
    expect(page.locator("#main-nav")).to_be_visible()
    expect(page.locator("#main-nav .badge")).to_have_count(0)
    assert_fits(page)
