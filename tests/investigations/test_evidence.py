"""Evidence files: type from the content, size limit, private storage, served to the allowed."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from investigations.evidence import evidence_storage
from investigations.models import EvidenceFile
from tests.conftest import client_for
from tests.investigations.factories import make_investigation, pdf_upload, png_bytes

pytestmark = pytest.mark.django_db


def upload(client, investigation, file):
    return client.post(
        reverse("investigations:evidence_upload", args=[investigation.pk]), {"file": file}
    )


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("营业执照.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
        ("仓库.png", None, "image/png"),
        ("流水.xlsx", None, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_pdf_images_and_xlsx_are_kept(people, name, content, kind):
    if content is None:
        content = png_bytes() if name.endswith(".png") else xlsx_bytes()
    investigation = make_investigation(people.owner)
    response = upload(client_for(people.owner), investigation, SimpleUploadedFile(name, content))
    assert response.status_code == 302
    file = EvidenceFile.objects.get()
    assert (file.name, file.content_type, file.size) == (name, kind, len(content))
    assert evidence_storage().exists(file.stored_name)
    assert name not in file.stored_name  # never the uploader's name on disk


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("合同.pdf", None, "does not match"),  # a PNG named .pdf
        ("notes.txt", b"plain text, not evidence", "Only PDF"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_files_that_are_not_what_they_say_are_refused(people, name, content, message):
    investigation = make_investigation(people.owner)
    client = client_for(people.owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    file = SimpleUploadedFile(name, png_bytes() if content is None else content)
    response = upload(client, investigation, file)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["file"])
    assert not EvidenceFile.objects.exists()


def test_an_oversized_file_is_refused(people, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024
    investigation = make_investigation(people.owner)
    big = pdf_upload("大.pdf", b"%PDF-1.4\n" + b"0" * 2048)
    response = upload(client_for(people.owner), investigation, big)
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not EvidenceFile.objects.exists()


def test_evidence_downloads_as_an_attachment_never_sniffed(people):
    investigation = make_investigation(people.owner)
    upload(client_for(people.owner), investigation, pdf_upload("营业执照.pdf"))
    file = EvidenceFile.objects.get()
    response = client_for(people.supervisor).get(file.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("viewer", ["teammate", "trainee", "other_manager", "other_supervisor"])
def test_evidence_is_not_found_for_those_who_cannot_see_the_investigation(people, viewer):
    investigation = make_investigation(people.owner)
    upload(client_for(people.owner), investigation, pdf_upload())
    file = EvidenceFile.objects.get()
    assert client_for(getattr(people, viewer)).get(file.get_absolute_url()).status_code == 404


def test_the_evidence_location_is_outside_static_and_media(people):
    location = str(evidence_storage().location)
    assert not location.startswith(str(settings.STATIC_ROOT))
    assert not location.startswith(str(settings.MEDIA_ROOT))


def test_evidence_on_disk_is_readable_by_the_app_and_its_group_only(people, file_mode):
    investigation = make_investigation(people.owner)
    upload(client_for(people.owner), investigation, pdf_upload())
    stored = Path(evidence_storage().path(EvidenceFile.objects.get().stored_name))
    assert file_mode(stored) == 0o640
    assert file_mode(stored.parent) == 0o750


def test_removing_evidence_deletes_the_file(people, django_capture_on_commit_callbacks):
    investigation = make_investigation(people.owner)
    upload(client_for(people.owner), investigation, pdf_upload())
    file = EvidenceFile.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(people.owner).post(
            reverse("investigations:evidence_delete", args=[file.pk])
        )
    assert response.status_code == 302
    assert not EvidenceFile.objects.exists()
    assert not evidence_storage().exists(file.stored_name)


def test_a_file_name_too_long_to_upload_gets_a_page_that_says_what_to_do(people):
    """Django refuses a part whose header passes 1 KB (a name of 400 Chinese characters):
    the person is told, in their language, to shorten the name; nothing is saved."""
    investigation = make_investigation(people.owner)
    name = "营业执照" * 100 + ".pdf"  # a browser sends it whole (the test client would cut it)
    boundary = "----evidence"
    body = (
        (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + b"%PDF-1.4\n%%EOF\n"
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = client_for(people.owner).generic(
        "POST",
        reverse("investigations:evidence_upload", args=[investigation.pk]),
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 400
    article = response.text[response.text.index("<article") : response.text.index("</article>")]
    assert "请求无法读取" in article and "缩短文件名后重试" in article
    assert not EvidenceFile.objects.exists()
