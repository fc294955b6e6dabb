"""The guidance boxes and the search form's sections are remembered per process and
forgotten when the handbook changes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from playbook.guidance_cache import forget_guidance
from playbook.importer import import_text
from playbook.models import Topic
from tests.conftest import client_for
from tests.playbook.factories import make_entry, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def remembered(settings):
    settings.PLAYBOOK_GUIDANCE_CACHE_SECONDS = 60
    forget_guidance()
    yield
    forget_guidance()


def render(slug: str = "visiting") -> str:
    return Template("{% load playbook_guidance %}{% guidance '" + slug + "' %}").render(Context({}))


def test_a_remembered_box_costs_no_query():
    make_entry("第一次拜访客户要注意什么？", topics=["visiting"])
    first = render()
    with CaptureQueriesContext(connection) as queries:
        again = render()
    assert again == first
    assert len(queries) == 0


def test_an_edited_question_shows_at_once():
    entry = make_entry("第一次拜访客户要注意什么？", topics=["visiting"])
    render()
    entry.question = "第一次上门拜访要带什么？"
    entry.save()
    assert "第一次上门拜访要带什么？" in render()


def test_a_new_topic_link_shows_at_once():
    render()  # remembered: no entries yet
    entry = make_entry("被门卫拦住怎么办？")
    entry.topics.add(Topic.objects.get(slug="visiting"))
    assert "被门卫拦住怎么办？" in render()


def test_an_imported_handbook_shows_at_once(django_capture_on_commit_callbacks):
    assert render().strip() == ""
    text = (
        "市场营销篇\n客户营销与关系维护\n一、拜访客户\n1.第一次拜访客户要注意什么？\n答：先预约。\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        import_text(text.encode())
    assert "第一次拜访客户要注意什么？" in render()


def sections_listed(client) -> str:
    html = client.get("/playbook/search/").content.decode()
    return html[html.index('name="section"') : html.index("</select>")]


def test_the_search_pages_sections_are_remembered(people):
    make_section("一、寻找和选择客户")
    client = client_for(people.owner)
    first = sections_listed(client)
    assert "一、寻找和选择客户" in first
    with CaptureQueriesContext(connection) as queries:
        again = sections_listed(client)
    assert again == first
    assert not [q for q in queries if "playbook_section" in q["sql"]]


def test_a_new_or_renamed_section_is_listed_at_once(people):
    section = make_section("一、寻找和选择客户")
    client = client_for(people.owner)
    sections_listed(client)
    make_section("二、拜访客户")
    section.title = "寻找客户"
    section.save()
    listed = sections_listed(client)
    assert "二、拜访客户" in listed and "一、寻找客户" in listed
    assert "寻找和选择客户" not in listed


def test_an_imported_handbooks_sections_are_listed_at_once(
    people, django_capture_on_commit_callbacks
):
    client = client_for(people.owner)
    assert "三、维护客户" not in sections_listed(client)
    text = "市场营销篇\n客户营销与关系维护\n三、维护客户\n1.多久拜访一次？\n答：每月。\n"
    with django_capture_on_commit_callbacks(execute=True):
        import_text(text.encode())
    assert "三、维护客户" in sections_listed(client)


def test_a_section_deleted_by_another_process_is_refused_when_chosen(people):
    """Another process's change shows here within the cache's seconds: meanwhile the list
    may offer a section that is gone, and choosing it is refused, not searched (nor a 500)."""
    section = make_section("一、寻找和选择客户")
    client = client_for(people.owner)
    sections_listed(client)
    with connection.cursor() as cursor:  # no signal reaches this process
        cursor.execute("DELETE FROM playbook_section WHERE id = %s", [section.pk])
    assert "寻找和选择客户" in sections_listed(client)  # still remembered
    response = client.get("/playbook/search/", {"q": "客户", "section": section.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["section"]
