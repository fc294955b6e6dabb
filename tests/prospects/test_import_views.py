"""Importing a merchant list through the pages: upload, preview, commit all or nothing."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bench.prospect_import import csv_bytes, merchant_rows, xlsx_bytes
from prospects.models import (
    ImportBatch,
    ImportStatus,
    Industry,
    Prospect,
    Source,
    Territory,
    TerritoryKind,
)
from tests.conftest import client_for

GOOD = [
    ["鑫源服装商行", "王伟", "老板", "13812345678", "城南批发市场A区12号", "服装批发", "12.5", ""],
    ["宏达五金经营部", "李娜", "店长", "0571-87654321", "城南批发市场B区3号", "建材五金", "8", ""],
]
BAD_CSV = (
    "商户名称,手机,月销售额\n"
    "鑫源服装商行,13812345678,12\n"
    ",13912345678,1\n"
    "宏达五金,12345,1\n"
    "永盛茶叶,13700000000,很多\n"
).encode("gbk")


def upload(client, territory, data: bytes, name: str, **extra):
    return client.post(
        reverse("prospects:import_upload"),
        {
            "territory": territory.pk,
            "source": Source.SHOP_CLUSTER,
            "file": SimpleUploadedFile(name, data),
            **extra,
        },
    )


def uploaded(client, territory, data: bytes, name: str = "members.csv", **extra) -> ImportBatch:
    response = upload(client, territory, data, name, **extra)
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportBatch.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])


def commit(client, batch, **data):
    mapping = {f"map_{key}": "" if index is None else index for key, index in _guess(batch).items()}
    return client.post(reverse("prospects:import_commit", args=[batch.pk]), {**mapping, **data})


def _guess(batch):
    from prospects.importing import guess_mapping, read_batch

    return guess_mapping(read_batch(batch).headers)


def test_manager_imports_a_gbk_csv_into_a_territory(manager, manager_client, territory):
    batch = uploaded(manager_client, territory, csv_bytes(GOOD, encoding="gbk"))
    page = manager_client.get(batch.get_absolute_url()).content.decode()
    assert "GBK/GB18030" in page
    assert "鑫源服装商行" in page
    assert Prospect.objects.count() == 0  # nothing is saved by the preview

    response = commit(manager_client, batch)

    assert response.status_code == 302
    imported = Prospect.objects.order_by("name")
    assert [p.name for p in imported] == ["宏达五金经营部", "鑫源服装商行"]
    xinyuan = imported.get(name="鑫源服装商行")
    assert xinyuan.owner == manager
    assert xinyuan.territory == territory
    assert xinyuan.branch == manager.branch
    assert xinyuan.source == Source.SHOP_CLUSTER
    assert xinyuan.industry == Industry.objects.get(name="批发贸易")
    assert str(xinyuan.monthly_sales) == "125000.00"  # header says 万元
    assert xinyuan.phone_key == "13812345678"
    assert xinyuan.name_key  # the duplicate check of later imports finds it
    batch.refresh_from_db()
    assert (batch.status, batch.imported_count, bytes(batch.data)) == (
        ImportStatus.COMMITTED,
        2,
        b"",
    )
    done = manager_client.get(batch.get_absolute_url()).content.decode()
    assert f"?batch={batch.pk}" in done  # the list of exactly what was imported
    assert xinyuan.import_batch == batch


def test_xlsx_upload_imports(manager_client, territory):
    batch = uploaded(manager_client, territory, xlsx_bytes(GOOD), "members.xlsx")
    assert commit(manager_client, batch).status_code == 302
    assert Prospect.objects.count() == 2


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"%PDF-1.4", "members.pdf", "CSV or Excel"),
        (b"", "members.csv", "empty"),
        (b"\x00\x01binary", "members.csv", "not a CSV"),
        (b"PK\x03\x04broken", "members.xlsx", "not a valid Excel"),
    ],
)
def test_unreadable_files_are_refused_beside_the_field(
    manager_client, territory, data, name, message, settings
):
    settings.LANGUAGE_CODE = "en"
    response = upload(manager_client, territory, data, name, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_oversized_file_is_refused(manager_client, territory, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 50
    response = upload(manager_client, territory, csv_bytes(GOOD * 3), "members.csv")
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not ImportBatch.objects.exists()


def test_preview_lists_every_bad_row_and_the_commit_saves_nothing(manager_client, territory):
    batch = uploaded(manager_client, territory, BAD_CSV)
    response = manager_client.get(batch.get_absolute_url())
    bad = response.context["preview"].bad_rows
    assert [row.number for row in bad] == [3, 4, 5]
    page = response.content.decode()
    for text in ("12345", "很多"):
        assert text in page
    # The good rows can be imported, but only when the person explicitly leaves the bad out.
    assert 'name="skip_bad_rows"' in page

    refused = commit(manager_client, batch)

    assert refused.status_code == 200
    assert refused.context["refused"]
    assert Prospect.objects.count() == 0
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEW


def test_duplicates_in_the_branch_and_in_the_file_are_flagged(manager_client, people, territory):
    # A colleague already courts this merchant (same phone, other spelling).
    Prospect.objects.create(
        name="宏达五金", phone="0571 87654321", owner=people.teammate, source=Source.REFERRAL
    )
    rows = [*GOOD, ["鑫源 服装商行", "", "", "13900000000", "", "", "", ""]]
    batch = uploaded(manager_client, territory, csv_bytes(rows))
    preview = manager_client.get(batch.get_absolute_url()).context["preview"]
    flagged = {row.number: row.duplicate for row in preview.duplicate_rows}
    assert set(flagged) == {3, 4}
    # Who already has it; not its name: the manager does not see a teammate's clients.
    assert flagged[3].endswith("Teammate的客户") and "宏达五金" not in flagged[3]
    assert "2" in flagged[4]  # same name as row 2

    refused = commit(manager_client, batch)
    assert refused.status_code == 200
    assert Prospect.objects.count() == 1

    assert commit(manager_client, batch, skip_duplicates="on").status_code == 302
    assert sorted(Prospect.objects.values_list("name", flat=True)) == ["宏达五金", "鑫源服装商行"]
    # The batch keeps saying what was left out, long after the flash message.
    page = manager_client.get(batch.get_absolute_url()).text
    assert "按您的确认，略过了 2 行重复数据。" in page and "有错误的数据" not in page


def test_duplicates_in_another_branch_do_not_count(manager_client, territory):
    from accounts.models import Branch, Role
    from tests.conftest import make_user

    elsewhere = Branch.objects.create(code="0202", name="城北支行")
    stranger = make_user("stranger", Role.CLIENT_MANAGER, branch=elsewhere)
    Prospect.objects.create(name="鑫源服装商行", owner=stranger, source=Source.REFERRAL)
    batch = uploaded(manager_client, territory, csv_bytes(GOOD))
    assert manager_client.get(batch.get_absolute_url()).context["summary"].duplicates == 0


def test_user_changes_the_column_mapping_in_the_preview(manager_client, territory):
    data = "序号,会员,电话\n1,鑫源服装商行,13812345678\n".encode()
    batch = uploaded(manager_client, territory, data)
    guessed = manager_client.get(batch.get_absolute_url()).context["preview"]
    assert guessed.mapping["name"] is None
    assert guessed.errors  # no name column: nothing can be imported yet

    chosen = manager_client.get(batch.get_absolute_url(), {"map_name": 1, "map_phone": 2})
    assert chosen.context["preview"].summary.ready == 1
    response = manager_client.post(
        reverse("prospects:import_commit", args=[batch.pk]), {"map_name": 1, "map_phone": 2}
    )
    assert response.status_code == 302
    assert Prospect.objects.get().phone == "13812345678"


def test_a_failure_while_saving_leaves_nothing_behind(manager_client, territory):
    batch = uploaded(manager_client, territory, csv_bytes(list(merchant_rows(1200))))
    with (
        mock.patch.object(ImportBatch, "mark_committed", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        commit(manager_client, batch)
    assert Prospect.objects.count() == 0


def test_a_file_is_imported_once(manager_client, territory):
    batch = uploaded(manager_client, territory, csv_bytes(GOOD))
    commit(manager_client, batch)
    assert commit(manager_client, batch).status_code == 302
    assert Prospect.objects.count() == 2


def test_supervisor_imports_for_a_team_member(people, territory):
    client = client_for(people.supervisor)
    batch = uploaded(client, territory, csv_bytes(GOOD), owner=people.teammate.pk)
    commit(client, batch)
    assert set(Prospect.objects.values_list("owner", flat=True)) == {people.teammate.pk}


def test_manager_imports_for_themselves_only(manager, manager_client, people, territory):
    batch = uploaded(manager_client, territory, csv_bytes(GOOD), owner=people.other_manager.pk)
    assert batch.owner == manager


def test_supervisor_cannot_import_for_another_team(people, territory):
    response = upload(
        client_for(people.supervisor),
        territory,
        csv_bytes(GOOD),
        "m.csv",
        owner=people.other_manager.pk,
    )
    assert response.status_code == 200
    assert response.context["form"].errors["owner"]


def test_others_cannot_see_or_commit_an_upload(people, manager_client, territory):
    batch = uploaded(manager_client, territory, csv_bytes(GOOD))
    for viewer in (people.teammate, people.other_manager, people.other_supervisor, people.trainee):
        client = client_for(viewer)
        assert client.get(batch.get_absolute_url()).status_code == 404
        assert commit(client, batch).status_code == 404
    assert client_for(people.supervisor).get(batch.get_absolute_url()).status_code == 200
    assert Prospect.objects.count() == 0


def test_trainee_cannot_upload(trainee_client, territory):
    assert trainee_client.get(reverse("prospects:import_upload")).status_code == 404


def test_htmx_upload_redirects_and_refused_commit_swaps_the_preview(manager_client, territory):
    response = manager_client.post(
        reverse("prospects:import_upload"),
        {
            "territory": territory.pk,
            "source": Source.SHOP_CLUSTER,
            "file": SimpleUploadedFile("m.csv", BAD_CSV),
        },
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="upload-form",
    )
    assert response.status_code == 200
    batch = ImportBatch.objects.get()
    assert response["HX-Redirect"] == batch.get_absolute_url()
    refused = manager_client.post(
        reverse("prospects:import_commit", args=[batch.pk]),
        {"map_name": 0, "map_phone": 1, "map_monthly_sales": 2},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="preview",
    )
    assert refused.status_code == 200
    assert refused.content.decode().lstrip().startswith('<section id="preview"')
    assert Prospect.objects.count() == 0


def test_association_name_defaults_to_an_association_territory(manager_client, people):
    territory = Territory.objects.create(
        name="温州商会",
        kind=TerritoryKind.ASSOCIATION,
        branch=people.owner.branch,
        merchant_count=80,
    )
    batch = uploaded(manager_client, territory, csv_bytes(GOOD), source=Source.ASSOCIATION)
    commit(manager_client, batch)
    assert set(Prospect.objects.values_list("association", "source")) == {
        ("温州商会", Source.ASSOCIATION)
    }


@pytest.mark.parametrize("rows", [10, 200])
def test_preview_queries_do_not_grow_with_rows(
    manager_client, territory, rows, django_assert_num_queries
):
    batch = uploaded(manager_client, territory, csv_bytes(list(merchant_rows(rows))))
    # session, user, batch, industries, existing prospects in the branch
    with django_assert_num_queries(6):  # +1: the complaints navigation count
        response = manager_client.get(batch.get_absolute_url())
    assert response.context["summary"].ready == rows


def test_imported_prospects_have_their_creation_in_the_audit_trail(
    manager, manager_client, territory
):
    from auditlog.models import LogEntry

    commit(manager_client, uploaded(manager_client, territory, csv_bytes(GOOD)))
    prospect = Prospect.objects.get(name="鑫源服装商行")
    entry = LogEntry.objects.get_for_object(prospect).get()
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor == manager
    assert entry.changes["name"] == ["None", "鑫源服装商行"]
    assert entry.changes["territory"] == ["None", str(territory.pk)]
    assert entry.additional_data == {"import": "members.csv"}
    history = manager_client.get(reverse("prospects:history", args=[prospect.pk]))
    assert "王伟" in history.content.decode()  # the contact, as imported


def test_htmx_commit_redirects_to_the_result(manager_client, territory):
    batch = uploaded(manager_client, territory, csv_bytes(GOOD))
    mapping = {f"map_{key}": "" if index is None else index for key, index in _guess(batch).items()}
    response = manager_client.post(
        reverse("prospects:import_commit", args=[batch.pk]),
        mapping,
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="preview",
    )
    assert response["HX-Redirect"] == batch.get_absolute_url()
    assert Prospect.objects.count() == 2


def test_list_links_to_import_and_to_export_with_its_filters(manager_client, trainee_client):
    page = manager_client.get(reverse("prospects:list"), {"stage": "client"}).content.decode()
    assert reverse("prospects:import_upload") in page
    assert f"{reverse('prospects:export', args=['xlsx'])}?stage=client" in page
    trainee_page = trainee_client.get(reverse("prospects:list")).content.decode()
    assert reverse("prospects:import_upload") not in trainee_page
    assert reverse("prospects:export", args=["csv"]) in trainee_page


def test_the_result_says_how_many_were_saved_and_how_long_it_took(manager_client, territory):
    batch = uploaded(manager_client, territory, csv_bytes(GOOD))
    response = commit(manager_client, batch)
    page = manager_client.get(response["Location"]).content.decode()
    assert re.search(r"已保存 2 个潜在客户，用时 \d+\.\d 秒", page)


def test_uploads_and_imports_are_in_the_audit_trail_without_the_file(
    manager, manager_client, territory
):
    from auditlog.models import LogEntry

    batch = uploaded(manager_client, territory, csv_bytes(GOOD))
    commit(manager_client, batch)
    created, committed = LogEntry.objects.get_for_object(batch).order_by("timestamp", "pk")
    assert created.action == LogEntry.Action.CREATE
    assert created.changes["file_name"] == ["None", "members.csv"]
    assert committed.changes["status"] == ["preview", "committed"]
    assert all("data" not in entry.changes for entry in (created, committed))


def test_a_colleague_importing_the_same_merchant_meanwhile_is_caught_at_commit(
    people, manager_client, territory
):
    """Both previews were clean; the second commit finds the first one's rows, without a 500."""
    mine = uploaded(manager_client, territory, csv_bytes(GOOD))
    colleague = client_for(people.teammate)
    theirs = uploaded(colleague, territory, csv_bytes(GOOD[:1]))
    assert commit(colleague, theirs).status_code == 302
    response = commit(manager_client, mine)
    assert response.status_code == 200
    assert "没有导入任何数据。" in response.content.decode()
    assert Prospect.objects.count() == 1
    assert commit(manager_client, mine, skip_duplicates="on").status_code == 302
    assert sorted(Prospect.objects.values_list("name", flat=True)) == [
        "宏达五金经营部",
        "鑫源服装商行",
    ]


def test_a_file_of_known_merchants_says_there_is_nothing_new(manager_client, territory):
    commit(manager_client, uploaded(manager_client, territory, csv_bytes(GOOD)))
    again = uploaded(manager_client, territory, csv_bytes(GOOD))
    page = manager_client.get(again.get_absolute_url()).content.decode()
    assert "没有可导入的新商户。" in page
    assert reverse("prospects:import_commit", args=[again.pk]) not in page


def test_opened_from_a_market_the_upload_proposes_the_shop_cluster_channel(
    manager_client, territory, people
):
    page = manager_client.get(reverse("prospects:import_upload"), {"territory": territory.pk})
    assert page.context["form"]["source"].value() == Source.SHOP_CLUSTER
    assert page.context["form"]["territory"].value() == str(territory.pk)
    association = Territory.objects.create(
        name="温州商会",
        kind=TerritoryKind.ASSOCIATION,
        branch=people.owner.branch,
        merchant_count=80,
    )
    page = manager_client.get(reverse("prospects:import_upload"), {"territory": association.pk})
    assert page.context["form"]["source"].value() == Source.ASSOCIATION
    for junk in ("abc", "99999", ""):
        response = manager_client.get(reverse("prospects:import_upload"), {"territory": junk})
        assert response.status_code == 200
