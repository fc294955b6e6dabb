from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.contributions import panels_response
from accounts.fields import record_id
from accounts.models import Role
from accounts.once import AlreadySubmitted, already_submitted, submitted_once
from accounts.policy import CASEWORK_ROLES, roles_required
from accounts.rendering import HtmxHttpRequest, render_page
from complaints import board, home, rules
from complaints.forms import (
    AnswerForm,
    CaseForm,
    CloseForm,
    ContactForm,
    ConvertForm,
    ExtendForm,
    QuestionForm,
    ReasonForm,
    ReassignForm,
    StepForm,
)
from complaints.models import REQUIRED, STEP_ACTIONS, Action, Case, Kind, Reminder
from complaints.services import case_correct, case_record, contact_log, extension_record
from prospects.models import Promise, Prospect

PAGE_SIZE = 25
casework = roles_required(*CASEWORK_ROLES)


def _visible(request: HtmxHttpRequest):
    return Case.objects.visible_to(request.user)


def _workable(request: HtmxHttpRequest, pk: int) -> Case:
    """A case the person may act on: 404 when unseen, 403 when seen but not theirs to work."""
    case = get_object_or_404(_visible(request).for_list(), pk=pk)
    if not rules.can_work_on(request.user, handler=case.handler, about_id=case.about_id):
        raise PermissionDenied
    return case


def _errors_to_form(form: Form, error: ValidationError) -> None:
    by_field = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for field, problems in by_field.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)


@casework
@require_http_methods(["GET"])
def case_list(request: HtmxHttpRequest) -> HttpResponse:
    """Open cases, most urgent first (or the closed ones), each with its one badge.

    From the board, a supervisor's `?scope=team&state=escalated|overdue|late` narrows the
    open cases to the group the board counted, with the board's own queries; from the
    agenda, `?state=decision_due` to the decisions due within days.
    """
    show = request.GET.get("show", "open")
    now = timezone.now()
    team = request.GET.get("scope") == "team" and request.user.is_supervisor
    cases = (board.team_cases(request.user) if team else _visible(request)).for_list()
    # The board's groups, and the decisions due soon (the agenda's "see all").
    groups = {
        **board.attention_groups(cases, now),
        "decision_due": cases.decision_due(rules.bank_day(now)),
    }
    state = request.GET.get("state", "")
    if state not in groups or show != "open":
        state = ""
    if show == "open":
        cases = (groups[state] if state else cases.open()).most_urgent_first(now)
    else:
        cases = cases.finished().order_by("-closed_at", "-pk")
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    unread = list(
        Reminder.objects.unread_for(request.user)
        .select_related("case", "case__prospect")
        .order_by("-day", "-pk")[:20]
    )
    return render_page(
        request,
        "complaints/case_list.html",
        {
            "page": page,
            "show": show,
            "now": now,
            "unread": unread,
            "team": team,
            "state": state,
            "query": urlencode(
                {
                    "show": show,
                    **({"scope": "team"} if team else {}),
                    **({"state": state} if state else {}),
                }
            ),
        },
        partials=("results",),
    )


def _prefill(request: HtmxHttpRequest) -> dict[str, Any]:
    """A new case opened from a client's page or a broken promise starts filled in."""
    initial: dict[str, Any] = {}
    promise_pk = record_id(request.GET.get("promise"))
    prospect_pk = record_id(request.GET.get("prospect"))
    if promise_pk is not None:
        promise = get_object_or_404(Promise.objects.visible_to(request.user), pk=promise_pk)
        initial.update(
            prospect=promise.prospect_id,
            points=_("Promise that could not be kept: %(what)s\n%(why)s")
            % {"what": promise.description, "why": promise.explanation},
            promise=promise.pk,
        )
    elif prospect_pk is not None:
        prospect = get_object_or_404(Prospect.objects.visible_to(request.user), pk=prospect_pk)
        initial["prospect"] = prospect.pk
    return initial


@casework
@require_http_methods(["GET", "POST"])
def case_create(request: HtmxHttpRequest, kind: str = Kind.COMPLAINT) -> HttpResponse:
    form_class = QuestionForm if kind == Kind.QUESTION else CaseForm
    initial = _prefill(request)
    promise_pk = initial.pop("promise", None) or request.POST.get("promise") or None
    form = form_class(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        case = form.save(commit=False)
        case.kind = kind
        if (promise_id := record_id(promise_pk)) is not None:
            case.promise = Promise.objects.visible_to(request.user).filter(pk=promise_id).first()
        try:
            with submitted_once(form, by=request.user) as submission:
                case_record(case=case, by=request.user)
                submission.url = _page_after_saving(request, case)
        except AlreadySubmitted as duplicate:
            return already_submitted(request, duplicate.url or reverse("complaints:list"))
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            return _saved(request, case, submission.url, _("Recorded."))
    return TemplateResponse(
        request,
        "complaints/case_form.html",
        {"form": form, "kind": kind, "promise_pk": promise_pk},
    )


def _page_after_saving(request: HtmxHttpRequest, case: Case) -> str:
    """The case's page, or the list when the person may not see what they saved."""
    if _visible(request).filter(pk=case.pk).exists():
        return case.get_absolute_url()
    return reverse("complaints:list")


def _saved(request: HtmxHttpRequest, case: Case, url: str, done: str) -> HttpResponse:
    """Say it is saved, and show it (`url`, from _page_after_saving) — or, when it is about
    the person, who may not see it (CaseQuerySet.hidden_from), say so and who handles it."""
    if url == case.get_absolute_url() or case.about_id != request.user.pk:
        messages.success(request, done)
    else:
        messages.success(
            request,
            _(
                "%(done)s It is about you, so it leaves your lists: %(handler)s handles it, "
                "and nobody sees a complaint about themselves."
            )
            % {"done": done, "handler": case.handler},
        )
    return redirect(url)


@casework
@require_http_methods(["GET", "POST"])
def case_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    case = _workable(request, pk)
    form_class = QuestionForm if case.kind == Kind.QUESTION else CaseForm
    form = form_class(request.POST or None, instance=case, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            case_correct(form=form)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            return _saved(request, case, _page_after_saving(request, case), _("Saved."))
    return TemplateResponse(
        request, "complaints/case_form.html", {"form": form, "case": case, "kind": case.kind}
    )


@casework
@require_http_methods(["GET"])
def case_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(
        _visible(request).for_list().select_related("about").prefetch_related("events__by"),
        pk=pk,
    )
    # Opening the case reads its reminders (the navigation's count goes down).
    Reminder.objects.filter(person=request.user, case=case, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return TemplateResponse(request, "complaints/case_detail.html", _detail_context(request, case))


def _detail_context(request: HtmxHttpRequest, case: Case, **forms: Any) -> dict[str, Any]:
    return {
        "case": case,
        # A new handler may not see the client's page (it is their former manager's): the
        # case page then gives the name and phone, to call them, without the link.
        "client_visible": bool(
            case.prospect_id
            and Prospect.objects.visible_to(request.user).filter(pk=case.prospect_id).exists()
        ),
        "now": timezone.now(),
        "can_work": rules.can_work_on(request.user, handler=case.handler, about_id=case.about_id),
        "can_reassign": rules.can_reassign(
            request.user, handler=case.handler, about_id=case.about_id
        ),
        "contacts": list(case.contacts.select_related("by").order_by("-at", "-pk")),
        "contact_form": forms.get("contact_form") or ContactForm(),
        "step_form": forms.get("step_form") or StepForm(),
        "answer_form": forms.get("answer_form") or AnswerForm(),
    }


@casework
@require_POST
def case_step(request: HtmxHttpRequest, pk: int, action: str) -> HttpResponse:
    """Record the next of the five steps, with its time and note."""
    if action not in STEP_ACTIONS and action not in {Action.ANSWER, Action.CONVERT}:
        raise Http404
    case = _workable(request, pk)
    form_class = {Action.ANSWER: AnswerForm, Action.CONVERT: ConvertForm}.get(action, StepForm)
    form = form_class(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with submitted_once(form, by=request.user) as submission:
                case.apply(
                    action,
                    by=request.user,
                    at=data["at"],
                    note=data["note"],
                    changes=form.changes(),
                )
                submission.url = case.get_absolute_url()
        except AlreadySubmitted as duplicate:
            return already_submitted(request, duplicate.url or case.get_absolute_url())
        except ValidationError as error:
            if not case.can(action):
                return _moved_on(request, case, error, form)
            _errors_to_form(form, error)
        else:
            return redirect(case)
    case = Case.objects.for_list().prefetch_related("events__by").get(pk=case.pk)
    key = "answer_form" if action == Action.ANSWER else "step_form"
    return TemplateResponse(
        request, "complaints/case_detail.html", _detail_context(request, case, **{key: form})
    )


def _moved_on(
    request: HtmxHttpRequest, case: Case, refusal: ValidationError, form: StepForm
) -> HttpResponse:
    """The case moved on since the page was drawn (a double click, another tab, a
    colleague): the form belongs to a step that is past, so it is not drawn again at the
    next one. The case as it is now, saying why nothing was recorded, with what was typed."""
    messages.error(request, " ".join(refusal.messages))
    if typed := form.typed():
        messages.info(request, _("What you wrote: %(text)s") % {"text": typed})
    return redirect(case)


@casework
@require_POST
def contact_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Log a contact in one tap (htmx swaps the log, or the agenda line it came from)."""
    case = _workable(request, pk)
    form = ContactForm(request.POST)
    saved = False
    if form.is_valid():
        data = form.cleaned_data
        try:
            with submitted_once(form, by=request.user) as submission:
                contact_log(
                    case=case,
                    by=request.user,
                    said=data["said"],
                    method=data["method"],
                    progress=data["progress"],
                    at=data["at"],
                )
                submission.url = case.get_absolute_url()
        except ValidationError as error:
            _errors_to_form(form, error)
        except AlreadySubmitted:
            # A double tap: the first one logged it; answer as it did.
            saved, form = True, ContactForm()
        else:
            saved, form = True, ContactForm()
    # The agenda's line has a per-case id (agenda-case-<pk>), which render_page's fixed
    # partial names cannot match: its one partial is chosen here.
    if request.htmx and (request.htmx.target or "").startswith("agenda-case-"):
        return TemplateResponse(
            request,
            "complaints/agenda/cases.html#agenda-case",
            {"case": case, "now": timezone.now(), "form": form, "saved": saved},
        )
    if saved and not request.htmx:
        messages.success(request, _("Contact logged."))
        return redirect(case)
    context = _detail_context(request, case, contact_form=form)
    context["saved"] = saved
    return render_page(request, "complaints/case_detail.html", context, partials=("feedback",))


def _action_page(
    request: HtmxHttpRequest,
    case: Case,
    form: Form,
    title: str,
    run: Any,
    done: str = "",
) -> HttpResponse:
    """A form of its own for closing, reopening, extending, reassigning: `run` records it,
    once however often the form is sent (the one-time token); `done` says what was done."""
    if request.method == "POST" and form.is_valid():
        try:
            with submitted_once(form, by=request.user) as submission:
                run(form.cleaned_data)
                submission.url = case.get_absolute_url()
        except AlreadySubmitted as duplicate:
            return already_submitted(request, duplicate.url or case.get_absolute_url())
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, done or _("Recorded."))
            return redirect(case)
    return TemplateResponse(
        request, "complaints/case_action.html", {"case": case, "form": form, "title": title}
    )


@casework
@require_http_methods(["GET", "POST"])
def case_close(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    case = _workable(request, pk)
    # Reopened, it was closed before: what was recorded then is the start of the new closing.
    closing = {name: getattr(case, name) for name in REQUIRED[Action.CLOSE]}
    form = CloseForm(request.POST or None, initial=closing)

    def run(data: dict[str, Any]) -> None:
        case.apply(
            Action.CLOSE, by=request.user, at=data["at"], note=data["note"], changes=form.changes()
        )

    return _action_page(request, case, form, _("Close"), run)


@casework
@require_http_methods(["GET", "POST"])
def case_reopen(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    case = _workable(request, pk)

    def run(data: dict[str, Any]) -> None:
        case.apply(Action.REOPEN, by=request.user, at=data["at"], note=data["note"])

    return _action_page(request, case, ReasonForm(request.POST or None), _("Reopen"), run)


@casework
@require_http_methods(["GET", "POST"])
def case_extend(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    case = _workable(request, pk)
    form = ExtendForm(request.POST or None)

    def run(data: dict[str, Any]) -> None:
        extension_record(
            case=case, by=request.user, reason=data["note"], at=data["at"], told_by=data["told_by"]
        )

    title = _("Extend the deadline")
    told = form.data.get("told_by")
    done = "" if told else _("Recorded. Tell the client the reason, and log that you did.")
    return _action_page(request, case, form, title, run, done)


@roles_required(Role.SUPERVISOR)
@require_http_methods(["GET", "POST"])
def case_reassign(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(_visible(request).for_list(), pk=pk)
    if not rules.can_reassign(request.user, handler=case.handler, about_id=case.about_id):
        raise PermissionDenied
    form = ReassignForm(request.POST or None, user=request.user, case=case)

    def run(data: dict[str, Any]) -> None:
        case.reassign(to=data["handler"], by=request.user)

    return _action_page(request, case, form, _("Change the handler"), run)


@roles_required(Role.SUPERVISOR)
@require_http_methods(["GET"])
def board_panel(request: HtmxHttpRequest) -> HttpResponse:
    """The team's complaints needing attention: loaded after the supervisor's home."""
    panel = home.board_panel(request.user, timezone.now())
    return panels_response(request, [panel], home.BOARD_PANEL_TITLE)


@roles_required(Role.SUPERVISOR)
@require_http_methods(["GET"])
def team_board(request: HtmxHttpRequest) -> HttpResponse:
    """The supervisor's board: the team's late and escalated cases, ageing, medians, causes."""
    return TemplateResponse(
        request, "complaints/board.html", board.board_context(request.user, timezone.now())
    )
