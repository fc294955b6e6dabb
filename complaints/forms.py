from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from accounts.once import TOKEN_FIELD, OnceFormMixin
from accounts.policy import CASEWORK_ROLES, visible_people
from complaints import rules
from complaints.models import Case, ContactMethod, FeedbackContact
from prospects.models import Prospect
from prospects.rules import canonical_phone

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
SHORT_TEXT = forms.Textarea(attrs={"rows": 2})


def _local_now() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


class CaseForm(OnceFormMixin, forms.ModelForm):
    """A complaint as received: who, how, when, what, and who handles it."""

    class Meta:
        model = Case
        fields = [
            "prospect",
            "client_name",
            "client_phone",
            "channel",
            "received_at",
            "category",
            "points",
            "mood",
            "handler",
            "departments",
            "about",
        ]
        widgets = {
            "received_at": DATETIME_INPUT,
            "points": forms.Textarea(attrs={"rows": 3}),
            "client_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        }

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["prospect"].queryset = Prospect.objects.visible_to(user).order_by("name")
        self.fields["prospect"].required = False
        self.user = user
        # Whom this person may give the case to: themselves, or their team; for a complaint
        # about themselves, also whoever decides on their work.
        handlers = visible_people(user).filter(role__in=CASEWORK_ROLES)
        self.only_about_you: set[int] = set()
        if "about" in self.fields and not self.instance.pk:
            deciding = _deciding_on_work_of(user).exclude(pk__in=handlers.values("pk"))
            self.only_about_you = set(deciding.values_list("pk", flat=True))
            handlers = User.objects.filter(
                Q(pk__in=handlers.values("pk")) | Q(pk__in=self.only_about_you)
            )
            self.fields["handler"].label_from_instance = self._handler_label
        self.fields["handler"].queryset = handlers
        if "about" in self.fields:
            self.fields["about"].queryset = User.objects.filter(is_active=True).order_by("username")
        # Empty choices say what they mean, never Django's dashes.
        empty = {
            "prospect": _("Not on file: give the name and phone below"),
            "channel": _("Choose how it reached us"),
            "mood": _("Choose the client's mood"),
            "handler": _("Choose who handles it"),
            "about": _("Not about a staff member"),
        }
        for name, label in empty.items():
            field = self.fields.get(name)
            if field is None:
                continue
            if hasattr(field, "empty_label"):
                field.empty_label = label
            elif getattr(field, "choices", None):
                field.choices = [("", label), *[c for c in field.choices if c[0] != ""]]
        if not self.instance.pk:
            self.initial.setdefault("handler", user.pk)
            self.initial.setdefault("received_at", _local_now())
        else:
            # A new handler goes through reassignment (a supervisor's decision, recorded).
            del self.fields["handler"]

    def _handler_label(self, person: User) -> str:
        if person.pk in self.only_about_you:
            return _("%(name)s (for a complaint about you)") % {"name": person}
        return str(person)

    def clean_received_at(self):
        received = self.cleaned_data.get("received_at")
        stored = self.instance.received_at if self.instance.pk else None
        # The page shows the minute: that minute sent back keeps the stored seconds, or each
        # save of the page would move the receipt (and the daily clock with it).
        if received and stored and rules.to_the_minute(stored) == received:
            return stored
        return received

    def clean_client_phone(self) -> str:
        # Kept in the one canonical form, as a prospect's (the model's validator checked it).
        phone = self.cleaned_data.get("client_phone", "")
        return canonical_phone(phone) or phone

    def clean(self):
        cleaned = super().clean()
        about = cleaned.get("about")
        handler = cleaned.get("handler", getattr(self.instance, "handler", None))
        if about is not None and handler is not None and about.pk == handler.pk:
            field = "handler" if "handler" in self.fields else "about"
            self.add_error(
                field, _("Nobody handles a complaint about themselves: choose someone else.")
            )
        elif (
            handler is not None
            and handler.pk in self.only_about_you
            and (about is None or about.pk != self.user.pk)
        ):
            self.add_error(
                "handler",
                _("%(name)s is offered only for a complaint about you.") % {"name": handler},
            )
        return cleaned


def _deciding_on_work_of(person: User):
    """Who handles a complaint about `person` when `person` records it: whoever decides on
    their work (accounts.policy.decides_on_work_of) — their supervisor, or with no active
    one, the administrators."""
    supervisor = User.objects.filter(pk=person.supervisor_id, is_active=True)
    if person.supervisor_id and supervisor.exists():
        return supervisor
    return User.objects.filter(role=Role.ADMINISTRATOR, is_active=True).exclude(pk=person.pk)


class QuestionForm(CaseForm):
    """A question the manager could not answer on the spot and promised to come back on."""

    class Meta(CaseForm.Meta):
        fields = [
            "prospect",
            "client_name",
            "client_phone",
            "channel",
            "received_at",
            "points",
            "handler",
        ]
        labels = {"received_at": _("asked"), "points": _("the question")}
        help_texts = {"points": _("What the client asked, and what you promised.")}


# Times of what is recorded on the case page: empty means when it is saved (Case.apply,
# contact_log), not when the page was drawn: a page opened before midnight and sent
# after it dated the step or the contact the day before, and the daily clock with it.
NOW_IF_EMPTY = _("Leave empty for the time you save.")


class StepForm(OnceFormMixin, forms.Form):
    """A step, closing, reopening or extension: its time and note. A double click records
    it once (the one-time token)."""

    at = forms.DateTimeField(
        label=_("time"), widget=DATETIME_INPUT, required=False, help_text=NOW_IF_EMPTY
    )
    note = forms.CharField(label=_("note"), widget=SHORT_TEXT, required=False, max_length=2000)

    def changes(self) -> dict[str, Any]:
        """What the action records on the case beyond its time and note (Case.apply)."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in {"at", "note", TOKEN_FIELD}
        }

    def typed(self) -> str:
        """What the person typed, to show them again when the action is refused."""
        return "\n".join(
            str(self.data.get(name, "")).strip()
            for name in self.fields
            if isinstance(self.fields[name].widget, forms.Textarea)
            and str(self.data.get(name, "")).strip()
        )


class ConvertForm(StepForm):
    # Turned into a complaint when the button is pressed (Case.apply's default time), not
    # when the page was drawn: a page opened before midnight would date it the day before.
    at = forms.DateTimeField(required=False, widget=forms.HiddenInput)


class ReasonForm(StepForm):
    note = forms.CharField(label=_("reason"), widget=SHORT_TEXT, max_length=2000)


class ExtendForm(ReasonForm):
    # The regulator: the reason for an extension is told to the client.
    told_by = forms.ChoiceField(
        label=_("how the client was told the reason"),
        choices=[("", _("Not yet: I will tell them and log it")), *ContactMethod.choices],
        required=False,
        help_text=_("Told already: it is logged in the feedback log, as a contact."),
    )

    field_order = ["note", "told_by", "at"]


class CloseForm(StepForm):
    # Not required here: Case.apply says what each action needs, beside the field.
    solution = forms.CharField(label=_("solution"), widget=SHORT_TEXT, required=False)
    client_told = forms.CharField(
        label=_("what the client was told"),
        widget=SHORT_TEXT,
        help_text=Case._meta.get_field("client_told").help_text,
        required=False,
    )
    root_cause = forms.CharField(label=_("root cause"), widget=SHORT_TEXT, required=False)
    fix = forms.CharField(label=_("fix against recurrence"), widget=SHORT_TEXT, required=False)

    field_order = ["solution", "client_told", "root_cause", "fix", "at", "note"]


class AnswerForm(StepForm):
    answer = forms.CharField(label=_("answer"), widget=SHORT_TEXT, required=False)

    field_order = ["answer", "at", "note"]


class ContactForm(OnceFormMixin, forms.ModelForm):
    """One tap and a sentence: the time defaults to when it is saved, the method to a
    phone call. A double tap on a phone in the field logs it once (the one-time token)."""

    class Meta:
        model = FeedbackContact
        fields = ["said", "method", "progress", "at"]
        widgets = {
            "at": DATETIME_INPUT,
            "said": forms.TextInput(attrs={"autocomplete": "off"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Not the model's default (the time the page is drawn, sent back as typed): see
        # NOW_IF_EMPTY.
        at = self.fields["at"]
        at.required, at.initial, at.show_hidden_initial = False, None, False
        at.help_text = NOW_IF_EMPTY
        self.fields["method"].initial = ContactMethod.PHONE


class ReassignForm(OnceFormMixin, forms.Form):
    handler = forms.ModelChoiceField(label=_("new handler"), queryset=User.objects.none())

    def __init__(self, *args, user: User, case: Case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The person complained about is offered nowhere; the model refuses them anyway.
        people = visible_people(user).filter(role__in=CASEWORK_ROLES)
        if case.about_id:
            people = people.exclude(pk=case.about_id)
        self.fields["handler"].queryset = people
        self.fields["handler"].empty_label = _("Choose the new handler")
