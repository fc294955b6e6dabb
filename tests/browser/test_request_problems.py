"""A request sent by htmx that fails says so on a phone, and keeps what was typed: htmx
swaps nothing then, so without it a tap on "save" would seem to do nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from prospects.models import Prospect, ProspectExport, Visit
from tests.browser.phone import phone_problems
from tests.browser.test_phone_walk import new_phone
from tests.browser.visit_form import choose_outcome
from tests.prospects.factories import make_prospect, make_territory

pytestmark = pytest.mark.browser

OFFLINE = "无法连接服务器。请检查网络，刷新页面查看已保存的内容，然后重试。"


def fail_posts(page, answer):
    """Answer every POST with `answer(route)` (the network as the phone meets it)."""

    def handle(route):
        if route.request.method == "POST":
            answer(route)
        else:
            route.continue_()

    page.route("**/*", handle)


def test_a_visit_saved_without_a_connection_says_so_and_keeps_what_was_typed(
    people, browser, live_server
):
    prospect = make_prospect(people.owner, name="金悦大酒店")
    context, page = new_phone(browser, live_server, people.owner)
    page.goto(f"{live_server.url}{prospect.get_absolute_url()}")
    choose_outcome(page, "见到决策人")
    visit = page.locator("#visit-form")
    visit.get_by_label("会见对象").fill("孙丽（财务经理）")
    visit.get_by_label("了解到的情况").fill("宴会厅扩建，需要流动资金")

    problem = page.locator("#request-problem")
    expect(problem).to_be_hidden()
    fail_posts(page, lambda route: route.abort("internetdisconnected"))
    visit.get_by_role("button", name="保存拜访").click()
    expect(problem).to_be_visible()
    expect(problem).to_contain_text(OFFLINE)
    expect(visit.get_by_label("了解到的情况")).to_have_value("宴会厅扩建，需要流动资金")
    assert phone_problems(page) == []
    assert not Visit.objects.exists()

    # The server answers, but fails: the person is told to look at what was saved.
    page.unroute("**/*")
    fail_posts(page, lambda route: route.fulfill(status=500, body="Server Error"))
    visit.get_by_role("button", name="保存拜访").click()
    expect(problem).to_contain_text("服务器未能完成此操作")

    # Back online, the same tap saves it, and the line goes.
    page.unroute("**/*")
    visit.get_by_role("button", name="保存拜访").click()
    expect(page.locator(".timeline")).to_contain_text("宴会厅扩建，需要流动资金")
    expect(problem).to_be_hidden()
    assert Visit.objects.filter(prospect=prospect).count() == 1
    context.close()


def test_a_record_gone_meanwhile_and_a_dismissed_line(people, browser, live_server):
    prospect = make_prospect(people.owner, name="老周家常菜馆")
    context, page = new_phone(browser, live_server, people.owner)
    page.goto(f"{live_server.url}{prospect.get_absolute_url()}")
    choose_outcome(page, "见到决策人")
    page.locator("#visit-form").get_by_label("会见对象").fill("周老板")
    Prospect.objects.filter(pk=prospect.pk).update(owner=people.other_manager)
    page.locator("#visit-form").get_by_role("button", name="保存拜访").click()
    problem = page.locator("#request-problem")
    expect(problem).to_contain_text("该内容已不存在或您已无权访问")
    problem.get_by_role("button", name="关闭").click()
    expect(problem).to_be_hidden()
    # Focus goes back to the form's button, for the next try.
    expect(page.locator("#visit-form").get_by_role("button", name="保存拜访")).to_be_focused()
    assert not Visit.objects.exists()
    context.close()


def test_a_merchant_list_whose_name_is_too_long_to_send_says_what_to_do(
    people, browser, live_server
):
    """Django refuses a part whose header passes 1 KB (a name of 400 Chinese characters);
    the upload is sent by htmx, so the 400 page itself is not shown."""
    make_territory(branch=people.owner.branch, name="城南批发市场", managers=[people.owner])
    context, page = new_phone(browser, live_server, people.owner)
    page.goto(f"{live_server.url}/prospects/import/")
    page.get_by_label("片区").select_option(label="城南批发市场")
    page.get_by_label("来源").select_option(value="shop_cluster")
    page.get_by_label("商户名单").set_input_files(
        {
            "name": "城南批发市场商户名单" * 40 + ".csv",
            "mimeType": "text/csv",
            "buffer": "商户名称,手机\n鑫源服装商行,13812345678\n".encode(),
        }
    )
    page.get_by_role("button", name="上传并检查").click()
    problem = page.locator("#request-problem")
    expect(problem.get_by_role("alert")).to_contain_text("服务器无法读取此请求，未保存任何内容")
    expect(problem).to_contain_text("缩短文件名后重试")
    assert phone_problems(page) == []
    assert not Prospect.objects.exists()
    context.close()


def test_a_proxy_refusing_a_large_file_says_so(people, browser, live_server):
    make_territory(branch=people.owner.branch, name="城南批发市场", managers=[people.owner])
    context, page = new_phone(browser, live_server, people.owner)
    page.goto(f"{live_server.url}/prospects/import/")
    fail_posts(page, lambda route: route.fulfill(status=413, body="Request Entity Too Large"))
    page.get_by_label("片区").select_option(label="城南批发市场")
    page.get_by_label("来源").select_option(value="shop_cluster")
    page.get_by_label("商户名单").set_input_files(
        {"name": "名单.csv", "mimeType": "text/csv", "buffer": b"a,b\n"}
    )
    page.get_by_role("button", name="上传并检查").click()
    expect(page.locator("#request-problem")).to_contain_text("文件太大，无法发送")
    context.close()


def test_a_poll_that_fails_shows_nothing(people, browser, live_server):
    """The export page asks for its progress every 2 s by itself, and tries again: a
    failed poll is not the person's problem, and says nothing."""
    export = ProspectExport.objects.create(
        requested_by=people.owner, file_format="csv", language="zh-hans"
    )
    context, page = new_phone(browser, live_server, people.owner)
    polls = []

    def fail_polls(route):
        if route.request.headers.get("hx-request"):
            polls.append(route.request.url)
            route.fulfill(status=500, body="Server Error")
        else:
            route.continue_()

    page.route(f"**{export.get_absolute_url()}", fail_polls)
    page.goto(f"{live_server.url}{export.get_absolute_url()}")
    page.wait_for_function("() => document.readyState === 'complete'")
    deadline = 50
    while len(polls) < 2 and deadline:
        page.wait_for_timeout(200)
        deadline -= 1
    assert len(polls) >= 2
    expect(page.locator("#request-problem")).to_be_hidden()
    context.close()
