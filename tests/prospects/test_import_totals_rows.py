"""A merchant whose name starts with 合计 / 总计 / 小计 / 共计 / Total is a merchant, not the
list's totals row: it has a phone or an address. Only a row of the word and figures is
skipped, with its note."""

from __future__ import annotations

import pytest

from prospects import importing
from prospects.importing import import_preview, is_totals_row
from prospects.models import Prospect
from tests.prospects.factories import make_import_batch
from tests.prospects.test_import_views import commit, uploaded

pytestmark = pytest.mark.django_db

MERCHANTS = ["合计五金商行", "总计批发部", "小计餐饮店", "共计粮油店", "Total Fresh Mart"]


@pytest.mark.parametrize("name", MERCHANTS)
def test_a_merchant_named_like_a_totals_row_is_previewed_and_importable(manager, name):
    data = f"商户名称,电话,地址\n{name},13812345678,A区1号\n二号店,13812345679,A区2号\n"
    batch = make_import_batch(manager, data.encode())

    preview = import_preview(batch=batch)

    assert [row.values["name"] for row in preview.results] == [name, "二号店"]
    assert all(row.ok for row in preview.results)
    assert not any("合计行" in note for note in preview.notes)


def test_a_merchant_with_an_address_and_no_phone_is_still_a_merchant():
    assert not is_totals_row(["合计五金商行", "", "A区1号"])


@pytest.mark.parametrize(
    "totals",
    [
        ["合计", "", "", ""],
        ["合计", "3 户", "", ""],
        ["合计", "", "", "52"],
        ["总计", "", "¥12,000.00", "1.5万元"],
        ["Total", "", "", "12,000"],
        ["小计", "１２，０００", "", "共 52 家"],  # full-width, as Excel on a Chinese PC writes
        ["共 52 户", "", "", ""],
    ],
)
def test_a_row_of_the_word_and_figures_is_the_totals_row(totals):
    assert is_totals_row(totals)


def test_the_real_totals_row_is_still_skipped_with_its_note(manager):
    data = (
        "商户名称,电话,地址,月销售额\n"
        "合计五金商行,13812345678,A区1号,12\n"
        "二号店,13812345679,A区2号,30\n"
        "合计,,,42\n"
    ).encode()
    batch = make_import_batch(manager, data)

    preview = import_preview(batch=batch)

    assert [row.number for row in preview.results] == [2, 3]
    assert "合计行（第 4 行）已跳过。" in preview.notes


def test_the_merchant_is_imported(manager_client, territory):
    data = "商户名称,电话,地址\n合计五金商行,13812345678,A区1号\n合计,,\n".encode()
    batch = uploaded(manager_client, territory, data)

    assert commit(manager_client, batch).status_code == 302

    assert list(Prospect.objects.values_list("name", flat=True)) == ["合计五金商行"]
    assert importing.read_sheet(data, "名单.csv").notes == ("合计行（第 3 行）已跳过。",)
