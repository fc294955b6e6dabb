from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from playbook.models import Bookmark, PrivateNote, ReadingRecord
from tests.conftest import client_for
from tests.playbook.factories import make_entries, make_entry, make_section


def entry_url(entry) -> str:
    return reverse("playbook:entry", kwargs={"pk": entry.pk})


def test_opening_an_entry_marks_it_read(trainee, trainee_client):
    entry = make_entry()
    assert not ReadingRecord.objects.filter(user=trainee, entry=entry).exists()
    response = trainee_client.get(entry_url(entry))
    assert response.status_code == 200
    assert ReadingRecord.objects.filter(user=trainee, entry=entry).count() == 1
    trainee_client.get(entry_url(entry))
    assert ReadingRecord.objects.filter(user=trainee, entry=entry).count() == 1


def test_entry_revised_after_reading_shows_updated_since(trainee, trainee_client):
    entry = make_entry()
    ReadingRecord.objects.create(
        user=trainee, entry=entry, read_at=timezone.now() - timedelta(days=2)
    )
    entry.revised_at = timezone.now() - timedelta(days=1)
    entry.save()
    response = trainee_client.get(entry_url(entry))
    assert "自上次阅读后已更新" in response.text
    # Opening it again: now read after the revision.
    assert "自上次阅读后已更新" not in trainee_client.get(entry_url(entry)).text


def test_first_reading_does_not_say_updated(trainee_client):
    assert "自上次阅读后已更新" not in trainee_client.get(entry_url(make_entry())).text


def test_section_page_flags_entries_updated_since_read(trainee, trainee_client):
    entry = make_entry()
    ReadingRecord.objects.create(user=trainee, entry=entry, read_at=timezone.now() - timedelta(1))
    entry.revised_at = timezone.now()
    entry.save()
    response = trainee_client.get(reverse("playbook:section", kwargs={"pk": entry.section_id}))
    assert "自上次阅读后已更新" in response.text


def test_answer_is_rendered_with_its_structure_and_escaped(trainee_client):
    entry = make_entry(
        answer="答：有三个途径：\n1. 行业研究；2. 商圈。\n（一）现场调查\n<b>面谈</b>，查看现场。"
    )
    html = trainee_client.get(entry_url(entry)).text
    assert '<li value="1">行业研究；</li>' in html
    assert '<h3 class="answer-heading">（一）现场调查</h3>' in html
    assert "&lt;b&gt;面谈&lt;/b&gt;" in html
    assert "<b>面谈</b>" not in html


def test_previous_and_next_follow_reading_order(trainee_client):
    first_section = make_section("一、寻找和选择客户")
    second_section = make_section("二、增进客户联系")
    a = make_entry("甲？", section=first_section, number=1)
    b = make_entry("乙？", section=first_section, number=3)
    c = make_entry("丙？", section=second_section, number=4)
    html = trainee_client.get(entry_url(b)).text
    assert f'rel="prev" href="{entry_url(a)}"' in html
    assert f'rel="next" href="{entry_url(c)}"' in html
    html = trainee_client.get(entry_url(a)).text
    assert 'rel="prev"' not in html


def related_box(html: str) -> str:
    """Only the "related entries" box: the question also shows in the next-entry link."""
    match = re.search(r'<section class="related">.*?</section>', html, re.S)
    return match.group(0) if match else ""


def test_related_entries_share_a_topic_or_the_section(trainee_client):
    entry = make_entry("如何拜访大公司？", topics=["visiting"], section=make_section("一、甲"))
    same_section = make_entry("名片怎么递？", section=make_section("一、甲"))
    by_topic = make_entry("门卫不让进怎么办？", topics=["visiting"], section=make_section("二、乙"))
    unrelated = make_entry("怎样处理投诉？", section=make_section("三、丙"))
    related = related_box(trainee_client.get(entry_url(entry)).text)
    # A shared topic first, then the section's entries; nothing else, and never itself.
    assert related.index(by_topic.question) < related.index(same_section.question)
    assert unrelated.question not in related
    assert f">{entry.number}. {entry.question}<" not in related


def test_bookmark_toggles_without_javascript(trainee, trainee_client):
    entry = make_entry()
    url = reverse("playbook:bookmark", kwargs={"pk": entry.pk})
    response = trainee_client.post(url)
    assert response.status_code == 302
    assert Bookmark.objects.filter(user=trainee, entry=entry).exists()
    assert "取消收藏" in trainee_client.get(entry_url(entry)).text
    trainee_client.post(url)
    assert not Bookmark.objects.filter(user=trainee, entry=entry).exists()


def test_bookmark_toggle_with_htmx_returns_the_button(trainee_client):
    entry = make_entry()
    response = trainee_client.post(
        reverse("playbook:bookmark", kwargs={"pk": entry.pk}), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "取消收藏" in response.text
    assert "<html" not in response.text


def test_notes_are_private(people):
    entry = make_entry()
    author, other = client_for(people.trainee), client_for(people.supervisor)
    author.post(reverse("playbook:note", kwargs={"pk": entry.pk}), {"text": "只有我看得到"})
    assert PrivateNote.objects.get(user=people.trainee, entry=entry).text == "只有我看得到"
    assert "只有我看得到" in author.get(entry_url(entry)).text
    assert "只有我看得到" not in other.get(entry_url(entry)).text
    assert "只有我看得到" not in client_for(people.admin).get(entry_url(entry)).text


def test_emptying_a_note_removes_it(trainee, trainee_client):
    entry = make_entry()
    url = reverse("playbook:note", kwargs={"pk": entry.pk})
    trainee_client.post(url, {"text": "记一笔"})
    trainee_client.post(url, {"text": "   "})
    assert not PrivateNote.objects.filter(user=trainee).exists()


def test_note_with_htmx_and_too_long_text_comes_back_with_an_error(trainee, trainee_client):
    entry = make_entry()
    response = trainee_client.post(
        reverse("playbook:note", kwargs={"pk": entry.pk}),
        {"text": "长" * 6000},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert 'class="errorlist' in response.text
    assert not PrivateNote.objects.filter(user=trainee).exists()


def test_missing_entry_is_404(trainee_client):
    assert trainee_client.get(reverse("playbook:entry", kwargs={"pk": 999999})).status_code == 404


def test_home_lists_parts_chapters_sections_with_counts(trainee, trainee_client):
    section = make_section("一、寻找和选择客户")
    entries = make_entries(3, section=section)
    ReadingRecord.objects.create(user=trainee, entry=entries[0])
    html = trainee_client.get(reverse("playbook:home")).text
    assert "市场营销篇" in html
    assert "建立客户关系" in html
    assert "一、寻找和选择客户" in html
    assert "1/3" in html


@pytest.mark.parametrize("size", [3, 12])
def test_home_queries_are_constant(size, trainee_client, django_assert_num_queries):
    for index in range(size):
        make_entries(2, section=make_section(f"{index}、第{index}节", chapter=f"第{index % 3}章"))
    with django_assert_num_queries(8):  # progress: entries and reads counted apart
        trainee_client.get(reverse("playbook:home"))


@pytest.mark.parametrize("size", [3, 12])
def test_entry_page_queries_are_constant(size, trainee, trainee_client, django_assert_num_queries):
    entries = [make_entry(topics=["visiting", "promises"]) for _ in range(size)]
    entry = entries[1]
    PrivateNote.objects.create(user=trainee, entry=entry, text="记")
    with django_assert_num_queries(11):
        trainee_client.get(entry_url(entry))


@pytest.mark.parametrize("size", [3, 12])
def test_section_page_queries_are_constant(size, trainee_client, django_assert_num_queries):
    entries = make_entries(size)
    with django_assert_num_queries(5):
        trainee_client.get(reverse("playbook:section", kwargs={"pk": entries[0].section_id}))


def test_note_too_long_without_javascript_shows_the_entry_with_the_error(trainee, trainee_client):
    entry = make_entry()
    response = trainee_client.post(
        reverse("playbook:note", kwargs={"pk": entry.pk}), {"text": "长" * 6000}
    )
    assert response.status_code == 200
    assert entry.question in response.text
    assert 'class="errorlist' in response.text
    assert not PrivateNote.objects.filter(user=trainee).exists()
