"""A client outgrowing prudent credit, the banks courting it, and its documents."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from prospects import rules
from prospects.models import Attachment, CompetingOffer
from prospects.supervision import team_overview
from tests.conftest import client_for
from tests.prospects.factories import make_prospect

pytestmark = pytest.mark.django_db

# The smallest valid PNG (1 × 1 pixel).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


@pytest.fixture(autouse=True)
def private_storage(tmp_path, monkeypatch):
    """Each test's uploads in its own directory (the field's storage is built at import)."""
    storage = Attachment._meta.get_field("file").storage
    for cached in ("base_location", "location"):
        storage.__dict__.pop(cached, None)
    monkeypatch.setattr(storage, "_location", str(tmp_path))
    yield tmp_path
    for cached in ("base_location", "location"):
        storage.__dict__.pop(cached, None)


def test_credit_gap_rule():
    assert rules.credit_gap(requested=Decimal(500), reasonable=Decimal(300)) == 200
    assert rules.credit_gap(requested=Decimal(200), reasonable=Decimal(300)) == 0
    assert rules.credit_gap(requested=None, reasonable=Decimal(300)) is None


def test_the_gap_and_the_courting_banks_show_on_the_client_and_in_the_overview(people):
    client = make_prospect(people.owner, stage="client")
    manager = client_for(people.owner)
    url = reverse("prospects:client_credit", args=[client.pk])
    manager.post(url, {"credit-credit_requested": "800000", "credit-credit_reasonable": "500000"})
    manager.post(
        url,
        {
            "offer-bank": "某商业银行",
            "offer-offer": "授信100万，利率下浮",
            "offer-learned_on": "2026-01-05",
        },
    )
    assert CompetingOffer.objects.get().recorded_by == people.owner
    page = manager.get(client.get_absolute_url()).content.decode()
    assert "300000" in page and "某商业银行" in page
    row = next(
        row
        for row in team_overview(people.supervisor, today=client.created_at.date())
        if row.person == people.owner
    )
    assert (row.credit_gaps, row.credit_excess) == (1, Decimal("300000"))
    listed = client_for(people.supervisor).get(
        reverse("prospects:list") + f"?owner={people.owner.pk}&credit_gap=on"
    )
    assert list(listed.context["page"].object_list) == [client]


def test_a_negative_amount_is_refused_beside_the_field(people):
    client = make_prospect(people.owner)
    response = client_for(people.owner).post(
        reverse("prospects:client_credit", args=[client.pk]),
        {"credit-credit_requested": "-1", "credit-credit_reasonable": "100"},
    )
    assert response.status_code == 200
    assert response.context["credit_form"].errors["credit_requested"]


def test_a_photo_is_typed_by_its_content_and_served_only_to_those_who_see_the_client(
    people, private_storage
):
    client = make_prospect(people.owner)
    url = reverse("prospects:client_credit", args=[client.pk])
    photo = SimpleUploadedFile("店铺.txt", PNG, content_type="text/plain")  # the name lies
    client_for(people.owner).post(url, {"kind": "shop_photo", "file": photo})
    attachment = Attachment.objects.get()
    assert (attachment.content_type, attachment.extension) == ("image/png", "png")
    assert "店铺" not in attachment.file.name
    assert (private_storage / attachment.file.name).exists()
    for viewer, status in (
        (people.owner, 200),
        (people.supervisor, 200),
        (people.teammate, 404),
        (people.other_supervisor, 404),
    ):
        response = client_for(viewer).get(attachment.get_absolute_url())
        assert response.status_code == status
        if status == 200:
            assert response.content == PNG
            assert response["Content-Type"] == "image/png"


@pytest.mark.parametrize("spooled", [False, True], ids=["in_memory", "spooled_to_disk"])
def test_an_attachment_on_disk_is_readable_by_the_app_and_its_group_only(
    people, private_storage, file_mode, settings, spooled
):
    """A client's ID or licence is not for every account on the server: 0640, in 0750
    directories, whatever the process's umask and however Django received the upload."""
    if spooled:
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # a temporary file, moved into place
    client = make_prospect(people.owner)
    photo = SimpleUploadedFile("店铺.png", PNG, content_type="image/png")
    client_for(people.owner).post(
        reverse("prospects:client_credit", args=[client.pk]), {"kind": "shop_photo", "file": photo}
    )
    stored = private_storage / Attachment.objects.get().file.name
    assert file_mode(stored) == 0o640
    assert file_mode(stored.parent) == file_mode(stored.parent.parent) == 0o750


def test_a_file_that_is_not_a_photo_or_pdf_is_refused(people):
    client = make_prospect(people.owner)
    fake = SimpleUploadedFile(
        "licence.jpg", b"MZ\x90\x00" + b"\x00" * 200, content_type="image/jpeg"
    )
    response = client_for(people.owner).post(
        reverse("prospects:client_credit", args=[client.pk]), {"kind": "licence", "file": fake}
    )
    assert response.status_code == 200
    assert response.context["attachment_form"].errors["file"]
    assert not Attachment.objects.exists()


def test_the_upload_offers_the_phone_camera(people):
    client = make_prospect(people.owner)
    html = (
        client_for(people.owner)
        .get(reverse("prospects:client_credit", args=[client.pk]))
        .content.decode()
    )
    assert 'capture="environment"' in html and 'accept="image/*,application/pdf"' in html
