"""A trainee reads the handbook and sees their progress move."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.playbook.factories import make_entry, make_section

pytestmark = pytest.mark.browser


@pytest.fixture
def handbook(db):
    first = make_section("一、寻找和选择客户")
    second = make_section("二、增进客户联系")
    entries = [
        make_entry(
            f"第{n}条：怎样做好第{n}件事？",
            "答：先说明原则。\n1. 第一点；2. 第二点。",
            section=first,
            number=n,
        )
        for n in range(1, 7)
    ]
    entries += [
        make_entry(f"第{n}条：如何维护第{n}位客户？", "定期回访。", section=second, number=n)
        for n in range(7, 13)
    ]
    return entries


def test_trainee_opens_an_entry_and_sees_progress_move(sign_in, live_server, trainee, handbook):
    page = sign_in(trainee)
    page.get_by_role("link", name="学习进度").first.click()
    expect(page.locator('[data-progress="overall"]')).to_have_text("已读 0 / 12")

    page.get_by_role("link", name="一、寻找和选择客户").click()
    page.get_by_role("link", name=re.compile("第3条")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("第3条")
    expect(page.locator(".answer ol li")).to_have_count(2)

    page.get_by_role("link", name="学习进度").first.click()
    expect(page.locator('[data-progress="overall"]')).to_have_text("已读 1 / 12")
    expect(page.locator('[data-progress="section"]').first).to_have_text("1/6")

    # Next unread skips the entry already read: 1, then 2, then 4.
    page.get_by_role("button", name="下一条未读").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("第1条")
    page.get_by_role("button", name="下一条未读").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("第2条")
    page.get_by_role("button", name="下一条未读").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("第4条")

    page.get_by_role("link", name="学习进度").first.click()
    expect(page.locator('[data-progress="overall"]')).to_have_text("已读 4 / 12")


def test_trainee_bookmarks_with_htmx_and_finds_it_on_the_home_page(
    sign_in, live_server, trainee, handbook
):
    page = sign_in(trainee, at=handbook[4].get_absolute_url())
    page.get_by_role("button", name="收藏").click()
    expect(page.get_by_role("button", name="取消收藏")).to_be_visible()
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("link", name=re.compile("第5条"))).to_be_visible()
