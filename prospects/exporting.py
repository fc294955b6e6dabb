"""The prospect list as a file: CSV that Excel opens in Chinese, and .xlsx."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prospects.models import Prospect

# The headers are the import's own aliases, so an export can be imported elsewhere.
COLUMNS: list[tuple[Any, Callable[[Prospect], Any]]] = [
    (gettext_lazy("Name"), lambda p: p.name),
    (gettext_lazy("Kind"), lambda p: p.get_kind_display()),
    (gettext_lazy("Industry"), lambda p: p.industry.name if p.industry else ""),
    (gettext_lazy("Territory"), lambda p: p.territory.name if p.territory else ""),
    (gettext_lazy("Address"), lambda p: p.address),
    (gettext_lazy("Contact"), lambda p: p.contact_name),
    (gettext_lazy("Contact's role"), lambda p: p.contact_role),
    (gettext_lazy("Phone"), lambda p: p.phone),
    (gettext_lazy("Source"), lambda p: p.get_source_display()),
    (gettext_lazy("Stage"), lambda p: p.get_stage_display()),
    (gettext_lazy("Owner"), lambda p: str(p.owner)),
    (gettext_lazy("Monthly sales (CNY)"), lambda p: p.monthly_sales),
    (gettext_lazy("Estimated credit need (CNY)"), lambda p: p.estimated_credit_need),
    (gettext_lazy("Next action"), lambda p: p.next_action),
    (gettext_lazy("Next action date"), lambda p: p.next_action_date),
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
    yield [str(label) for label, _value in COLUMNS]
    for prospect in prospects.iterator(chunk_size=2000):
        yield [value(prospect) for _label, value in COLUMNS]


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

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Prospects"))

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
