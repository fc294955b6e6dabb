"""Every page of the access table, as each role allowed to see it, on a 375 px phone.

A role's people share a page's template; the walk takes the one closest to the records
(the owner before a teammate, their supervisor before another), so each page is drawn
once per role: the same pages, in about half the page loads of walking every person.
New pages join by being listed in tests/<app>/access.py (which
tests/test_access.py already requires): nothing to add here.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError

from tests.access import Expect, all_expectations
from tests.browser.phone import PHONE, crowd, phone_problems
from tests.conftest import add_session

pytestmark = pytest.mark.browser


def html_pages(expectations: list[Expect]) -> list[Expect]:
    return [e for e in expectations if e.method == "get"]


def new_phone(browser, live_server, user):
    """One browser context per person, signed in by session cookie (fast)."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai")
    if user is not None:
        add_session(context, live_server, user)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


# The pages are walked in shards, so that parallel test workers share the walk.
SHARDS = 3
# Per role, the people of tests.conftest.people closest to the records first.
CLOSEST_FIRST = (
    "owner",
    "teammate",
    "other_manager",
    "other_branch_manager",
    "supervisor",
    "other_supervisor",
    "other_branch_supervisor",
    "trainee",
    "admin",
)


def one_per_role(allowed: frozenset[str], people) -> list[str]:
    """Of the people allowed to see a page, the one closest to the records of each role."""
    unknown = allowed - set(CLOSEST_FIRST)
    assert not unknown, f"the walk would skip {unknown}: add them to CLOSEST_FIRST"
    chosen: dict[str, str] = {}
    for name in CLOSEST_FIRST:
        if name in allowed:
            chosen.setdefault(getattr(people, name).role, name)
    return list(chosen.values())


@pytest.mark.parametrize("shard", range(SHARDS))
def test_every_page_fits_a_phone_for_each_role_that_may_see_it(shard, browser, live_server, people):
    # Lists show long names, every stage and bad import rows, not just the one record each
    # expectation creates; the crowded pages are walked as their owner's side too.
    extra = crowd(people)
    pages: list[tuple[str, list[str | None]]] = []
    for expectation in html_pages(all_expectations()):
        kwargs = expectation.kwargs(people) if expectation.kwargs else {}
        viewers: list[str | None] = list(one_per_role(expectation.allowed, people))
        if expectation.public:
            viewers.append(None)
        pages.append((reverse(expectation.url_name, kwargs=kwargs) + expectation.query, viewers))
    pages += [(url, ["owner", "supervisor", "admin"]) for url in extra.values()]
    pages = pages[shard::SHARDS]
    phones: dict[str | None, tuple] = {}
    problems: list[str] = []
    walked = 0
    is_html: dict[str, bool] = {}  # a URL answers a page or a file whoever asks
    try:
        for url, viewers in pages:
            for viewer in viewers:
                if viewer not in phones:
                    user = getattr(people, viewer) if viewer else None
                    phones[viewer] = new_phone(browser, live_server, user)
                context, page = phones[viewer]
                if not is_html.get(url, True):
                    continue  # downloads (.ics, .csv, .xlsx) and health checks
                try:
                    response = page.goto(live_server.url + url)
                except PlaywrightError as error:
                    if "Download is starting" not in str(error):
                        raise
                    is_html[url] = False
                    continue
                is_html[url] = response is None or "text/html" in response.headers.get(
                    "content-type", ""
                )
                if not is_html[url]:
                    continue
                page.wait_for_load_state("load")
                # A home's panels loaded after it are measured once they are there.
                page.wait_for_selector(".panel-loaded-after", state="detached")
                walked += 1
                for problem in phone_problems(page):
                    problems.append(f"{url} as {viewer or 'anonymous'}: {problem}")
    finally:
        for context, _page in phones.values():
            context.close()
    assert walked > 20 / SHARDS, f"only {walked} pages walked"
    assert not problems, "Pages that do not fit a 375 px phone:\n" + "\n".join(problems)


def test_the_walk_catches_a_page_too_wide_for_a_phone(browser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_content(
        """<meta name="viewport" content="width=device-width, initial-scale=1">
        <body style="margin:0">
          <p style="width: 600px">一张 600 px 宽的表格</p>
          <button style="padding:0;font-size:12px">记</button>
          <div style="width:1.2em">被拒之门外</div>
          <p>正常的一段文字，<a href="#">普通链接</a>不算主要操作。</p>
          <select style="width:200px"><option value="">---------</option></select>
        </body>"""
    )
    problems = phone_problems(page)
    context.close()
    assert any("document is 600px wide" in p for p in problems), problems
    assert any("under 44×44" in p and "记" in p for p in problems), problems
    assert any("one character per line" in p and "被拒之门外" in p for p in problems), problems
    assert any("---------" in p for p in problems), problems
    assert len(problems) == 4, problems


def test_a_page_that_fits_has_no_problems(browser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_content(
        """<meta name="viewport" content="width=device-width, initial-scale=1">
        <body><p>客户经理工作台</p><button style="min-height:44px;min-width:44px">保存</button></body>"""
    )
    assert phone_problems(page) == []
    context.close()
