"""Reading a merchant list (CSV or .xlsx) and checking it row by row, before anything is saved.

The first part knows files, columns and rows, not the database (pure, tested
with crafted files). The last part, `import_preview` and `import_commit`,
compares the rows with the prospects already in the branch and saves them all
or none. Row numbers are the ones the user sees in Excel: the header is row 1.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal, DecimalException, InvalidOperation
from itertools import islice
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prospects.exporting import safe_text, unsafe_text
from prospects.models import normalise_name, normalise_phone
from prospects.rules import canonical_phone

NAME_MAX_LENGTH = 200
# Excel's "CSV (逗号分隔)" on a Chinese Windows writes GBK; GB18030 is its superset.
CSV_ENCODINGS = (("utf-8-sig", "UTF-8"), ("gb18030", "GBK/GB18030"))
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls format
XLSX_UNPACKED_RATIO = 25
# What openpyxl raises on a damaged workbook (XML parse errors are SyntaxErrors).
XLSX_ERRORS = (
    zipfile.BadZipFile,
    KeyError,
    IndexError,
    OSError,
    ValueError,
    TypeError,
    SyntaxError,
)


class ImportFileError(Exception):
    """A file that cannot be read at all; the message is translated and shown beside the field."""


@dataclass(frozen=True)
class Sheet:
    headers: list[str]
    # (row number as Excel shows it, cells as text)
    rows: list[tuple[int, list[str]]]
    encoding: str
    # What was skipped and why (a title above the header, blank rows, a totals row).
    notes: tuple[str, ...] = ()
    header_row: int = 1
    # A workbook's sheets, and the one read (empty for a CSV file).
    sheet_names: tuple[str, ...] = ()
    sheet_name: str = ""
    # Rows found wrong while reading the file (a CSV quote not closed), by row number: the
    # message, reported with the row's other errors.
    row_errors: Mapping[int, str] = field(default_factory=dict)


# --- Reading the file ---------------------------------------------------------------
def check_size(size: int) -> None:
    if size == 0:
        raise ImportFileError(_("The file is empty."))
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if size > limit:
        raise ImportFileError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )


def read_upload(upload: Any) -> bytes:
    """The bytes of an uploaded file, after the size checks (never reads more than the limit)."""
    check_size(upload.size or 0)
    upload.seek(0)
    data = upload.read(settings.IMPORT_MAX_UPLOAD_BYTES + 1)
    check_size(len(data))
    return data


def read_sheet(data: bytes, filename: str, sheet_name: str | None = None) -> Sheet:
    """Read a CSV or .xlsx file into a header and rows of text, or raise ImportFileError.

    Of a workbook with several sheets, `sheet_name` is read, or else the first sheet with a
    header near its top (a cover or notes sheet often comes first); the notes say which."""
    check_size(len(data))
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if data.startswith(OLE_MAGIC) or extension == "xls":
        raise ImportFileError(
            _("This is an old Excel .xls file. In Excel, save it as .xlsx or CSV and upload again.")
        )
    if extension == "xlsx":
        return _read_workbook(data, sheet_name)
    if extension in {"csv", "txt"}:
        text, encoding = _decode(data)
        rows, unclosed = _csv_rows(text)
        return _to_sheet(rows, encoding, unclosed=unclosed)
    raise ImportFileError(_("Upload a CSV or Excel (.xlsx) file."))


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(ZIP_MAGIC):
        raise ImportFileError(
            _(
                "This file is not a CSV file (it looks like an Excel or zip file). Upload a .xlsx file as .xlsx."
            )
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" export.
        try:
            text, encoding = data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise ImportFileError(
                _("This file is not a CSV file (it contains binary data).")
            ) from None
    else:
        for codec, label in CSV_ENCODINGS:
            try:
                text, encoding = data.decode(codec), label
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ImportFileError(
                _(
                    "The file's text encoding is neither UTF-8 nor GBK. In Excel, choose "
                    "“Save as” → “CSV UTF-8 (comma delimited)” and upload again."
                )
            )
    if "\x00" in text:
        raise ImportFileError(_("This file is not a CSV file (it contains binary data)."))
    return text, encoding


LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _csv_rows(text: str) -> tuple[list[list[str]], dict[int, str]]:
    """The file's records as cells, and the records whose quote is not closed (by record
    number, as _to_sheet counts them, with the message to show)."""
    first_line = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    unclosed: dict[int, str] = {}
    starts_on = 1  # the line of the file the record starts on
    try:
        for number, row in enumerate(reader, start=1):
            if (opened_on := _swallowing_cell(row, delimiter, starts_on)) is not None:
                unclosed[number] = _(
                    'Line %(line)s of the file: the quote (") that opens a cell there is not '
                    "closed, so the lines after it, up to line %(last)s, were read into that "
                    "one cell, though they look like further rows. Close or remove the quote "
                    "and upload again."
                ) % {"line": opened_on, "last": reader.line_num}
            rows.append([unsafe_text(cell) for cell in row])
            last_starts_on, starts_on = starts_on, reader.line_num + 1
    except csv.Error as error:
        raise ImportFileError(_csv_error(error, starts_on)) from None
    if rows and len(rows) not in unclosed and _ends_inside_quotes(text, last_starts_on, delimiter):
        unclosed[len(rows)] = _(
            'Line %(line)s of the file: the quote (") that opens a cell there is never '
            "closed, so everything after it was read into that one cell. Close or remove the "
            "quote and upload again."
        ) % {"line": last_starts_on}
    return rows, unclosed


def _ends_inside_quotes(text: str, starts_on: int, delimiter: str) -> bool:
    """Whether the file ends inside a quoted cell of its last record, which starts on line
    `starts_on`: the lenient reader takes all that is left as the cell's text (a merchant
    named "未闭合引号,139…,1"), the strict one refuses it."""
    last_record = "\n".join(LINE_BREAK.split(text)[starts_on - 1 :])
    try:
        for _row in csv.reader(
            io.StringIO(last_record, newline=""), delimiter=delimiter, strict=True
        ):
            pass
    except csv.Error as error:
        return "unexpected end of data" in str(error)
    return False


def _swallowing_cell(row: list[str], delimiter: str, starts_on: int) -> int | None:
    """The line on which a quoted cell opened that runs over several lines holding the
    delimiter: an unclosed quote that swallowed the rows below it (张三五金,138…,"A区12号
    and the next merchants). A quoted address merely written on two lines is a cell."""
    line = starts_on
    for cell in row:
        _first, *more = LINE_BREAK.split(cell)
        if any(delimiter in swallowed for swallowed in more):
            return line
        line += len(more)
    return None


def _csv_error(error: csv.Error, starts_on: int) -> str:
    """What the csv module refused, in the person's language (its message is English)."""
    if "field limit" in str(error):
        return _(
            "The row that starts on line %(line)s of the file has a cell longer than %(limit)s "
            'characters: usually a quote (") opened there that is never closed. Close or '
            "remove the quote and upload again."
        ) % {"line": starts_on, "limit": f"{csv.field_size_limit():,}"}
    return _(
        "The CSV file cannot be read from line %(line)s on. Check that line for a stray "
        'quote ("), save the file as CSV again and upload it.'
    ) % {"line": starts_on}


def _read_workbook(data: bytes, wanted: str | None) -> Sheet:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise ImportFileError(_("This file is not a valid Excel (.xlsx) workbook.")) from None
    # A few kilobytes can unpack to gigabytes (a "zip bomb"); real lists stay far below this.
    if unpacked > XLSX_UNPACKED_RATIO * settings.IMPORT_MAX_UPLOAD_BYTES:
        raise ImportFileError(_("This workbook is too large once unpacked."))
    workbook = None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        names = tuple(workbook.sheetnames)
        if not names:
            raise ImportFileError(_("The file has no rows."))
        chosen = wanted if wanted in names else _sheet_with_a_header(workbook)
        worksheet = workbook[chosen]
        rows = [
            [_cell_text(value) for value in row] for row in worksheet.iter_rows(values_only=True)
        ]
        # Read-only mode does not expose merged cells; the sheet's XML lists them at its end.
        # (_worksheet_path is the sheet's member in the zip; a test fails if openpyxl drops it.)
        filled_in = _fill_merged_cells(rows, _merged_ranges(data, worksheet._worksheet_path))
    except XLSX_ERRORS:
        raise ImportFileError(_("This file is not a valid Excel (.xlsx) workbook.")) from None
    finally:
        if workbook is not None:
            workbook.close()
    notes = []
    if filled_in:
        notes.append(
            _("Merged cells %(ranges)s: the value of each was copied to every row it spans.")
            % {"ranges": _number_list(filled_in)}
        )
    try:
        sheet = _to_sheet(rows, "xlsx", notes)
    except ImportFileError as error:
        if len(names) == 1:
            raise
        # Say which sheet: another one may hold the list.
        raise ImportFileError(
            _("Sheet “%(sheet)s”: %(error)s Choose another sheet: %(sheets)s.")
            % {"sheet": chosen, "error": error, "sheets": "、".join(names)}
        ) from None
    notes = sheet.notes
    if len(names) > 1:
        notes = (
            _("The workbook has %(count)s sheets; the sheet “%(sheet)s” was read.")
            % {"count": len(names), "sheet": chosen},
            *notes,
        )
    return replace(sheet, notes=notes, sheet_names=names, sheet_name=chosen)


MERGE_CELL = re.compile(
    rb"<(?:\w+:)?mergeCell\b[^>]*?\sref\s*=\s*[\"']\$?([A-Za-z]{1,3})\$?(\d+)"
    rb":\$?([A-Za-z]{1,3})\$?(\d+)[\"']"
)
XML_CHUNK = 1 << 20


def _merged_ranges(data: bytes, member: str) -> list[tuple[int, int, int, int]]:
    """The sheet's merged ranges as (first row, first column, last row, last column), counted
    from 0, read from `<mergeCell ref="B3:B5"/>` in the sheet's XML a chunk at a time (the
    XML of a long list is many megabytes; the merged ranges come after its rows)."""
    ranges = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(member) as xml:
        rest = b""
        while chunk := xml.read(XML_CHUNK):
            text = rest + chunk
            # Whole tags only: a tag cut by the chunk's end is read with the next chunk.
            end = text.rfind(b">") + 1
            text, rest = text[:end], text[end:]
            if b"mergeCell" not in text:  # the rows: a substring search, not the pattern
                continue
            for left, top, right, bottom in MERGE_CELL.findall(text):
                ranges.append(
                    (
                        int(top) - 1,
                        _column_index(left.decode()),
                        int(bottom) - 1,
                        _column_index(right.decode()),
                    )
                )
    return ranges


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def _fill_merged_cells(rows: list[list[str]], ranges: list[tuple[int, int, int, int]]) -> list[str]:
    """Give every row a merged cell spans its value (an industry merged over the rows of its
    merchants), and return the ranges so filled ("B3:B5").

    Excel keeps the value in the range's first cell only. A range within one row is one cell
    on screen and stays one; a row the range spans but that is blank otherwise stays blank."""
    filled = []
    for top, left, bottom, right in sorted(ranges):
        if bottom <= top or top >= len(rows) or left >= len(rows[top]):
            continue
        value = rows[top][left]
        if not value:
            continue
        spanned = False
        for row in rows[top + 1 : bottom + 1]:
            if not any(row):
                continue
            if len(row) <= left:
                row.extend([""] * (left + 1 - len(row)))
            row[left] = value
            spanned = True
        if spanned:
            filled.append(f"{column_letter(left)}{top + 1}:{column_letter(right)}{bottom + 1}")
    return filled


def _sheet_with_a_header(workbook: Any) -> str:
    """The first sheet that names known columns near its top, else the first sheet."""
    for worksheet in workbook.worksheets:
        top = islice(worksheet.iter_rows(values_only=True), HEADER_SEARCH_ROWS)
        if any(looks_like_header([_cell_text(value) for value in row]) for row in top):
            return worksheet.title
    return workbook.sheetnames[0]


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        # Excel stores phone numbers typed as numbers as floats.
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


# A market office's list ends with a totals row: 合计 52 户, or 共 52 户.
TOTALS_WORDS = ("合计", "总计", "小计", "共计", "total")
TOTALS_COUNT = re.compile(r"共有?\d+[户家个]")
# What a totals row holds beside its word: counts and sums ("3 户", "共 52 家", "¥12,000.00",
# "1.5万元"), read after NFKC folds full-width digits and signs and the spaces are removed.
TOTALS_FIGURE = re.compile(r"(共有?)?¥?[-+]?\d[\d,]*(\.\d+)?(万元|万|元|户|家|个|%)?")
# How far down a title (often merged across the columns) may push the header.
HEADER_SEARCH_ROWS = 10


def looks_like_header(cells: list[str]) -> bool:
    """A header names known columns: two of them, or one among several filled cells (a title
    row merged across the columns has one cell, however much it says "商户"). A row with a
    phone number in it is a merchant, whatever its address says ("A区摊位12号")."""
    if any(cell and clean_phone(cell) for cell in cells):
        return False
    mapped = sum(index is not None for index in guess_mapping(cells).values())
    filled = sum(1 for cell in cells if cell)
    return mapped >= 2 or (mapped >= 1 and filled >= 2)


def header_score(cells: list[str]) -> tuple[int, int, int]:
    """How much a row reads as the header: cells that are a known column's name exactly, then
    cells that contain one, then filled cells. A title such as "城南市场商户名单,制表日期：…"
    only contains a name; the real header below it names its columns."""
    exact = sum(1 for cell in cells if cell and _normalise_header(cell) in KNOWN_HEADERS)
    mapped = sum(index is not None for index in guess_mapping(cells).values())
    return exact, mapped, sum(1 for cell in cells if cell)


def is_totals_row(cells: list[str]) -> bool:
    """The list's totals row: its first cell says so (合计…, 共 52 户) and the rest of it is
    figures, with no phone. A merchant whose name merely starts with the word (合计五金商行)
    has a phone or an address, as `looks_like_header` reads a merchant: it is imported."""
    filled = [cell for cell in cells if cell]
    if not filled:
        return False
    first = "".join(filled[0].split()).lower()
    if not (first.startswith(TOTALS_WORDS) or TOTALS_COUNT.match(first)):
        return False
    if any(clean_phone(cell) for cell in filled):
        return False
    return all(_is_figure(cell) for cell in filled[1:])


def _is_figure(cell: str) -> bool:
    return TOTALS_FIGURE.fullmatch("".join(unicodedata.normalize("NFKC", cell).split())) is not None


def _find_header(filled: list[tuple[int, list[str]]]) -> int | None:
    """The index in `filled` of the header: of the first rows that look like one, the one
    that names most columns (the first of equals), or None when none does."""
    best, best_score = None, (0, 0, 0)
    for index, (_number, cells) in enumerate(filled[:HEADER_SEARCH_ROWS]):
        if looks_like_header(cells) and (score := header_score(cells)) > best_score:
            best, best_score = index, score
    return best


def _to_sheet(
    rows: Iterable[list[str]],
    encoding: str,
    notes: Iterable[str] = (),
    *,
    unclosed: Mapping[int, str] | None = None,
) -> Sheet:
    """The header and the merchants below it; `unclosed` (row number → message) are rows
    whose quote swallowed the lines below it, reported as bad rows."""
    unclosed = unclosed or {}
    filled = [
        (number, cleaned)
        for number, cells in enumerate(rows, start=1)
        if any(cleaned := [cell.strip() for cell in cells])
    ]
    if not filled:
        raise ImportFileError(_("The file has no rows."))
    notes = list(notes)
    # The header is the row that names most known columns; what is above it is a title.
    start = _find_header(filled)
    if start is None:
        # No header: every row is a merchant, and the person says which column is which.
        header_row, start = 0, -1
        width = max(max(i for i, cell in enumerate(cells) if cell) + 1 for _n, cells in filled)
        headers = [_("Column %(number)s") % {"number": index + 1} for index in range(width)]
        notes.append(
            _(
                "No row near the top names the columns, so every row, the first one included, "
                "is read as a merchant and the columns are numbered. Choose which column holds "
                "what under “Columns”."
            )
        )
    else:
        header_row, headers = filled[start]
    if swallowed_above := [number for number in sorted(unclosed) if number <= header_row]:
        # The header or a title swallowed the rows: there is no row to report it on.
        raise ImportFileError(unclosed[swallowed_above[0]])
    if start > 0:
        notes.append(
            _("Row(s) %(rows)s above the header were read as a title and skipped.")
            % {"rows": ", ".join(str(number) for number, _cells in filled[:start])}
        )
    body: list[tuple[int, list[str]]] = []
    totals: list[int] = []
    limit = settings.IMPORT_MAX_ROWS
    for number, cells in filled[start + 1 :]:
        if is_totals_row(cells) and number not in unclosed:
            totals.append(number)
        elif len(body) >= limit:
            # The commit runs inside the request: a longer list would meet the server's timeout.
            raise ImportFileError(
                _(
                    "The file has more than %(limit)s merchants; import at most %(limit)s at a "
                    "time. Split the list into several files."
                )
                % {"limit": f"{limit:,}"}
            )
        else:
            body.append((number, cells))
    last = filled[-1][0]
    first_body_row = header_row + 1 if header_row else filled[0][0]
    blank = sorted(set(range(first_body_row, last + 1)) - {number for number, _c in filled})
    if blank:
        notes.append(_("Blank row(s) %(rows)s were skipped.") % {"rows": _number_list(blank)})
    if totals:
        notes.append(_("Totals row(s) %(rows)s were skipped.") % {"rows": _number_list(totals)})
    headers = list(headers)
    while headers and not headers[-1]:
        headers.pop()
    if not body:
        raise ImportFileError(_("The file has a header row but no merchants below it."))
    return Sheet(
        headers=headers,
        rows=body,
        encoding=encoding,
        notes=tuple(notes),
        header_row=header_row,
        row_errors={number: unclosed[number] for number, _cells in body if number in unclosed},
    )


def _number_list(numbers: list[Any], shown: int = 10) -> str:
    text = ", ".join(str(number) for number in numbers[:shown])
    return text + (" …" if len(numbers) > shown else "")


# --- Columns ------------------------------------------------------------------------
@dataclass(frozen=True)
class ImportField:
    key: str
    label: Any
    aliases: tuple[str, ...]
    required: bool = False


IMPORT_FIELDS: tuple[ImportField, ...] = (
    ImportField(
        "name",
        gettext_lazy("Name"),
        (
            "名称",
            "商户名称",
            "企业名称",
            "公司名称",
            "客户名称",
            "单位名称",
            "会员名称",
            "店名",
            "店铺名称",
            "商户",
            "会员单位",
            "name",
            "company",
            "merchant",
        ),
        required=True,
    ),
    ImportField(
        "kind",
        gettext_lazy("Kind"),
        ("类型", "主体类型", "客户类型", "企业类型", "kind", "type"),
    ),
    ImportField(
        "industry",
        gettext_lazy("Industry"),
        ("行业", "所属行业", "行业类别", "经营类别", "主营", "经营范围", "industry"),
    ),
    ImportField(
        "address",
        gettext_lazy("Address"),
        ("地址", "经营地址", "详细地址", "摊位", "摊位号", "门牌", "address"),
    ),
    ImportField(
        "contact_name",
        gettext_lazy("Contact"),
        ("联系人", "负责人", "法人", "法定代表人", "店主", "姓名", "contact", "contact name"),
    ),
    ImportField(
        "contact_role",
        gettext_lazy("Contact's role"),
        ("职务", "职位", "联系人职务", "role", "title"),
    ),
    ImportField(
        "phone",
        gettext_lazy("Phone"),
        (
            "电话",
            "手机",
            "手机号",
            "手机号码",
            "联系电话",
            "联系方式",
            "电话号码",
            "phone",
            "mobile",
            "tel",
            "telephone",
        ),
    ),
    ImportField(
        "monthly_sales",
        gettext_lazy("Monthly sales (CNY)"),
        ("月销售额", "月营业额", "月销售", "月流水", "monthly sales", "sales"),
    ),
    ImportField(
        "estimated_credit_need",
        gettext_lazy("Estimated credit need (CNY)"),
        ("融资需求", "资金需求", "贷款需求", "授信需求", "credit need", "loan need"),
    ),
)
FIELDS_BY_KEY = {f.key: f for f in IMPORT_FIELDS}
KNOWN_HEADERS = frozenset(alias for f in IMPORT_FIELDS for alias in f.aliases)
NUMBER_FIELDS = ("monthly_sales", "estimated_credit_need")
# The model's column sizes.
MAX_LENGTHS = {"address": 255, "contact_name": 100, "contact_role": 100}
MAX_AMOUNT = Decimal("999999999999.99")  # max_digits=14, decimal_places=2

Mapping_ = dict[str, int | None]


def _normalise_header(header: str) -> str:
    header = re.sub(r"[(（\[【].*?[)）\]】]", "", header)  # units in brackets: 月销售额（万元）
    return re.sub(r"[\s:：*＊_\-]+", " ", header).strip().lower()


def guess_mapping(headers: list[str]) -> Mapping_:
    """Which column holds which field, guessed from the headers (exact alias first, then contained)."""
    normalised = [_normalise_header(h) for h in headers]
    mapping: Mapping_ = {}
    taken: set[int] = set()
    for exact in (True, False):
        for f in IMPORT_FIELDS:
            if mapping.get(f.key) is not None:
                continue
            for index, header in enumerate(normalised):
                if index in taken or not header:
                    continue
                if any(
                    header == alias if exact else (len(alias) > 1 and alias in header)
                    for alias in f.aliases
                ):
                    mapping[f.key] = index
                    taken.add(index)
                    break
    return {f.key: mapping.get(f.key) for f in IMPORT_FIELDS}


def ten_thousands(header: str) -> bool:
    """A money column whose header says 万元 holds figures in units of 10,000 CNY."""
    return "万" in header


def mapping_errors(mapping: Mapping_, column_count: int) -> list[str]:
    errors = []
    if mapping.get("name") is None:
        errors.append(_("Choose the column that holds the merchant's name."))
    used = [index for index in mapping.values() if index is not None]
    if any(index < 0 or index >= column_count for index in used):
        errors.append(_("A chosen column does not exist in the file."))
    if len(used) != len(set(used)):
        errors.append(_("Each column can be used for one field only."))
    return errors


# --- Values -------------------------------------------------------------------------
def clean_phone(raw: str) -> str | None:
    """The project's one phone rule (rules.canonical_phone), as the import's reader calls it."""
    return canonical_phone(raw)


def parse_amount(raw: str, *, scale: int = 1) -> Decimal:
    """A non-negative amount in CNY; raises ValueError with the reason."""
    cleaned = re.sub(r"[\s,，¥￥元]", "", raw)
    if cleaned.endswith("万"):
        cleaned, scale = cleaned[:-1], 10_000
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError("not a number") from None
    if not amount.is_finite():
        raise ValueError("not a number")
    if amount < 0:
        raise ValueError("negative")
    # "1e1000000" is a number, but past what decimal computes with: its arithmetic raises
    # Overflow (not a ValueError). Far too large either way; checked before any arithmetic.
    if amount.adjusted() > MAX_AMOUNT.adjusted():
        raise ValueError("too large")
    try:
        scaled = amount * scale
        if scaled > MAX_AMOUNT:
            raise ValueError("too large")
        return scaled.quantize(Decimal("0.01"))
    except DecimalException:
        raise ValueError("too large") from None


# --- Rows ---------------------------------------------------------------------------
@dataclass
class RowResult:
    number: int
    values: dict[str, Any]
    errors: list[str] = field(default_factory=list)
    duplicate: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors and not self.duplicate


@dataclass(frozen=True)
class Choices:
    """How free text in the file maps onto the model's choices (label or value → value)."""

    kinds: Mapping[str, str] = field(default_factory=dict)
    industries: Mapping[str, Any] = field(default_factory=dict)
    # How each industry's name reads in the preview (value → name); else its key above.
    industry_names: Mapping[Any, str] = field(default_factory=dict)


def validate_rows(
    sheet: Sheet, mapping: Mapping_, choices: Choices | None = None
) -> list[RowResult]:
    """Check every row; each bad one gets its reasons, each repeat within the file is flagged."""
    choices = choices or Choices()
    columns = {key: index for key, index in mapping.items() if index is not None}
    scales = {
        key: 10_000 if ten_thousands(sheet.headers[columns[key]]) else 1
        for key in NUMBER_FIELDS
        if key in columns and columns[key] < len(sheet.headers)
    }
    width = len(sheet.headers)
    first_by_name: dict[str, int] = {}
    first_by_phone: dict[str, int] = {}
    results = []
    for number, cells in sheet.rows:
        raw = {key: cells[index] if index < len(cells) else "" for key, index in columns.items()}
        result = _validate_row(number, raw, scales, choices)
        if unclosed := sheet.row_errors.get(number):
            result.errors.insert(0, unclosed)  # the cause of whatever else is wrong
        if beyond := [(i, cell) for i, cell in enumerate(cells) if cell and i >= width]:
            # An unquoted comma in an address, or a column without a name: nothing is dropped.
            result.errors.append(
                _(
                    "Cells to the right of the header's last column: %(cells)s. Check for a "
                    "comma inside a cell, or give the column a name in the header."
                )
                % {
                    "cells": ", ".join(
                        f"{column_letter(i)} “{shorten(cell)}”" for i, cell in beyond[:3]
                    )
                    + (" …" if len(beyond) > 3 else "")
                }
            )
        name_key = normalise_name(result.values.get("name", ""))
        phone = normalise_phone(result.values.get("phone", ""))
        if name_key and name_key in first_by_name:
            result.duplicate = _("Same name as row %(row)s") % {"row": first_by_name[name_key]}
        elif phone and phone in first_by_phone:
            result.duplicate = _("Same phone as row %(row)s") % {"row": first_by_phone[phone]}
        if name_key:
            first_by_name.setdefault(name_key, number)
        if phone:
            first_by_phone.setdefault(phone, number)
        results.append(result)
    return results


def column_letter(index: int) -> str:
    """The column's name in Excel: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def shorten(value: str, length: int = 24) -> str:
    """A cell quoted in a message: long enough to find it in the file, short enough for a phone."""
    return value if len(value) <= length else value[: length - 1] + "…"


def _validate_row(
    number: int, raw: dict[str, str], scales: dict[str, int], choices: Choices
) -> RowResult:
    values: dict[str, Any] = {}
    errors: list[str] = []
    name = raw.get("name", "")
    if not name:
        errors.append(_("The name is missing."))
    elif len(name) > NAME_MAX_LENGTH:
        errors.append(_("The name is longer than %(max)s characters.") % {"max": NAME_MAX_LENGTH})
    values["name"] = name
    for key, max_length in MAX_LENGTHS.items():
        text = raw.get(key, "")
        if len(text) > max_length:
            errors.append(
                _("%(field)s is longer than %(max)s characters.")
                % {"field": FIELDS_BY_KEY[key].label, "max": max_length}
            )
        values[key] = text
    if phone := raw.get("phone", ""):
        normalised = clean_phone(phone)
        if normalised is None:
            errors.append(
                _("“%(value)s” is not a valid phone number (mobile or landline with area code).")
                % {"value": shorten(phone)}
            )
        values["phone"] = normalised or ""
    for key in NUMBER_FIELDS:
        if text := raw.get(key, ""):
            try:
                values[key] = parse_amount(text, scale=scales.get(key, 1))
            except ValueError as reason:
                message = {
                    "negative": _("%(field)s cannot be negative: “%(value)s”."),
                    "too large": _("%(field)s is too large: “%(value)s”."),
                }.get(str(reason), _("%(field)s is not a number: “%(value)s”."))
                errors.append(message % {"field": FIELDS_BY_KEY[key].label, "value": shorten(text)})
    if (kind := raw.get("kind", "")) and choices.kinds:
        value = choices.kinds.get(kind.lower())
        if value is None:
            errors.append(_("Unknown kind “%(value)s”.") % {"value": shorten(kind)})
        values["kind"] = value
    if industry := raw.get("industry", ""):
        values["industry_text"] = industry
        found = find_industry(industry, choices.industries)
        values["industry"] = found.value
        if found.value is not None:
            # Shown in the preview next to the text: what will be stored, and whether it
            # was a guess (the text itself is kept in the products note either way).
            values["industry_name"] = choices.industry_names.get(found.value, found.name)
            values["industry_loose"] = not found.exact
    return RowResult(number=number, values=values, errors=errors)


@dataclass(frozen=True)
class IndustryMatch:
    """The curated industry a free-text one was matched to: its key and value (None when
    nothing matched), and whether the text was the industry's name itself."""

    name: str = ""
    value: Any = None
    exact: bool = False


def find_industry(text: str, industries: Mapping[str, Any]) -> IndustryMatch:
    """The curated industry a free-text one means, and how loosely.

    Exact name first, then one name inside the other (酒店 → 酒店住宿), then the
    most shared two-character words (服装批发 → 服装纺织 or 批发贸易: the first in
    the curated order, which puts the preferred industry first). Only the first is exact:
    the others are guesses the preview says are guesses.
    """
    key = text.strip().lower()
    if key in industries:
        return IndustryMatch(key, industries[key], exact=True)
    for name, value in industries.items():
        if name and (name in key or key in name):
            return IndustryMatch(name, value)
    wanted = _bigrams(key)
    best, best_score = IndustryMatch(), 0
    for name, value in industries.items():
        score = len(wanted & _bigrams(name))
        if score > best_score:
            best, best_score = IndustryMatch(name, value), score
    return best


def match_industry(text: str, industries: Mapping[str, Any]) -> Any:
    """The value of the curated industry a free-text one means, or None (find_industry)."""
    return find_industry(text, industries).value


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def flag_existing(
    results: list[RowResult], *, names: Mapping[str, str], phones: Mapping[str, str]
) -> None:
    """Flag rows whose name or phone already belongs to a prospect in the branch.

    `names` maps normalise_name(name) → how to describe the existing prospect; `phones`
    maps normalise_phone(phone) likewise (the keys Prospect stores as name_key, phone_key).
    """
    for result in results:
        if result.duplicate:
            continue
        existing = names.get(normalise_name(result.values.get("name", "")))
        if existing is None and result.values.get("phone"):
            existing = phones.get(normalise_phone(result.values["phone"]))
        if existing is not None:
            result.duplicate = _("Already a prospect: %(prospect)s") % {"prospect": existing}


@dataclass(frozen=True)
class Summary:
    total: int
    bad: int
    duplicates: int

    @property
    def ready(self) -> int:
        return self.total - self.bad - self.duplicates


def summarise(results: list[RowResult]) -> Summary:
    bad = sum(1 for r in results if r.errors)
    duplicates = sum(1 for r in results if r.duplicate and not r.errors)
    return Summary(total=len(results), bad=bad, duplicates=duplicates)


# --- With the database --------------------------------------------------------------
# Rows per INSERT: large enough to be fast, small enough for SQLite's variable limit.
BATCH_SIZE = 500
KIND_ALIASES = {
    "企业": "enterprise",
    "公司": "enterprise",
    "有限公司": "enterprise",
    "个体": "sole_trader",
    "个体户": "sole_trader",
    "个体工商户": "sole_trader",
    "个人": "individual",
    "自然人": "individual",
}


class ImportRefused(Exception):
    """The commit was refused; nothing was saved. The message is translated."""


@dataclass
class Preview:
    mapping: Mapping_
    results: list[RowResult] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    encoding: str = ""
    # File or column errors: then no row can be imported.
    errors: list[str] = field(default_factory=list)
    notes: tuple[str, ...] = ()

    @property
    def unmapped_columns(self) -> list[str]:
        """The file's columns that are not imported (序号, 备注 …), named so nobody wonders."""
        used = {index for index in self.mapping.values() if index is not None}
        return [
            header or _("Column %(number)s") % {"number": index + 1}
            for index, header in enumerate(self.headers)
            if index not in used
        ]

    @property
    def summary(self) -> Summary:
        return summarise(self.results)

    @property
    def bad_rows(self) -> list[RowResult]:
        return [r for r in self.results if r.errors]

    @property
    def duplicate_rows(self) -> list[RowResult]:
        return [r for r in self.results if r.duplicate and not r.errors]

    @property
    def ready_rows(self) -> list[RowResult]:
        return [r for r in self.results if r.ok]

    @property
    def can_commit(self) -> bool:
        """Something good to import; rows with errors are then left out only when asked."""
        return not self.errors and self.summary.ready > 0


def database_choices() -> Choices:
    from django.utils import translation

    from prospects.models import Industry, ProspectKind

    kinds = dict(KIND_ALIASES)
    for language in ("en", "zh-hans"):
        with translation.override(language):
            kinds.update({str(label).lower(): value for value, label in ProspectKind.choices})
    kinds.update({value: value for value in ProspectKind.values})
    # Industry's ordering puts the preferred industry first, which match_industry relies on.
    rows = list(Industry.objects.values_list("pk", "name"))
    industries = {name.lower(): pk for pk, name in rows}
    return Choices(kinds=kinds, industries=industries, industry_names=dict(rows))


def existing_prospects(branch_id: int | None, viewer: Any) -> tuple[dict[str, str], dict[str, str]]:
    """Name and phone keys of every prospect in the branch, described for the preview (one
    query): by name and owner where `viewer` sees the prospect, else by owner alone — a list
    of guessed phone numbers must not read back other teams' clients."""
    from prospects.models import Prospect

    names: dict[str, str] = {}
    phones: dict[str, str] = {}
    seen = Prospect.objects.visible_to(viewer).filter(pk=OuterRef("pk"))
    rows = (
        Prospect.objects.filter(branch_id=branch_id)
        .annotate(seen=Exists(seen))
        .values_list(
            "name", "name_key", "phone_key", "owner__last_name", "owner__first_name", "seen"
        )
    )
    for name, name_key, phone_key, last_name, first_name, visible in rows:
        owner = f"{last_name}{first_name}"
        described = (
            f"{name} ({owner})" if visible else _("a prospect of %(owner)s") % {"owner": owner}
        )
        names.setdefault(name_key, described)
        if phone_key:
            phones.setdefault(phone_key, described)
    return names, phones


def import_preview(
    *, batch: Any, mapping: Mapping_ | None = None, sheet: Sheet | None = None
) -> Preview:
    """Read the batch's file, map its columns and check every row against the rules and the branch.

    Pass `sheet` when the file has been read already (the view reads it once for the headers).
    """
    if sheet is None:
        try:
            sheet = read_sheet(bytes(batch.data), batch.file_name)
        except ImportFileError as error:
            return Preview(mapping=mapping or {}, errors=[str(error)])
    mapping = mapping or guess_mapping(sheet.headers)
    preview = Preview(
        mapping=mapping, headers=sheet.headers, encoding=sheet.encoding, notes=sheet.notes
    )
    preview.errors = mapping_errors(mapping, len(sheet.headers))
    if preview.errors:
        return preview
    preview.results = validate_rows(sheet, mapping, database_choices())
    names, phones = existing_prospects(batch.owner.branch_id, viewer=batch.created_by)
    flag_existing(preview.results, names=names, phones=phones)
    return preview


def read_batch(batch: Any, sheet_name: str | None = None) -> Sheet | None:
    """The batch's file as a sheet, or None when it cannot be read (import_preview says why)."""
    try:
        return read_sheet(bytes(batch.data), batch.file_name, sheet_name)
    except ImportFileError:
        return None


def refuse_unconfirmed(preview: Preview, *, skip_duplicates: bool, skip_bad_rows: bool) -> None:
    """Raise ImportRefused unless the person has agreed to what the preview leaves out."""
    if preview.errors:
        raise ImportRefused(preview.errors[0])
    summary = preview.summary
    if summary.bad and not skip_bad_rows:
        raise ImportRefused(
            _("%(count)s rows have errors. Correct them in the file and upload it again.")
            % {"count": summary.bad}
        )
    if summary.duplicates and not skip_duplicates:
        raise ImportRefused(
            _("Confirm that the %(count)s duplicate rows are to be left out.")
            % {"count": summary.duplicates}
        )
    if not summary.ready:
        raise ImportRefused(_("There is no new merchant to import."))


def in_background(sheet: Sheet) -> bool:
    """A file too long to import while the person waits (PROSPECT_IMPORT_BACKGROUND_ROWS)."""
    return len(sheet.rows) > settings.PROSPECT_IMPORT_BACKGROUND_ROWS


def import_queued(batch_id: int, confirmation: str) -> None:
    """The background worker's part: import a queued batch as the person confirmed it, or
    send it back to its preview with the reason.

    `confirmation` names one confirmation. The batch is locked and read once, so a task
    for an earlier confirmation (the person confirmed again since, perhaps with other
    columns) does nothing, and a refusal never overwrites a later confirmation.
    """
    from auditlog.context import set_actor
    from django.db import transaction

    try:
        with transaction.atomic():
            batch = _queued_batch(batch_id, confirmation, lock=True)
            if batch is None:
                return
            confirmed = batch.commit_request
            actor = _confirmed_by(batch)
            with translation.override(confirmed["language"]), set_actor(actor):
                try:
                    import_commit(
                        batch=batch,
                        mapping=confirmed["mapping"],
                        skip_duplicates=confirmed["skip_duplicates"],
                        skip_bad_rows=confirmed["skip_bad_rows"],
                        actor=actor,
                        sheet=read_batch(batch, confirmed["sheet"] or None),
                    )
                except ImportRefused as refusal:  # import_commit's savepoint is rolled back
                    batch.send_back(str(refusal))
    except Exception:
        # Nothing was saved (one transaction); the person learns it, the log has why.
        batch = _queued_batch(batch_id, confirmation, lock=False)
        if batch is not None:
            with (
                translation.override(batch.commit_request["language"]),
                set_actor(_confirmed_by(batch)),
            ):
                batch.send_back(
                    _(
                        "The file could not be imported. Try again; if it fails again,"
                        " tell the administrator."
                    )
                )
        raise


def _queued_batch(batch_id: int, confirmation: str, *, lock: bool) -> Any:
    from prospects.models import ImportBatch

    batches = ImportBatch.objects.select_related("territory", "owner")
    if lock:
        batches = batches.select_for_update(of=("self",))
    batch = batches.filter(pk=batch_id).first()
    if batch is None or not batch.is_queued:  # imported, sent back, or deleted meanwhile
        return None
    return batch if batch.commit_request.get("confirmation") == confirmation else None


def _confirmed_by(batch: Any) -> Any:
    from accounts.models import User

    return User.objects.filter(pk=batch.commit_request["actor"]).first()


def import_commit(
    *,
    batch: Any,
    mapping: Mapping_,
    skip_duplicates: bool,
    skip_bad_rows: bool = False,
    actor: Any = None,
    sheet: Sheet | None = None,
) -> int:
    """Import every good row of the batch, or none: refused while any row is bad, unless the
    person chose to import only the good rows (then the bad ones are left out, counted).

    Duplicates are imported never; they are left out only when the user agreed
    to it after seeing them. Returns how many prospects were created.
    """
    from django.db import transaction

    from prospects.models import ImportBatch, Prospect, ProspectStageChange, Source, TerritoryKind

    with transaction.atomic():
        # Locked, so that a double click cannot import the same file twice.
        batch = (
            ImportBatch.objects.select_for_update()
            .select_related("territory", "owner")
            .get(pk=batch.pk)
        )
        if batch.is_committed:
            raise ImportRefused(_("This file has already been imported."))
        # A batch's file never changes until it is committed (checked above, under the lock),
        # so a sheet the caller has read already is this file.
        preview = import_preview(batch=batch, mapping=mapping, sheet=sheet)
        refuse_unconfirmed(preview, skip_duplicates=skip_duplicates, skip_bad_rows=skip_bad_rows)
        territory = batch.territory
        association = batch.association
        if batch.source == Source.ASSOCIATION and not association:
            association = territory.name if territory.kind == TerritoryKind.ASSOCIATION else ""
        prospects = [
            _prospect(row.values, batch=batch, association=association)
            for row in preview.ready_rows
        ]
        Prospect.objects.bulk_create(prospects, batch_size=BATCH_SIZE)
        # bulk_create skips Prospect.save(), which dates each stage and territory: date them here.
        ProspectStageChange.record_entries(prospects)
        _log_created(prospects, actor=actor, batch=batch)
        batch.mark_committed(
            count=len(prospects),
            # Confirmed above: bad rows only when the person chose to leave them out.
            left_out_bad=preview.summary.bad,
            left_out_duplicates=preview.summary.duplicates,
        )
    return len(prospects)


AUDITED_FIELDS = (
    "name",
    "kind",
    "industry_id",
    "territory_id",
    "address",
    "contact_name",
    "contact_role",
    "phone",
    "source",
    "association",
    "owner_id",
    "stage",
    "monthly_sales",
    "estimated_credit_need",
)


def _log_created(prospects: list[Any], *, actor: Any, batch: Any) -> None:
    """bulk_create sends no signals, so write the audit trail's "created" entries here.

    The changes are written as auditlog does ({field: ["None", new]}), for the fields an
    import sets; auditlog's own diff of every field would triple the commit's time.
    """
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(prospects[0])
    LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type=content_type,
                object_pk=str(prospect.pk),
                object_id=prospect.pk,
                object_repr=str(prospect),
                action=LogEntry.Action.CREATE,
                changes={
                    # auditlog's keys are field names, its values the ids of related rows.
                    field.removesuffix("_id"): ["None", str(value)]
                    for field in AUDITED_FIELDS
                    if (value := getattr(prospect, field)) not in (None, "")
                },
                actor=actor,
                additional_data={"import": batch.file_name},
            )
            for prospect in prospects
        ],
        batch_size=BATCH_SIZE,
    )


def _prospect(values: dict[str, Any], *, batch: Any, association: str) -> Any:
    from prospects.models import Prospect

    # bulk_create skips save(): set what it would derive (keys, branch) here.
    return Prospect(
        name=values["name"],
        name_key=normalise_name(values["name"]),
        kind=values.get("kind") or Prospect._meta.get_field("kind").default,
        industry_id=values.get("industry"),
        products_notes=_products_notes(values),
        territory=batch.territory,
        import_batch=batch,
        address=values.get("address", ""),
        contact_name=values.get("contact_name", ""),
        contact_role=values.get("contact_role", ""),
        phone=values.get("phone", ""),
        phone_key=normalise_phone(values.get("phone", "")),
        source=batch.source,
        association=association[:100],
        branch_id=batch.owner.branch_id,
        owner=batch.owner,
        monthly_sales=values.get("monthly_sales"),
        estimated_credit_need=values.get("estimated_credit_need"),
    )


def _products_notes(values: dict[str, Any]) -> str:
    """The 三品 "products" note of an imported row. The business scope (经营范围) is always
    kept there, word for word, even when it matched an industry: a match may be a guess,
    and the text says more than the industry's name. Appended to whatever else is noted."""
    notes = [values.get("products_notes", "")]
    if text := values.get("industry_text"):
        notes.append(_("Business scope: %(text)s") % {"text": text})
    return "\n".join(note for note in notes if note)


def bad_rows_csv(sheet: Sheet, preview: Preview) -> bytes:
    """The rows with errors as a CSV to fix and upload again: the reason first, then the row
    as it was (same header, so the fixed file imports as it is). UTF-8 with BOM for Excel."""
    by_number = dict(sheet.rows)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(_("What is wrong")), str(_("Row")), *map(safe_text, sheet.headers)])
    for row in preview.bad_rows:
        cells = map(safe_text, by_number.get(row.number, []))
        writer.writerow([safe_text("；".join(row.errors)), row.number, *cells])
    return out.getvalue().encode("utf-8-sig")
