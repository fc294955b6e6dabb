"""A client manager on a 375 px phone, one hand, between two shops."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from prospects.models import Prospect, Stage
from tests.browser.phone import PHONE
from tests.browser.test_phone_walk import new_phone
from tests.browser.visit_form import choose_outcome
from tests.prospects.factories import make_prospect

pytestmark = pytest.mark.browser


def test_a_turned_away_visit_updates_the_next_action_in_place_and_leaves_a_lead(
    people, browser, live_server
):
    prospect = make_prospect(people.owner, name="金悦大酒店", stage=Stage.LEAD, next_action="")
    context, page = new_phone(browser, live_server, people.owner)
    page.goto(f"{live_server.url}{prospect.get_absolute_url()}")
    page.evaluate("window.notReloaded = true")
    choose_outcome(page, "被拒之门外")
    form = page.locator("#visit-form")
    form.get_by_label("了解到该企业的哪些情况？").fill("门卫说财务经理每周三在店")
    form.get_by_label(re.compile("^下一步[:：]?$")).fill("请王建国引荐后再访")
    form.get_by_role("button", name="保存拜访").click()

    expect(page.locator("#prospect-next-action")).to_contain_text("请王建国引荐后再访")
    proposed = timezone.localdate() + timedelta(days=7)
    expect(page.locator("#prospect-next-action")).to_contain_text(proposed.isoformat())
    expect(page.locator("#prospect-stage")).to_have_text("线索")  # an attempt is not contact
    expect(page.get_by_text("拜访已记录")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True
    assert page.viewport_size == PHONE
    assert Prospect.objects.get(pk=prospect.pk).stage == Stage.LEAD

    # Meeting someone does make it contact, again without a reload.
    choose_outcome(page, "见到决策人")
    page.locator("#visit-form").get_by_role("button", name="保存拜访").click()
    expect(page.locator("#prospect-stage")).to_have_text("已接触")
    assert page.evaluate("window.notReloaded") is True
    context.close()


def test_the_navigation_is_one_button_on_a_phone(people, browser, live_server):
    context, page = new_phone(browser, live_server, people.owner)
    page.goto(f"{live_server.url}/")
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= PHONE["height"] / 8
    expect(page.get_by_role("link", name="客户", exact=True)).to_be_hidden()
    page.get_by_role("button", name="菜单").click()
    page.get_by_role("link", name="客户", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("客户与潜在客户")
    context.close()


def test_quick_add_with_the_referrer_found_by_typing(people, browser, live_server):
    referrer = make_prospect(people.owner, name="华联批发贸易", stage=Stage.CLIENT)
    for number in range(20):
        make_prospect(people.owner, name=f"导入商户{number}")
    context, page = new_phone(browser, live_server, people.owner)
    page.goto(f"{live_server.url}/prospects/new/")
    expect(page.locator("details.more-details")).not_to_have_attribute("open", "")
    page.get_by_label(re.compile("^名称")).fill("美佳日用品批发部")
    page.get_by_label("电话").fill("13812345678")
    page.get_by_label("来源").select_option("referral")
    page.locator("input[name=referred_by-search]").fill("华联")
    page.get_by_label("华联批发贸易").check()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", name="美佳日用品批发部")).to_be_visible()
    assert Prospect.objects.get(name="美佳日用品批发部").referred_by == referrer
    context.close()


def test_import_a_list_with_bad_rows_download_them_and_import_the_good_ones(
    people, browser, live_server, tmp_path
):
    from pathlib import Path

    from tests.prospects.factories import make_territory
    from tests.prospects.test_import_phone import TITLED

    make_territory(branch=people.owner.branch, name="城南批发市场", managers=[people.owner])
    context, page = new_phone(browser, live_server, people.owner)
    path = tmp_path / "商户名单.csv"
    path.write_bytes(TITLED)
    page.goto(f"{live_server.url}/prospects/import/")
    page.get_by_label("片区").select_option(label="城南批发市场")
    page.get_by_label("来源").select_option(value="shop_cluster")
    page.get_by_label("商户名单").set_input_files(str(path))
    page.get_by_role("button", name="上传并检查").click()
    expect(page.get_by_role("heading", name="核对导入")).to_be_visible()
    expect(page.get_by_text("被视为标题")).to_be_visible()  # the title row above the header
    expect(page.locator("table.bad-rows tbody tr")).to_have_count(1)

    with page.expect_download() as download:
        page.get_by_role("button", name="下载需修改的行（CSV）").click()
    fix = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    assert "宏达五金" in fix and "不是有效的电话号码" in fix

    page.get_by_label(re.compile("只导入正确的行")).check()
    page.get_by_role("button", name="导入 2 个潜在客户").click()
    expect(page.get_by_text("按您的选择，略过了 1 行有错误的数据。")).to_be_visible()
    assert set(Prospect.objects.values_list("name", flat=True)) == {"鑫源服装商行", "老周家常菜馆"}
    context.close()


def test_an_english_browser_sees_chinese_until_the_person_switches(people, browser, live_server):
    context = browser.new_context(viewport=PHONE, locale="en-US")  # Accept-Language: en-US
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.get_by_label("用户名").fill(people.owner.username)
    from tests.conftest import PASSWORD

    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("今日待办")
    page.get_by_label("语言").select_option("en")
    page.get_by_role("button", name="切换").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Today's agenda")
    context.close()
    # Remembered for the person, on another device too.
    other, other_page = new_phone(browser, live_server, people.owner)
    other_page.goto(f"{live_server.url}/")
    expect(other_page.get_by_role("heading", level=1)).to_have_text("Today's agenda")
    other.close()
