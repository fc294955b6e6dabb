"""Importing a merchant list into a territory, and exporting the filtered prospect list."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh

from accounts.models import Role
from accounts.policy import roles_required
from accounts.rendering import HtmxHttpRequest, render_page
from prospects import exporting, importing, services
from prospects.import_forms import ColumnMappingForm, ImportUploadForm
from prospects.models import ExportStatus, ImportBatch, ProspectExport

# The issue: "a manager or supervisor uploads" (trainees work their own prospects by hand).
IMPORT_ROLES = (Role.CLIENT_MANAGER, Role.SUPERVISOR)
PREVIEW_TEMPLATE = "prospects/import_preview.html"
# The person's other exports listed under the one they are waiting for.
EXPORTS_LISTED = 10


@roles_required(*IMPORT_ROLES)
@require_http_methods(["GET", "POST"])
def import_upload(request: HtmxHttpRequest) -> HttpResponse:
    form = ImportUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        user=request.user,
        initial={"territory": request.GET.get("territory")},  # from a territory's page
    )
    if request.method == "POST" and form.is_valid():
        # Uploads left unchecked since yesterday are dropped with their files.
        ImportBatch.objects.visible_to(request.user).stale(
            before=timezone.now() - timedelta(days=1)
        ).delete()
        batch = form.save()
        if request.htmx:
            return HttpResponseClientRedirect(batch.get_absolute_url())
        return redirect(batch)
    return render_page(
        request,
        "prospects/import_upload.html",
        {"form": form, "import_fields": importing.IMPORT_FIELDS},
        partials=("upload-form",),
    )


def _sheet_and_mapping(
    batch: ImportBatch, data=None
) -> tuple[importing.Sheet | None, ColumnMappingForm]:
    """The batch's file, read once (the sheet the person chose, of a workbook), and the form
    that maps its columns."""
    sheet = importing.read_batch(batch, (data or {}).get("sheet") or None)
    headers = sheet.headers if sheet else []
    form = ColumnMappingForm(
        data,
        headers=headers,
        initial_mapping=importing.guess_mapping(headers),
        sheet_names=sheet.sheet_names if sheet else (),
        sheet_name=sheet.sheet_name if sheet else "",
    )
    return sheet, form


def _batch(request: HttpRequest, pk: int) -> ImportBatch:
    return get_object_or_404(
        ImportBatch.objects.visible_to(request.user).select_related(
            "territory", "owner", "created_by"
        ),
        pk=pk,
    )


def _preview_page(
    request: HtmxHttpRequest, batch: ImportBatch, data=None, refused: str = ""
) -> TemplateResponse:
    """The preview: the file read once, the columns mapped (guessed, or as the user chose)."""
    if batch.is_stalled and not refused:
        refused = _(
            "No background worker has imported this file for 10 minutes. Tell the"
            " administrator; you may confirm it again below."
        )
    # Why the worker sent it back, until the person checks other columns or confirms again.
    context = {"batch": batch, "refused": refused or (batch.refusal if data is None else "")}
    if batch.is_committed or batch.is_waiting:
        # Imported, or being imported in the background (the page asks every 2 s).
        return render_page(request, PREVIEW_TEMPLATE, context, partials=("import-progress",))
    sheet, form = _sheet_and_mapping(batch, data)
    chosen = form.mapping() if form.is_bound and form.is_valid() else None
    preview = importing.import_preview(batch=batch, sheet=sheet, mapping=chosen)
    mapping_query = urlencode(
        {f"map_{key}": index for key, index in preview.mapping.items() if index is not None}
        | ({"sheet": sheet.sheet_name} if sheet and sheet.sheet_name else {})
    )
    context.update(form=form, preview=preview, summary=preview.summary, mapping_query=mapping_query)
    return render_page(request, PREVIEW_TEMPLATE, context, partials=("preview",))


@roles_required(*IMPORT_ROLES)
@require_http_methods(["GET"])
def import_preview(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    if request.htmx and request.htmx.target == "import-progress" and not batch.is_waiting:
        # The worker has finished, sent the file back, or never came: the page says which.
        return HttpResponseClientRefresh()
    return _preview_page(request, batch, request.GET or None)


@roles_required(*IMPORT_ROLES)
@require_http_methods(["GET"])
def import_bad_rows(request: HttpRequest, pk: int) -> HttpResponse:
    """The rows with errors, with the reason, as a CSV to fix and upload again."""
    batch = _batch(request, pk)
    if batch.is_committed:
        raise Http404
    sheet, form = _sheet_and_mapping(batch, request.GET or None)
    if sheet is None:
        raise Http404
    chosen = form.mapping() if form.is_bound and form.is_valid() else None
    preview = importing.import_preview(batch=batch, sheet=sheet, mapping=chosen)
    response = HttpResponse(
        importing.bad_rows_csv(sheet, preview), content_type="text/csv; charset=utf-8"
    )
    stem = batch.file_name.rsplit(".", 1)[0]
    filename = _("%(file)s - rows to fix.csv") % {"file": stem}
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@roles_required(*IMPORT_ROLES)
@require_POST
def import_commit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    if batch.is_committed or batch.is_waiting:  # a second click
        return _to_batch(request, batch)
    sheet, form = _sheet_and_mapping(batch, request.POST)
    refused = _("Check the columns chosen.")
    if sheet is not None and form.is_valid():
        commit = _queue if importing.in_background(sheet) else _commit_now
        try:
            commit(request, batch, sheet, form)
        except importing.ImportRefused as error:
            refused = str(error)
        else:
            # The batch's page says how many were imported and links to them, or waits.
            return _to_batch(request, batch)
    # Refused: nothing was saved; the preview shows why, as a 200 so htmx swaps it in.
    return _preview_page(request, batch, request.POST, refused=refused)


def _queue(request, batch: ImportBatch, sheet: importing.Sheet, form: ColumnMappingForm) -> None:
    """A long file: the background worker imports it as confirmed here."""
    services.import_request(
        batch=batch,
        mapping=form.mapping(),
        sheet=sheet,
        skip_duplicates=form.cleaned_data["skip_duplicates"],
        skip_bad_rows=form.cleaned_data["skip_bad_rows"],
        by=request.user,
    )


def _commit_now(
    request, batch: ImportBatch, sheet: importing.Sheet, form: ColumnMappingForm
) -> None:
    """A short file, imported while the person waits; the messages say what took how long."""
    started = time.perf_counter()
    count = importing.import_commit(
        batch=batch,
        mapping=form.mapping(),
        skip_duplicates=form.cleaned_data["skip_duplicates"],
        skip_bad_rows=form.cleaned_data["skip_bad_rows"],
        actor=request.user,
        sheet=sheet,
    )
    # Measured here, so the person sees what the wait was for.
    messages.success(
        request,
        ngettext(
            "%(count)s prospect saved in %(seconds).1f s.",
            "%(count)s prospects saved in %(seconds).1f s.",
            count,
        )
        % {"count": count, "seconds": time.perf_counter() - started},
    )


def _to_batch(request: HtmxHttpRequest, batch: ImportBatch) -> HttpResponse:
    if request.htmx:
        return HttpResponseClientRedirect(batch.get_absolute_url())
    return redirect(batch)


@require_http_methods(["GET"])
def prospect_export(request: HttpRequest, file_format: str) -> HttpResponse:
    """The list page's filters, applied to every visible prospect (no pagination); a large
    .xlsx is written in the background and offered on its own page when ready."""
    if file_format not in exporting.CONTENT_TYPES:
        raise Http404
    prospects = exporting.exported_prospects(request.user, request.GET)
    if exporting.in_background(prospects, file_format):
        export = services.export_request(
            by=request.user, file_format=file_format, query=request.GET
        )
        return redirect(export)
    return exporting.export_response(prospects, file_format)


@require_http_methods(["GET"])
def export_status(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """How far the background export is (htmx asks again every 2 s until it is finished),
    then the link to the file; with the person's other recent exports."""
    exports = ProspectExport.objects.of(request.user).kept(timezone.now())
    export = get_object_or_404(exports, pk=pk)
    return render_page(
        request,
        "prospects/export_status.html",
        {
            "export": export,
            "others": exports.exclude(pk=pk)[:EXPORTS_LISTED],
            "keep_days": settings.PROSPECT_EXPORT_KEEP_DAYS,
        },
        partials=("export-progress",),
    )


@require_http_methods(["GET"])
def export_download(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    export = get_object_or_404(
        ProspectExport.objects.of(request.user)
        .kept(timezone.now())
        .filter(status=ExportStatus.READY),
        pk=pk,
    )
    try:
        size = export.file.size
    except FileNotFoundError:
        raise Http404 from None
    response = StreamingHttpResponse(
        _chunks(export.file), content_type=exporting.CONTENT_TYPES[export.file_format]
    )
    response["Content-Length"] = str(size)
    response["Content-Disposition"] = content_disposition_header(True, export.file_name)
    response["Cache-Control"] = "private, no-store"
    return response


def _chunks(stored) -> Iterator[bytes]:
    """The file in pieces, opened only once sending starts and closed when it ends (or
    stops): memory stays flat however large the file, and no handle is left open."""
    with stored.open("rb") as file:
        while chunk := file.read(64 * 1024):
            yield chunk
