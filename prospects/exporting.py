"""The prospect list as a file: CSV that Excel opens in Chinese, and .xlsx."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from prospects.models import Prospect


def _label(field: str) -> Any:
    """The form's label for a field (the model's verbose name), so the file reads like the
    form; the importer recognises each of them, so an export imports again."""
    return lazy(lambda: capfirst(Prospect._meta.get_field(field).verbose_name), str)()


# (header, value, column width in Excel characters — a Chinese character counts two)
COLUMNS: list[tuple[Any, Callable[[Prospect], Any], int]] = [
    (_label("name"), lambda p: p.name, 30),
    (_label("kind"), lambda p: p.get_kind_display(), 12),
    (_label("industry"), lambda p: p.industry.name if p.industry else "", 14),
    (_label("territory"), lambda p: p.territory.name if p.territory else "", 20),
    (_label("address"), lambda p: p.address, 36),
    (_label("contact_name"), lambda p: p.contact_name, 12),
    (_label("contact_role"), lambda p: p.contact_role, 12),
    (_label("phone"), lambda p: p.phone, 16),
    (_label("source"), lambda p: p.get_source_display(), 20),
    (_label("stage"), lambda p: p.get_stage_display(), 10),
    (_label("owner"), lambda p: str(p.owner), 12),
    (_label("monthly_sales"), lambda p: p.monthly_sales, 16),
    (_label("estimated_credit_need"), lambda p: p.estimated_credit_need, 18),
    (_label("next_action"), lambda p: p.next_action, 30),
    (_label("next_action_date"), lambda p: p.next_action_date, 14),
]
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# A cell starting with one of these is read as a formula by Excel (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: Any) -> Any:
    """CSV only: a leading quote keeps Excel from reading a cell as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_rows(prospects: QuerySet[Prospect]) -> Iterator[list[Any]]:
    """The header, then one row per prospect, in one query (the list's select_related)."""
    yield [str(label) for label, _value, _width in COLUMNS]
    for prospect in prospects.iterator(chunk_size=2000):
        yield [value(prospect) for _header, value, _width in COLUMNS]


def export_response(prospects: QuerySet[Prospect], file_format: str) -> HttpResponse:
    rows = export_rows(prospects)
    content = _csv(rows) if file_format == "csv" else _xlsx(rows)
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    name = f"prospects-{timezone.localdate().isoformat()}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _csv(rows: Iterable[list[Any]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(["" if value is None else safe_text(value) for value in row])
    # The BOM is how Excel knows the file is UTF-8 (without it, Chinese comes out garbled).
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx(rows: Iterable[list[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Prospects"))
    # Set before the first row (write-only mode): readable widths, the header frozen on scroll.
    for index, (_header, _value, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"

    def cell(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        # Typed as text, a cell is never a formula, and shows no guard quote.
        text = WriteOnlyCell(sheet, value=value)
        text.data_type = "s"
        return text

    for row in rows:
        sheet.append([cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
