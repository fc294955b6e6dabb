from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from playbook.editing import entry_save, text_diff
from playbook.models import Entry, EntryRevision, ReadingRecord
from tests.conftest import client_for
from tests.playbook.factories import make_entry, make_section


def edit_url(entry) -> str:
    return reverse("playbook:entry_edit", kwargs={"pk": entry.pk})


def form_data(entry, **changes) -> dict:
    return {
        "section": entry.section_id,
        "number": entry.number,
        "question": entry.question,
        "answer": entry.answer,
        **changes,
    }


def test_supervisor_edit_creates_a_revision_and_the_diff_shows_it(supervisor, supervisor_client):
    entry = make_entry("怎样拜访客户？", "答：先预约。")
    response = supervisor_client.post(
        edit_url(entry), form_data(entry, answer="答：先预约，再带上名片。")
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.answer == "答：先预约，再带上名片。"
    # The text before the edit is kept as revision 1, the edit as revision 2.
    revisions = list(entry.revisions.order_by("number"))
    assert [r.number for r in revisions] == [1, 2]
    assert revisions[0].answer == "答：先预约。"
    assert revisions[1].editor == supervisor
    html = supervisor_client.get(reverse("playbook:revision", kwargs={"pk": revisions[1].pk})).text
    assert "<ins>，再带上名片</ins>" in html
    listing = supervisor_client.get(reverse("playbook:revisions", kwargs={"pk": entry.pk})).text
    assert "第 2 版" in listing
    assert str(supervisor) in listing


def test_saving_without_a_change_keeps_no_new_revision(supervisor_client):
    entry = make_entry()
    supervisor_client.post(edit_url(entry), form_data(entry))
    assert not entry.revisions.exists()


def test_each_change_is_a_revision(admin_user):
    entry = make_entry(answer="一")
    for text in ("二", "三"):
        entry.answer = text
        entry_save(entry=entry, editor=admin_user)
    assert [r.answer for r in entry.revisions.order_by("number")] == ["一", "二", "三"]


def test_edited_entry_is_marked_updated_for_earlier_readers(trainee, trainee_client, admin_user):
    entry = make_entry(answer="旧的回答。")
    trainee_client.get(reverse("playbook:entry", kwargs={"pk": entry.pk}))
    entry.answer = "新的回答。"
    entry_save(entry=entry, editor=admin_user)
    assert (
        ReadingRecord.objects.get(user=trainee, entry=entry).read_at
        < Entry.objects.get(pk=entry.pk).revised_at
    )
    html = trainee_client.get(reverse("playbook:entry", kwargs={"pk": entry.pk})).text
    assert "自上次阅读后已更新" in html


def test_edit_keeps_the_search_words_in_sync(admin_user):
    entry = make_entry(answer="先预约。")
    entry.answer = "门卫不让进时，先了解公司情况。"
    entry_save(entry=entry, editor=admin_user)
    assert "门卫" in Entry.objects.get(pk=entry.pk).answer_words.split()
    try:
        from playbook.search import search_entries
    except ImportError:  # pragma: no cover - search lands with its own branch
        return
    assert [hit.entry.pk for hit in search_entries("门卫").hits] == [entry.pk]


def test_add_a_new_entry(admin_client_):
    section = make_section()
    response = admin_client_.post(
        reverse("playbook:entry_create"),
        {"section": section.pk, "number": 42, "question": "新问题？", "answer": "1. 第一点。"},
    )
    entry = Entry.objects.get(number=42)
    assert response["Location"] == entry.get_absolute_url()
    assert entry.part == section.chapter.part
    assert entry.revisions.count() == 1


def test_number_already_used_in_the_part_is_refused(admin_client_):
    entry = make_entry(number=7)
    other = make_entry(number=8, section=entry.section)
    response = admin_client_.post(edit_url(other), form_data(other, number=7))
    assert response.status_code == 200
    assert "本篇已有编号为 7 的条目" in response.text
    assert not EntryRevision.objects.exists()


@pytest.mark.parametrize(
    "bad",
    [{"question": "   "}, {"number": "abc"}, {"section": "999999"}, {"number": "-1"}],
)
def test_bad_input_comes_back_with_errors_and_saves_nothing(bad, admin_client_):
    entry = make_entry()
    response = admin_client_.post(edit_url(entry), form_data(entry, **bad))
    assert response.status_code == 200
    assert 'class="errorlist' in response.text
    assert not entry.revisions.exists()


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("0", "问题编号最小为 1。"),
        ("10000", "问题编号最大为 9999。"),
        ("2147483648", "问题编号最大为 9999。"),
    ],
)
def test_a_number_no_question_has_is_refused_beside_the_field(number, message, admin_client_):
    entry = make_entry(number=5)
    response = admin_client_.post(edit_url(entry), form_data(entry, number=number))
    assert response.status_code == 200
    assert response.context["form"].errors["number"] == [message]
    entry.refresh_from_db()
    assert entry.number == 5 and not entry.revisions.exists()
    added = admin_client_.post(
        reverse("playbook:entry_create"),
        {"section": entry.section_id, "number": number, "question": "新问题？", "answer": ""},
    )
    assert added.context["form"].errors["number"] == [message]
    assert list(Entry.objects.values_list("number", flat=True)) == [5]


@pytest.mark.parametrize(("number", "valid"), [(0, False), (1, True), (9999, True), (10000, False)])
def test_the_model_keeps_the_same_range(number, valid, db):
    """For every form built on the model (the admin's too)."""
    entry = make_entry(number=3)
    entry.number = number
    if valid:
        entry.full_clean()
    else:
        with pytest.raises(ValidationError) as refused:
            entry.full_clean()
        assert list(refused.value.message_dict) == ["number"]


@pytest.mark.parametrize("viewer", ["trainee", "owner", "teammate"])
def test_trainees_and_managers_cannot_edit(viewer, people):
    entry = make_entry()
    client = client_for(getattr(people, viewer))
    # They read the entry, so editing it is refused openly; a new entry's page is not there.
    assert client.get(edit_url(entry)).status_code == 403
    assert client.post(edit_url(entry), form_data(entry, answer="改")).status_code == 403
    assert client.get(reverse("playbook:entry_create")).status_code == 404
    entry.refresh_from_db()
    assert entry.answer != "改"


def test_diff_escapes_html(admin_user, admin_client_):
    entry = make_entry(answer="原文")
    entry.answer = "原文<script>alert(1)</script>"
    entry_save(entry=entry, editor=admin_user)
    revision = entry.revisions.order_by("-number").first()
    html = admin_client_.get(reverse("playbook:revision", kwargs={"pk": revision.pk})).text
    assert "<ins>&lt;script&gt;alert(1)&lt;/script&gt;</ins>" in html


def test_text_diff_marks_insertions_and_deletions():
    segments = text_diff("先预约再拜访", "先电话预约再上门拜访")
    assert "".join(s.text for s in segments if s.op != "delete") == "先电话预约再上门拜访"
    assert "".join(s.text for s in segments if s.op != "insert") == "先预约再拜访"
    assert {s.op for s in segments} == {"equal", "insert"}


def test_edit_page_shows_the_entry_link(supervisor_client):
    entry = make_entry()
    html = supervisor_client.get(reverse("playbook:entry", kwargs={"pk": entry.pk})).text
    assert edit_url(entry) in html


def test_trainee_sees_no_edit_link(trainee_client):
    entry = make_entry()
    html = trainee_client.get(reverse("playbook:entry", kwargs={"pk": entry.pk})).text
    assert edit_url(entry) not in html


@pytest.mark.parametrize("size", [2, 8])
def test_revision_pages_queries_are_constant(
    size, admin_user, admin_client_, django_assert_num_queries
):
    entry = make_entry(answer="0")
    for index in range(size):
        entry.answer = str(index + 1)
        entry_save(entry=entry, editor=admin_user)
    latest = entry.revisions.order_by("-number").first()
    with django_assert_num_queries(6):  # +2: the complaints and flags navigation counts
        admin_client_.get(reverse("playbook:revisions", kwargs={"pk": entry.pk}))
    with django_assert_num_queries(6):  # +2: the complaints and flags navigation counts
        admin_client_.get(reverse("playbook:revision", kwargs={"pk": latest.pk}))


def test_a_save_racing_for_the_same_number_shows_the_form_error(admin_client_, monkeypatch):
    """Two saves pass the form's check at once; the loser sees the error, not a 500."""
    from django import forms

    from playbook.forms import EntryForm

    entry = make_entry(number=7)
    other = make_entry(number=8, section=entry.section)
    # The rival save lands between the form's check and ours.
    monkeypatch.setattr(EntryForm, "clean", forms.ModelForm.clean)
    response = admin_client_.post(
        edit_url(other), form_data(other, number=7, question="改过的问题？")
    )
    assert response.status_code == 200
    assert "本篇已有编号为 7 的条目" in response.text
    other.refresh_from_db()
    assert (other.number, other.question) != (7, "改过的问题？")
    assert not other.revisions.exists()


# --- Two editors of one entry --------------------------------------------------------

CONFLICT = "有人在你打开此页面之后保存了这个条目"


def drawn_version(client, entry) -> str:
    """The version the edit page carries in its hidden field."""
    html = client.get(edit_url(entry)).text
    return re.search(r'<input type="hidden" name="version" value="(\d+)"', html).group(1)


def test_a_save_from_a_page_drawn_before_another_save_is_refused(
    supervisor, supervisor_client, admin_client_
):
    entry = make_entry("怎样拜访客户？", "答：先预约。")
    first_page = drawn_version(supervisor_client, entry)
    second_page = drawn_version(admin_client_, entry)
    response = admin_client_.post(
        edit_url(entry), form_data(entry, answer="答：先预约，再带名片。", version=second_page)
    )
    assert response.status_code == 302

    response = supervisor_client.post(
        edit_url(entry), form_data(entry, answer="答：直接上门。", version=first_page)
    )
    assert response.status_code == 200
    assert CONFLICT in response.text
    assert "答：直接上门。" in response.text  # what they typed is kept
    entry.refresh_from_db()
    assert entry.answer == "答：先预约，再带名片。"
    assert [r.answer for r in entry.revisions.order_by("number")] == [
        "答：先预约。",
        "答：先预约，再带名片。",
    ]

    # The refused form now carries the current version: saving it again replaces.
    again = re.search(r'name="version" value="(\d+)"', response.text).group(1)
    response = supervisor_client.post(
        edit_url(entry), form_data(entry, answer="答：直接上门。", version=again)
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.answer == "答：直接上门。"
    assert entry.revisions.order_by("-number").first().editor == supervisor


def test_a_save_from_a_current_page_is_saved(supervisor_client):
    entry = make_entry(answer="答：旧。")
    for text in ("答：一。", "答：二。"):
        version = drawn_version(supervisor_client, entry)
        response = supervisor_client.post(
            edit_url(entry), form_data(entry, answer=text, version=version)
        )
        assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.answer == "答：二。"


def test_an_edit_page_drawn_before_an_import_changed_the_entry_is_refused(supervisor_client):
    from playbook.importer import import_text

    head = "市场营销篇\n客户营销\n一、寻找和选择客户\n"
    import_text(head + "1.怎样拜访客户？\n答：先预约。\n")
    entry = Entry.objects.get(number=1)
    version = drawn_version(supervisor_client, entry)
    import_text(head + "1.怎样拜访客户？\n答：先电话预约。\n")
    response = supervisor_client.post(
        edit_url(entry), form_data(entry, answer="答：直接上门。", version=version)
    )
    assert response.status_code == 200
    assert CONFLICT in response.text
    assert Entry.objects.get(pk=entry.pk).answer == "先电话预约。"


def test_entry_save_with_a_stale_version_saves_nothing(admin_user):
    from accounts.versions import EditConflict

    entry = make_entry(answer="一")
    stale = Entry.objects.get(pk=entry.pk)
    entry.answer = "二"
    entry_save(entry=entry, editor=admin_user, expected_version=entry.version)
    stale.answer = "三"
    with pytest.raises(EditConflict):
        entry_save(entry=stale, editor=admin_user, expected_version=stale.version)
    assert Entry.objects.get(pk=entry.pk).answer == "二"
    assert [r.answer for r in entry.revisions.order_by("number")] == ["一", "二"]
