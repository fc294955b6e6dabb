"""A supervisor on a phone: the team overview, a figure's list, a flagged meal, a handover."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from prospects.models import HospitalityEntry, HospitalityReview, Prospect
from tests.prospects.factories import make_hospitality, make_prospect

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}


def fits_the_phone(page) -> None:
    page.wait_for_load_state("load")  # a click may still be on its way to the next page
    overflow = page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow, f"sideways scroll on {page.url}"


def test_the_supervisors_home_fills_in_the_panels_it_loads_after_itself(
    people, sign_in, live_server
):
    today = timezone.localdate()
    make_prospect(people.owner, name="逾期商行", next_action_date=today - timedelta(days=3))
    make_prospect(people.supervisor, name="我自己的商行", next_action_date=today)
    page = sign_in(people.supervisor, at=None)
    page.set_viewport_size(PHONE)
    # The complaints panel fails once: it says so and links to its own page.
    page.route("**/complaints/board/attention/", lambda route: route.fulfill(status=500))
    page.goto(f"{live_server.url}/")
    expect(page.locator(f"#member-{people.owner.pk}")).to_be_visible()
    expect(page.get_by_role("link", name="逾期商行")).to_be_visible()
    expect(page.get_by_role("link", name="我自己的商行")).to_be_visible()
    expect(page.get_by_text("正在载入…").locator("visible=true")).to_have_count(0)
    failed = page.locator(".panel-loaded-after")
    expect(failed).to_have_count(1)
    expect(failed.get_by_text("这一栏未能载入。")).to_be_visible()
    fits_the_phone(page)
    page.unroute("**/complaints/board/attention/")
    failed.get_by_role("link", name="在单独的页面打开").click()
    expect(page.get_by_role("heading", name="需要关注的投诉")).to_be_visible()
    expect(page.get_by_role("link", name="← 首页")).to_be_visible()
    fits_the_phone(page)


def test_a_supervisor_reviews_the_team_on_a_phone(people, sign_in, live_server):
    today = timezone.localdate()
    late = make_prospect(people.owner, name="逾期商行", next_action_date=today - timedelta(days=3))
    make_prospect(people.owner, name="按时商行", next_action_date=today + timedelta(days=3))
    meal = make_hospitality(late, kind="meal", paid_by="client", note="客户请吃饭")

    page = sign_in(people.supervisor, at=None)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/prospects/team/")
    card = page.locator(f"#member-{people.owner.pk}")
    expect(card).to_be_visible()
    fits_the_phone(page)
    overdue = card.locator("[data-figure=overdue-actions]")
    expect(overdue).to_have_text("1")
    box = overdue.bounding_box()
    assert box and box["height"] >= 44 and box["width"] >= 44

    # The overdue figure opens the filtered list behind it.
    overdue.click()
    expect(page).to_have_url(f"{live_server.url}/prospects/?owner={people.owner.pk}&overdue=on")
    expect(page.get_by_role("link", name="逾期商行")).to_be_visible()
    expect(page.get_by_role("link", name="按时商行")).to_have_count(0)
    fits_the_phone(page)

    # The flagged meal: acknowledged with a comment, it stays in the register.
    page.go_back()
    page.locator(f"#member-{people.owner.pk} [data-figure=flagged-hospitality]").click()
    page.get_by_role("link", name="审阅").first.click()
    expect(page.get_by_label("确认知悉")).to_be_visible()
    fits_the_phone(page)
    page.get_by_label("确认知悉").check()
    page.get_by_label("意见").fill("下次我们回请")
    page.get_by_role("button", name="保存审阅").click()
    expect(page.get_by_text("审阅已记录。")).to_be_visible()
    meal.refresh_from_db()
    assert (meal.review, meal.reviewed_by) == (HospitalityReview.ACKNOWLEDGED, people.supervisor)
    assert HospitalityEntry.objects.flagged().awaiting_review().count() == 0

    # The leaving manager's prospects go to a teammate, previewed first.
    page.goto(f"{live_server.url}/prospects/team/")
    page.locator(f"#member-{people.owner.pk}").get_by_role("link", name="移交其客户").click()
    page.get_by_label("移交给").select_option(str(people.teammate.pk))
    page.get_by_label("原因").fill("离职")
    page.get_by_role("button", name="预览移交").click()
    expect(page.get_by_text("2 个客户将从")).to_be_visible()
    fits_the_phone(page)
    assert Prospect.objects.filter(owner=people.owner).count() == 2
    page.get_by_role("button", name="确认移交").click()
    expect(page.get_by_text("已将 2 个客户")).to_be_visible()
    assert Prospect.objects.filter(owner=people.teammate).count() == 2
    expect(
        page.locator(f"#member-{people.teammate.pk} [data-figure=overdue-actions]")
    ).to_have_text("1")
