"""Lists as market offices export them, and an import that helps fix the file (issue 11)."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from bench.prospect_import import xlsx_bytes
from prospects import importing
from prospects.models import Prospect
from tests.prospects.factories import make_import_batch

TITLED = (
    "城南小商品批发市场商户名单（2026年11月）,,,\n"
    "序号,商户名称,联系电话,经营范围\n"
    "1,鑫源服装商行,13812345678,服装批发\n"
    ",,,\n"
    "2,宏达五金,12345,五金\n"
    "3,老周家常菜馆,13912345678,家常菜、盒饭外卖\n"
    "合计,3 户,,\n"
).encode()


def test_the_header_is_found_under_a_title_and_blank_and_totals_rows_are_noted():
    sheet = importing.read_sheet(TITLED, "名单.csv")
    assert sheet.headers == ["序号", "商户名称", "联系电话", "经营范围"]
    assert [number for number, _cells in sheet.rows] == [3, 5, 6]
    assert any("1" in note and "标题" in note for note in sheet.notes)
    assert any("4" in note and "空行" in note for note in sheet.notes)
    assert any("7" in note and "合计" in note for note in sheet.notes)


def test_phone_numbers_stored_as_numbers_and_a_title_in_an_xlsx():
    data = xlsx_bytes(
        [["鑫源服装商行", "", "", 13812345678.0]], headers=["商户名称", "", "", "手机"]
    )
    sheet = importing.read_sheet(data, "a.xlsx")
    assert sheet.rows[0][1][3] == "13812345678"


def test_the_preview_names_unmapped_columns_and_puts_the_reason_first(people, manager_client):
    batch = make_import_batch(people.owner, TITLED)
    page = manager_client.get(batch.get_absolute_url()).text
    assert "不导入的列" in page and "序号" in page.split("不导入的列")[1][:200]
    row = page.split('class="striped bad-rows"')[1].split("<tbody>")[1]
    assert row.index("不是有效的电话号码") < row.index(">5<")


def test_download_the_bad_rows_then_import_only_the_good_ones(people, manager_client):
    batch = make_import_batch(people.owner, TITLED)
    download = manager_client.get(reverse("prospects:import_bad_rows", args=[batch.pk]))
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == ["错误原因", "行号", "序号", "商户名称", "联系电话", "经营范围"]
    assert rows[1][1:] == ["5", "2", "宏达五金", "12345", "五金"]
    assert "不是有效的电话号码" in rows[1][0]

    commit = reverse("prospects:import_commit", args=[batch.pk])
    mapping = {"map_name": "1", "map_phone": "2", "map_industry": "3"}
    refused = manager_client.post(commit, mapping)
    assert refused.status_code == 200 and Prospect.objects.count() == 0  # all or nothing
    manager_client.post(commit, {**mapping, "skip_bad_rows": "on"})
    assert sorted(Prospect.objects.values_list("name", flat=True)) == [
        "老周家常菜馆",
        "鑫源服装商行",
    ]
    # 经营范围: no curated industry is named by 家常菜、盒饭外卖; the text is kept as a note.
    diner = Prospect.objects.get(name="老周家常菜馆")
    assert diner.industry is None
    assert diner.products_notes == "经营范围：家常菜、盒饭外卖"
