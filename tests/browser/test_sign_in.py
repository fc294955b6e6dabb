"""The sign-in journey of each role, in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

HOME_HEADINGS = {
    "owner": "今日待办",
    "supervisor": "我的团队",
    "trainee": "我的学习",
    "admin": "系统管理",
}


@pytest.mark.parametrize("role", list(HOME_HEADINGS))
def test_each_role_signs_in_and_lands_on_its_home(role, people, sign_in_with_form, live_server):
    page = sign_in_with_form(getattr(people, role))
    assert page.url == f"{live_server.url}/"
    assert page.get_by_role("heading", level=1).inner_text() == HOME_HEADINGS[role]
    # On a wide screen the menu is open (static/js/app.js); on a phone it is one button.
    expect(page.locator("#site-menu")).to_have_attribute("open", "")
    page.get_by_role("button", name="退出登录").click()
    assert "/accounts/login/" in page.url


def test_wrong_password_shows_the_message_on_the_page(people, sign_in_with_form):
    page = sign_in_with_form(people.owner, password="not-the-password")
    assert page.get_by_text("请输入一个正确的用户名和密码").is_visible()


def test_chinese_text_renders_with_a_real_font(page, live_server, db):
    """Without a CJK font every character is the same 'tofu' box; draw two and compare."""
    page.goto(f"{live_server.url}/accounts/login/")
    differ = page.evaluate(
        """() => {
          const draw = (ch) => {
            const c = document.createElement('canvas'); c.width = 40; c.height = 40;
            const x = c.getContext('2d');
            x.font = '32px ' + getComputedStyle(document.body).fontFamily;
            x.fillText(ch, 2, 32);
            return c.toDataURL();
          };
          return draw('客') !== draw('户');
        }"""
    )
    assert differ, "Chinese renders as boxes: install fonts-wqy-microhei"


def test_the_page_is_usable_on_a_phone(people, sign_in_with_form, page):
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in_with_form(people.owner)
    overflow = page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow


def test_no_csp_violations_on_sign_in_and_home(people, sign_in_with_form, page):
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    sign_in_with_form(people.owner)
    page.reload()
    assert violations == []
