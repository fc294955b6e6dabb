from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.contributions import prospect_actions, timeline
from accounts.fields import record_id
from accounts.once import AlreadySubmitted, already_submitted, submitted_once
from accounts.pagination import ListPaginator
from accounts.rendering import HtmxHttpRequest, render_page
from accounts.versions import EditConflict, refuse_stale
from prospects import rules
from prospects.charts import penetration_chart
from prospects.filters import HospitalityFilter, PromiseFilter, ProspectFilter
from prospects.forms import (
    HospitalityForm,
    PromiseBrokenForm,
    PromiseForm,
    ProspectForm,
    ReassignForm,
    TerritoryForm,
    VisitForm,
    consultable_colleagues,
)
from prospects.history import territory_history
from prospects.models import (
    HospitalityEntry,
    Promise,
    Prospect,
    Stage,
    Territory,
    Visit,
)
from prospects.permissions import (
    can_create_territory,
    can_edit_territory,
    can_reassign,
)
from prospects.services import prospects_hand_over, visit_log

PAGE_SIZE = 25


def _query_without_page(request: HtmxHttpRequest) -> str:
    """The list's query string for the pager: filters and sort stay, the page changes."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- Prospects ----------------------------------------------------------------------


@require_http_methods(["GET"])
def prospect_list(request: HtmxHttpRequest) -> HttpResponse:
    # Without a chosen sort, due and overdue follow-ups come first: a list of imported leads
    # must not bury the day's real work.
    prospects = (
        Prospect.objects.visible_to(request.user).for_list().work_first(timezone.localdate())
    )
    filterset = ProspectFilter(request.GET or None, queryset=prospects, user=request.user)
    results = filterset.qs if filterset.is_bound else prospects
    if filterset.is_bound and not filterset.is_valid():
        results = prospects.none()
    page = ListPaginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    sort_query = request.GET.copy()
    sort_query.pop("page", None)
    sort_query.pop("sort", None)
    return render_page(
        request,
        "prospects/prospect_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": _query_without_page(request),
            "sort_query": sort_query.urlencode(),
            "sort": request.GET.get("sort", ""),
            "today": timezone.localdate(),
        },
        partials=("results",),
    )


@require_http_methods(["GET", "POST"])
def prospect_create(request: HtmxHttpRequest) -> HttpResponse:
    initial = {"source": request.GET.get("source"), "referred_by": request.GET.get("referred_by")}
    form = ProspectForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with submitted_once(form, by=request.user) as submission:
                prospect = form.save(commit=False)
                prospect.owner = request.user
                prospect.save()
                submission.url = prospect.get_absolute_url()
        except AlreadySubmitted as duplicate:
            return already_submitted(request, duplicate.url or reverse("prospects:list"))
        messages.success(request, _("Prospect “%(name)s” saved.") % {"name": prospect.name})
        return redirect(prospect)
    return TemplateResponse(request, "prospects/prospect_form.html", {"form": form})


@require_http_methods(["GET"])
def referrer_search(request: HtmxHttpRequest) -> HttpResponse:
    """Matches for the referrer's search box: radio buttons, the current choice kept."""
    text = request.GET.get("referred_by-search", "").strip()
    prospects = Prospect.objects.visible_to(request.user).order_by("name")
    chosen = record_id(request.GET.get("referred_by"))
    selected = prospects.filter(pk=chosen).first() if chosen is not None else None
    edited = record_id(request.GET.get("prospect"))
    if selected is None and chosen is not None and edited is not None:
        # The edited prospect's referrer on record stays ticked even once out of sight
        # (ProspectForm keeps it a valid choice); no other hidden prospect is shown.
        referrer = prospects.filter(pk=edited).select_related("referred_by").first()
        if referrer is not None and referrer.referred_by_id == chosen:
            selected = referrer.referred_by
    return TemplateResponse(
        request,
        "prospects/widgets/search_choice_options.html",
        {
            "name": "referred_by",
            "empty_label": _("Nobody"),
            "selected": selected,
            "matches": list(prospects.search(text)[:8]) if text else None,
        },
    )


@require_http_methods(["GET"])
def colleague_search(request: HtmxHttpRequest) -> HttpResponse:
    """Matches for the promise form's consulted-colleague box (先请示), among the colleagues
    the form accepts: the supervisor first, then the own team; the current choice kept."""
    name = f"{PromiseForm.prefix}-consulted"
    colleagues = consultable_colleagues(request.user)
    chosen = record_id(request.GET.get(name))
    text = request.GET.get(f"{name}-search", "")
    return TemplateResponse(
        request,
        "prospects/widgets/search_choice_options.html",
        {
            "name": name,
            "empty_label": _("Nobody consulted"),
            "selected": colleagues.filter(pk=chosen).first() if chosen is not None else None,
            "matches": list(consultable_colleagues(request.user, named=text)[:8])
            if text.strip()
            else None,
        },
    )


@require_http_methods(["GET", "POST"])
def prospect_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    prospect = get_object_or_404(Prospect.objects.visible_to(request.user), pk=pk)
    form = ProspectForm(request.POST or None, instance=prospect, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            form.instance.save_edit(expected_version=form.cleaned_data.get("version"))
        except EditConflict as conflict:
            # Nothing is lost: their save stands, these changes stay in the form.
            refuse_stale(
                form,
                conflict,
                _(
                    "Someone else saved this prospect after you opened this page. Open it "
                    "again in a new tab to see their changes; saving this form again "
                    "replaces them with yours."
                ),
            )
        else:
            messages.success(request, _("Prospect “%(name)s” saved.") % {"name": prospect.name})
            return redirect(prospect)
    return TemplateResponse(
        request, "prospects/prospect_form.html", {"form": form, "prospect": prospect}
    )


def _detail_context(
    request: HtmxHttpRequest, prospect: Prospect, *, open_visit: bool = False, **forms: Any
) -> dict[str, Any]:
    user = request.user
    today = timezone.localdate()
    return {
        "prospect": prospect,
        "today": today,
        "timeline": timeline(prospect, user),
        "actions": prospect_actions(prospect, user),
        "referrals": list(Prospect.objects.visible_to(user).referred_by(prospect)),
        # A referrer handed to another team is named, without a link to a page not there.
        "referrer_visible": prospect.referred_by_id is not None
        and Prospect.objects.visible_to(user).filter(pk=prospect.referred_by_id).exists(),
        "next_action_overdue": prospect.is_overdue(today),
        "can_reassign": can_reassign(user, prospect),
        "visit_form": forms.get("visit_form") or VisitForm(),
        "promise_form": forms.get("promise_form") or PromiseForm(user=user),
        "hospitality_form": forms.get("hospitality_form") or HospitalityForm(),
        "open_visit": open_visit,
    }


def _prospect_for_detail(request: HtmxHttpRequest, pk: int) -> Prospect:
    return get_object_or_404(Prospect.objects.visible_to(request.user).for_detail(), pk=pk)


@require_http_methods(["GET"])
def prospect_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    prospect = _prospect_for_detail(request, pk)
    return TemplateResponse(
        request, "prospects/prospect_detail.html", _detail_context(request, prospect)
    )


@require_http_methods(["GET"])
def prospect_history(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The change history, fetched when the reader opens it on the prospect page (rendered
    with the page, a long history cost about a quarter of its time), or as a page of its own
    from the link beside it when JavaScript is off."""
    prospect = _prospect_for_detail(request, pk)
    return render_page(
        request,
        "prospects/prospect_history.html",
        {"prospect": prospect},
        partials=("change-history",),
    )


def _activity_response(
    request: HtmxHttpRequest, prospect: Prospect, *, open_visit: bool = False, **forms: Any
) -> HttpResponse:
    """After a form on the prospect page: the refreshed activity region (htmx) or the page."""
    return render_page(
        request,
        "prospects/prospect_detail.html",
        _detail_context(request, prospect, open_visit=open_visit, **forms),
        partials=("activity",),
    )


def _visit_redraw(request: HtmxHttpRequest) -> dict[str, str]:
    """The outcome changed: the values typed so far, to show the fields that outcome asks for
    (turned away → what was learned, an intermediary, a proposed date to try again)."""
    return {
        name: value
        for name in VisitForm.base_fields
        if (value := request.GET.get(f"{VisitForm.prefix}-{name}"))
    }


@require_http_methods(["GET", "POST"])
def visit_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    prospect = _prospect_for_detail(request, pk)
    if request.method == "GET":
        form = VisitForm(initial=_visit_redraw(request))
        if request.htmx:
            return TemplateResponse(
                request,
                "prospects/prospect_detail.html#visit-form",
                {"prospect": prospect, "visit_form": form},
            )
        # Opened from the agenda ("Log a visit"): the page with the visit form unfolded.
        return _activity_response(request, prospect, open_visit=True, visit_form=form)
    form = VisitForm(request.POST, instance=None)
    form.instance.prospect = prospect
    if form.is_valid():
        try:
            with submitted_once(form, by=request.user) as submission:
                visit_log(visit=form.save(commit=False), by=request.user)
                submission.url = prospect.get_absolute_url()
        except AlreadySubmitted as duplicate:
            return already_submitted(request, duplicate.url or prospect.get_absolute_url())
        messages.success(request, _("Visit recorded."))
        if not request.htmx:
            return redirect(prospect)
        prospect = _prospect_for_detail(request, pk)
        return _activity_response(request, prospect)
    return _activity_response(request, prospect, visit_form=form)


@require_http_methods(["GET", "POST"])
def visit_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Record how a planned visit went (or correct a visit)."""
    visit = get_object_or_404(
        Visit.objects.visible_to(request.user).select_related("prospect"), pk=pk
    )
    if request.method == "POST":
        form = VisitForm(request.POST, instance=visit)
        if form.is_valid():
            visit_log(visit=form.save(commit=False), by=request.user)
            messages.success(request, _("Visit recorded."))
            return redirect(visit.prospect)
    else:
        form = VisitForm(instance=visit, initial=_visit_redraw(request))
    return render_page(
        request,
        "prospects/visit_form.html",
        {"form": form, "visit": visit},
        partials=("visit-form",),
    )


@require_POST
def hospitality_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    prospect = _prospect_for_detail(request, pk)
    form = HospitalityForm(request.POST)
    form.instance.prospect = prospect
    form.instance.recorded_by = request.user
    if form.is_valid():
        try:
            with submitted_once(form, by=request.user) as submission:
                entry = form.save()
                submission.url = prospect.get_absolute_url()
        except AlreadySubmitted as duplicate:
            return already_submitted(request, duplicate.url or prospect.get_absolute_url())
        if entry.flagged:
            messages.warning(request, _("Recorded — this entry is flagged for your supervisor."))
        else:
            messages.success(request, _("Recorded in the hospitality register."))
        if not request.htmx:
            return redirect(prospect)
        return _activity_response(request, prospect)
    return _activity_response(request, prospect, hospitality_form=form)


@require_POST
def promise_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    prospect = _prospect_for_detail(request, pk)
    form = PromiseForm(request.POST, user=request.user)
    form.instance.prospect = prospect
    form.instance.recorded_by = request.user
    if form.is_valid():
        try:
            with submitted_once(form, by=request.user) as submission:
                promise = form.save()
                submission.url = prospect.get_absolute_url()
        except AlreadySubmitted as duplicate:
            return already_submitted(request, duplicate.url or prospect.get_absolute_url())
        if promise.made_alone:
            # 先请示 is a flag, not a block: say who will see it.
            messages.warning(
                request,
                _("Recorded without asking first (先请示) — your supervisor will see it."),
            )
        else:
            messages.success(request, _("Promise recorded."))
        if not request.htmx:
            return redirect(prospect)
        return _activity_response(request, prospect)
    return _activity_response(request, prospect, promise_form=form)


@require_http_methods(["GET", "POST"])
def prospect_reassign(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    prospect = get_object_or_404(
        Prospect.objects.visible_to(request.user).select_related("owner"), pk=pk
    )
    if not can_reassign(request.user, prospect):
        raise PermissionDenied
    form = ReassignForm(request.POST or None, user=request.user, current_owner=prospect.owner)
    if request.method == "POST" and form.is_valid():
        # A handover of one: what follows the client (its investigations) follows it here too.
        done = prospects_hand_over(
            prospects=[prospect],
            from_person=prospect.owner,
            to=form.cleaned_data["owner"],
            by=request.user,
            reason=form.cleaned_data["reason"],
        )
        messages.success(
            request,
            _("“%(name)s” now belongs to %(owner)s.")
            % {"name": prospect.name, "owner": done.to_person},
        )
        for sentence in done.followed:
            messages.success(request, sentence)
        return redirect(prospect)
    return TemplateResponse(
        request, "prospects/prospect_reassign.html", {"prospect": prospect, "form": form}
    )


@require_http_methods(["GET"])
def referral_ranking(request: HtmxHttpRequest) -> HttpResponse:
    ranking = Prospect.objects.visible_to(request.user).referral_ranking()[:50]
    return TemplateResponse(request, "prospects/referral_ranking.html", {"ranking": ranking})


# --- Promises ------------------------------------------------------------------------


@require_http_methods(["GET"])
def promise_list(request: HtmxHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    promises = PromiseFilter(
        request.GET, queryset=Promise.objects.visible_to(request.user), user=request.user
    ).qs.for_list()
    show = request.GET.get("show", "open")
    if show == "open":
        promises = promises.open()
    elif show == "overdue":
        promises = promises.overdue(today)
    elif show == "unconsulted":
        promises = promises.open().unconsulted_awaiting_review()
        if _reviews_others(request.user):
            promises = promises.unconsulted_seeable_by(request.user)
    page = Paginator(promises, PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "prospects/promise_list.html",
        {
            "page": page,
            "show": show,
            "query": _query_without_page(request),
            "today": today,
            **_whose(request),
        },
    )


def _reviews_others(user) -> bool:
    """A supervisor's or administrator's "awaiting" lists hold what waits for them: never
    what they recorded or own themselves (accounts.policy.reviews_record), as their panels count."""
    return user.is_supervisor or user.is_administrator


def _whose(request: HtmxHttpRequest) -> dict:
    """Whose list it is, kept when switching what a list shows: one person's ('&owner=…'),
    and for a supervisor the team's only ('&team=on', as the home's panels count)."""
    owner = request.GET.get("owner", "")
    owner_only = f"&owner={owner}" if owner.isdecimal() else ""
    team_only = request.user.is_supervisor and request.GET.get("team") == "on"
    return {
        "owner": owner_only + ("&team=on" if team_only else ""),
        "owner_only": owner_only,
        "team_only": team_only,
    }


@require_POST
def promise_keep(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    promise = get_object_or_404(Promise.objects.visible_to(request.user), pk=pk)
    try:
        promise.mark_kept(on=timezone.localdate())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Promise kept."))
    return redirect(_back_to(request, promise.prospect.get_absolute_url()))


def _back_to(request: HtmxHttpRequest, default: str) -> str:
    """Where a button asked to return to (the agenda), if it is a page of this site."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@require_http_methods(["GET", "POST"])
def promise_break(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    promise = get_object_or_404(Promise.objects.visible_to(request.user).for_list(), pk=pk)
    form = PromiseBrokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            promise.mark_cannot_keep(on=timezone.localdate(), **form.cleaned_data)
        except ValidationError as error:
            # Per field (no explanation…), or about the whole promise (already closed).
            messages_by_field = getattr(error, "error_dict", None) and error.message_dict
            for field, errors in (messages_by_field or {None: error.messages}).items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Recorded that the promise cannot be kept."))
            if request.htmx:
                return HttpResponseClientRedirect(promise.prospect.get_absolute_url())
            return redirect(promise.prospect.get_absolute_url())
    return TemplateResponse(
        request, "prospects/promise_break.html", {"promise": promise, "form": form}
    )


# --- Hospitality register --------------------------------------------------------------


@require_http_methods(["GET"])
def hospitality_list(request: HtmxHttpRequest) -> HttpResponse:
    entries = HospitalityFilter(
        request.GET, queryset=HospitalityEntry.objects.visible_to(request.user), user=request.user
    ).qs.for_list()
    # A supervisor opens the register on the team's flagged entries awaiting review.
    default = "awaiting" if request.user.is_supervisor else "all"
    show = request.GET.get("show", default)
    if show == "flagged":
        entries = entries.flagged()
    elif show == "awaiting":
        if _reviews_others(request.user):
            entries = entries.reviewable_by(request.user)
        entries = entries.flagged().awaiting_review()
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "prospects/hospitality_list.html",
        {
            "page": page,
            "show": show,
            "query": _query_without_page(request),
            **_whose(request),
            "threshold": settings.HOSPITALITY_FLAG_THRESHOLD_CNY,
        },
    )


# --- Territories --------------------------------------------------------------------------


@require_http_methods(["GET"])
def territory_list(request: HtmxHttpRequest) -> HttpResponse:
    user = request.user
    territories = Territory.objects.visible_to(user)
    team_only = user.is_supervisor and request.GET.get("all") != "1"
    if team_only:
        territories = territories.worked_by_team(user)
    rows = [
        (
            territory,
            rules.as_percent(rules.penetration(territory.clients_won, territory.merchant_count)),
        )
        for territory in territories.with_counts().with_stage_counts()
    ]
    return TemplateResponse(
        request,
        "prospects/territory_list.html",
        {
            "rows": rows,
            "team_only": team_only,
            "stages": Stage.choices,
            "can_create": can_create_territory(user),
        },
    )


@require_http_methods(["GET"])
def territory_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    territory = get_object_or_404(
        Territory.objects.visible_to(request.user).with_counts().with_stage_counts(), pk=pk
    )
    today = timezone.localdate()
    months = territory_history(territory, today=today)
    return TemplateResponse(
        request,
        "prospects/territory_detail.html",
        {
            "territory": territory,
            "penetration": rules.penetration(territory.clients_won, territory.merchant_count),
            "penetration_percent": rules.as_percent(
                rules.penetration(territory.clients_won, territory.merchant_count)
            ),
            "coverage_percent": rules.as_percent(
                rules.coverage(territory.prospects_total, territory.merchant_count)
            ),
            "merchant_count_outdated": rules.merchant_count_outdated(
                on_file=territory.prospects_total, merchants=territory.merchant_count
            ),
            "stage_counts": [
                (label, getattr(territory, f"stage_{value}")) for value, label in Stage.choices
            ],
            "months": [(month, count, rules.as_percent(rate)) for month, count, rate in months],
            "chart": penetration_chart(months),
            "managers": list(territory.managers.all()),
            "can_edit": can_edit_territory(request.user, territory),
        },
    )


@require_http_methods(["GET", "POST"])
def territory_create(request: HtmxHttpRequest) -> HttpResponse:
    if not can_create_territory(request.user):
        raise Http404  # no record to refuse: for others the page is not there
    form = TerritoryForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with submitted_once(form, by=request.user) as submission:
                territory = form.save()
                submission.url = territory.get_absolute_url()
        except AlreadySubmitted as duplicate:
            return already_submitted(request, duplicate.url or reverse("prospects:territory_list"))
        return redirect(territory)
    return TemplateResponse(request, "prospects/territory_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def territory_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    territory = get_object_or_404(Territory.objects.visible_to(request.user), pk=pk)
    if not can_edit_territory(request.user, territory):
        raise PermissionDenied
    form = TerritoryForm(request.POST or None, instance=territory, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            territory = form.save()
        return redirect(territory)
    return TemplateResponse(
        request, "prospects/territory_form.html", {"form": form, "territory": territory}
    )
