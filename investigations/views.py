from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.db import models
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role
from accounts.once import AlreadySubmitted, already_submitted, submitted_once
from accounts.pagination import ListPaginator
from accounts.policy import roles_required
from accounts.rendering import HtmxHttpRequest
from accounts.versions import EditConflict, refuse_stale
from investigations import permissions, reports, rules, services
from investigations.evidence import EvidenceRejected, evidence_storage
from investigations.forms import (
    ChecklistItemForm,
    CollateralForm,
    DecisionForm,
    EvidenceForm,
    GuarantorForm,
    InvestigationForm,
    InvestigationStartForm,
    SideInquiryForm,
    SubmitForm,
)
from investigations.models import (
    Collateral,
    EvidenceFile,
    EvidencePurpose,
    Guarantor,
    Investigation,
    SideInquiry,
    Status,
)
from prospects.models import Prospect

CASEWORK = (Role.CLIENT_MANAGER, Role.SUPERVISOR)
LIST_PAGE_SIZE = 50
# The review queue, oldest first, a page at a time.
QUEUE_PAGE_SIZE = 25
# Figures typed into the cover preview beyond what a form accepts show no cover.
TYPED_LIMIT = Decimal("1e12")

# The investigation's own records edited on their own small pages: URL word → model, form.
CHILDREN: dict[str, tuple[type[models.Model], type[forms.ModelForm]]] = {
    "guarantors": (Guarantor, GuarantorForm),
    "collateral": (Collateral, CollateralForm),
    "inquiries": (SideInquiry, SideInquiryForm),
}


def _visible(request: HttpRequest):
    return Investigation.objects.visible_to(request.user)


def _for_page(request: HttpRequest, pk: int) -> Investigation:
    return get_object_or_404(_visible(request).for_page(), pk=pk)


def _for_reading(request: HttpRequest, pk: int) -> Investigation:
    """Only for pages that change nothing: also a client's decided investigation kept by its
    former manager (`readable_by`)."""
    return get_object_or_404(Investigation.objects.readable_by(request.user).for_page(), pk=pk)


def _for_edit(request: HttpRequest, pk: int) -> Investigation | HttpResponse:
    """The investigation if the person may change it; else its page with the reason."""
    investigation = get_object_or_404(_visible(request).select_related("owner", "prospect"), pk=pk)
    if permissions.can_edit(request.user, investigation):
        return investigation
    messages.error(request, services.not_editable_message(investigation))
    return redirect(investigation)


def _attempt(request: HttpRequest, change: Callable[[], object], done: str) -> None:
    """Make a change; its refusal (or its success) is the message at the top of the next page."""
    try:
        change()
    except services.Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, done)


def _refuse_stale(form: forms.Form, conflict: EditConflict) -> None:
    # Nothing is lost: the other change stands, this one stays in the form.
    refuse_stale(
        form,
        conflict,
        _(
            "This investigation changed after you opened this page (in another tab "
            "or window). Open it again in a new tab to see what changed; saving "
            "this form again replaces it with yours."
        ),
    )


def _refused(form: forms.Form, refused: services.Refused) -> None:
    for message, field in refused.refusals:
        form.add_error(field if field in form.fields else None, message)


# --- Lists -------------------------------------------------------------------------------


@roles_required(*CASEWORK)
@require_GET
def investigation_list(request: HttpRequest) -> HttpResponse:
    investigations = _visible(request).for_list()
    status = request.GET.get("status", "")
    if status in Status.values:
        investigations = investigations.filter(status=status)
    else:
        status = ""
    page = ListPaginator(investigations, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "investigations/investigation_list.html",
        {
            "page": page,
            "statuses": Status.choices,
            "status": status,
            "query": urlencode({"status": status}) if status else "",
        },
    )


@roles_required(Role.SUPERVISOR)
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    queue = (
        _visible(request)
        .awaiting_review_by(request.user)
        .for_list()
        .prefetch_related("items", "guarantors", "collateral")
        .order_by("submitted_at", "pk")
    )
    page = ListPaginator(queue, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "investigations/review_queue.html",
        {"page": page, "queue": [(inv, inv.age_days(today)) for inv in page], "today": today},
    )


# --- Starting and editing ---------------------------------------------------------------------


@roles_required(*CASEWORK)
@require_http_methods(["GET", "POST"])
def investigation_create(request: HttpRequest, prospect_pk: int) -> HttpResponse:
    prospect = get_object_or_404(Prospect.objects.visible_to(request.user), pk=prospect_pk)
    if not permissions.can_start(request.user, prospect):
        messages.error(request, _("Only the client's own manager can start an investigation."))
        return redirect(prospect)
    form = InvestigationStartForm(request.POST or None, initial={"purpose": ""})
    if request.method == "POST" and form.is_valid():
        investigation = form.save(commit=False)
        investigation.prospect = prospect
        try:
            with submitted_once(form, by=request.user) as submission:
                services.investigation_start(investigation=investigation, by=request.user)
                submission.url = investigation.get_absolute_url()
        except AlreadySubmitted as duplicate:
            return already_submitted(request, duplicate.url or prospect.get_absolute_url())
        except services.Refused as refused:
            _refused(form, refused)
        else:
            messages.success(request, _("Investigation started: work through the checklist."))
            return redirect(investigation)
    return TemplateResponse(
        request, "investigations/investigation_start.html", {"form": form, "prospect": prospect}
    )


@require_GET
def investigation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    investigation = _for_reading(request, pk)
    user = request.user
    return TemplateResponse(
        request,
        "investigations/investigation_detail.html",
        {
            **reports.context(investigation),
            "can_edit": permissions.can_edit(user, investigation),
            "can_decide": permissions.can_decide(user, investigation),
            "missing": services.missing_for_submission(investigation)
            if investigation.is_editable
            else [],
            # Its former manager reads their work but no longer sees the client: no link
            # to a page that answers 404.
            "client_hidden": investigation.decided_before_handover
            and not Prospect.objects.visible_to(user).filter(pk=investigation.prospect_id).exists(),
        },
    )


@require_http_methods(["GET", "POST"])
def investigation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    investigation = _for_edit(request, pk)
    if isinstance(investigation, HttpResponse):
        return investigation
    form = InvestigationForm(request.POST or None, instance=investigation)
    if request.method == "POST" and form.is_valid():
        edited = form.save(commit=False)
        try:
            services.investigation_save(
                investigation=edited, by=request.user, expected_version=form.cleaned_data["version"]
            )
        except services.Refused as refused:
            messages.error(request, refused.message)
            return redirect(investigation)
        except EditConflict as conflict:
            _refuse_stale(form, conflict)
        else:
            messages.success(request, _("Investigation saved."))
            return redirect(investigation)
    return TemplateResponse(
        request,
        "investigations/investigation_form.html",
        {"form": form, "investigation": investigation},
    )


@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    investigation = _for_edit(request, pk)
    if isinstance(investigation, HttpResponse):
        return investigation
    item = get_object_or_404(investigation.items.all(), pk=item_pk)
    item.investigation = investigation
    has_authorization = investigation.evidence.filter(
        purpose=EvidencePurpose.AUTHORIZATION
    ).exists()
    form = ChecklistItemForm(
        request.POST or None,
        request.FILES or None,
        instance=item,
        has_authorization=has_authorization,
        investigation_version=investigation.version,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.item_save(
                item=form.save(commit=False),
                by=request.user,
                evidence=form.cleaned_data.get("evidence"),
                authorization=form.cleaned_data.get("authorization"),
                authorized_on=form.cleaned_data.get("credit_authorized_on"),
                expected_version=form.cleaned_data["version"],
            )
        except (services.Refused, EvidenceRejected) as refused:
            if isinstance(refused, EvidenceRejected):
                refused = services.Refused(str(refused), "evidence")
            _refused(form, refused)
        except EditConflict as conflict:
            _refuse_stale(form, conflict)
        else:
            messages.success(request, _("“%(item)s” saved.") % {"item": item})
            return redirect(f"{investigation.get_absolute_url()}#{item.anchor}")
    return TemplateResponse(
        request,
        "investigations/item_form.html",
        {
            "form": form,
            "investigation": investigation,
            "item": item,
            "files": item.evidence.all(),
            "has_authorization": has_authorization,
        },
    )


def _child_model(kind: str) -> tuple[type[models.Model], type[forms.ModelForm]]:
    if kind not in CHILDREN:
        raise Http404
    return CHILDREN[kind]


def _cover_context(investigation: Investigation, *, exclude_pk: int | None, typed: Decimal | None):
    others = [
        g.net_assets
        for g in investigation.guarantors.all()
        if g.pk != exclude_pk and g.net_assets is not None
    ]
    nets = [*others, typed] if typed is not None else others
    cover = rules.guarantor_cover(nets, investigation.existing_loans, investigation.amount)
    return {
        "cover": rules.cover_display(cover),
        "cover_ok": rules.cover_sufficient(cover),
        "combined_net_assets": sum(nets, Decimal(0)),
        "existing_loans": investigation.existing_loans,
        "amount": investigation.amount,
        "loans": investigation.existing_loans + investigation.amount,
        "required": rules.COVER_REQUIRED,
    }


def _typed_net(data) -> Decimal | None:
    try:
        assets = Decimal(str(data.get("total_assets", "")).strip())
        liabilities = Decimal(str(data.get("total_liabilities", "")).strip())
    except InvalidOperation:
        return None
    # Compared, not abs()'d: arithmetic on 1e999999999 overflows the decimal context.
    # Negative amounts are refused by the form: no cover is drawn from them either.
    if not all(v.is_finite() and 0 <= v < TYPED_LIMIT for v in (assets, liabilities)):
        return None
    return rules.net_assets(assets, liabilities)


@require_http_methods(["GET", "POST"])
def child_form(
    request: HtmxHttpRequest, pk: int, kind: str, child_pk: int | None = None
) -> HttpResponse:
    model, form_class = _child_model(kind)
    investigation = _for_edit(request, pk)
    if isinstance(investigation, HttpResponse):
        return investigation
    if child_pk is None:
        instance = model(investigation=investigation)  # the form's checks know whose it is
    else:
        instance = get_object_or_404(model.objects.filter(investigation=investigation), pk=child_pk)
    form = form_class(
        request.POST or None, instance=instance, investigation_version=investigation.version
    )
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        back = f"{investigation.get_absolute_url()}#{kind}"
        try:
            with submitted_once(form, by=request.user) as submission:
                services.child_save(
                    obj=obj,
                    investigation=investigation,
                    by=request.user,
                    expected_version=form.cleaned_data["version"],
                )
                submission.url = back
        except AlreadySubmitted as duplicate:
            return already_submitted(request, duplicate.url or back)
        except services.Refused as refused:
            messages.error(request, refused.message)
            return redirect(back)
        except EditConflict as conflict:
            _refuse_stale(form, conflict)  # the form again, as typed (its token unclaimed)
        else:
            messages.success(request, _("Saved."))
            return redirect(back)
    context: dict[str, Any] = {
        "form": form,
        "investigation": investigation,
        "kind": kind,
        "title": model._meta.verbose_name,
        "child": None if child_pk is None else instance,
    }
    if kind == "guarantors":
        typed = _typed_net(request.POST) if request.method == "POST" else None
        if form.twin is not None:
            typed = None  # already counted: the cover stays that of the guarantors listed
        if typed is None and child_pk is not None:
            typed = instance.net_assets
        context |= _cover_context(investigation, exclude_pk=child_pk, typed=typed)
    return TemplateResponse(request, "investigations/child_form.html", context)


@require_GET
def cover_preview(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The cover as the manager types a guarantor's figures (htmx swaps #cover)."""
    investigation = get_object_or_404(_visible(request).prefetch_related("guarantors"), pk=pk)
    try:
        exclude_pk = int(request.GET.get("guarantor") or 0) or None
    except ValueError:
        exclude_pk = None
    context = _cover_context(investigation, exclude_pk=exclude_pk, typed=_typed_net(request.GET))
    return TemplateResponse(request, "investigations/includes/cover.html", context)


@require_POST
def child_delete(request: HttpRequest, pk: int, kind: str, child_pk: int) -> HttpResponse:
    model, _form = _child_model(kind)
    investigation = _for_edit(request, pk)
    if isinstance(investigation, HttpResponse):
        return investigation
    obj = get_object_or_404(model.objects.filter(investigation=investigation), pk=child_pk)
    _attempt(request, lambda: services.child_delete(obj=obj, by=request.user), _("Removed."))
    return redirect(f"{investigation.get_absolute_url()}#{kind}")


# --- Evidence ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    investigation = _for_edit(request, pk)
    if isinstance(investigation, HttpResponse):
        return investigation
    form = EvidenceForm(request.POST or None, request.FILES or None, investigation=investigation)
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_add(
                investigation=investigation,
                upload=form.cleaned_data["file"],
                item=form.cleaned_data.get("item"),
                purpose=form.purpose,
                by=request.user,
            )
        except (services.Refused, EvidenceRejected) as refused:
            form.add_error("file", getattr(refused, "message", str(refused)))
        else:
            messages.success(request, _("File attached."))
            return redirect(f"{investigation.get_absolute_url()}#evidence")
    return TemplateResponse(
        request,
        "investigations/evidence_form.html",
        {"form": form, "investigation": investigation},
    )


@require_GET
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Only through the investigation's report being readable; always a download, never
    sniffed."""
    file = get_object_or_404(
        EvidenceFile.objects.filter(
            investigation__in=Investigation.objects.readable_by(request.user)
        ),
        pk=pk,
    )
    try:
        with evidence_storage().open(file.stored_name, "rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        raise Http404 from None
    # Read whole (at most the upload limit): no file handle outlives the request.
    response = FileResponse(
        io.BytesIO(content), as_attachment=True, filename=file.name, content_type=file.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    file = get_object_or_404(
        EvidenceFile.objects.filter(investigation__in=_visible(request)).select_related(
            "investigation"
        ),
        pk=pk,
    )
    investigation = file.investigation
    _attempt(
        request, lambda: services.evidence_delete(file=file, by=request.user), _("File removed.")
    )
    return redirect(f"{investigation.get_absolute_url()}#evidence")


# --- Submission and review ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def investigation_submit(request: HttpRequest, pk: int) -> HttpResponse:
    investigation = _for_page(request, pk)
    if investigation.status == Status.SUBMITTED and request.method == "POST":
        messages.info(request, _("This investigation has already been submitted."))
        return redirect(investigation)
    if not permissions.can_submit(request.user, investigation):
        messages.error(request, services.not_editable_message(investigation))
        return redirect(investigation)
    form = SubmitForm(request.POST or None, initial={"seen_version": investigation.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.investigation_submit(
                investigation=investigation,
                by=request.user,
                seen_version=form.cleaned_data["seen_version"],
                justification=form.cleaned_data["justification"],
            )
        except services.Refused as refused:
            _refused(form, refused)
        else:
            messages.success(request, _("Submitted for review."))
            return redirect(investigation)
    return TemplateResponse(
        request,
        "investigations/investigation_submit.html",
        {
            **reports.context(investigation),
            "form": form,
            "missing": services.missing_for_submission(investigation),
        },
    )


@require_http_methods(["GET", "POST"])
def investigation_review(request: HttpRequest, pk: int) -> HttpResponse:
    """One screen: checklist, issues, cover with its inputs, collateral, evidence, decision."""
    investigation = _for_page(request, pk)
    items = list(investigation.items.all())
    form = DecisionForm(
        request.POST or None,
        items=items,
        collateral=investigation.collateral.all(),
        adverse=investigation.adverse_findings,
        initial={"seen_version": investigation.version},
    )
    can_decide = permissions.can_decide(request.user, investigation)
    if request.method == "POST":
        if not can_decide and investigation.status != Status.SUBMITTED:
            messages.error(
                request,
                services.refusal_message(
                    services.TransitionRefused("status", current_status=investigation.status)
                ),
            )
            return redirect(investigation)
        if not can_decide:
            messages.error(request, _("You cannot decide on this investigation."))
            return redirect(investigation)
        if form.is_valid():
            try:
                services.investigation_decide(
                    investigation=investigation,
                    by=request.user,
                    action=form.cleaned_data["decision"],
                    seen_version=form.cleaned_data["seen_version"],
                    comment=form.cleaned_data["comment"],
                    approval_reason=form.cleaned_data["approval_reason"],
                    item_comments=form.item_comments(),
                )
            except services.Refused as refused:
                _refused(form, refused)
            else:
                messages.success(request, _("Decision recorded."))
                return redirect(
                    "investigations:queue"
                    if request.user.is_supervisor or request.user.is_administrator
                    else investigation
                )
    return TemplateResponse(
        request,
        "investigations/investigation_review.html",
        {**reports.context(investigation), "form": form, "can_decide": can_decide},
    )


@require_GET
def investigation_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    investigation = _for_reading(request, pk)
    pdf = reports.render_pdf(investigation, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="investigation-{investigation.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
