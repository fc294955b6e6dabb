"""Lists messier than the samples (QA): a title of several cells above the header, no header
at all, a cell beyond the header, merged cells, a totals row that counts. Nothing is dropped,
merged or guessed silently: what cannot be placed is a bad row or a note."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from bench.prospect_import import merchant_rows, xlsx_bytes
from prospects import importing, rules
from prospects.importing import guess_mapping, read_sheet, validate_rows
from prospects.models import ImportBatch, ImportStatus, Prospect
from tests.prospects.test_import_views import commit, upload, uploaded


@pytest.fixture
def english():
    # The new messages are asserted in their English source form.
    with translation.override("en"):
        yield


def checked(data: bytes, filename: str = "名单.csv"):
    sheet = read_sheet(data, filename)
    return sheet, validate_rows(sheet, guess_mapping(sheet.headers))


# --- A title of two cells above the header ------------------------------------------------
TWO_CELL_TITLE = (
    "城南市场商户名单,制表日期：2026-03-01\n"
    "商户名称,联系人,电话,地址\n"
    "一号店,张,13800138001,A路1号\n"
    "二号店,李,13800138002,B路2号\n"
).encode()


def test_a_title_of_two_cells_does_not_win_over_the_header_below_it(english):
    sheet, results = checked(TWO_CELL_TITLE)
    assert sheet.headers == ["商户名称", "联系人", "电话", "地址"]
    assert sheet.header_row == 2
    assert sheet.notes == ("Row(s) 1 above the header were read as a title and skipped.",)
    assert [(r.number, r.values["name"], r.values["contact_name"]) for r in results] == [
        (3, "一号店", "张"),
        (4, "二号店", "李"),
    ]
    assert [(r.values["phone"], r.values["address"]) for r in results] == [
        ("13800138001", "A路1号"),
        ("13800138002", "B路2号"),
    ]


def test_a_title_above_a_header_of_loose_names_is_skipped_too():
    data = (
        "城南市场商户名单,,制表日期：2026-03-01\n"
        "序号,会员单位名称,联系电话（手机）,经营地址\n"
        "1,一号店,13800138001,A路1号\n"
    ).encode()
    sheet = read_sheet(data, "名单.csv")
    assert sheet.header_row == 2
    assert sheet.rows == [(3, ["1", "一号店", "13800138001", "A路1号"])]


def test_a_title_of_two_cells_imports_every_column(manager_client, territory):
    batch = uploaded(manager_client, territory, TWO_CELL_TITLE)
    preview = manager_client.get(batch.get_absolute_url()).context["preview"]
    assert preview.unmapped_columns == []
    assert commit(manager_client, batch).status_code == 302
    assert sorted(Prospect.objects.values_list("name", "contact_name", "phone", "address")) == [
        ("一号店", "张", "13800138001", "A路1号"),
        ("二号店", "李", "13800138002", "B路2号"),
    ]


# --- No header row ------------------------------------------------------------------------
NO_HEADER = "九号店,13800138009\n十号店,13800138010\n".encode()


def test_without_a_header_every_row_is_a_merchant_and_the_columns_are_numbered(english):
    sheet = read_sheet(NO_HEADER, "名单.csv")
    assert sheet.headers == ["Column 1", "Column 2"]
    assert sheet.rows == [(1, ["九号店", "13800138009"]), (2, ["十号店", "13800138010"])]
    assert len(sheet.notes) == 1
    assert "every row, the first one included, is read as a merchant" in sheet.notes[0]
    assert guess_mapping(sheet.headers)["name"] is None  # the person says which is which


def test_without_a_header_a_title_is_not_guessed_either():
    data = "城南市场商户名单\n九号店,13800138009\n".encode()
    sheet = read_sheet(data, "名单.csv")
    assert [number for number, _cells in sheet.rows] == [1, 2]  # shown, not skipped


def test_an_address_naming_a_stall_does_not_make_a_merchant_the_header():
    # "摊位" is a column name (stall number), but a row with a phone number is a merchant.
    data = "八号店,A区摊位12号,13800138008\n九号店,B区摊位3号,13800138009\n".encode()
    sheet = read_sheet(data, "名单.csv")
    assert [cells[0] for _number, cells in sheet.rows] == ["八号店", "九号店"]


def test_without_a_header_the_person_maps_the_columns_and_the_first_row_is_imported(
    manager_client, territory
):
    batch = uploaded(manager_client, territory, NO_HEADER)
    page = manager_client.get(batch.get_absolute_url())
    preview = page.context["preview"]
    assert preview.errors  # no name column chosen yet: nothing can be imported
    assert len(preview.notes) == 1
    assert preview.notes[0] in page.content.decode()

    chosen = manager_client.get(batch.get_absolute_url(), {"map_name": 0, "map_phone": 1})
    assert [row.number for row in chosen.context["preview"].ready_rows] == [1, 2]
    response = manager_client.post(
        reverse("prospects:import_commit", args=[batch.pk]), {"map_name": 0, "map_phone": 1}
    )
    assert response.status_code == 302
    assert sorted(Prospect.objects.values_list("name", "phone")) == [
        ("九号店", "13800138009"),
        ("十号店", "13800138010"),
    ]


# --- A cell beyond the header -------------------------------------------------------------
UNQUOTED_COMMA = (
    "商户名称,联系人,电话,地址\n三号店,张,13800138003,A路1号,2楼\n四号店,李,13800138004,B路2号\n"
).encode()


def test_a_cell_beyond_the_header_makes_the_row_bad_and_says_which(english):
    _sheet, results = checked(UNQUOTED_COMMA)
    assert results[0].number == 2
    assert results[0].errors == [
        "Cells to the right of the header's last column: E “2楼”. Check for a comma inside a "
        "cell, or give the column a name in the header."
    ]
    assert results[1].errors == []


def test_empty_cells_beyond_the_header_are_no_error():
    _sheet, results = checked("商户名称,电话\n三号店,13800138003,,\n".encode())
    assert results[0].errors == []


def test_a_row_cut_by_a_comma_is_not_imported_cut(manager_client, territory):
    batch = uploaded(manager_client, territory, UNQUOTED_COMMA)
    preview = manager_client.get(batch.get_absolute_url()).context["preview"]
    assert [row.number for row in preview.bad_rows] == [2]
    assert "2楼" in preview.bad_rows[0].errors[0]

    download = manager_client.get(reverse("prospects:import_bad_rows", args=[batch.pk]))
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[1][1:] == ["2", "三号店", "张", "13800138003", "A路1号", "2楼"]

    assert commit(manager_client, batch).status_code == 200  # refused: a bad row
    assert not Prospect.objects.exists()
    commit(manager_client, batch, skip_bad_rows="on")
    assert list(Prospect.objects.values_list("name", flat=True)) == ["四号店"]
    page = manager_client.get(batch.get_absolute_url()).text
    assert "按您的选择，略过了 1 行有错误的数据。" in page and "重复数据" not in page


# --- Merged cells in a workbook -----------------------------------------------------------
def merged_book() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["城南市场商户名单"])
    sheet.merge_cells("A1:F1")  # a title across the columns: one cell on screen
    sheet.append(["商户名称", "行业", "联系人", "手机", "月销售额（万元）", "地址"])
    sheet.append(["服装一店", "服装批发", "张", 13800138011, 12.5, "A1"])
    sheet.append(["服装二店", None, "李", 13800138012, "8万", "A2"])
    sheet.append(["服装三店", None, "王", "138-0013-8013", 3, "A3"])
    sheet.merge_cells("B3:B5")
    sheet.append([None] * 6)
    sheet.append(["粮油四店", "粮油", "赵", 13800138014, 0.5, "B1"])
    sheet.append(["粮油五店", None, "钱", 13800138015, 0.5, "B2"])
    sheet.merge_cells("B7:B9")  # row 9 is blank but for the merged cell
    for column, value in enumerate(["茶叶六店", "茶叶", "孙", 13800138016, 1, "C1"], start=1):
        sheet.cell(row=10, column=column, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_merged_cell_gives_its_value_to_every_row_it_spans_and_the_notes_say_which(
    english,
):
    sheet, results = checked(merged_book(), "名单.xlsx")
    assert [(r.number, r.values["name"], r.values["industry_text"]) for r in results] == [
        (3, "服装一店", "服装批发"),
        (4, "服装二店", "服装批发"),
        (5, "服装三店", "服装批发"),
        (7, "粮油四店", "粮油"),
        (8, "粮油五店", "粮油"),
        (10, "茶叶六店", "茶叶"),
    ]
    assert sheet.notes[0] == (
        "Merged cells B3:B5, B7:B9: the value of each was copied to every row it spans."
    )
    assert "Blank row(s) 6, 9 were skipped." in sheet.notes


def test_merged_cells_are_found_across_the_chunks_of_a_long_sheet(monkeypatch):
    monkeypatch.setattr(importing, "XML_CHUNK", 7)  # every tag cut somewhere
    sheet = read_sheet(merged_book(), "名单.xlsx")
    assert [cells[1] for _number, cells in sheet.rows] == ["服装批发"] * 3 + ["粮油"] * 2 + ["茶叶"]


def test_a_workbook_without_merged_cells_has_no_note():
    sheet = read_sheet(xlsx_bytes(list(merchant_rows(3))), "名单.xlsx")
    assert sheet.notes == ()


def test_merged_industries_are_imported_on_every_row(manager_client, territory):
    batch = uploaded(manager_client, territory, merged_book(), "名单.xlsx")
    assert commit(manager_client, batch).status_code == 302
    imported = {p.name: p for p in Prospect.objects.select_related("industry")}
    assert len(imported) == 6
    for name in ("服装一店", "服装二店", "服装三店"):
        prospect = imported[name]
        # The industry that matches, else the text kept as the business scope.
        assert prospect.industry is not None or "服装批发" in prospect.products_notes


# --- A totals row that counts merchants ---------------------------------------------------
@pytest.mark.parametrize(
    "totals", ["共 2 户", "共2户", "共 2 家", "共2个", "共有 2 户", "共　2　户"]
)
def test_a_totals_row_that_counts_merchants_is_skipped_and_noted(english, totals):
    data = f"商户名称,联系人,电话\n五号店,张,13800138005\n六号店,李,13800138006\n{totals},,\n"
    sheet = read_sheet(data.encode(), "名单.csv")
    assert [cells[0] for _number, cells in sheet.rows] == ["五号店", "六号店"]
    assert sheet.notes == ("Totals row(s) 4 were skipped.",)


def test_a_merchant_whose_name_starts_with_gong_is_a_merchant():
    data = "商户名称,电话\n共享单车服务点,13800138005\n共2号摊位,13800138006\n".encode()
    sheet = read_sheet(data, "名单.csv")
    assert [cells[0] for _number, cells in sheet.rows] == ["共享单车服务点", "共2号摊位"]


# --- A formula in the file ------------------------------------------------------------
def test_the_rows_to_fix_never_carry_a_formula_and_import_back_as_they_were(
    manager_client, territory
):
    """A cell such as =HYPERLINK(…) is written with a leading quote, as the list's export
    does, so Excel shows it instead of running it; the fixed file imports it unquoted."""
    data = (
        "商户名称,电话,地址\n"
        '=HYPERLINK("http://example.test"),12345,A路1号\n'
        "+一号店,13800138001,@B路2号\n"
    ).encode()
    batch = uploaded(manager_client, territory, data)
    download = manager_client.get(reverse("prospects:import_bad_rows", args=[batch.pk]))
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[1][2] == '\'=HYPERLINK("http://example.test")'
    # Fixed in the downloaded file (the phone), and uploaded again.
    fixed = io.StringIO()
    writer = csv.writer(fixed)
    writer.writerow(rows[0][2:])
    writer.writerow([rows[1][2], "13800138009", rows[1][4]])
    writer.writerow(["'+一号店", "13800138001", "'@B路2号"])
    again = uploaded(manager_client, territory, fixed.getvalue().encode("utf-8-sig"))
    assert commit(manager_client, again).status_code == 302
    assert sorted(Prospect.objects.values_list("name", "address")) == [
        ("+一号店", "@B路2号"),
        ('=HYPERLINK("http://example.test")', "A路1号"),
    ]


# --- A quote that is never closed ---------------------------------------------------------
UNCLOSED_QUOTE = (
    "商户名称,电话,地址\n"
    '张三五金,13800000001,"A区12号\n'
    "李四五金,13800000002,B区3号\n"
    '王五百货,13800000003,"C区7号"\n'
    "赵六茶行,13800000004,D区1号\n"
).encode()


def test_a_quote_never_closed_makes_its_row_bad_instead_of_swallowing_the_rows_below(
    manager_client, territory
):
    """The csv module reads on to the next quote: 张三五金's address held 李四五金 and
    王五百货, and the row was ready to import. Now the row is bad, naming the line."""
    batch = uploaded(manager_client, territory, UNCLOSED_QUOTE)
    page = manager_client.get(batch.get_absolute_url())
    preview = page.context["preview"]
    assert [(row.number, row.values["name"]) for row in preview.bad_rows] == [(2, "张三五金")]
    message = preview.bad_rows[0].errors[0]
    assert message.startswith('文件第 2 行：该行某个单元格开头的引号（"）没有闭合')
    assert "直到第 4 行" in message
    assert message in page.content.decode().replace("&quot;", '"')
    assert [row.values["name"] for row in preview.ready_rows] == ["赵六茶行"]

    assert commit(manager_client, batch).status_code == 200  # refused: a bad row
    assert not Prospect.objects.exists()
    commit(manager_client, batch, skip_bad_rows="on")
    assert list(Prospect.objects.values_list("name", flat=True)) == ["赵六茶行"]


def test_a_quote_never_closed_in_the_header_refuses_the_file(manager_client, territory):
    data = '商户名称,电话,"地址\n张三五金,13800000001,A区12号\n'.encode()
    response = upload(manager_client, territory, data, "members.csv")
    assert response.status_code == 200
    assert "文件第 1 行：该行某个单元格开头的引号" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_quote_never_closed_on_the_last_line_makes_that_row_bad(manager_client, territory):
    """At the end of the file the lenient reader took '未闭合引号,13911112235,1' as a
    merchant's name, with no phone, and imported it without a word."""
    data = ('商户名称,电话,序号\n正常商户,13911112234,1\n"未闭合引号,13911112235,2\n').encode()
    batch = uploaded(manager_client, territory, data)
    preview = manager_client.get(batch.get_absolute_url()).context["preview"]
    assert [row.number for row in preview.bad_rows] == [3]
    assert preview.bad_rows[0].errors == [
        '文件第 3 行：该行某个单元格开头的引号（"）始终没有闭合，其后的全部内容都被读进了这一个单元格。'
        "请闭合或删去该引号后重新上传。"
    ]
    assert [row.values["name"] for row in preview.ready_rows] == ["正常商户"]


def test_a_quote_closed_on_the_last_line_is_a_cell(manager_client, territory):
    data = '商户名称,电话,地址\n正常商户,13911112234,"A区\n12号"'.encode()
    batch = uploaded(manager_client, territory, data)
    preview = manager_client.get(batch.get_absolute_url()).context["preview"]
    assert preview.bad_rows == []
    assert [row.values["address"] for row in preview.ready_rows] == ["A区\n12号"]


def test_a_quoted_address_on_two_lines_is_one_cell_and_imports(manager_client, territory):
    data = (
        "商户名称,电话,地址\n"
        '张三五金,13800000001,"城南批发市场\r\nA区12号"\n'
        "李四五金,13800000002,B区3号\n"
    ).encode()
    batch = uploaded(manager_client, territory, data)
    preview = manager_client.get(batch.get_absolute_url()).context["preview"]
    assert preview.bad_rows == []
    assert [row.number for row in preview.ready_rows] == [2, 3]
    assert commit(manager_client, batch).status_code == 302
    assert sorted(Prospect.objects.values_list("name", "address")) == [
        ("张三五金", "城南批发市场\r\nA区12号"),
        ("李四五金", "B区3号"),
    ]


def test_a_cell_past_the_csv_modules_limit_is_refused_in_chinese(manager_client, territory):
    """csv.Error's message was shown as it is, in English ("field larger than field limit")."""
    data = ('商户名称,电话,地址\n张三五金,13800000001,"A区12号' + "号" * 140_000 + "\n").encode()
    response = upload(manager_client, territory, data, "members.csv")
    assert response.status_code == 200
    page = response.content.decode()
    assert "文件第 2 行开始的这一行有个单元格超过 131,072 个字符" in page
    assert "field limit" not in page
    assert not ImportBatch.objects.exists()


# --- An amount past what decimal computes with --------------------------------------------
HUGE_AMOUNTS = (
    "商户名称,电话,月销售额,融资需求\n"
    "张三五金,13800000001,1e1000000,\n"
    "李四五金,13800000002,12000,1E+999999999\n"
    "王五百货,13800000003,12000,50万\n"
).encode()


def test_an_amount_of_a_million_digits_is_a_bad_row_not_a_server_error(manager_client, territory):
    """Decimal("1e1000000") * 1 raises decimal.Overflow, which is no ValueError: the
    preview, the rows to fix and the import answered with a server error."""
    batch = uploaded(manager_client, territory, HUGE_AMOUNTS)
    page = manager_client.get(batch.get_absolute_url())
    assert page.status_code == 200
    preview = page.context["preview"]
    assert [(row.number, row.errors) for row in preview.bad_rows] == [
        (2, ["月销售额（元）数值过大：“1e1000000”。"]),
        (3, ["融资需求（元）数值过大：“1E+999999999”。"]),
    ]
    download = manager_client.get(reverse("prospects:import_bad_rows", args=[batch.pk]))
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert [row[:2] for row in rows[1:]] == [
        ["月销售额（元）数值过大：“1e1000000”。", "2"],
        ["融资需求（元）数值过大：“1E+999999999”。", "3"],
    ]
    assert commit(manager_client, batch, skip_bad_rows="on").status_code == 302
    assert list(Prospect.objects.values_list("name", "estimated_credit_need")) == [
        ("王五百货", Decimal("500000.00"))
    ]


def test_an_amount_of_a_million_digits_does_not_stop_the_background_import(
    manager_client, territory, settings
):
    settings.PROSPECT_IMPORT_BACKGROUND_ROWS = 1  # any file of more than one row is long
    batch = uploaded(manager_client, territory, HUGE_AMOUNTS)
    assert commit(manager_client, batch, skip_bad_rows="on").status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportStatus.QUEUED

    importing.import_queued(batch.pk, batch.commit_request["confirmation"])  # the worker's task

    batch.refresh_from_db()
    assert (batch.status, batch.imported_count) == (ImportStatus.COMMITTED, 1)
    assert list(Prospect.objects.values_list("name", flat=True)) == ["王五百货"]


# --- A phone cell of a whole page -----------------------------------------------------------
class _PatternGuard:
    """PHONE_EXTENSION, refusing to run on text longer than a phone: its time grows with
    the square of a run of spaces (seconds for one cell of 30,000)."""

    def __init__(self, pattern):
        self.pattern = pattern

    def fullmatch(self, text):
        assert len(text) <= rules.PHONE_MAX_LENGTH, f"ran on {len(text)} characters"
        return self.pattern.fullmatch(text)


def test_a_phone_cell_of_fifty_thousand_characters_is_refused_before_the_pattern(
    manager_client, territory, monkeypatch
):
    monkeypatch.setattr(rules, "PHONE_EXTENSION", _PatternGuard(rules.PHONE_EXTENSION))
    long_phone = "1" + " " * 49_998 + "1"
    data = f"商户名称,电话\n张三五金,{long_phone}\n李四五金,0755 1234 5678 转 88\n".encode()
    batch = uploaded(manager_client, territory, data)
    page = manager_client.get(batch.get_absolute_url())
    preview = page.context["preview"]
    assert [(row.number, row.errors) for row in preview.bad_rows] == [
        (2, [f"“1{' ' * 22}…”不是有效的电话号码（手机或带区号的固定电话）。"])
    ]
    assert [row.values["phone"] for row in preview.ready_rows] == ["0755-12345678-88"]
