"""A handbook of several MB imports through the pages: the text stays on the server
between preview and confirm, so the confirm post is small whatever the file's size."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from playbook.demo import SAMPLE_HANDBOOK
from playbook.models import Entry, EntryRevision, HandbookUpload
from playbook.search_views import MAX_UPLOAD_MB
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db

IMPORT = reverse("playbook:import")
SENTENCES = [
    "拜访之前先了解企业的主营业务和上下游关系",
    "见到老板时先倾听再说明来意",
    "把客户提到的困难记在本子上并约好回访的时间",
    "不要当场承诺利率和额度",
    "回到网点后当天整理拜访记录",
    "遇到不懂的问题如实说明并请教有经验的同事",
]


def large_handbook(entries: int = 1100) -> str:
    """The handbook format, about 4.3 MB in UTF-8: four sections of long answers."""
    lines = ["市场营销篇", "建立客户关系"]
    numerals = "一二三四"
    per_section = entries // len(numerals)
    for s, numeral in enumerate(numerals):
        lines.append(f"{numeral}、第{numeral}部分的客户工作")
        for n in range(s * per_section + 1, (s + 1) * per_section + 1):
            lines.append(f"{n}.遇到第{n}种情况时客户经理该怎么办？")
            lines.append("答：" + SENTENCES[n % len(SENTENCES)] + "。")
            for k in range(24):
                lines.append(
                    "，".join(SENTENCES[(n + k + j) % len(SENTENCES)] for j in range(3)) + "。"
                )
    return "\n".join(lines) + "\n"


def upload(client, data: bytes):
    return client.post(IMPORT, {"file": SimpleUploadedFile("handbook.txt", data), "preview": ""})


def confirm_fields(html: str) -> dict[str, str]:
    """The confirm form's fields as a browser sends them (url-encoded, no enctype)."""
    forms = re.findall(r"<form [^>]*>(.*?)</form>", html, re.S)
    (form,) = [form for form in forms if 'name="confirm"' in form]
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    assert "text" not in fields
    return {**fields, "confirm": ""}


def post_urlencoded(client, fields: dict[str, str], **kwargs):
    body = urlencode(fields)
    return (
        client.post(IMPORT, body, content_type="application/x-www-form-urlencoded", **kwargs),
        body,
    )


@pytest.fixture
def other_admin(people):
    return make_user("otheradmin", Role.ADMINISTRATOR, branch=people.admin.branch)


def test_a_handbook_of_several_mb_previews_and_imports_with_a_small_confirm(admin_client_):
    text = large_handbook()
    data = text.encode()
    assert 4 * 1024 * 1024 < len(data) < MAX_UPLOAD_MB * 1024 * 1024

    response = upload(admin_client_, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<dd data-count="created">1100</dd>' in html
    assert not Entry.objects.exists()

    response, body = post_urlencoded(admin_client_, confirm_fields(html), follow=True)
    assert response.status_code == 200
    assert len(body) < 500
    assert Entry.objects.count() == 1100
    # Exactly what was previewed: the last entry's answer, end to end.
    last = Entry.objects.get(number=1100)
    assert last.question == "遇到第1100种情况时客户经理该怎么办？"
    assert last.answer.endswith(text.rstrip("\n").rsplit("\n", 1)[1])
    assert not HandbookUpload.objects.exists()


def test_another_persons_upload_cannot_be_confirmed(admin_client_, other_admin):
    html = upload(admin_client_, SAMPLE_HANDBOOK.read_bytes()).content.decode()
    response, _body = post_urlencoded(client_for(other_admin), confirm_fields(html))
    assert response.status_code == 404
    assert not Entry.objects.exists()
    assert HandbookUpload.objects.count() == 1  # still the uploader's to confirm


def test_a_changed_hash_is_not_confirmed(admin_client_):
    html = upload(admin_client_, SAMPLE_HANDBOOK.read_bytes()).content.decode()
    fields = {**confirm_fields(html), "sha256": "0" * 64}
    response, _body = post_urlencoded(admin_client_, fields)
    assert response.status_code == 404
    assert not Entry.objects.exists()


def test_a_confirmation_sent_twice_imports_once(admin_client_):
    html = upload(admin_client_, SAMPLE_HANDBOOK.read_bytes()).content.decode()
    fields = confirm_fields(html)
    post_urlencoded(admin_client_, fields)
    response, _body = post_urlencoded(admin_client_, fields, follow=True)
    assert "此表单已经提交过，只保存了一次。" in response.content.decode()
    assert Entry.objects.count() == 20
    assert EntryRevision.objects.count() == 20
    # Without its one-time token (not the rendered page), the used upload is gone.
    del fields["form_token"]
    response, _body = post_urlencoded(admin_client_, fields)
    assert response.status_code == 404
    assert EntryRevision.objects.count() == 20


def test_a_new_upload_replaces_the_persons_earlier_one_and_stale_ones_go(
    admin_client_, admin_user, other_admin
):
    old = timezone.now() - HandbookUpload.KEEP - timedelta(minutes=1)
    stale = HandbookUpload.objects.create(uploaded_by=other_admin, text="旧的", created_at=old)
    fresh = HandbookUpload.objects.create(uploaded_by=other_admin, text="新的")
    first = confirm_fields(upload(admin_client_, SAMPLE_HANDBOOK.read_bytes()).content.decode())
    upload(admin_client_, SAMPLE_HANDBOOK.read_bytes())
    assert not HandbookUpload.objects.filter(pk=stale.pk).exists()
    assert HandbookUpload.objects.filter(uploaded_by=admin_user).count() == 1
    assert HandbookUpload.objects.filter(pk=fresh.pk).exists()
    response, _body = post_urlencoded(admin_client_, first)
    assert response.status_code == 404


def test_a_file_over_the_limit_is_refused_beside_the_field(admin_client_):
    data = b"x" * (MAX_UPLOAD_MB * 1024 * 1024 + 1)
    response = upload(admin_client_, data)
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [f"文件超过 {MAX_UPLOAD_MB} MB。"]
    html = response.content.decode()
    assert f"文件超过 {MAX_UPLOAD_MB} MB。" in html
    assert "confirm" not in response.context
    assert not HandbookUpload.objects.exists()


def test_the_upload_field_states_the_limit(admin_client_):
    html = admin_client_.get(IMPORT).content.decode()
    assert f"最大 {MAX_UPLOAD_MB} MB" in html
