"""The prospect list as a file: CSV that Excel opens in Chinese, and .xlsx."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponseBase, QueryDict, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from prospects.filters import ProspectFilter
from prospects.models import (
    ExportStatus,
    Prospect,
    ProspectExport,
    ProspectKind,
    Source,
    Stage,
)


def _label(field: str) -> Any:
    """The form's label for a field (the model's verbose name), so the file reads like the
    form; the importer recognises each of them, so an export imports again."""
    return lazy(lambda: capfirst(Prospect._meta.get_field(field).verbose_name), str)()


# (header, the columns read for it, column width in Excel characters — a Chinese character
# counts two). Rows are read as tuples, not model instances, and each choice's label is
# translated once per file, not once per row.
COLUMNS: list[tuple[Any, tuple[str, ...], int]] = [
    (_label("name"), ("name",), 30),
    (_label("kind"), ("kind",), 12),
    (_label("industry"), ("industry__name",), 14),
    (_label("territory"), ("territory__name",), 20),
    (_label("address"), ("address",), 36),
    (_label("contact_name"), ("contact_name",), 12),
    (_label("contact_role"), ("contact_role",), 12),
    (_label("phone"), ("phone",), 16),
    (_label("source"), ("source",), 20),
    (_label("stage"), ("stage",), 10),
    (_label("owner"), ("owner__last_name", "owner__first_name", "owner__username"), 12),
    (_label("monthly_sales"), ("monthly_sales",), 16),
    (_label("estimated_credit_need"), ("estimated_credit_need",), 18),
    (_label("next_action"), ("next_action",), 30),
    (_label("next_action_date"), ("next_action_date",), 14),
]
CHOICES = {"kind": ProspectKind, "source": Source, "stage": Stage}
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


def unsafe_text(text: str) -> str:
    """The cell safe_text was given: a CSV this app wrote imports as it was."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


# The background writer saves its progress every this many rows.
PROGRESS_ROWS = 2000
# Rows are read from the database this many at a time (SQLite takes up to 32,766 ids).
READ_ROWS = 2000


def exported_prospects(user, query: QueryDict) -> QuerySet[Prospect]:
    """What an export holds: every prospect `user` sees, narrowed by the list's filters in
    `query` (an invalid filter exports nothing); the same for a file sent at once and one
    written in the background."""
    prospects = Prospect.objects.visible_to(user).for_list()
    filterset = ProspectFilter(query or None, queryset=prospects, user=user)
    if not filterset.is_bound:
        return prospects
    return filterset.qs if filterset.is_valid() else prospects.none()


def in_background(prospects: QuerySet[Prospect], file_format: str) -> bool:
    """An .xlsx of more than PROSPECT_EXPORT_BACKGROUND_ROWS rows is written by a background
    task: openpyxl zips about 7,000 rows a second, so 100,000 would hold a web worker for
    15 s. The CSV streams at about 100,000 rows a second, always at once."""
    return file_format == "xlsx" and prospects.count() > settings.PROSPECT_EXPORT_BACKGROUND_ROWS


def write_export(export: ProspectExport) -> None:
    """Write `export`'s file (in the background task), in the language of the page it was
    asked from, saving the progress as it goes; whatever stops it is recorded as a failure.
    An export withdrawn meanwhile (its row deleted: a handover) leaves no file behind."""
    try:
        write = WRITERS[export.file_format]
        with translation.override(export.language):
            prospects = exported_prospects(export.requested_by, QueryDict(export.query))
            export.total_rows = prospects.count()
            started = ProspectExport.objects.filter(pk=export.pk).update(
                status=ExportStatus.RUNNING, total_rows=export.total_rows, updated_at=timezone.now()
            )
            if not started:
                return
            with tempfile.TemporaryFile() as spool:
                write(_counted(export_rows(prospects), export), spool)
                spool.seek(0)
                export.file.save(export.file_name, File(spool), save=False)
    except BaseException:
        # An error, or the worker told to stop mid-file: the page says so, never "running".
        now = timezone.now()
        ProspectExport.objects.filter(pk=export.pk).update(
            status=ExportStatus.FAILED, finished_at=now, updated_at=now
        )
        raise
    finish_export(export)


def finish_export(export: ProspectExport) -> bool:
    """Offer the file written for `export`, or delete it if the export was withdrawn while
    it was written; whether it is offered."""
    offered = ProspectExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.READY,
        # What the file holds, counted as written.
        total_rows=export.written_rows,
        written_rows=export.written_rows,
        file=export.file.name,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    if not offered:
        export.file.delete(save=False)
    return bool(offered)


def _counted(rows: Iterator[list[Any]], export: ProspectExport) -> Iterator[list[Any]]:
    """The header and rows, counting the rows on `export` and saving the count every
    PROGRESS_ROWS (which also tells the page a worker is on it)."""
    yield next(rows)
    export.written_rows = 0
    for row in rows:
        yield row
        export.written_rows += 1
        if export.written_rows % PROGRESS_ROWS == 0:
            ProspectExport.objects.filter(pk=export.pk).update(
                written_rows=export.written_rows, updated_at=timezone.now()
            )


def export_rows(prospects: QuerySet[Prospect]) -> Iterator[list[Any]]:
    """The header, then one row per prospect, as tuples.

    The words are translated here, while the request's language is active. The rows are
    read as the file is written or sent, READ_ROWS at a time, each a short query: no read
    stays open while a phone downloads the file or the worker zips it (on SQLite an open
    read holds back every write of the site)."""
    header = [str(label) for label, _fields, _width in COLUMNS]
    labels = {
        field: {value: str(label) for value, label in choices.choices}
        for field, choices in CHOICES.items()
    }
    names = [name for _label_, fields, _width in COLUMNS for name in fields]

    def row_of(values: tuple) -> list[Any]:
        row = dict(zip(names, values, strict=True))
        for field, shown in labels.items():
            row[field] = shown.get(row[field], row[field])
        # As User.__str__: family name first, no space; the username when there is none.
        owner = f"{row['owner__last_name']}{row['owner__first_name']}".strip()
        row["owner__last_name"] = owner or row["owner__username"]
        return [row[fields[0]] for _label_, fields, _width in COLUMNS]

    def rows() -> Iterator[list[Any]]:
        yield header
        # The list's order, read once as ids (a few MB at 100,000 rows).
        ids = list(prospects.values_list("pk", flat=True))
        for start in range(0, len(ids), READ_ROWS):
            part = ids[start : start + READ_ROWS]
            found = {
                values[0]: values[1:]
                for values in Prospect.objects.filter(pk__in=part).values_list("pk", *names)
            }
            # A prospect deleted since the ids were read is left out.
            yield from (row_of(found[pk]) for pk in part if pk in found)

    return rows()


def export_response(prospects: QuerySet[Prospect], file_format: str) -> HttpResponseBase:
    """The file, streamed: memory stays flat whatever the number of rows."""
    rows = export_rows(prospects)
    name = f"prospects-{timezone.localdate().isoformat()}.{file_format}"
    if file_format == "csv":
        response: HttpResponseBase = StreamingHttpResponse(
            _csv(rows), content_type=CONTENT_TYPES["csv"]
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return FileResponse(
        _xlsx(rows), as_attachment=True, filename=name, content_type=CONTENT_TYPES["xlsx"]
    )


class _Line:
    """What csv.writer writes to: hands back each line instead of keeping it."""

    def write(self, line: str) -> str:
        return line


def _csv(rows: Iterable[list[Any]]) -> Iterator[bytes]:
    # The BOM is how Excel knows the file is UTF-8 (without it, Chinese comes out garbled).
    yield "\ufeff".encode()
    writer = csv.writer(_Line())
    for row in rows:
        yield writer.writerow(["" if value is None else safe_text(value) for value in row]).encode()


def _xlsx(rows: Iterable[list[Any]]) -> IO[bytes]:
    """The workbook for a response: only the zipped file is held, a few megabytes for
    100,000 rows; the response streams it."""
    file = io.BytesIO()
    _write_xlsx(rows, file)
    file.seek(0)
    return file


def _write_xlsx(rows: Iterable[list[Any]], file: IO[bytes]) -> None:
    """The workbook, written in write-only mode: openpyxl spools the rows to a temporary
    file and zips them into `file`, so no row stays in memory."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Prospects"))
    # Set before the first row (write-only mode): readable widths, the header frozen on scroll.
    for index, (_header, _fields, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"

    def cell(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        # XML cannot hold control characters (\x01-\x1f but tab and line breaks): openpyxl
        # refuses the whole file for one pasted into an address. Nobody reads them, so they
        # are dropped from the .xlsx (the CSV keeps the text as it is).
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        # Typed as text, a cell is never a formula, and shows no guard quote.
        text = WriteOnlyCell(sheet, value=value)
        text.data_type = "s"
        return text

    for row in rows:
        sheet.append([cell(value) for value in row])
    workbook.save(file)


def _write_csv(rows: Iterable[list[Any]], file: IO[bytes]) -> None:
    file.writelines(_csv(rows))


WRITERS = {"csv": _write_csv, "xlsx": _write_xlsx}
