"""Exporting the filtered prospect list to CSV and .xlsx."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from prospects.importing import guess_mapping, read_sheet
from prospects.models import Prospect, Source, Stage, Territory, TerritoryKind
from tests.conftest import client_for


def add(owner, name: str, **fields) -> Prospect:
    fields.setdefault("source", Source.SHOP_CLUSTER)
    return Prospect.objects.create(name=name, owner=owner, **fields)


@pytest.fixture
def prospects(people):
    market = Territory.objects.create(
        name="城南批发市场",
        kind=TerritoryKind.MARKET,
        branch=people.owner.branch,
        merchant_count=200,
    )
    return [
        add(
            people.owner,
            "鑫源服装商行",
            phone="13812345678",
            territory=market,
            stage=Stage.CLIENT,
            monthly_sales=Decimal("125000.00"),
            contact_name="王伟",
        ),
        add(people.owner, "宏达五金经营部", stage=Stage.LEAD, source=Source.REFERRAL),
        add(people.teammate, "同事的客户", stage=Stage.CLIENT),
        add(people.other_manager, "别队的客户", stage=Stage.CLIENT),
    ]


def export(client, file_format: str, **filters):
    response = client.get(reverse("prospects:export", args=[file_format]), filters)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return response


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))


def test_csv_starts_with_a_bom_so_excel_reads_chinese(manager_client, prospects):
    response = export(manager_client, "csv")
    assert response["Content-Type"].startswith("text/csv")
    content = response.getvalue()  # streamed: read once
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    names = sorted(row[0] for row in rows[1:])
    assert names == ["宏达五金经营部", "鑫源服装商行"]  # own prospects only
    xinyuan = next(row for row in rows if row[0] == "鑫源服装商行")
    assert "13812345678" in xinyuan and "王伟" in xinyuan and "125000.00" in xinyuan


def test_xlsx_opens_in_openpyxl_with_the_same_rows(manager_client, prospects):
    response = export(manager_client, "xlsx")
    sheet = load_workbook(io.BytesIO(response.getvalue()), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3
    assert sorted(row[0] for row in rows[1:]) == ["宏达五金经营部", "鑫源服装商行"]
    xinyuan = next(row for row in rows if row[0] == "鑫源服装商行")
    assert 125000 in xinyuan  # a number, not text


def test_the_list_filters_are_honoured(manager_client, prospects):
    clients = csv_rows(export(manager_client, "csv", stage=Stage.CLIENT))
    assert [row[0] for row in clients[1:]] == ["鑫源服装商行"]
    referred = csv_rows(export(manager_client, "csv", source=Source.REFERRAL))
    assert [row[0] for row in referred[1:]] == ["宏达五金经营部"]
    searched = csv_rows(export(manager_client, "csv", q="1381234"))
    assert [row[0] for row in searched[1:]] == ["鑫源服装商行"]


def test_supervisor_exports_the_team_not_the_other_team(people, prospects):
    rows = csv_rows(export(client_for(people.supervisor), "csv", stage=Stage.CLIENT))
    assert sorted(row[0] for row in rows[1:]) == ["同事的客户", "鑫源服装商行"]


def test_trainee_exports_only_their_own(people, prospects):
    add(people.trainee, "亲友的小店")
    rows = csv_rows(export(client_for(people.trainee), "csv"))
    assert [row[0] for row in rows[1:]] == ["亲友的小店"]


def test_an_invalid_filter_exports_nothing_rather_than_everything(manager_client, prospects):
    rows = csv_rows(export(manager_client, "csv", stage="no-such-stage"))
    assert rows[1:] == []


def test_unknown_format_is_404(manager_client):
    assert manager_client.get(reverse("prospects:export", args=["pdf"])).status_code == 404


def test_cells_that_excel_would_run_as_formulas_are_defused(manager, manager_client):
    add(manager, '=HYPERLINK("http://evil")')
    rows = csv_rows(export(manager_client, "csv"))
    assert rows[1][0] == '\'=HYPERLINK("http://evil")'
    sheet = load_workbook(io.BytesIO(export(manager_client, "xlsx").getvalue())).worksheets[0]
    assert sheet["A2"].data_type == "s"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_start_excel_reads_as_a_formula_is_defused(manager, manager_client, start):
    """OWASP's list: = + - @, and a tab or carriage return before one of them."""
    add(manager, "鑫源", contact_name=f"{start}cmd|' /C calc'!A0")
    [header, row] = csv_rows(export(manager_client, "csv"))
    cell = row[header.index(str(Prospect._meta.get_field("contact_name").verbose_name))]
    assert cell == f"'{start}cmd|' /C calc'!A0"


def test_an_export_can_be_imported_again(manager_client, prospects):
    response = export(manager_client, "xlsx")
    sheet = read_sheet(response.getvalue(), "prospects.xlsx")
    mapping = guess_mapping(sheet.headers)
    assert sheet.headers[mapping["name"]] == sheet.headers[0]
    assert mapping["phone"] is not None and mapping["contact_name"] is not None


@pytest.mark.parametrize("extra", [0, 40])
def test_export_queries_do_not_grow_with_rows(
    manager, manager_client, prospects, extra, django_assert_num_queries
):
    for number in range(extra):
        add(manager, f"商户{number}")
    # session, user, how many (enough to be written in the background?), the ids in the
    # list's order, the rows (with industry, territory and owner joined), READ_ROWS a query
    with django_assert_num_queries(5):
        export(manager_client, "xlsx", stage=Stage.LEAD)


def test_the_xlsx_has_the_form_labels_widths_and_a_frozen_header(manager_client, prospects):
    from openpyxl import load_workbook

    response = manager_client.get(reverse("prospects:export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    headers = [cell.value for cell in sheet[1]]
    assert headers[:3] == ["名称", "类型", "行业"]
    assert "联系人职务" in headers and "下一步日期" in headers
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width >= 20


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_file_is_streamed_not_built_whole_in_the_response(
    manager_client, prospects, file_format
):
    response = export(manager_client, file_format)
    assert response.streaming
    assert b"".join(response.streaming_content)


def test_choices_read_as_their_labels_in_the_person_s_language(manager_client, prospects):
    rows = csv_rows(export(manager_client, "csv"))
    header, *body = rows
    stage = header.index("阶段")
    assert {row[stage] for row in body} <= {str(label) for _v, label in Stage.choices}
    assert all(row[stage] for row in body)


# --- A control character pasted into a field ----------------------------------------------
ADDRESS_WITH_A_CONTROL = "城南批发市场\x0bA区12号"


def test_a_control_character_in_a_field_does_not_break_the_xlsx(manager, manager_client):
    """XML cannot hold \\x01-\\x1f but tab and line breaks: openpyxl refused the whole file
    (a server error) for one pasted into an address. The character is dropped from the
    .xlsx; the CSV keeps the text as it is."""
    add(manager, "鑫源服装商行", address=ADDRESS_WITH_A_CONTROL, contact_name="王\x01伟")
    sheet = load_workbook(io.BytesIO(export(manager_client, "xlsx").getvalue())).worksheets[0]
    header, row = ([cell.value for cell in line] for line in sheet.iter_rows())
    assert row[header.index("地址")] == "城南批发市场A区12号"
    assert row[header.index("联系人")] == "王伟"
    [header, row] = csv_rows(export(manager_client, "csv"))
    assert row[header.index("地址")] == ADDRESS_WITH_A_CONTROL


def test_a_control_character_does_not_fail_an_export_written_in_the_background(people):
    from prospects.exporting import write_export
    from prospects.models import ExportStatus, ProspectExport

    add(people.owner, "鑫源服装商行", address=ADDRESS_WITH_A_CONTROL)
    export = ProspectExport.objects.create(
        requested_by=people.owner, file_format="xlsx", language="zh-hans"
    )
    write_export(export)  # what the worker runs
    export.refresh_from_db()
    assert export.status == ExportStatus.READY
    with export.file.open("rb") as file:
        sheet = load_workbook(io.BytesIO(file.read())).worksheets[0]
    header, row = ([cell.value for cell in line] for line in sheet.iter_rows())
    assert row[header.index("地址")] == "城南批发市场A区12号"
    export.file.delete(save=False)
