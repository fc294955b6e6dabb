"""Reading as a team: flags on entries, and reading a mentor assigns (playbook-team)."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.dates import implausible
from accounts.fields import ChoicesById
from accounts.models import Role
from accounts.once import AlreadySubmitted, OnceFormMixin, already_submitted, submitted_once
from accounts.policy import roles_required
from playbook import reading
from playbook.models import Entry, EntryFlag, FlagReason, ReadingAssignment, Section
from playbook.permissions import can_assign_reading, can_resolve_flags
from playbook.services import NotYetRead, flag_raise, reading_assign, reading_confirm

# --- Flags ---------------------------------------------------------------------


class FlagForm(OnceFormMixin, forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("What is the problem"),
        choices=FlagReason.choices,
        widget=forms.RadioSelect,
        initial=FlagReason.UNCLEAR,
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("What is unclear, or what has changed."),
    )


class ResolveForm(forms.Form):
    reply = forms.CharField(
        label=gettext_lazy("Reply to the reader"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    entry_edited = forms.BooleanField(label=gettext_lazy("I have edited the entry"), required=False)


@require_POST
def flag_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Any reader flags an entry as unclear or outdated, with a comment."""
    entry = get_object_or_404(Entry.objects.visible_to(request.user), pk=pk)
    form = FlagForm(request.POST)
    if form.is_valid():
        try:
            with submitted_once(form, by=request.user) as submission:
                flag_raise(
                    entry=entry,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    comment=form.cleaned_data["comment"],
                )
                submission.url = entry.get_absolute_url()
        except AlreadySubmitted as duplicate:
            return already_submitted(request, duplicate.url or entry.get_absolute_url())
        form = FlagForm()
        saved = True
    else:
        saved = False
    context = {
        "entry": entry,
        "flag_form": form,
        "flag_saved": saved,
        "own_flags": list(EntryFlag.objects.filter(entry=entry, raised_by=request.user)),
    }
    if request.htmx:
        return TemplateResponse(request, "playbook/entry.html#flags", context)
    if saved:
        messages.success(request, _("Thank you: the entry is flagged for the editors."))
        return redirect(entry)
    return TemplateResponse(request, "playbook/flag_form.html", context)


@require_GET
def flag_list(request: HttpRequest) -> HttpResponse:
    """Editors: the open flags (and the last resolved); a reader: their own flags and replies."""
    flags = EntryFlag.objects.visible_to(request.user).select_related(
        "entry", "raised_by", "resolved_by"
    )
    editor = can_resolve_flags(request.user)
    return TemplateResponse(
        request,
        "playbook/flags.html",
        {
            "open_flags": list(flags.open().order_by("raised_at", "pk")),
            "resolved_flags": list(
                flags.filter(resolved_at__isnull=False).order_by("-resolved_at")[:20]
            ),
            "editor": editor,
            "resolve_form": ResolveForm(),
        },
    )


@roles_required(Role.SUPERVISOR)
@require_POST
def flag_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """A supervisor resolves their team's flags (an administrator anyone's); others 404."""
    flag = get_object_or_404(EntryFlag.objects.visible_to(request.user), pk=pk)
    if not flag.is_open:
        # A double click, or a colleague was quicker: the first reply stands.
        messages.info(request, _("This flag had already been resolved."))
        return redirect("playbook:flags")
    form = ResolveForm(request.POST)
    if not form.is_valid():
        flags = EntryFlag.objects.visible_to(request.user).select_related("entry", "raised_by")
        return TemplateResponse(
            request,
            "playbook/flags.html",
            {
                "open_flags": list(flags.open().order_by("raised_at", "pk")),
                "resolved_flags": [],
                "editor": True,
                "resolve_form": ResolveForm(),
                "failed_flag": flag.pk,
                "failed_form": form,
            },
        )
    if not flag.resolve(
        by=request.user,
        reply=form.cleaned_data["reply"],
        entry_edited=form.cleaned_data["entry_edited"],
    ):
        messages.info(request, _("This flag had already been resolved."))
        return redirect("playbook:flags")
    messages.success(request, _("The flag is resolved; the reader sees your reply."))
    return redirect("playbook:flags")


# --- Assigned reading ------------------------------------------------------------


# A week to read an assignment, unless the mentor says otherwise.
ASSIGNMENT_DAYS = timedelta(days=7)


class AssignmentForm(OnceFormMixin, forms.Form):
    trainee = forms.ModelChoiceField(label=gettext_lazy("Trainee"), queryset=None)
    section = forms.ModelChoiceField(
        label=gettext_lazy("A whole section"),
        queryset=Section.objects.select_related("chapter__part"),
        required=False,
        empty_label=gettext_lazy("(choose entries instead)"),
    )
    entries = ChoicesById(
        label=gettext_lazy("Or chosen entries"),
        queryset=Entry.objects.order_by(*reading.READING_ORDER).select_related("part"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    due_on = forms.DateField(
        label=gettext_lazy("Read by"),
        # A date input takes ISO dates only: the Chinese format (2026/12/08) would draw blank.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, mentor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.mentor = mentor
        self.fields["trainee"].queryset = reading.trainees_of(mentor)
        self.fields["trainee"].empty_label = gettext_lazy("Choose a trainee")
        if not self.is_bound:
            self.initial.setdefault("due_on", timezone.localdate() + ASSIGNMENT_DAYS)
        self.fields["entries"].label_from_instance = lambda entry: (
            f"{entry.part.name} {entry.number}. {entry.question[:30]}"
        )

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError(_("The due date cannot be in the past."))
        if problem := implausible(due_on):
            raise forms.ValidationError(problem)
        return due_on

    def clean(self):
        cleaned = super().clean()
        section, entries = cleaned.get("section"), cleaned.get("entries")
        if section is None and not entries:
            raise forms.ValidationError(_("Choose a section or at least one entry."))
        if section is not None and entries:
            raise forms.ValidationError(_("Choose a section or entries, not both."))
        if section is not None and not section.entries.exists():
            self.add_error("section", _("This section has no entries."))
        trainee = cleaned.get("trainee")
        if trainee is not None and not can_assign_reading(self.mentor, trainee):
            self.add_error("trainee", _("Only this trainee's mentor can assign their reading."))
        return cleaned


@roles_required(Role.SUPERVISOR)
@require_http_methods(["GET", "POST"])
def assignment_create(request: HttpRequest) -> HttpResponse:
    initial = {}
    if section_id := request.GET.get("section", "").strip():
        initial["section"] = section_id if section_id.isdecimal() else None
    form = AssignmentForm(request.POST or None, initial=initial, mentor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with submitted_once(form, by=request.user) as submission:
                reading_assign(
                    trainee=form.cleaned_data["trainee"],
                    by=request.user,
                    due_on=form.cleaned_data["due_on"],
                    section=form.cleaned_data["section"],
                    entries=list(form.cleaned_data["entries"]),
                )
                submission.url = reverse("playbook:assignments")
        except AlreadySubmitted:
            return redirect("playbook:assignments")
        messages.success(request, _("The reading is assigned."))
        return redirect("playbook:assignments")
    return TemplateResponse(request, "playbook/assignment_form.html", {"form": form})


@require_GET
def assignment_list(request: HttpRequest) -> HttpResponse:
    """A trainee's assigned reading; for a mentor, their trainees' and who finished on time."""
    assignments = reading.with_reading(
        ReadingAssignment.objects.visible_to(request.user)
        .current()
        .select_related("trainee", "section", "assigned_by")
        .prefetch_related("entries")
        .order_by("confirmed_at", "due_on", "pk")
    )
    return TemplateResponse(
        request,
        "playbook/assignments.html",
        {
            "assignments": assignments,
            "today": timezone.localdate(),
            "can_assign": request.user.is_supervisor or request.user.is_administrator,
            "withdrawable": {a.pk for a in assignments if a.can_be_withdrawn_by(request.user)},
        },
    )


@require_POST
def assignment_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """The trainee confirms "read and understood"; nobody confirms for them (404)."""
    assignment = get_object_or_404(
        ReadingAssignment.objects.filter(trainee=request.user).prefetch_related("entries"), pk=pk
    )
    if assignment.withdrawn_at is not None:
        messages.info(request, _("Your mentor has withdrawn this reading."))
        return redirect("playbook:assignments")
    try:
        confirmed = reading_confirm(assignment)
    except NotYetRead as not_read:
        messages.error(
            request,
            _("Open each entry before confirming: %(unread)d of %(total)d not read yet.")
            % {"unread": not_read.unread, "total": not_read.total},
        )
    else:
        if confirmed:
            messages.success(request, _("Confirmed: read and understood."))
        elif assignment.withdrawn_at is not None:
            messages.info(request, _("Your mentor has withdrawn this reading."))
        else:
            messages.info(request, _("This reading is already confirmed."))
    return redirect("playbook:assignments")


@require_POST
def assignment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Take back a mistaken or orphaned assignment: the mentor who gave it, the trainee's
    supervisor or an administrator; the trainee sees it but may not (403), others 404."""
    assignment = get_object_or_404(
        ReadingAssignment.objects.visible_to(request.user).select_related("trainee"), pk=pk
    )
    if not assignment.can_be_withdrawn_by(request.user):
        raise PermissionDenied
    if assignment.withdraw(by=request.user):
        messages.success(request, _("The reading is withdrawn."))
    elif assignment.withdrawn_at is not None:
        messages.info(request, _("This reading had already been withdrawn."))
    else:
        messages.info(request, _("This reading is already confirmed; it stays on record."))
    return redirect("playbook:assignments")
