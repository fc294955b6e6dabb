from __future__ import annotations

from datetime import date, datetime

import filetype
from django import forms
from django.conf import settings
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, When
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.dates import implausible
from accounts.fields import ChoicesById, PlausibleAmounts, record_id
from accounts.models import Role, User
from accounts.once import OnceFormMixin
from accounts.policy import visible_people
from accounts.versions import ShowsVersionErrors, VersionField
from prospects import rules
from prospects.models import (
    AttachmentKind,
    CompetingOffer,
    HospitalityEntry,
    HospitalityKind,
    HospitalityReview,
    Outcome,
    PaidBy,
    Promise,
    Prospect,
    Source,
    Territory,
    TerritoryKind,
    Visit,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
SHORT_TEXT = forms.Textarea(attrs={"rows": 2})


def not_in_future(value: date | None, message) -> None:
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError(message, code="future")


def meant(value: date | None) -> date | None:
    """`value`, unless it is a slip of the year (accounts/dates.py)."""
    if problem := implausible(value):
        raise forms.ValidationError(problem, code="implausible")
    return value


class SearchChoice(forms.Widget):
    """A choice among many (every prospect, after an import: hundreds) as search-as-you-type:
    a search box whose matches come back as radio buttons (prospects:referrer_search)."""

    template_name = "prospects/widgets/search_choice.html"

    def __init__(self, *, search_url: str, empty_label, attrs=None, placeholder=None) -> None:
        super().__init__(attrs)
        self.search_url = search_url
        self.empty_label = empty_label
        self.placeholder = placeholder
        self.selected = None
        # Offered before anything is typed (None: nothing until the person types).
        self.matches = None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(
            search_url=self.search_url,
            selected=self.selected,
            empty_label=self.empty_label,
            placeholder=self.placeholder,
            matches=self.matches,
        )
        return context


class ReferrerChoice(forms.ModelChoiceField):
    """The referrer among the prospects the person sees, or the one already recorded: a
    referrer since handed to another team stays (not offered to anyone else)."""

    kept: Prospect | None = None

    def to_python(self, value):
        if self.kept is not None and str(value) == str(self.kept.pk):
            return self.kept
        return super().to_python(value)


class ProspectForm(ShowsVersionErrors, OnceFormMixin, PlausibleAmounts, forms.ModelForm):
    """A prospect's details. Possible duplicates in the branch stop the save until confirmed."""

    confirm_duplicate = forms.BooleanField(
        label=_("This is not a duplicate — save anyway"), required=False
    )
    # The version the page was drawn from: a save from a stale page is refused (views).
    version = VersionField()

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
        field_classes = {"referred_by": ReferrerChoice}

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.duplicates: list[Prospect] = []
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)
        else:
            del self.fields["version"]
        referrers = Prospect.objects.visible_to(user).order_by("name")
        if self.instance.pk:
            referrers = referrers.exclude(pk=self.instance.pk)
        self.fields["referred_by"].queryset = referrers
        # The referrer on record stays a valid choice, even once out of the person's sight
        # (handed to another team): else every save of this prospect would be refused.
        kept = self.instance.referred_by if self.instance.referred_by_id else None
        self.fields["referred_by"].kept = kept
        self.fields["territory"].queryset = Territory.objects.visible_to(user)
        # Empty choices say what they mean rather than "---------".
        self.fields["industry"].empty_label = _("Not known yet")
        # The handbook's signals beside each industry: 批发贸易 · 优先行业.
        self.fields["industry"].label_from_instance = lambda industry: " · ".join(
            [industry.name, *industry.signals]
        )
        self.fields["territory"].empty_label = _("No territory")
        self.fields["referred_by"].empty_label = _("Nobody")
        chosen = self.data.get("referred_by") if self.is_bound else self.initial.get("referred_by")
        search_url = reverse("prospects:referrer_search")
        if self.instance.pk:
            # The search keeps this prospect's referrer on record ticked (see referrer_search).
            search_url = f"{search_url}?prospect={self.instance.pk}"
        widget = SearchChoice(search_url=search_url, empty_label=_("Nobody"))
        if kept is not None and str(chosen or "") == str(kept.pk):
            widget.selected = kept
        else:
            chosen_id = record_id(chosen)
            widget.selected = referrers.filter(pk=chosen_id).first() if chosen_id else None
        self.fields["referred_by"].widget = widget
        self.fields["source"].choices = [
            ("", _("Choose where the prospect came from")),
            *Source.choices,
        ]
        # Shown only once duplicates were found (see clean).
        self.fields["confirm_duplicate"].widget = forms.HiddenInput()

    # Quick add (issue 11): name, phone, source (with its detail) and territory; the rest is
    # under "More details".
    QUICK = (
        "name",
        "phone",
        "source",
        "referred_by",
        "competitor_bank",
        "association",
        "territory",
    )

    @property
    def quick_fields(self):
        return [self[name] for name in self.QUICK]

    @property
    def more_fields(self):
        return [
            self[name]
            for name in self.fields
            if name not in self.QUICK
            and name != "confirm_duplicate"
            and not self[name].is_hidden  # the one-time token goes without a label
        ]

    @property
    def more_errors(self) -> bool:
        return any(
            self[name].errors
            for name in self.fields
            if name not in self.QUICK and name != "confirm_duplicate"
        )

    def clean_phone(self) -> str:
        # Stored in the one canonical form (the model's validator has already checked it).
        phone = self.cleaned_data.get("phone", "")
        return rules.canonical_phone(phone) or phone

    def clean_next_action_date(self):
        return meant(self.cleaned_data.get("next_action_date"))

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
            # Whether each is seen by the person decides what the warning tells of it
            # (the template): another team's client shows its owner, not its name or stage.
            seen = Prospect.objects.visible_to(self.user).filter(pk=OuterRef("pk"))
            self.duplicates = list(
                Prospect.objects.possible_duplicates(
                    branch=self.instance.branch_id or self.user.branch_id,
                    names=[cleaned.get("name", "")],
                    phones=[cleaned.get("phone", "")],
                    exclude_pk=self.instance.pk,
                ).annotate(seen=Exists(seen))[:10]
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


class VisitForm(OnceFormMixin, forms.ModelForm):
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
        """The date typed, if it is one a person can mean (clean() says what is wrong).

        A form redrawn when the outcome changes is unbound: what was typed so far is its
        initial data (a date as text, or the visit's own date when correcting one)."""
        raw = self.data.get(self.add_prefix(name)) if self.is_bound else self.initial.get(name)
        if isinstance(raw, datetime):
            raw = raw.date()
        try:
            typed = raw if isinstance(raw, date) else date.fromisoformat(raw) if raw else None
        except (TypeError, ValueError):
            return None
        return None if implausible(typed) else typed

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
        for name in ("visited_on", "next_step_date"):
            if (problem := implausible(cleaned.get(name))) and name not in self.errors:
                self.add_error(name, problem)
        return cleaned


def consultable_colleagues(user: User, named: str = ""):
    """Whom a promise can be checked with (先请示): the person's supervisor first, then the
    experienced colleagues of their own team (client managers, not trainees). Never the
    administrator's account, never another team. `named`: part of a name or username."""
    team_lead = user.pk if user.is_supervisor else user.supervisor_id
    people = User.objects.filter(is_active=True)
    if named := named.replace("\x00", "").strip():
        people = people.alias(full_name=Concat("last_name", "first_name")).filter(
            Q(full_name__icontains=named) | Q(username__icontains=named)
        )
    return (
        people.filter(
            Q(pk=team_lead)
            | Q(supervisor_id=team_lead, role=Role.CLIENT_MANAGER, supervisor__isnull=False)
        )
        .exclude(pk=user.pk)
        .exclude(role=Role.ADMINISTRATOR)
        .alias(lead_first=Case(When(pk=team_lead, then=0), default=1))
        .order_by("lead_first", "last_name", "first_name", "username")
    )


class HospitalityForm(OnceFormMixin, PlausibleAmounts, forms.ModelForm):
    prefix = "hospitality"

    class Meta:
        model = HospitalityEntry
        fields = ["occurred_on", "kind", "paid_by", "value", "note"]
        widgets = {"occurred_on": DATE_INPUT, "note": SHORT_TEXT}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].initial = timezone.localdate()
        # Empty choices say what they mean rather than "---------".
        self.fields["kind"].choices = [
            ("", _("Choose: meal, gift or other")),
            *HospitalityKind.choices,
        ]
        self.fields["paid_by"].choices = [("", _("Choose who paid")), *PaidBy.choices]
        # Said before saving, not only after: what the supervisor will be shown.
        self.fields["value"].help_text = _(
            "A meal the client paid for, or a gift worth ¥%(threshold)s or more, is shown "
            "to your supervisor."
        ) % {"threshold": format(settings.HOSPITALITY_FLAG_THRESHOLD_CNY.normalize(), "f")}

    def clean_occurred_on(self):
        occurred_on = meant(self.cleaned_data["occurred_on"])
        not_in_future(occurred_on, _("Record hospitality once it has happened, not in advance."))
        return occurred_on


# The colleagues a promise form offers before anything is typed (the supervisor first).
OFFERED_COLLEAGUES = 3


class PromiseForm(OnceFormMixin, forms.ModelForm):
    prefix = "promise"

    class Meta:
        model = Promise
        fields = ["description", "made_on", "due_on", "consulted"]
        widgets = {"made_on": DATE_INPUT, "due_on": DATE_INPUT, "description": SHORT_TEXT}

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Handbook §1: ask a supervisor or an experienced colleague first (先请示).
        colleagues = consultable_colleagues(user)
        self.fields["consulted"].queryset = colleagues
        self.fields["consulted"].empty_label = _("Nobody consulted")
        # Search as you type, the supervisor offered first before anything is typed.
        widget = SearchChoice(
            search_url=reverse("prospects:colleague_search"),
            empty_label=_("Nobody consulted"),
            placeholder=_("Type part of a colleague's name"),
        )
        chosen = self.data.get(self.add_prefix("consulted")) if self.is_bound else None
        chosen = (
            chosen or self.initial.get("consulted") or getattr(self.instance, "consulted_id", None)
        )
        chosen_id = record_id(chosen)
        widget.selected = colleagues.filter(pk=chosen_id).first() if chosen_id else None
        widget.matches = list(colleagues[:OFFERED_COLLEAGUES])
        self.fields["consulted"].widget = widget

    def clean_made_on(self):
        made_on = meant(self.cleaned_data["made_on"])
        not_in_future(made_on, _("A promise cannot be made in the future."))
        return made_on

    def clean_due_on(self):
        return meant(self.cleaned_data["due_on"])

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


def handover_targets(user: User) -> QuerySet[User]:
    """Who may be given clients by `user`: the active people they see who work clients. Not
    a trainee: the client's loan investigations follow it, and a trainee sees none."""
    return (
        visible_people(user)
        .exclude(role__in=[Role.ADMINISTRATOR, Role.TRAINEE])
        .order_by("username")
    )


def handover_sources(user: User) -> QuerySet[User]:
    """Whose clients `user` may hand over: the team, and anyone of it whose account was
    closed first (as IT does for a leaver) who still owns clients `user` sees."""
    from prospects.supervision import team_of

    leavers = Prospect.objects.visible_to(user).filter(owner__is_active=False).values("owner")
    return User.objects.filter(Q(pk__in=team_of(user).values("pk")) | Q(pk__in=leavers)).order_by(
        "last_name", "first_name", "username"
    )


def handover_reason() -> forms.CharField:
    """Why clients change hands (a handover's record keeps it)."""
    return forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("For example: leaves the bank, moves to another territory."),
    )


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, person: User) -> str:
        if person.is_active:
            return str(person)
        return _("%(person)s (account closed)") % {"person": person}


class ReassignForm(forms.Form):
    """One client to another person: a handover of one (its investigations follow)."""

    owner = forms.ModelChoiceField(label=_("New owner"), queryset=User.objects.none())
    reason = handover_reason()

    def __init__(self, *args, user: User, current_owner: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = handover_targets(user).exclude(pk=current_owner.pk)
        self.fields["owner"].empty_label = _("Choose the new owner")


class TerritoryForm(OnceFormMixin, forms.ModelForm):
    """A supervisor draws a territory (片区) and says who works it."""

    class Meta:
        model = Territory
        fields = ["name", "kind", "merchant_count", "managers"]
        widgets = {"managers": forms.CheckboxSelectMultiple}
        field_classes = {"managers": ChoicesById}

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        choosable = visible_people(user).exclude(role=Role.ADMINISTRATOR).order_by("username")
        self.fields["managers"].queryset = choosable
        # Any supervisor of the branch edits its territories, but ticks only their own team:
        # the managers of other teams stay as they are (see _save_m2m).
        self.kept_managers = (
            list(self.instance.managers.exclude(pk__in=choosable.values("pk")))
            if self.instance.pk
            else []
        )
        if self.kept_managers:
            self.fields["managers"].help_text = _(
                "Managers you cannot choose here stay on the territory: %(names)s."
            ) % {"names": "、".join(str(manager) for manager in self.kept_managers)}
        self.fields["kind"].choices = [("", _("Choose the kind of place")), *TerritoryKind.choices]
        if self.instance.branch_id is None:
            self.instance.branch_id = user.branch_id

    def clean(self):
        cleaned = super().clean()
        if self.instance.branch_id is None:
            # An administrator's or supervisor's account without a branch: a territory
            # belongs to a branch.
            raise forms.ValidationError(
                _(
                    "Your account belongs to no branch, and a territory belongs to one. Ask "
                    "the administrator to set your branch."
                ),
                code="no_branch",
            )
        return cleaned

    def _save_m2m(self):
        super()._save_m2m()
        if self.kept_managers:
            self.instance.managers.add(*self.kept_managers)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        duplicate = Territory.objects.filter(branch_id=self.instance.branch_id, name=name).exclude(
            pk=self.instance.pk
        )
        if duplicate.exists():
            raise forms.ValidationError(_("This branch already has a territory of that name."))
        return name


class HospitalityReviewForm(forms.Form):
    """The supervisor's answer to a flagged entry: acknowledged, or a question back."""

    review = forms.ChoiceField(
        label=pgettext_lazy("hospitality", "Review"),
        choices=[
            (HospitalityReview.ACKNOWLEDGED, _("Acknowledge")),
            (HospitalityReview.QUESTIONED, _("Question it back to the manager")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=pgettext_lazy("hospitality", "Comment"),
        widget=SHORT_TEXT,
        required=False,
        max_length=2000,
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("review") == HospitalityReview.QUESTIONED
            and not (cleaned.get("comment") or "").strip()
        ):
            self.add_error("comment", _("Say what you want the manager to explain."))
        return cleaned


class HospitalityAnswerForm(forms.Form):
    answer = forms.CharField(label=_("Your answer"), widget=SHORT_TEXT, max_length=2000)


class ConversionPeriodForm(forms.Form):
    """The period a conversion table covers, and for a supervisor whose prospects."""

    start = forms.DateField(label=_("Entered from"), widget=DATE_INPUT)
    end = forms.DateField(label=_("Until"), widget=DATE_INPUT)
    owner = forms.ModelChoiceField(
        label=_("Whose prospects"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("The whole team"),
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if user.is_supervisor or user.is_administrator:
            self.fields["owner"].queryset = (
                visible_people(user).exclude(role=Role.ADMINISTRATOR).order_by("username")
            )
        else:
            del self.fields["owner"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the period cannot come before its start."))
        return cleaned


class HandoverForm(forms.Form):
    """A supervisor hands a leaving manager's prospects — all, or a selection — to a teammate."""

    from_person = PersonChoice(label=_("Whose clients"), queryset=User.objects.none())
    to_person = forms.ModelChoiceField(label=_("Hand them to"), queryset=User.objects.none())
    everything = forms.BooleanField(label=_("All their prospects"), required=False, initial=True)
    prospects = ChoicesById(
        label=_("Or only these"),
        queryset=Prospect.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = handover_reason()

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from_person"].queryset = handover_sources(user)
        self.fields["to_person"].queryset = handover_targets(user)
        self.fields["from_person"].empty_label = _("Choose whose clients")
        self.fields["to_person"].empty_label = _("Choose a teammate")
        chosen = self.data.get("from_person") or self.initial.get("from_person")
        self.visible = Prospect.objects.visible_to(user)
        # An id the database can hold (a typed URL may carry any number).
        if (chosen := record_id(chosen)) is not None and chosen < 2**31:
            self.fields["prospects"].queryset = self.visible.filter(owner_id=chosen).order_by(
                "name"
            )

    def clean(self):
        cleaned = super().clean()
        source, target = cleaned.get("from_person"), cleaned.get("to_person")
        if source and target and source == target:
            self.add_error("to_person", _("Hand the prospects to someone else."))
        if (
            source
            and not cleaned.get("everything")
            and not cleaned.get("prospects")
            and "prospects" not in self.errors  # already said what is wrong with the choice
        ):
            self.add_error("prospects", _("Choose the prospects to hand over, or all of them."))
        return cleaned

    def chosen_prospects(self) -> list[Prospect]:
        """The prospects to hand over: all of the person's, or the ones ticked."""
        if self.cleaned_data["everything"]:
            return list(self.visible.filter(owner=self.cleaned_data["from_person"]))
        return list(self.cleaned_data["prospects"])


class PromiseDeclineForm(forms.Form):
    """Handbook §1's one exception: keeping the promise would break bank rules or ethics."""

    reason = forms.CharField(
        label=_("Which rule or principle would keeping it break?"),
        widget=SHORT_TEXT,
        max_length=2000,
    )
    loss_caused = forms.BooleanField(
        label=_("The client suffered a loss because of our promise"), required=False
    )
    compensation = forms.CharField(
        label=_("Compensation for the loss"),
        help_text=_("Only when the client suffered a loss."),
        widget=SHORT_TEXT,
        max_length=2000,
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("loss_caused") and not (cleaned.get("compensation") or "").strip():
            self.add_error("compensation", _("Say how the client's loss is compensated."))
        return cleaned


class CreditJudgmentForm(PlausibleAmounts, forms.ModelForm):
    """Handbook §1: what the client asks for against what the manager judges reasonable."""

    prefix = "credit"

    class Meta:
        model = Prospect
        fields = ["credit_requested", "credit_reasonable"]


class CompetingOfferForm(forms.ModelForm):
    prefix = "offer"

    class Meta:
        model = CompetingOffer
        fields = ["bank", "offer", "learned_on"]
        widgets = {"learned_on": DATE_INPUT}

    def clean_learned_on(self):
        learned_on = meant(self.cleaned_data["learned_on"])
        not_in_future(learned_on, _("Record what you learned once you learned it."))
        return learned_on


class AttachmentForm(forms.Form):
    """A licence, ID or shop photo, often taken with the phone's camera on the spot."""

    kind = forms.ChoiceField(label=_("Kind"), choices=AttachmentKind.choices)
    file = forms.FileField(
        label=_("Photo or PDF"),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/*,application/pdf", "capture": "environment"}
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.ATTACHMENT_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is too large (at most %(megabytes)s MB).")
                % {"megabytes": settings.ATTACHMENT_MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        head = upload.read(2048)
        upload.seek(0)
        kind = filetype.guess(head)
        # The bytes decide, not the name or the browser's claim.
        if kind is None or kind.mime not in rules.ATTACHMENT_TYPES:
            raise forms.ValidationError(
                _("Only photos (JPEG, PNG, WebP, HEIC) and PDF files can be attached.")
            )
        upload.sniffed_type = kind.mime
        return upload
