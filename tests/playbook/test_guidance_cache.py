"""The guidance boxes are remembered per process and forgotten when the handbook changes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from playbook.guidance_cache import forget_guidance
from playbook.importer import import_text
from playbook.models import Topic
from tests.playbook.factories import make_entry

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
