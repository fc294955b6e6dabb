"""The handbook shows up where the work happens (issue: playbook, guidance in context)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.playbook.factories import make_entry
from tests.prospects.factories import make_prospect

pytestmark = pytest.mark.browser


def test_a_manager_logging_a_visit_sees_the_visiting_guidance(people, sign_in, live_server):
    entry = make_entry(
        "被门卫拦住怎么办？", "答：先了解企业情况，再找引荐人。", topics=["visiting"]
    )
    make_entry("怎样处理客户投诉？", "答：先倾听。", topics=["complaints"])
    prospect = make_prospect(people.owner, name="金悦大酒店")
    page = sign_in(people.owner, at=prospect.get_absolute_url())
    page.get_by_text("记录拜访").click()
    guidance = page.locator("#activity details.guidance[data-topic='visiting']")
    expect(guidance).to_be_visible()
    guidance.locator("summary").click()
    expect(guidance.get_by_role("link", name="被门卫拦住怎么办？")).to_be_visible()
    expect(page.locator("#activity")).not_to_contain_text("怎样处理客户投诉？")
    guidance.get_by_role("link", name="被门卫拦住怎么办？").click()
    expect(page).to_have_url(f"{live_server.url}{entry.get_absolute_url()}")
    expect(page.get_by_text("先了解企业情况，再找引荐人。")).to_be_visible()
