"""Reading and checking a merchant list, before anything touches the database."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from bench.prospect_import import HEADERS, csv_bytes, merchant_rows, xlsx_bytes
from prospects.importing import (
    Choices,
    ImportFileError,
    clean_phone,
    flag_existing,
    guess_mapping,
    mapping_errors,
    match_industry,
    parse_amount,
    read_sheet,
    summarise,
    validate_rows,
)


@pytest.fixture(autouse=True)
def english():
    # The messages are asserted in their English source form.
    with translation.override("en"):
        yield


GOOD_ROWS = [
    ["鑫源服装商行", "王伟", "老板", "13812345678", "城南批发市场A区12号", "批发贸易", "12.5", ""],
    [
        "宏达五金经营部",
        "李娜",
        "店长",
        "0571-87654321",
        "城南批发市场B区3号",
        "批发贸易",
        "8",
        "商会会员",
    ],
]


def checked(data: bytes, filename: str, choices: Choices | None = None):
    sheet = read_sheet(data, filename)
    return sheet, validate_rows(sheet, guess_mapping(sheet.headers), choices)


def test_gbk_csv_as_excel_writes_it_is_read():
    sheet = read_sheet(csv_bytes(GOOD_ROWS, encoding="gbk"), "会员名单.csv")
    assert sheet.encoding == "GBK/GB18030"
    assert sheet.headers[0] == "商户名称"
    assert sheet.rows[0] == (2, GOOD_ROWS[0])


def test_utf8_sig_csv_is_read_without_the_bom_in_the_first_header():
    sheet = read_sheet(csv_bytes(GOOD_ROWS, encoding="utf-8-sig"), "members.CSV")
    assert sheet.encoding == "UTF-8"
    assert sheet.headers[0] == "商户名称"


def test_plain_utf8_and_semicolon_separated_csv():
    data = "名称;电话\n鑫源服装商行;13812345678\n".encode()
    sheet = read_sheet(data, "members.csv")
    assert sheet.headers == ["名称", "电话"]
    assert sheet.rows == [(2, ["鑫源服装商行", "13812345678"])]


def test_xlsx_is_read_and_numbers_typed_in_excel_become_text():
    rows = [["鑫源服装商行", "王伟", "老板", 13812345678, "A区12号", "批发贸易", 12.5, None]]
    sheet = read_sheet(xlsx_bytes(rows), "members.xlsx")
    assert sheet.encoding == "xlsx"
    assert sheet.rows[0][1][3] == "13812345678"
    assert sheet.rows[0][1][6] == "12.5"


def test_file_that_is_neither_csv_nor_xlsx_is_refused():
    with pytest.raises(ImportFileError, match="CSV or Excel"):
        read_sheet(b"%PDF-1.4 ...", "members.pdf")


def test_binary_file_named_csv_is_refused():
    with pytest.raises(ImportFileError, match="not a CSV"):
        read_sheet(b"\x00\x01\x02binary\x00", "members.csv")
    with pytest.raises(ImportFileError, match="not a CSV"):
        read_sheet(xlsx_bytes(GOOD_ROWS), "members.csv")


def test_broken_xlsx_is_refused():
    with pytest.raises(ImportFileError, match="not a valid Excel"):
        read_sheet(b"PK\x03\x04 not really a zip", "members.xlsx")
    with pytest.raises(ImportFileError, match="not a valid Excel"):
        read_sheet("名称\n鑫源\n".encode(), "members.xlsx")


def test_xlsx_that_unpacks_to_far_more_than_the_limit_is_refused(settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 20_000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * 1_000_000)
    data = buffer.getvalue()
    assert len(data) < 5_000  # small on the wire
    with pytest.raises(ImportFileError, match="too large once unpacked"):
        read_sheet(data, "members.xlsx")


def test_damaged_files_get_a_message_not_an_error():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types")  # truncated XML
    with pytest.raises(ImportFileError, match="not a valid Excel"):
        read_sheet(buffer.getvalue(), "members.xlsx")
    with pytest.raises(ImportFileError, match="not a CSV"):
        read_sheet(b"\xff\xfe\x00", "members.csv")  # UTF-16 cut in the middle of a character


def test_utf16_tab_separated_text_from_excel_is_read():
    sheet = read_sheet("名称\t电话\n鑫源服装商行\t13812345678\n".encode("utf-16"), "m.txt")
    assert sheet.encoding == "UTF-16"
    assert sheet.rows == [(2, ["鑫源服装商行", "13812345678"])]


def test_old_xls_gets_a_clear_message():
    with pytest.raises(ImportFileError, match=r"\.xls"):
        read_sheet(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "members.xls")


def test_undecodable_csv_names_the_encodings_and_the_fix():
    with pytest.raises(ImportFileError, match="UTF-8 nor GBK"):
        read_sheet(b"\xff\xff\x80\x80name\n", "members.csv")


def test_empty_and_header_only_files_are_refused():
    with pytest.raises(ImportFileError, match="empty"):
        read_sheet(b"", "members.csv")
    with pytest.raises(ImportFileError, match="no rows"):
        read_sheet(b"\n\n , \n", "members.csv")
    with pytest.raises(ImportFileError, match="no merchants"):
        read_sheet("商户名称,电话\n".encode(), "members.csv")


def test_oversized_file_is_refused(settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 100
    with pytest.raises(ImportFileError, match="too large"):
        read_sheet(csv_bytes(GOOD_ROWS * 5), "members.csv")


def test_mapping_is_guessed_from_chinese_and_english_headers():
    mapping = guess_mapping(HEADERS)
    assert mapping["name"] == 0
    assert mapping["contact_name"] == 1
    assert mapping["phone"] == 3
    assert mapping["monthly_sales"] == 6
    english = guess_mapping(["Name", "Contact", "Mobile", "Address", "Industry"])
    assert (english["name"], english["phone"], english["industry"]) == (0, 2, 4)
    loose = guess_mapping(["序号", "会员单位名称", "联系电话（手机）"])
    assert (loose["name"], loose["phone"]) == (1, 2)


def test_mapping_needs_a_name_column_and_distinct_columns():
    assert mapping_errors({"name": None}, 3)
    assert mapping_errors({"name": 0, "phone": 0}, 3)
    assert mapping_errors({"name": 5}, 3)
    assert not mapping_errors({"name": 0, "phone": 1}, 3)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("0571-87654321", "0571-87654321"),
        ("(010)12345678", "010-12345678"),
        ("12345", None),
        ("23812345678", None),
        ("电话待补", None),
    ],
)
def test_phone_numbers(raw, expected):
    assert clean_phone(raw) == expected


def test_every_bad_row_gets_its_row_number_and_reason():
    data = (
        "商户名称,手机,月销售额,融资需求\n"
        "鑫源服装商行,13812345678,12000,50000\n"
        ",13912345678,1,1\n"  # row 3: no name
        "宏达五金,12345,1,1\n"  # row 4: bad phone
        "永盛茶叶,,很多,-5\n"  # row 5: bad number and negative amount
    ).encode()
    _sheet, results = checked(data, "members.csv")
    bad = {r.number: r.errors for r in results if r.errors}
    assert list(bad) == [3, 4, 5]
    assert bad[3] == ["The name is missing."]
    assert "“12345” is not a valid phone number" in bad[4][0]
    assert bad[5] == [
        "Monthly sales (CNY) is not a number: “很多”.",
        "Estimated credit need (CNY) cannot be negative: “-5”.",
    ]
    assert results[0].values["monthly_sales"] == Decimal("12000.00")
    assert summarise(results).bad == 3


def test_amounts_in_ten_thousands_are_converted():
    _sheet, results = checked("名称,月销售额（万元）\n鑫源,12.5\n宏达,3万\n".encode(), "m.csv")
    assert results[0].values["monthly_sales"] == Decimal("125000.00")
    assert results[1].values["monthly_sales"] == Decimal("30000.00")


def test_duplicates_within_the_file_are_flagged_against_the_first_row():
    data = (
        "名称,电话\n"
        "鑫源服装商行,13812345678\n"
        "鑫源 服装商行,13900000000\n"  # same name (spaces do not count)
        "宏达五金,138-1234-5678\n"  # same phone
    ).encode()
    _sheet, results = checked(data, "members.csv")
    assert [r.duplicate for r in results] == ["", "Same name as row 2", "Same phone as row 2"]
    assert summarise(results).duplicates == 2
    assert summarise(results).ready == 1


def test_duplicates_of_existing_prospects_are_flagged():
    _sheet, results = checked(csv_bytes(GOOD_ROWS), "members.csv")
    flag_existing(
        results, names={"鑫源服装商行": "鑫源服装商行 (王经理)"}, phones={"057187654321": "宏达"}
    )
    assert results[0].duplicate == "Already a prospect: 鑫源服装商行 (王经理)"
    assert results[1].duplicate == "Already a prospect: 宏达"


def test_kinds_and_industries_map_onto_the_choices():
    data = "名称,类型,行业\n鑫源,个体工商户,服装批发\n宏达,外星企业,未知行业\n".encode()
    choices = Choices(kinds={"个体工商户": "sole_trader"}, industries={"批发": 7})
    _sheet, results = checked(data, "members.csv", choices)
    assert results[0].values["kind"] == "sole_trader"
    assert results[0].values["industry"] == 7
    assert results[1].errors == ["Unknown kind “外星企业”."]
    assert results[1].values["industry"] is None


def test_free_text_industries_find_the_curated_one():
    curated = {"批发贸易": 1, "酒店住宿": 2, "服装纺织": 3, "餐饮": 4}
    assert match_industry("餐饮", curated) == 4
    assert match_industry("酒店", curated) == 2
    assert match_industry("服装批发", curated) == 1  # tie: the preferred industry comes first
    assert match_industry("服装加工", curated) == 3
    assert match_industry("软件", curated) is None


def test_generated_bench_rows_are_all_valid_and_distinct():
    rows = list(merchant_rows(500))
    _sheet, results = checked(csv_bytes(rows), "members.csv")
    assert summarise(results).ready == 500


def test_the_template_offered_for_download_imports_cleanly():
    from django.conf import settings

    path = settings.BASE_DIR / "static" / "files" / "merchant-list-template.csv"
    sheet = read_sheet(path.read_bytes(), path.name)
    choices = Choices(
        kinds={"个体工商户": "sole_trader", "企业": "enterprise"},
        industries={"批发贸易": 1, "建材五金": 2},
    )
    results = validate_rows(sheet, guess_mapping(sheet.headers), choices)
    assert summarise(results).ready == 2
    assert results[0].values["estimated_credit_need"] == Decimal("300000.00")
    assert results[1].values["kind"] == "enterprise"


@given(
    st.text(max_size=30)
    | st.from_regex(r"(\+86 ?)?1[3-9]\d{9}|0\d{2,3}[- ]?\d{7,8}", fullmatch=True)
)
def test_the_import_the_form_and_the_model_read_a_phone_alike(text):
    """One rule: whatever the import accepts, the form and the model accept, and back."""
    from django.core.exceptions import ValidationError

    from prospects.models import validate_phone

    cleaned = clean_phone(text)
    try:
        validate_phone(text)
        model_accepts = True
    except ValidationError:
        model_accepts = False
    assert model_accepts == (cleaned is not None or not text)
    if cleaned is not None:
        assert clean_phone(cleaned) == cleaned  # the canonical form is a fixed point
        validate_phone(cleaned)


@given(st.text(max_size=30))
def test_any_amount_text_is_a_non_negative_amount_or_a_value_error(text):
    try:
        amount = parse_amount(text)
    except ValueError:
        return
    assert Decimal(0) <= amount <= Decimal("999999999999.99")
