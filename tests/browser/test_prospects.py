"""A client manager's day in a real browser: prospects, visits, meals, promises, the list."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from prospects.models import HospitalityEntry, Promise, Prospect, Visit
from tests.browser.visit_form import choose_outcome
from tests.prospects.factories import make_promise, make_prospect

pytestmark = pytest.mark.browser


def test_add_a_prospect_referred_by_a_client(people, sign_in, live_server):
    referrer = make_prospect(people.owner, name="华联批发贸易", stage="client")
    page = sign_in(people.owner, at=referrer.get_absolute_url())
    page.get_by_role("link", name="添加该客户转介绍的客户").click()
    expect(page.get_by_label("来源")).to_have_value("referral")
    page.get_by_label(re.compile("^名称")).fill("美佳日用品批发部")
    page.get_by_label("电话").fill("1381234")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("请输入大陆手机号")).to_be_visible()
    page.get_by_label("电话").fill("13812345678")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", name="美佳日用品批发部")).to_be_visible()
    expect(page.get_by_role("link", name="华联批发贸易")).to_be_visible()
    page.get_by_role("link", name="华联批发贸易").click()
    expect(page.get_by_role("link", name="美佳日用品批发部")).to_be_visible()
    assert Prospect.objects.get(name="美佳日用品批发部").referred_by == referrer


def test_log_a_turned_away_visit_then_its_follow_up(people, sign_in, live_server):
    prospect = make_prospect(people.owner, name="金悦大酒店")
    page = sign_in(people.owner, at=prospect.get_absolute_url())
    url = f"{live_server.url}{prospect.get_absolute_url()}"
    visit = page.locator("#visit-form")
    choose_outcome(page, "被拒之门外")
    # The form asks what was learned and for an intermediary, and proposes a date.
    expect(visit.get_by_label("谁能为您引荐？（引荐人）")).to_be_visible()
    proposed = (timezone.localdate() + timedelta(days=7)).isoformat()
    expect(visit.get_by_label("下一步日期")).to_have_value(proposed)
    visit.get_by_label("了解到该企业的哪些情况？").fill("门卫说财务经理每周三在店")
    visit.get_by_label("谁能为您引荐？（引荐人）").fill("王建国")
    visit.get_by_label(re.compile("^下一步[:：]?$")).fill("请王建国引荐后再访")
    visit.get_by_role("button", name="保存拜访").click()
    expect(page.locator(".timeline")).to_contain_text("门卫说财务经理每周三在店")
    expect(page.locator(".timeline")).to_contain_text("被拒之门外")
    assert page.url == url  # updated in place
    # The follow-up, a week later through the intermediary.
    visit = page.locator("#visit-form")
    choose_outcome(page, "见到决策人")
    visit.get_by_label("会见对象").fill("孙丽（财务经理）")
    visit.get_by_label("了解到的情况").fill("宴会厅扩建，需要流动资金")
    visit.get_by_role("button", name="保存拜访").click()
    expect(page.locator(".timeline")).to_contain_text("孙丽（财务经理）")
    assert Visit.objects.filter(prospect=prospect).count() == 2
    prospect.refresh_from_db()
    assert prospect.next_action == "请王建国引荐后再访"


def test_record_a_meal_the_client_paid_for(people, sign_in, live_server, browser):
    prospect = make_prospect(people.owner, name="老周家常菜馆")
    page = sign_in(people.owner, at=prospect.get_absolute_url())
    page.get_by_text("登记宴请或礼品").click()
    form = page.locator("form", has=page.get_by_role("button", name="保存登记"))
    form.get_by_label("类型").select_option(label="宴请")
    form.get_by_label("付费方").select_option(label="客户付费")
    form.get_by_label("估计价值（元）").fill("380")
    form.get_by_label("备注").fill("老板坚持请吃午饭")
    form.get_by_role("button", name="保存登记").click()
    expect(page.locator(".timeline .badge-flag")).to_have_text("已标记")
    assert HospitalityEntry.objects.get().flagged
    # The supervisor sees it on their home page.
    context = browser.new_context(locale="zh-CN")
    other = context.new_page()
    other.goto(f"{live_server.url}/accounts/login/")
    other.get_by_label("用户名").fill(people.supervisor.username)
    from tests.conftest import PASSWORD

    other.get_by_label("密码").fill(PASSWORD)
    other.get_by_role("button", name="登录").click()
    expect(other.locator(".panel.team")).to_contain_text("老周家常菜馆")
    context.close()


def test_keep_one_promise_and_break_another(people, sign_in, live_server):
    prospect = make_prospect(people.owner, name="华联批发贸易")
    broken = make_promise(prospect, description="一周内答复提额")
    page = sign_in(people.owner, at=prospect.get_absolute_url())
    page.get_by_text("记录承诺").click()
    form = page.locator("form", has=page.get_by_role("button", name="保存承诺"))
    form.get_by_label("承诺内容").fill("下周送来结算产品说明")
    form.get_by_label("到期日").fill((timezone.localdate() + timedelta(days=5)).isoformat())
    # The consulted colleague is found by typing part of the name (search as you type).
    form.get_by_label("请示过的主管").fill("upervis")
    expect(form.get_by_role("radio", name=str(people.teammate))).to_have_count(0)
    form.get_by_role("radio", name=str(people.supervisor)).check()
    form.get_by_role("button", name="保存承诺").click()
    kept = page.locator("article", has_text="下周送来结算产品说明")
    expect(kept).to_be_visible()
    kept.get_by_role("button", name="标记为已兑现").click()
    expect(page.locator("article", has_text="下周送来结算产品说明")).to_contain_text("已兑现")

    page.locator(f"#promise-{broken.pk}").get_by_role("link", name="无法兑现").click()
    page.get_by_role("button", name="记录").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    page.get_by_label("如何向客户解释的？").fill("总行额度收紧，当面说明")
    page.get_by_label("对我方造成损失的补偿").fill("无")
    page.get_by_role("button", name="记录").click()
    expect(page.locator(f"#promise-{broken.pk}")).to_contain_text("无法兑现")
    assert Promise.objects.get(pk=broken.pk).status == "cannot_keep"


def test_filter_the_list_and_the_url_follows(people, sign_in, live_server):
    make_prospect(people.owner, name="鑫源服装商行", stage="client")
    make_prospect(people.owner, name="宏达五金经营部", stage="lead", phone="13999998888")
    page = sign_in(people.owner, at="/prospects/")
    results = page.locator("#results")
    expect(results).to_contain_text("宏达五金经营部")
    page.get_by_label("阶段").select_option(label="客户")
    expect(page).to_have_url(re.compile(r"stage=client"))
    expect(results).not_to_contain_text("宏达五金经营部")
    expect(results).to_contain_text("鑫源服装商行")
    page.get_by_label("阶段").select_option(index=0)
    # Each change waits for its own page (one history entry each): a change made while
    # the one before is in flight replaces it, and the back button below counts entries.
    expect(page).not_to_have_url(re.compile(r"stage=client"))
    # A box ticked filters at once, as a menu does.
    page.get_by_label("下一步已逾期").check()
    expect(page).to_have_url(re.compile(r"overdue=on"))
    expect(results).to_contain_text("共 0 个客户")
    page.get_by_label("下一步已逾期").uncheck()
    expect(page).not_to_have_url(re.compile(r"overdue=on"))
    page.get_by_label("搜索").fill("9988")
    expect(page).to_have_url(re.compile(r"q=9988"))
    expect(results).to_contain_text("宏达五金经营部")
    expect(results).not_to_contain_text("鑫源服装商行")
    # Leaving the search box sends nothing more: the query went as it was typed, and a
    # second request would redraw the list under the finger tapping a heading.
    sent = []
    page.on("request", lambda request: sent.append(request.url))
    page.get_by_label("搜索").blur()
    # A column heading sorts, and the sort menu follows.
    results.get_by_role("link", name="名称").click()
    expect(page).to_have_url(re.compile(r"sort=name"))
    assert [url for url in sent if "/prospects/?" in url] == [page.url]
    expect(page.get_by_label("排序")).to_have_value("name")
    results.get_by_role("link", name=re.compile("名称")).click()
    expect(page).to_have_url(re.compile(r"sort=-name"))
    expect(page.get_by_label("排序")).to_have_value("-name")
    # The back button returns to the earlier filter.
    # (htmx reloads the page on a history miss, so go back through the history API.)
    page.evaluate("history.go(-6)")
    expect(page).to_have_url(re.compile(r"stage=client"))
    expect(page.locator("#results")).not_to_contain_text("宏达五金经营部")


def test_the_agenda_leads_straight_to_each_action(people, sign_in, live_server):
    today = timezone.localdate()
    late = make_prospect(people.owner, name="兴旺粮油批发", next_action_date=today - timedelta(1))
    promise = make_promise(make_prospect(people.owner, name="华联批发贸易"), due_on=today)
    page = sign_in(people.owner)
    card = page.locator("li", has_text="华联批发贸易")
    card.get_by_role("button", name="标记为已兑现").click()  # asks once more
    card.get_by_role("button", name="是的，已兑现").click()
    expect(page.get_by_text("承诺已兑现")).to_be_visible()
    assert page.url == f"{live_server.url}/"
    assert Promise.objects.get(pk=promise.pk).status == "kept"

    page.locator("li", has_text="兴旺粮油批发").get_by_role("button", name="记录拜访").click()
    expect(page.get_by_label("结果")).to_be_visible()  # the form is open, no further click
    choose_outcome(page, "无人应答")
    page.get_by_role("button", name="保存拜访").click()
    expect(page.get_by_text("拜访已记录")).to_be_visible()
    assert Visit.objects.filter(prospect=late).exists()


def test_record_a_planned_visit_as_turned_away_from_the_agenda(people, sign_in, live_server):
    prospect = make_prospect(people.owner, name="金悦大酒店")
    planned = Visit.objects.create(
        prospect=prospect, recorded_by=people.owner, visited_on=timezone.localdate()
    )
    page = sign_in(people.owner)
    page.locator("li", has_text="金悦大酒店").get_by_role("button", name="记录拜访结果").click()
    choose_outcome(page, "被拒之门外")
    visit = page.locator("#visit-form")
    expect(visit.get_by_label("谁能为您引荐？（引荐人）")).to_be_visible()
    proposed = (timezone.localdate() + timedelta(days=7)).isoformat()
    expect(visit.get_by_label("下一步日期")).to_have_value(proposed)
    visit.get_by_label("了解到该企业的哪些情况？").fill("门卫说老板周三在")
    visit.get_by_role("button", name="保存拜访").click()
    expect(page.get_by_text("拜访已记录")).to_be_visible()
    planned.refresh_from_db()
    assert planned.outcome == "turned_away"
    assert planned.next_step_date.isoformat() == proposed


def test_the_change_history_is_fetched_when_opened(people, sign_in, live_server):
    prospect = make_prospect(people.owner, name="鑫源服装商行")
    prospect.next_action = "周三带产品手册再访"
    prospect.save()
    fetched: list[str] = []

    def note(request) -> None:
        if "/history/" in request.url:
            fetched.append(request.url)

    page = sign_in(people.owner, at=None)
    page.on("request", note)
    page.goto(f"{live_server.url}{prospect.get_absolute_url()}")
    page.wait_for_load_state("load")  # htmx wires the folded history up once the page loads
    history = page.locator("details.history")
    expect(history.locator(".history-list")).to_have_count(0)
    assert not fetched  # not with the page
    with page.expect_response(lambda response: "/history/" in response.url):
        history.locator("summary").click()
    expect(history.locator(".history-list")).to_contain_text("周三带产品手册再访")
    expect(history.get_by_role("link", name="打开变更记录")).to_have_count(0)
    # Folded and opened again: what came is kept, nothing is fetched twice.
    history.locator("summary").click()
    history.locator("summary").click()
    expect(history.locator(".history-list")).to_contain_text("周三带产品手册再访")
    assert len(fetched) == 1


def test_the_change_history_opens_without_javascript(people, live_server, browser):
    from tests.conftest import PASSWORD

    prospect = make_prospect(people.owner, name="鑫源服装商行")
    prospect.next_action = "周三带产品手册再访"
    prospect.save()
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(8_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(people.owner.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}{prospect.get_absolute_url()}")
    page.locator("details.history summary").click()
    page.get_by_role("link", name="打开变更记录").click()
    expect(page.get_by_role("heading", name="变更记录")).to_be_visible()
    expect(page.locator(".history-list")).to_contain_text("周三带产品手册再访")
    page.get_by_role("link", name="鑫源服装商行").click()
    expect(page.get_by_role("heading", name="鑫源服装商行")).to_be_visible()
    context.close()
