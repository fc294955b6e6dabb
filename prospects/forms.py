from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from accounts.policy import visible_people
from prospects import rules
from prospects.models import (
    HospitalityEntry,
    Outcome,
    Promise,
    Prospect,
    Source,
    Territory,
    Visit,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
SHORT_TEXT = forms.Textarea(attrs={"rows": 2})


def not_in_future(value: date | None, message) -> None:
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError(message, code="future")


class ProspectForm(forms.ModelForm):
    """A prospect's details. Possible duplicates in the branch stop the save until confirmed."""

    confirm_duplicate = forms.BooleanField(
        label=_("This is not a duplicate — save anyway"), required=False
    )

    class Meta:
        model = Prospect
        fields = [
            "name",
            "kind",
            "industry",
            "territory",
            "address",
            "contact_name",
            "contact_role",
            "phone",
            "source",
            "referred_by",
            "competitor_bank",
            "association",
            "stage",
            "closed_reason",
            "is_assigned_account",
            "character_notes",
            "assets_notes",
            "products_notes",
            "estimated_credit_need",
            "monthly_sales",
            "next_action",
            "next_action_date",
        ]
        widgets = {
            "next_action_date": DATE_INPUT,
            "closed_reason": SHORT_TEXT,
            "character_notes": SHORT_TEXT,
            "assets_notes": SHORT_TEXT,
            "products_notes": SHORT_TEXT,
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        }

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.duplicates: list[Prospect] = []
        referrers = Prospect.objects.visible_to(user).order_by("name")
        if self.instance.pk:
            referrers = referrers.exclude(pk=self.instance.pk)
        self.fields["referred_by"].queryset = referrers
        self.fields["territory"].queryset = Territory.objects.visible_to(user)
        # Empty choices say what they mean rather than "---------".
        self.fields["industry"].empty_label = _("Not known yet")
        # The handbook's signals beside each industry: 批发贸易 · 优先行业.
        self.fields["industry"].label_from_instance = lambda industry: " · ".join(
            [industry.name, *industry.signals]
        )
        self.fields["territory"].empty_label = _("No territory")
        self.fields["referred_by"].empty_label = _("Nobody")
        self.fields["source"].choices = [
            ("", _("Choose where the prospect came from")),
            *Source.choices,
        ]
        # Shown only once duplicates were found (see clean).
        self.fields["confirm_duplicate"].widget = forms.HiddenInput()

    def clean_phone(self) -> str:
        # Stored in the one canonical form (the model's validator has already checked it).
        phone = self.cleaned_data.get("phone", "")
        return rules.canonical_phone(phone) or phone

    def clean_referred_by(self):
        referred_by = self.cleaned_data.get("referred_by")
        if referred_by is not None and rules.is_self_referral(
            prospect_pk=self.instance.pk, referred_by_pk=referred_by.pk
        ):
            raise forms.ValidationError(_("A prospect cannot refer itself."), code="self_referral")
        return referred_by

    def clean(self):
        cleaned = super().clean()
        source = cleaned.get("source")
        # Each channel of handbook §1 carries its detail.
        if source == Source.REFERRAL and not cleaned.get("referred_by"):
            self.add_error("referred_by", _("Choose the client who referred this prospect."))
        if source == Source.COMPETITOR and not cleaned.get("competitor_bank", "").strip():
            self.add_error("competitor_bank", _("Name the competing bank."))
        if source == Source.ASSOCIATION and not cleaned.get("association", "").strip():
            self.add_error("association", _("Name the chamber or association."))
        if not self.errors:
            self.duplicates = list(
                Prospect.objects.possible_duplicates(
                    branch=self.instance.branch_id or self.user.branch_id,
                    names=[cleaned.get("name", "")],
                    phones=[cleaned.get("phone", "")],
                    exclude_pk=self.instance.pk,
                )[:10]
            )
            if self.duplicates:
                self.fields["confirm_duplicate"].widget = forms.CheckboxInput()
            if self.duplicates and not cleaned.get("confirm_duplicate"):
                self.add_error(
                    "confirm_duplicate",
                    _(
                        "A prospect with the same name or phone already exists in this branch. "
                        "Check the list above, then confirm to save anyway."
                    ),
                )
        return cleaned


class VisitForm(forms.ModelForm):
    """One short form to log a visit (or plan one: leave the outcome empty)."""

    # Prefixed: three forms share the prospect page, their field ids must not clash.
    prefix = "visit"

    class Meta:
        model = Visit
        fields = [
            "visited_on",
            "at_time",
            "kind",
            "appointment",
            "outcome",
            "met_whom",
            "learned",
            "intermediary",
            "next_step",
            "next_step_date",
        ]
        widgets = {
            "visited_on": DATE_INPUT,
            "at_time": TIME_INPUT,
            "next_step_date": DATE_INPUT,
            "learned": SHORT_TEXT,
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].required = False
        self.fields["visited_on"].initial = timezone.localdate()
        if self.turned_away:
            # Handbook §1: turned away — record what you learned, look for an intermediary.
            self.fields["learned"].label = _("What did you learn about the company?")
            self.fields["learned"].help_text = _(
                "Its web site, directories, what the guard or neighbours said."
            )
            self.fields["intermediary"].label = _("Who could introduce you? (引荐人)")
            visited_on = self._raw_date("visited_on") or timezone.localdate()
            proposed = rules.proposed_follow_up(outcome=Outcome.TURNED_AWAY, visited_on=visited_on)
            if not self.is_bound or not self.data.get(self.add_prefix("next_step_date")):
                self.initial["next_step_date"] = proposed
                self.fields["next_step_date"].help_text = _(
                    "Proposed: try again in a week, through an intermediary if you can."
                )

    @property
    def turned_away(self) -> bool:
        if self.is_bound:
            return self.data.get(self.add_prefix("outcome")) == Outcome.TURNED_AWAY
        return self.initial.get("outcome") == Outcome.TURNED_AWAY

    def _raw_date(self, name: str) -> date | None:
        raw = self.data.get(self.add_prefix(name)) if self.is_bound else None
        try:
            return date.fromisoformat(raw) if raw else None
        except ValueError:
            return None

    def clean(self):
        cleaned = super().clean()
        visited_on = cleaned.get("visited_on")
        outcome = cleaned.get("outcome")
        today = timezone.localdate()
        if visited_on and outcome and visited_on > today:
            self.add_error(
                "visited_on",
                _("A visit that already has an outcome cannot be in the future."),
            )
        if visited_on and not outcome and visited_on < today:
            self.add_error(
                "outcome", _("Choose the outcome: a past visit is no longer just planned.")
            )
        if outcome == Outcome.TURNED_AWAY:
            if not cleaned.get("learned", "").strip():
                self.add_error("learned", _("Say what you learned about the company."))
            if not cleaned.get("next_step_date"):
                self.add_error("next_step_date", _("Set a date to try again."))
        next_step_date = cleaned.get("next_step_date")
        if next_step_date and visited_on and next_step_date < visited_on:
            self.add_error("next_step_date", _("The next step cannot come before the visit."))
        return cleaned


class HospitalityForm(forms.ModelForm):
    prefix = "hospitality"

    class Meta:
        model = HospitalityEntry
        fields = ["occurred_on", "kind", "paid_by", "value", "note"]
        widgets = {"occurred_on": DATE_INPUT, "note": SHORT_TEXT}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].initial = timezone.localdate()

    def clean_occurred_on(self):
        occurred_on = self.cleaned_data["occurred_on"]
        not_in_future(occurred_on, _("Record hospitality once it has happened, not in advance."))
        return occurred_on


class PromiseForm(forms.ModelForm):
    prefix = "promise"

    class Meta:
        model = Promise
        fields = ["description", "made_on", "due_on", "consulted"]
        widgets = {"made_on": DATE_INPUT, "due_on": DATE_INPUT, "description": SHORT_TEXT}

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Handbook §1: ask a supervisor or an experienced colleague first (先请示).
        self.fields["consulted"].queryset = (
            User.objects.filter(is_active=True, branch_id=user.branch_id)
            .exclude(pk=user.pk)
            .exclude(role=Role.TRAINEE)
            .order_by("role", "username")
        )

    def clean_made_on(self):
        made_on = self.cleaned_data["made_on"]
        not_in_future(made_on, _("A promise cannot be made in the future."))
        return made_on

    def clean(self):
        cleaned = super().clean()
        made_on, due_on = cleaned.get("made_on"), cleaned.get("due_on")
        if made_on and due_on and due_on < made_on:
            self.add_error("due_on", _("The due date cannot come before the promise was made."))
        return cleaned


class PromiseBrokenForm(forms.Form):
    explanation = forms.CharField(
        label=_("How was it explained to the client?"), widget=SHORT_TEXT, max_length=2000
    )
    compensation = forms.CharField(
        label=_("Compensation for any loss we caused"),
        help_text=_("Write “none” if the client lost nothing."),
        widget=SHORT_TEXT,
        max_length=2000,
    )


class ReassignForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("New owner"), queryset=User.objects.none())

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            visible_people(user).exclude(role=Role.ADMINISTRATOR).order_by("username")
        )


class TerritoryForm(forms.ModelForm):
    """A supervisor draws a territory (片区) and says who works it."""

    class Meta:
        model = Territory
        fields = ["name", "kind", "merchant_count", "managers"]
        widgets = {"managers": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["managers"].queryset = (
            visible_people(user).exclude(role=Role.ADMINISTRATOR).order_by("username")
        )
        if self.instance.branch_id is None:
            self.instance.branch_id = user.branch_id

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        duplicate = Territory.objects.filter(branch_id=self.instance.branch_id, name=name).exclude(
            pk=self.instance.pk
        )
        if duplicate.exists():
            raise forms.ValidationError(_("This branch already has a territory of that name."))
        return name
