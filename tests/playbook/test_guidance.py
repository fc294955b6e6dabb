from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.template.utils import get_app_template_dirs

from playbook.guidance import guidance_for
from playbook.models import Topic
from tests.playbook.factories import make_entry

pytestmark = pytest.mark.django_db


def render(source: str) -> str:
    return Template("{% load playbook_guidance %}" + source).render(Context({}))


def test_guidance_tag_lists_the_topic_entries_with_links():
    visit = make_entry("第一次拜访客户要注意什么？", topics=["visiting"])
    make_entry("怎样处理客户投诉？", topics=["complaints"])
    html = render('{% guidance "visiting" %}')
    assert "<details" in html
    assert "手册：拜访客户" in html
    assert f'href="{visit.get_absolute_url()}"' in html
    assert "第一次拜访客户要注意什么？" in html
    assert "怎样处理客户投诉？" not in html


def test_guidance_can_start_open():
    make_entry(topics=["promises"])
    assert "<details" in render('{% guidance "promises" expanded=True %}')
    assert " open>" in render('{% guidance "promises" expanded=True %}')


def test_guidance_without_entries_or_unknown_topic_renders_nothing():
    assert render('{% guidance "visiting" %}').strip() == ""
    assert render('{% guidance "no-such-topic" %}').strip() == ""


def test_guidance_escapes_questions():
    make_entry("<b>拜访</b>？", topics=["visiting"])
    html = render('{% guidance "visiting" %}')
    assert "&lt;b&gt;拜访&lt;/b&gt;" in html


def test_guidance_for_gives_entries_in_reading_order():
    later = make_entry("乙？", number=20, topics=["prospecting"])
    earlier = make_entry("甲？", number=10, topics=["prospecting"])
    guidance = guidance_for("prospecting")
    assert guidance.topic.slug == "prospecting"
    assert guidance.entries == [earlier, later]


@pytest.mark.parametrize("size", [1, 10])
def test_guidance_queries_are_constant(size, django_assert_num_queries):
    for _ in range(size):
        make_entry(topics=["visiting"])
    with django_assert_num_queries(2):
        render('{% guidance "visiting" %}')


GUIDANCE_TAG = re.compile(r"""\{%\s*guidance\s+["']([^"']+)["']""")
GUIDANCE_CALL = re.compile(r"""guidance_for\(\s*["']([^"']+)["']""")


def guidance_slugs_in_use() -> dict[str, list[str]]:
    """Every topic slug a template (`{% guidance "…" %}`) or the code (`guidance_for("…")`)
    names, with where."""
    root = Path(settings.BASE_DIR)
    templates = [
        *(root / "templates").rglob("*.html"),
        *(path for folder in get_app_template_dirs("templates") for path in folder.rglob("*.html")),
    ]
    apps = ("accounts", "prospects", "playbook", "investigations", "complaints")
    code = [path for app in apps for path in (root / app).rglob("*.py")]
    found: dict[str, list[str]] = {}
    for paths, pattern in ((templates, GUIDANCE_TAG), (code, GUIDANCE_CALL)):
        for path in paths:
            for slug in pattern.findall(path.read_text(encoding="utf-8")):
                found.setdefault(slug, []).append(path.name)
    return found


def test_every_guidance_on_a_screen_names_an_existing_topic():
    in_use = guidance_slugs_in_use()
    assert in_use, "the scan found no {% guidance %} at all: it is looking in the wrong place"
    known = set(Topic.objects.values_list("slug", flat=True))
    unknown = {slug: places for slug, places in in_use.items() if slug not in known}
    assert not unknown, f"{{% guidance %}} names topics that do not exist: {unknown}"


def test_the_scan_finds_a_misspelt_topic():
    assert GUIDANCE_TAG.findall(
        "{% guidance \"visitting\" %}{% guidance 'promises' expanded=True %}"
    ) == [
        "visitting",
        "promises",
    ]
