from __future__ import annotations

from datetime import date

import stdnum.exceptions
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.dates import implausible
from accounts.fields import PlausibleAmounts
from accounts.once import OnceFormMixin
from accounts.versions import ShowsVersionErrors, VersionField
from investigations import evidence, rules
from investigations.models import (
    Action,
    ChecklistItem,
    Collateral,
    EvidencePurpose,
    Guarantor,
    Investigation,
    ItemKind,
    ItemStatus,
    Method,
    SideInquiry,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SHORT_TEXT = forms.Textarea(attrs={"rows": 3})
MONEY_INPUT = forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"})
AMOUNT_TOO_LARGE = _("More than 1 billion yuan cannot be right.")
COMPUTED_MESSAGE = _(
    "Net assets are computed from total assets and total liabilities: type those instead."
)
STALE_FORM = _("This page is out of date: open it again and retry.")
NOT_AN_ID_CARD = _(
    "This is not a resident identity card number: 18 characters, the last a digit or X."
)
NOT_A_CREDIT_CODE = _("This is not a unified social credit code: 18 digits and capital letters.")
# One guarantor listed twice would count twice towards the 2× cover.
ALREADY_A_GUARANTOR = _("%(name)s (%(number)s) is already a guarantor of this investigation.")


class YesNoSelect(forms.NullBooleanSelect):
    """Yes, no, or not checked yet. Django's NullBooleanSelect shows a saved True or False
    as its option (a select with "true"/"false" values of its own would show neither, and
    the next save of the page would erase the finding)."""

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs)
        self.choices = [("unknown", _("Not checked yet")), ("true", _("Yes")), ("false", _("No"))]


def _yes_no(label) -> forms.NullBooleanField:
    return forms.NullBooleanField(label=label, widget=YesNoSelect, required=False)


def _a_day_past(day: date | None) -> date | None:
    """A day something was done: not ahead, and not a slip of the year (0001)."""
    if day is not None and day > timezone.localdate():
        raise forms.ValidationError(_("The date cannot be in the future."))
    if problem := implausible(day):
        raise forms.ValidationError(problem)
    return day


class RefusesComputedFields(PlausibleAmounts):
    """Bad input (issue 8): net assets typed where they are computed get a clear message;
    absurd amounts get the domain's message, not a count of digits."""

    too_large = {"amount": AMOUNT_TOO_LARGE}

    def clean(self):
        cleaned = super().clean()
        if str(self.data.get(self.add_prefix("net_assets"), "")).strip():
            self.add_error(None, COMPUTED_MESSAGE)
        return cleaned


class EvidenceField(forms.FileField):
    """A file whose content is sniffed (PDF, image, .xlsx) and checked against its name."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            try:
                evidence.sniff(upload)
            except evidence.EvidenceRejected as rejected:
                raise forms.ValidationError(str(rejected), code="evidence") from None
        return upload

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs["accept"] = ".pdf,.jpg,.jpeg,.png,.gif,.webp,.xlsx"
        return attrs


class InvestigationStartForm(OnceFormMixin, RefusesComputedFields, forms.ModelForm):
    class Meta:
        model = Investigation
        fields = ["amount", "term_months", "product", "purpose", "existing_loans"]
        widgets = {"purpose": SHORT_TEXT, "amount": MONEY_INPUT, "existing_loans": MONEY_INPUT}


class EditsInvestigation(ShowsVersionErrors, forms.Form):
    """Carries the investigation's version as the page drew it (hidden): a save from a
    page drawn before another change of the investigation is refused (EditConflict), so
    a second tab does not silently undo the first."""

    version = VersionField()

    def __init__(self, *args, investigation_version: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("version", investigation_version)


class InvestigationForm(EditsInvestigation, RefusesComputedFields, forms.ModelForm):
    """The loan's details, the findings by topic and the financials."""

    licence_valid = _yes_no(Investigation._meta.get_field("licence_valid").verbose_name)
    bad_credit_found = _yes_no(Investigation._meta.get_field("bad_credit_found").verbose_name)
    purpose_matches = _yes_no(Investigation._meta.get_field("purpose_matches").verbose_name)

    FIELDSETS = (
        (_("The loan"), ("amount", "term_months", "product", "purpose", "existing_loans")),
        (_("Legal standing"), ("licence_valid", "legal_standing")),
        (_("Operations"), ("years_in_business", "employees", "operations")),
        (_("Finances"), ("finances",)),
        (_("Credit"), ("bad_credit_found", "credit")),
        (_("Loan purpose"), ("purpose_matches", "purpose_finding")),
        (_("The bank's return and risk"), ("risk_rating", "return_and_risk")),
        (
            _("Financials"),
            (
                "total_assets",
                "total_liabilities",
                "monthly_sales",
                "sales_settlement",
                "receivables_collection",
                "output_value",
            ),
        ),
    )

    class Meta:
        model = Investigation
        fields = [
            "amount",
            "term_months",
            "product",
            "purpose",
            "existing_loans",
            "licence_valid",
            "legal_standing",
            "years_in_business",
            "employees",
            "operations",
            "finances",
            "bad_credit_found",
            "credit",
            "purpose_matches",
            "purpose_finding",
            "risk_rating",
            "return_and_risk",
            "total_assets",
            "total_liabilities",
            "monthly_sales",
            "sales_settlement",
            "receivables_collection",
            "output_value",
        ]
        widgets = {
            name: SHORT_TEXT
            for name in (
                "purpose",
                "legal_standing",
                "operations",
                "finances",
                "credit",
                "purpose_finding",
                "return_and_risk",
                "receivables_collection",
            )
        } | {
            name: MONEY_INPUT
            for name in (
                "amount",
                "existing_loans",
                "total_assets",
                "total_liabilities",
                "monthly_sales",
                "output_value",
            )
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, investigation_version=kwargs["instance"].version, **kwargs)
        if "risk_rating" in self.fields:
            choices = [c for c in self.fields["risk_rating"].choices if c[0] != ""]
            self.fields["risk_rating"].choices = [("", _("Not rated yet")), *choices]

    def fieldsets(self):
        return [(title, [self[name] for name in names]) for title, names in self.FIELDSETS]


class ChecklistItemForm(EditsInvestigation, forms.ModelForm):
    methods = forms.MultipleChoiceField(
        label=_("Methods used"),
        choices=Method.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    evidence = EvidenceField(
        label=_("Attach evidence"),
        required=False,
        help_text=_("PDF, image or .xlsx, up to the size limit."),
    )
    credit_authorized_on = forms.DateField(
        label=_("Borrower's written authorization, dated"), required=False, widget=DATE_INPUT
    )
    authorization = EvidenceField(label=_("Attach the signed authorization"), required=False)

    class Meta:
        model = ChecklistItem
        fields = ["status", "methods", "finding", "done_on", "blacklist_hit"]
        widgets = {"finding": SHORT_TEXT, "done_on": DATE_INPUT, "status": forms.RadioSelect}

    def __init__(self, *args, has_authorization: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.has_authorization = has_authorization
        kind = self.instance.kind
        if kind != ItemKind.BLACKLIST:
            del self.fields["blacklist_hit"]
        if kind != ItemKind.CREDIT_BUREAU:
            del self.fields["credit_authorized_on"]
            del self.fields["authorization"]
        else:
            self.fields[
                "credit_authorized_on"
            ].initial = self.instance.investigation.credit_authorized_on

    def clean_done_on(self):
        return _a_day_past(self.cleaned_data.get("done_on"))

    def clean_credit_authorized_on(self):
        return _a_day_past(self.cleaned_data.get("credit_authorized_on"))

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if status in (ItemStatus.CLEAR, ItemStatus.ISSUE):
            if not (cleaned.get("finding") or "").strip():
                self.add_error("finding", _("Say what was found."))
            if not cleaned.get("methods"):
                self.add_error("methods", _("Say how it was checked."))
        if cleaned.get("blacklist_hit") and status != ItemStatus.ISSUE:
            self.add_error("status", _("A blacklist hit is an issue found: mark it so."))
        if self.instance.kind == ItemKind.CREDIT_BUREAU and status in (
            ItemStatus.CLEAR,
            ItemStatus.ISSUE,
        ):
            authorized_on = cleaned.get("credit_authorized_on")
            queried_on = cleaned.get("done_on") or timezone.localdate()
            if authorized_on is None and "credit_authorized_on" not in self.errors:
                self.add_error(
                    "credit_authorized_on",
                    _(
                        "The credit bureau may only be queried with the borrower's written authorization: give its date."
                    ),
                )
            elif authorized_on is not None and authorized_on > queried_on:
                self.add_error(
                    "credit_authorized_on",
                    _("The authorization must come before the query: it is dated after it."),
                )
            if not self.has_authorization and not cleaned.get("authorization"):
                self.add_error("authorization", _("Attach the borrower's signed authorization."))
        return cleaned


class GuarantorForm(OnceFormMixin, EditsInvestigation, RefusesComputedFields, forms.ModelForm):
    """A guarantor of the form's investigation (its instance carries it, even a new one)."""

    # Asked of every guarantor (blank in the model only for older records), and typed as
    # people copy it, with spaces or dashes: kept as its 18 characters.
    id_number = forms.CharField(
        label=Guarantor._meta.get_field("id_number").verbose_name,
        help_text=Guarantor._meta.get_field("id_number").help_text,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    class Meta:
        model = Guarantor
        fields = [
            "kind",
            "name",
            "id_number",
            "relation",
            "total_assets",
            "total_liabilities",
            "legal_standing_checked",
            "repayment_capacity",
        ]
        widgets = {
            "repayment_capacity": SHORT_TEXT,
            "total_assets": MONEY_INPUT,
            "total_liabilities": MONEY_INPUT,
        }

    twin: Guarantor | None = None  # the guarantor already listed under the typed number

    def clean(self):
        cleaned = super().clean()
        typed = cleaned.get("id_number")
        if typed and "kind" in cleaned:
            company = cleaned["kind"] == Guarantor.Kind.COMPANY
            try:
                cleaned["id_number"] = rules.guarantor_id_number(typed, company=company)
            except stdnum.exceptions.ValidationError:
                self.add_error("id_number", NOT_A_CREDIT_CODE if company else NOT_AN_ID_CARD)
                return cleaned
            listed = Guarantor.objects.filter(
                investigation=self.instance.investigation_id, id_number=cleaned["id_number"]
            ).exclude(pk=self.instance.pk)
            self.twin = listed.first()
            if twin := self.twin:
                self.add_error(
                    "id_number", ALREADY_A_GUARANTOR % {"name": twin.name, "number": twin.id_number}
                )
        return cleaned


class CollateralForm(OnceFormMixin, EditsInvestigation, RefusesComputedFields, forms.ModelForm):
    # Yes, no, or not checked yet (which stops submission).
    legal = _yes_no(Collateral.check_label("legal"))
    valid = _yes_no(Collateral.check_label("valid"))
    sufficient = _yes_no(Collateral.check_label("sufficient"))
    liquid = _yes_no(Collateral.check_label("liquid"))

    class Meta:
        model = Collateral
        fields = [
            "kind",
            "description",
            "appraised_value",
            "legal",
            "valid",
            "sufficient",
            "liquid",
            "notes",
        ]
        widgets = {"notes": SHORT_TEXT, "appraised_value": MONEY_INPUT}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        kind.choices = [("", _("Choose the kind")), *kind.choices[1:]]


class SideInquiryForm(OnceFormMixin, EditsInvestigation, forms.ModelForm):
    class Meta:
        model = SideInquiry
        fields = ["whom", "who", "learned", "private_borrowing_found", "asked_on"]
        widgets = {"learned": SHORT_TEXT, "asked_on": DATE_INPUT}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        whom = self.fields["whom"]
        whom.choices = [("", _("Choose whom you asked")), *whom.choices[1:]]

    def clean_asked_on(self):
        return _a_day_past(self.cleaned_data.get("asked_on"))


class EvidenceForm(forms.Form):
    file = EvidenceField(label=_("File"))
    item = forms.ModelChoiceField(
        label=_("For checklist item"), queryset=ChecklistItem.objects.none(), required=False
    )

    def __init__(self, *args, investigation: Investigation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = investigation.items.all()
        self.fields["item"].empty_label = _("The investigation as a whole")

    @property
    def purpose(self) -> str:
        return EvidencePurpose.ITEM if self.cleaned_data.get("item") else EvidencePurpose.GENERAL


class VersionForm(ShowsVersionErrors, forms.Form):
    """The version the page showed: an action on a stale page is refused."""

    version_field = "seen_version"

    seen_version = VersionField(
        required=True,
        error_messages={"required": STALE_FORM, "invalid": STALE_FORM, "min_value": STALE_FORM},
    )


class SubmitForm(VersionForm):
    justification = forms.CharField(
        label=_("Why the loan should go ahead with cover below 2.0"),
        required=False,
        widget=SHORT_TEXT,
    )


class DecisionForm(VersionForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Action.APPROVE, _("Approve")),
            (Action.RETURN, _("Return with comments")),
            (Action.DECLINE, _("Decline")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (overall), or the reason for declining"),
        required=False,
        widget=SHORT_TEXT,
    )
    approval_reason = forms.CharField(
        label=_("Your reason for approving with cover below 2.0"),
        required=False,
        widget=SHORT_TEXT,
    )

    def __init__(self, *args, items=(), collateral=(), adverse=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.items = list(items)
        # Why the comment is asked for when approving (the rule is investigation_decide's).
        why = []
        if doubts := [c for c in collateral if c.doubtful]:
            failed = _("; ").join(
                _("%(name)s: %(checks)s") % {"name": c, "checks": _(", ").join(c.failed_checks)}
                for c in doubts
            )
            why.append(
                _(
                    "Collateral checks answered “no”: %(failed)s. To approve, write your reason here."
                )
                % {"failed": failed}
            )
        if adverse:
            why.append(
                _("Findings against the loan: %(findings)s. To approve, write your reason here.")
                % {"findings": _("; ").join(adverse)}
            )
        if why:
            self.fields["comment"].help_text = " ".join(why)
        for item in self.items:
            self.fields[f"item_{item.pk}"] = forms.CharField(
                label=str(item), required=False, widget=forms.Textarea(attrs={"rows": 1})
            )

    def item_fields(self):
        return [self[f"item_{item.pk}"] for item in self.items]

    def item_comments(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data.get(f"item_{item.pk}", "") for item in self.items}
