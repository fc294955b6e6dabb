"""A workbook of several sheets (issue 11): a cover or notes sheet often comes first; the
import reads the sheet with the list, says so, and lets the person pick another."""

from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import Workbook

from prospects import importing
from prospects.models import ImportBatch, Prospect
from tests.prospects.test_import_views import upload


def workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


COVER = [["城南小商品批发市场商户名单"], ["填表说明：每户一行，电话填手机"]]
EAST = [["商户名称", "手机"], ["鑫源服装商行", 13812345678], ["宏达五金经营部", 13912345678]]
WEST = [["商户名称", "联系电话"], ["永盛茶叶店", 13700000001]]
BOOK = workbook({"说明": COVER, "东区": EAST, "西区": WEST})


def test_the_first_sheet_with_a_header_is_read_and_the_notes_say_which():
    sheet = importing.read_sheet(BOOK, "名单.xlsx")
    assert sheet.sheet_names == ("说明", "东区", "西区")
    assert sheet.sheet_name == "东区"
    assert [cells[0] for _number, cells in sheet.rows] == ["鑫源服装商行", "宏达五金经营部"]
    assert any("东区" in note and "3" in note for note in sheet.notes)


def test_a_chosen_sheet_is_read_and_an_unknown_name_falls_back():
    assert importing.read_sheet(BOOK, "名单.xlsx", "西区").rows == [
        (2, ["永盛茶叶店", "13700000001"])
    ]
    assert importing.read_sheet(BOOK, "名单.xlsx", "没有这页").sheet_name == "东区"


def test_a_chosen_sheet_without_a_list_says_which_sheet_and_names_the_others():
    book = workbook({"东区": EAST, "空白": []})
    try:
        importing.read_sheet(book, "名单.xlsx", "空白")
    except importing.ImportFileError as error:
        assert "空白" in str(error) and "东区" in str(error)
    else:
        raise AssertionError("an empty sheet was read")


def test_a_csv_file_has_no_sheets():
    sheet = importing.read_sheet("商户名称,手机\n鑫源服装商行,13812345678\n".encode(), "a.csv")
    assert (sheet.sheet_names, sheet.sheet_name) == ((), "")


def test_the_person_picks_the_sheet_in_the_preview_and_imports_it(
    people, manager_client, territory
):
    response = upload(manager_client, territory, BOOK, "名单.xlsx")
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    preview_url = reverse("prospects:import_preview", args=[batch.pk])
    page = manager_client.get(preview_url).text
    assert 'name="sheet"' in page and '<option value="东区" selected>' in page
    assert "鑫源服装商行" in page

    picked = manager_client.get(preview_url, {"sheet": "西区"}).text
    assert "永盛茶叶店" in picked and "鑫源服装商行" not in picked
    assert '<option value="西区" selected>' in picked
    # The commit form and the bad-rows link carry the sheet chosen.
    assert '<input type="hidden" name="sheet" value="西区">' in picked

    commit = manager_client.post(
        reverse("prospects:import_commit", args=[batch.pk]),
        {"sheet": "西区", "map_name": "0", "map_phone": "1"},
    )
    assert commit.status_code == 302
    assert list(Prospect.objects.values_list("name", flat=True)) == ["永盛茶叶店"]
