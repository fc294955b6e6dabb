"""A trainee searches the handbook as they type and opens what they find."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from playbook.demo import SAMPLE_HANDBOOK
from playbook.importer import import_text
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def handbook(db):
    import_text(SAMPLE_HANDBOOK.read_bytes())


def test_trainee_searches_as_they_type_and_opens_an_entry(sign_in, live_server, trainee, handbook):
    page = sign_in(trainee, at="/playbook/search/")
    box = page.get_by_label("搜索手册")
    # Typed key by key, and no Enter: results come from the debounced htmx request.
    box.press_sequentially("门卫", delay=50)
    result = page.locator('[data-entry-number="5"]')
    expect(result).to_be_visible()
    expect(result.locator("mark").first).to_have_text("门卫")
    expect(page).to_have_url(re.compile(r"q=%E9%97%A8%E5%8D%AB"))

    # Narrowing the query replaces the results without reloading the page.
    box.fill("征信")
    expect(page.locator('[data-entry-number="14"]')).to_be_visible()
    expect(page.locator('[data-entry-number="5"]')).to_have_count(0)

    page.locator('[data-entry-number="14"] a').first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("贷款调查时怎样核实")


def test_search_works_without_javascript(browser, live_server, trainee, handbook):
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(trainee.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}/playbook/search/")
    page.get_by_label("搜索手册").fill("投诉")
    page.get_by_role("button", name="搜索").click()
    expect(page.locator('[data-entry-number="15"]')).to_be_visible()
    context.close()


def test_administrator_previews_then_imports_the_handbook(sign_in, live_server, admin_user, db):
    from playbook.models import Entry

    page = sign_in(admin_user, at="/playbook/import/")
    page.get_by_label("手册文本文件").set_input_files(str(SAMPLE_HANDBOOK))
    page.get_by_role("button", name="预览").click()
    expect(page.locator('[data-count="created"]')).to_have_text("20")
    assert not Entry.objects.exists()

    page.get_by_role("button", name="导入", exact=True).click()
    expect(page.locator(".flash-success")).to_contain_text("新增 20 条")
    # The sample's own gaps are listed to check (its numbering jumps from 3 to 5).
    expect(page.locator(".flash-info").first).to_contain_text("请核对")
    page.goto(f"{live_server.url}/playbook/search/?q=投诉")
    expect(page.locator('[data-entry-number="15"]')).to_be_visible()
