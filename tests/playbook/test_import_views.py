"""An administrator uploads the handbook, previews what would change, then confirms."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from playbook.demo import SAMPLE_HANDBOOK
from playbook.models import Entry

pytestmark = pytest.mark.django_db

IMPORT = reverse("playbook:import")


def upload(client, data: bytes, name: str = "handbook.txt"):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data), "preview": ""})


def test_preview_counts_then_confirm_imports(admin_client_, admin_user):
    response = upload(admin_client_, SAMPLE_HANDBOOK.read_bytes())
    assert response.status_code == 200
    html = response.content.decode()
    assert '<dd data-count="created">20</dd>' in html
    assert not Entry.objects.exists()

    confirmation = {**response.context["confirm"].initial, "confirm": ""}
    response = admin_client_.post(IMPORT, confirmation, follow=True)
    assert Entry.objects.count() == 20
    assert "20" in response.content.decode()
    assert Entry.objects.get(number=15).revisions.get().editor == admin_user

    html = upload(admin_client_, SAMPLE_HANDBOOK.read_bytes()).content.decode()
    assert '<dd data-count="unchanged">20</dd>' in html


def test_a_gb18030_upload_is_read(admin_client_):
    data = SAMPLE_HANDBOOK.read_text(encoding="utf-8").encode("gb18030")
    html = upload(admin_client_, data).content.decode()
    assert '<dd data-count="created">20</dd>' in html


def test_a_malformed_upload_shows_the_line_and_imports_nothing(admin_client_):
    data = "市场营销篇\n客户营销\n一、寻找客户\n没有问题的回答。\n".encode()
    response = upload(admin_client_, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "4" in response.context["error"]
    assert 'class="import-error" role="alert"' in html
    assert "confirm" not in response.context
    assert not Entry.objects.exists()


def test_a_tampered_confirmation_is_refused_and_imports_nothing(admin_client_):
    response = admin_client_.post(IMPORT, {"text": "不是手册", "confirm": ""})
    assert response.status_code == 200
    assert response.context["error"]
    assert not Entry.objects.exists()


def test_html_in_an_uploaded_handbook_is_escaped(admin_client_):
    data = "市场营销篇\n客户营销\n一、寻找客户\n<script>x</script>没有问题\n".encode()
    html = upload(admin_client_, data).content.decode()
    assert "<script>x</script>" not in html


def test_only_administrators_import(supervisor_client):
    assert supervisor_client.get(IMPORT).status_code == 404
    response = supervisor_client.post(
        IMPORT, {"file": SimpleUploadedFile("h.txt", SAMPLE_HANDBOOK.read_bytes())}
    )
    assert response.status_code == 404
    assert not Entry.objects.exists()


def test_control_characters_from_a_bad_extraction_are_dropped(admin_client_):
    data = SAMPLE_HANDBOOK.read_bytes().replace("门卫".encode(), "门\x00卫".encode())
    response = upload(admin_client_, data)
    admin_client_.post(IMPORT, {**response.context["confirm"].initial, "confirm": ""})
    assert Entry.objects.count() == 20
    assert "门卫" in Entry.objects.get(number=5).question


def test_a_lost_preview_is_reported(admin_client_):
    response = admin_client_.post(IMPORT, {"confirm": ""})
    assert response.status_code == 200
    assert response.context["error"]


def test_the_preview_lists_entries_missing_from_the_file_and_confirm_keeps_them(admin_client_):
    from playbook.importer import import_text

    sample = SAMPLE_HANDBOOK.read_text(encoding="utf-8")
    import_text(sample)
    without_twelve = "\n".join(
        line
        for line in sample.splitlines()
        if not line.startswith("12.") and not line.startswith("答：不懂不要装懂")
    )
    response = upload(admin_client_, without_twelve.encode())
    html = response.content.decode()
    assert "文件中没有的条目" in html
    assert 'data-entry-number="12"' in html
    assert "条目编号：" not in html  # nothing new, nothing updated
    confirmation = {**response.context["confirm"].initial, "confirm": ""}
    response = admin_client_.post(IMPORT, confirmation, follow=True)
    assert "12" in response.content.decode()
    assert Entry.objects.filter(number=12).exists()


def test_a_duplicated_section_is_refused_with_its_line_not_a_server_error(admin_client_):
    text = "市场营销篇\n客户营销\n一、寻找客户\n1.问？\n答。\n二、寻找客户\n2.问？\n答。\n"
    response = upload(admin_client_, text.encode())
    assert response.status_code == 200
    html = response.content.decode()
    assert "第 6 行" in html
    assert not Entry.objects.exists()


def test_the_preview_names_the_entries_it_would_create_and_update(admin_client_):
    from playbook.importer import import_text

    sample = SAMPLE_HANDBOOK.read_text(encoding="utf-8")
    import_text(sample)
    edited = sample.replace("先道歉，再倾听。", "先诚恳道歉，再耐心倾听。")
    edited = edited.replace("15.客户投诉", "30.新的问题？\n答：新的回答。\n15.客户投诉")
    html = upload(admin_client_, edited.encode()).content.decode()
    assert "条目编号： 30" in html
    assert "条目编号： 15" in html


HEAD = "市场营销篇\n客户营销\n一、寻找和选择客户\n"


def confirm(client, response):
    return client.post(IMPORT, {**response.context["confirm"].initial, "confirm": ""}, follow=True)


def test_a_web_notice_inside_a_line_keeps_the_sentence_before_it(admin_client_):
    text = (
        HEAD + "1.如何开拓市场？\n答：先找准行业。\n要主动出击，以点带面。"
        "因篇幅问题不能全部显示，请点此查看更多更全内容\n"
    )
    response = upload(admin_client_, text.encode())
    html = response.content.decode()
    # The preview's answer: the sentence kept, the notice gone.
    assert "<td>先找准行业。 要主动出击，以点带面。</td>" in html
    confirm(admin_client_, response)
    assert Entry.objects.get(number=1).answer == "先找准行业。\n要主动出击，以点带面。"


def test_a_numbered_question_after_a_full_stop_is_an_entry_of_its_own(admin_client_):
    text = (
        HEAD + "1.如何寻找客户？请举例。2.如何选择客户？\n答：看三品。\n3.如何拜访？\n答：预约。\n"
    )
    response = upload(admin_client_, text.encode())
    html = response.content.decode()
    assert '<dd data-count="created">3</dd>' in html
    assert "编号从 1 跳到 3" not in html
    # Entry 1 has no answer of its own: said, with its line.
    assert (
        '<li data-line="4">第 4 行：第 1 条没有自己的答案；这一行之后的答案属于第 2 条。</li>'
        in html
    )
    confirm(admin_client_, response)
    assert [(e.number, e.question, e.answer) for e in Entry.objects.order_by("number")] == [
        (1, "如何寻找客户？请举例。", ""),
        (2, "如何选择客户？", "看三品。"),
        (3, "如何拜访？", "预约。"),
    ]
