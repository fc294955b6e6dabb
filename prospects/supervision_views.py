"""A supervisor's pages: the team overview, the visits behind its figures, the review
of flagged hospitality (see prospects.supervision for the figures)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.contributions import panels_response
from accounts.models import Role
from accounts.policy import roles_required
from prospects import permissions
from prospects.charts import conversion_chart
from prospects.filters import VisitFilter
from prospects.forms import (
    AttachmentForm,
    CompetingOfferForm,
    ConversionPeriodForm,
    CreditJudgmentForm,
    HandoverForm,
    HospitalityAnswerForm,
    HospitalityReviewForm,
    PromiseDeclineForm,
)
from prospects.home import TEAM_ATTENTION_TITLE, team_attention_panels
from prospects.models import Attachment, HospitalityEntry, Promise, Prospect, Visit
from prospects.services import attachment_add, handover_following, prospects_hand_over
from prospects.supervision import Periods, handover_preview, team_conversion, team_overview

PAGE_SIZE = 25
# The conversion table opens on the last twelve months.
DEFAULT_PERIOD_DAYS = 365


@roles_required(Role.SUPERVISOR)
@require_http_methods(["GET"])
def team_overview_page(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return TemplateResponse(
        request,
        "prospects/team_overview.html",
        {
            "rows": team_overview(request.user, today=today),
            "periods": Periods(today),
            "today": today,
        },
    )


@roles_required(Role.SUPERVISOR)
@require_http_methods(["GET"])
def team_attention(request: HttpRequest) -> HttpResponse:
    """What the team let slip and what waits for the supervisor: loaded after their home."""
    panels = team_attention_panels(request.user, timezone.localdate())
    return panels_response(request, panels, TEAM_ATTENTION_TITLE)


@require_http_methods(["GET"])
def conversion(request: HttpRequest) -> HttpResponse:
    """Per source channel: prospects, clients won, conversion rate, median days to client."""
    today = timezone.localdate()
    default = {"start": (today - timedelta(days=DEFAULT_PERIOD_DAYS)).isoformat(), "end": today}
    form = ConversionPeriodForm(request.GET or default, user=request.user)
    rows = []
    if form.is_valid():
        rows = team_conversion(
            request.user,
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
            owner=form.cleaned_data.get("owner"),
        )
    return TemplateResponse(
        request,
        "prospects/conversion.html",
        {"form": form, "rows": rows, "chart": conversion_chart(rows)},
    )


@require_http_methods(["GET"])
def visit_list(request: HttpRequest) -> HttpResponse:
    """Visits done and planned, by person, period and whether they reached the client."""
    visits = Visit.objects.visible_to(request.user).select_related("prospect", "prospect__owner")
    filterset = VisitFilter(request.GET or None, queryset=visits, user=request.user)
    results = filterset.qs if filterset.is_bound and filterset.is_valid() else visits
    if filterset.is_bound and not filterset.is_valid():
        results = visits.none()
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return TemplateResponse(
        request,
        "prospects/visit_list.html",
        {"filter": filterset, "page": page, "query": query.urlencode()},
    )


@require_http_methods(["GET", "POST"])
def hospitality_review(request: HttpRequest, pk: int) -> HttpResponse:
    """A flagged entry: the supervisor acknowledges or questions it; the manager answers."""
    entry = get_object_or_404(HospitalityEntry.objects.visible_to(request.user).for_list(), pk=pk)
    user = request.user
    may_review = permissions.can_review_hospitality(user, entry)
    may_answer = permissions.can_answer_hospitality(user, entry)
    answering = "answer" in request.POST
    # A post without "answer" is a review, even one sent without its choice: bound, so
    # that what is missing, or why it is not theirs to review, shows beside the form.
    reviewing = request.method == "POST" and not answering
    review_form = HospitalityReviewForm(request.POST if reviewing else None)
    answer_form = HospitalityAnswerForm(request.POST if answering else None)
    if request.method == "POST":
        if answering:
            if not may_answer:
                answer_form.add_error(None, _("Only the manager asked can answer, and only once."))
            elif answer_form.is_valid():
                entry.answer_question(answer=answer_form.cleaned_data["answer"])
                messages.success(request, _("Your answer was sent to your supervisor."))
                return redirect(reverse("prospects:hospitality_list") + "?show=all")
        else:
            if not may_review:
                # Four eyes: nobody reviews their own entry; the reason shows beside the form.
                review_form.add_error(
                    None,
                    _(
                        "Not an entry you recorded or about your own client: your supervisor, "
                        "or an administrator, reviews it."
                    ),
                )
            elif review_form.is_valid():
                try:
                    entry.record_review(
                        by=user,
                        review=review_form.cleaned_data["review"],
                        comment=review_form.cleaned_data["comment"],
                        on=timezone.localdate(),
                    )
                except ValidationError as error:
                    review_form.add_error(None, error)
                else:
                    messages.success(request, _("Review recorded."))
                    return redirect(reverse("prospects:hospitality_list"))
    return TemplateResponse(
        request,
        "prospects/hospitality_review.html",
        {
            "entry": entry,
            "may_review": may_review,
            "may_answer": may_answer,
            "review_form": review_form,
            "answer_form": answer_form,
        },
    )


@roles_required(Role.SUPERVISOR)
@require_http_methods(["GET", "POST"])
def handover(request: HttpRequest) -> HttpResponse:
    """Preview, then confirm: a leaving manager's prospects, promises and visits move at
    once, with what the other apps keep for those clients (the preview says what)."""
    form = HandoverForm(
        request.POST or None,
        user=request.user,
        initial={"from_person": request.GET.get("from_person")},
    )
    preview = None
    following: list[str] = []
    if request.method == "POST" and form.is_valid():
        chosen = form.chosen_prospects()
        if "confirm" in request.POST:
            try:
                done = prospects_hand_over(
                    prospects=chosen,
                    from_person=form.cleaned_data["from_person"],
                    to=form.cleaned_data["to_person"],
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("%(count)s prospects handed from %(from)s to %(to)s.")
                    % {
                        "count": len(chosen),
                        "from": done.from_person,
                        "to": done.to_person,
                    },
                )
                for sentence in done.followed:
                    messages.success(request, sentence)
                return redirect("prospects:team_overview")
        if form.is_valid():
            preview = handover_preview(chosen)
            following = handover_following(
                prospects=chosen,
                from_person=form.cleaned_data["from_person"],
                to=form.cleaned_data["to_person"],
            )
    return TemplateResponse(
        request,
        "prospects/handover.html",
        {"form": form, "preview": preview, "following": following},
    )


@require_http_methods(["GET", "POST"])
def promise_decline(request: HttpRequest, pk: int) -> HttpResponse:
    """Decline a promise because keeping it would break the bank's rules or ethics."""
    promise = get_object_or_404(Promise.objects.visible_to(request.user).for_list(), pk=pk)
    form = PromiseDeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            promise.mark_declined_for_rules(on=timezone.localdate(), **form.cleaned_data)
        except ValidationError as error:
            for field, errors in getattr(error, "error_dict", {None: error}).items():
                for message in ValidationError(errors).messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Recorded that the promise is declined, with the reason."))
            return redirect(promise.prospect.get_absolute_url())
    return TemplateResponse(
        request, "prospects/promise_decline.html", {"promise": promise, "form": form}
    )


@require_POST
def promise_unconsulted_seen(request: HttpRequest, pk: int) -> HttpResponse:
    """The supervisor (the mentor, for a trainee) has looked at a promise made alone."""
    promise = get_object_or_404(
        Promise.objects.visible_to(request.user).select_related("prospect__owner"), pk=pk
    )
    if not permissions.can_mark_unconsulted_seen(request.user, promise):
        messages.error(
            request,
            _(
                "Not a promise you recorded or made to your own client: your supervisor, "
                "or an administrator, looks at it."
            ),
        )
    else:
        try:
            promise.mark_unconsulted_seen(by=request.user, on=timezone.localdate())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Marked as seen."))
    return redirect(reverse("home"))


# --- A client's credit, the banks courting it, its documents ---------------------------------


def _client_files_context(prospect: Prospect, **forms: Any) -> dict[str, Any]:
    return {
        "prospect": prospect,
        "offers": list(prospect.competing_offers.all()),
        "attachments": list(prospect.attachments.select_related("uploaded_by")),
        "credit_form": forms.get("credit_form") or CreditJudgmentForm(instance=prospect),
        "offer_form": forms.get("offer_form") or CompetingOfferForm(),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
    }


@require_http_methods(["GET", "POST"])
def client_credit(request: HttpRequest, pk: int) -> HttpResponse:
    """Credit asked against credit judged reasonable; other banks courting the client."""
    prospect = get_object_or_404(Prospect.objects.visible_to(request.user), pk=pk)
    forms: dict[str, Any] = {}
    if request.method == "POST":
        if "credit-credit_requested" in request.POST:
            form = CreditJudgmentForm(request.POST, instance=prospect)
            if form.is_valid():
                form.save()
                messages.success(request, _("Credit judgment saved."))
                return redirect(prospect)
            forms["credit_form"] = form
        elif "offer-bank" in request.POST:
            form = CompetingOfferForm(request.POST)
            form.instance.prospect = prospect
            form.instance.recorded_by = request.user
            if form.is_valid():
                form.save()
                messages.success(request, _("Competing offer recorded."))
                return redirect(prospect)
            forms["offer_form"] = form
        else:
            form = AttachmentForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                attachment_add(
                    prospect=prospect,
                    kind=form.cleaned_data["kind"],
                    upload=upload,
                    content_type=upload.sniffed_type,
                    by=request.user,
                )
                messages.success(request, _("Attachment saved."))
                return redirect(prospect)
            forms["attachment_form"] = form
    return TemplateResponse(
        request, "prospects/client_files.html", _client_files_context(prospect, **forms)
    )


@require_http_methods(["GET"])
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    """An attachment, only for those who see its client (anyone else: 404)."""
    attachment = get_object_or_404(
        Attachment.objects.filter(prospect__in=Prospect.objects.visible_to(request.user)), pk=pk
    )
    # Read whole (uploads are capped at a few MB) so the file is closed before responding.
    with attachment.file.open("rb") as stored:
        response = HttpResponse(stored.read(), content_type=attachment.content_type)
    response["Content-Disposition"] = (
        f'inline; filename="{attachment.kind}-{attachment.pk}.{attachment.extension}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
