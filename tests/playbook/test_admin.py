from __future__ import annotations

from django.urls import reverse

from playbook.models import Topic
from tests.playbook.factories import make_entry


def test_administrator_assigns_topics_in_the_admin(admin_client_, admin_user):
    entry = make_entry("第一次拜访客户要注意什么？", "答：先预约。")
    visiting = Topic.objects.get(slug="visiting")
    promises = Topic.objects.get(slug="promises")
    url = reverse("admin:playbook_entry_change", args=[entry.pk])
    assert admin_client_.get(url).status_code == 200
    response = admin_client_.post(
        url,
        {
            "section": entry.section_id,
            "number": entry.number,
            "question": entry.question,
            "answer": entry.answer,
            "topics": [visiting.pk, promises.pk],
        },
    )
    assert response.status_code == 302
    assert set(entry.topics.values_list("slug", flat=True)) == {"visiting", "promises"}
    # Topics only: the text did not change, so no revision.
    assert not entry.revisions.exists()


def test_text_changed_in_the_admin_is_a_revision(admin_client_, admin_user):
    entry = make_entry(answer="答：先预约。")
    admin_client_.post(
        reverse("admin:playbook_entry_change", args=[entry.pk]),
        {
            "section": entry.section_id,
            "number": entry.number,
            "question": entry.question,
            "answer": "答：先电话预约。",
        },
    )
    latest = entry.revisions.order_by("-number").first()
    assert latest.answer == "答：先电话预约。"
    assert latest.editor == admin_user


def test_entry_list_filters_by_topic(admin_client_):
    make_entry("拜访？", topics=["visiting"])
    make_entry("投诉？", topics=["complaints"])
    response = admin_client_.get(
        reverse("admin:playbook_entry_changelist"),
        {"topics__id__exact": Topic.objects.get(slug="visiting").pk},
    )
    assert "拜访？" in response.text
    assert "投诉？" not in response.text
