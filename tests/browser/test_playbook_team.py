"""Reading as a team, in Chromium at phone width: a trainee searches a phrase, opens the
top hit and flags it; the supervisor resolves the flag; a mentor assigns a section and
the trainee confirms it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from playbook.demo import SAMPLE_HANDBOOK
from playbook.importer import import_text
from playbook.models import EntryFlag, ReadingAssignment, SearchLog, Section
from tests.conftest import add_session

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def handbook(db):
    import_text(SAMPLE_HANDBOOK.read_bytes())


@pytest.fixture
def signed_in(browser, live_server):
    """Sign a person in, in a browser context of their own (closed before the server stops),
    and open `at`; returns the page."""
    contexts = []

    def _signed_in(user, at: str) -> Page:
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE)
        contexts.append(context)
        add_session(context, live_server, user)
        page = context.new_page()
        page.goto(f"{live_server.url}{at}")
        return page

    yield _signed_in
    for context in contexts:
        context.close()


def assert_fits_a_phone(page: Page) -> None:
    """No sideways scroll at 375 px, and every button at least 44 px tall."""
    page.wait_for_load_state()
    assert not page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")
    small = page.evaluate(
        """() => [...document.querySelectorAll('main button, main [role=button]')]
              .filter(b => b.offsetParent !== null && b.getBoundingClientRect().height < 44)
              .map(b => b.textContent.trim())"""
    )
    assert small == []


def test_a_flag_goes_from_trainee_to_supervisor_and_back(
    signed_in, live_server, trainee, supervisor, handbook
):
    page = signed_in(trainee, at="/playbook/search/")
    page.get_by_label("搜索手册").press_sequentially("客户嫌利率太高怎么办", delay=30)
    top = page.locator(".search-result").first
    expect(top).to_have_attribute("data-entry-number", "16")
    assert_fits_a_phone(page)
    top.locator("a").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("利率太高")
    assert SearchLog.objects.get().opened_entry.number == 16

    page.get_by_text("看不懂或已过时？标记此条目").click()
    page.get_by_label("内容过时").check()
    page.get_by_label("说明").fill("现在的定价规定已经改了")
    page.get_by_role("button", name="标记", exact=True).click()
    expect(page.locator('[data-state="open"]')).to_contain_text("现在的定价规定已经改了")
    assert_fits_a_phone(page)

    editor = signed_in(supervisor, at="/playbook/flags/")
    flag = editor.locator('.flag[data-state="open"]')
    expect(flag).to_contain_text("现在的定价规定已经改了")
    assert_fits_a_phone(editor)
    flag.get_by_label("回复标记人").fill("已按新规定修改")
    flag.get_by_label("我已修改了条目").check()
    flag.get_by_role("button", name="处理完毕").click()
    expect(editor.locator(".flash")).to_contain_text("标记已处理")
    assert not EntryFlag.objects.open().exists()

    page.reload()
    expect(page.locator('[data-state="resolved"]')).to_contain_text("已按新规定修改")


def test_a_mentor_assigns_a_section_and_the_trainee_confirms_it(
    signed_in, live_server, trainee, supervisor, handbook
):
    section = Section.objects.get(numeral="二")
    mentor = signed_in(supervisor, at=f"/playbook/sections/{section.pk}/")
    mentor.get_by_role("link", name="把这一节指定给实习客户经理阅读").click()
    # Measure the form page, not the section page still unloading (no document mid-navigation).
    expect(mentor.get_by_label("实习客户经理")).to_be_visible()
    assert_fits_a_phone(mentor)
    mentor.get_by_label("实习客户经理").select_option(str(trainee.pk))
    due = timezone.localdate() + timedelta(days=3)
    mentor.get_by_label("阅读截止").fill(due.isoformat())
    mentor.get_by_role("button", name="指定", exact=True).click()
    expect(mentor.locator('.assignment[data-state="open"]')).to_contain_text(str(section))
    assert_fits_a_phone(mentor)

    page = signed_in(trainee, at="/")
    assignment = ReadingAssignment.objects.get()
    item = page.locator(f'.assigned-reading [data-assignment="{assignment.pk}"]')
    expect(item).to_contain_text(str(section))
    expect(item.get_by_role("button", name="已读并理解")).to_have_count(0)  # nothing read yet
    assert_fits_a_phone(page)
    # The trainee reads each entry of the section, from the assigned-reading page.
    page.goto(f"{live_server.url}/playbook/assignments/")
    listed = page.locator(f'[data-assignment="{assignment.pk}"] ul a')
    expect(listed).to_have_count(section.entries.count())
    for href in [link.get_attribute("href") for link in listed.all()]:
        page.goto(live_server.url + href)
    page.goto(f"{live_server.url}/playbook/assignments/")
    page.get_by_role("button", name="已读并理解").click()
    expect(page.locator(f'[data-assignment="{assignment.pk}"]')).to_have_attribute(
        "data-state", "on-time"
    )

    mentor.reload()
    expect(mentor.locator(f'[data-assignment="{assignment.pk}"]')).to_have_attribute(
        "data-state", "on-time"
    )


def test_the_search_log_and_import_preview_fit_a_phone(
    signed_in, live_server, supervisor, admin_user, handbook
):
    SearchLog.objects.create(user=supervisor, query="飞机贷款怎么办", result_count=0)
    page = signed_in(supervisor, at="/playbook/searches/")
    expect(page.locator('[data-query="飞机贷款怎么办"]')).to_be_visible()
    assert_fits_a_phone(page)

    admin = signed_in(admin_user, at="/playbook/import/")
    admin.get_by_label("手册文本文件").set_input_files(str(SAMPLE_HANDBOOK))
    admin.get_by_role("button", name="预览").click()
    admin.get_by_text("逐条预览").click()
    expect(admin.locator('[data-entry-number="16"][data-status="unchanged"]')).to_be_visible()
    assert_fits_a_phone(admin)
