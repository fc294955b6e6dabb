"""The prospect list's filters, read from the query string by django-filter."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.policy import visible_people
from prospects.models import (
    HospitalityEntry,
    ImportBatch,
    ImportStatus,
    Industry,
    Promise,
    Prospect,
    Source,
    Stage,
    Territory,
    Visit,
)

# The empty choice of a filter reads "all", not django-filter's "---------".
ALL = _("All")


class Ordering(django_filters.OrderingFilter):
    descending_fmt = _("%s, descending")


def team_only():
    """A supervisor sees their team's records and their own: this box leaves their own
    out, as the home's team panels count them (their "See all N" opens the same N)."""
    return django_filters.BooleanFilter(
        label=_("My team's only, not my own"),
        method="filter_team_only",
        widget=forms.CheckboxInput,
    )


class TeamOnlyMixin:
    """Answers `team_only()`; kept for supervisors only (nobody else has a team)."""

    def offer_team_only(self, user) -> None:
        self.user = user
        if not user.is_supervisor:
            del self.filters["team"]

    def filter_team_only(self, queryset, name, value):
        return queryset.exclude(owner=self.user) if value else queryset


class ProspectFilter(TeamOnlyMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, contact or phone")}
        ),
    )
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=Stage.choices, empty_label=ALL)
    source = django_filters.ChoiceFilter(label=_("Source"), choices=Source.choices, empty_label=ALL)
    industry = django_filters.ModelChoiceFilter(
        label=_("Industry"), queryset=Industry.objects.all(), empty_label=ALL
    )
    territory = django_filters.ModelChoiceFilter(
        label=_("Territory"), queryset=Territory.objects.none(), empty_label=ALL
    )
    owner = django_filters.ModelChoiceFilter(
        label=_("Owner"), queryset=None, empty_label=_("Everyone")
    )
    team = team_only()
    batch = django_filters.ModelChoiceFilter(
        label=_("Imported from"),
        field_name="import_batch",
        queryset=ImportBatch.objects.none(),
        empty_label=_("Any list or none"),
    )
    overdue = django_filters.BooleanFilter(
        label=_("Next action overdue"),
        method="filter_overdue",
        widget=forms.CheckboxInput,
    )
    contact_overdue = django_filters.BooleanFilter(
        label=_("Not really contacted for a while"),
        method="filter_contact_overdue",
        widget=forms.CheckboxInput,
    )
    credit_gap = django_filters.BooleanFilter(
        label=_("Asks more credit than is reasonable"),
        method="filter_credit_gap",
        widget=forms.CheckboxInput,
    )
    won_from = django_filters.DateFilter(
        label=_("Became a client from"),
        method="filter_won",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    won_to = django_filters.DateFilter(
        label=_("Became a client until"),
        method="filter_won",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sort = Ordering(
        label=_("Sort by"),
        empty_label=_("Due and overdue first"),
        fields=(
            ("name", "name"),
            ("stage", "stage"),
            ("next_action_date", "next_action_date"),
            ("updated_at", "updated_at"),
        ),
        field_labels={
            "name": _("Name"),
            "stage": _("Stage"),
            "next_action_date": _("Next action date"),
            "updated_at": _("Last updated"),
        },
    )

    class Meta:
        model = Prospect
        fields: list[str] = []

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters["territory"].queryset = Territory.objects.visible_to(user)
        self.filters["batch"].queryset = ImportBatch.objects.visible_to(user).filter(
            status=ImportStatus.COMMITTED
        )
        if user.is_supervisor or user.is_administrator:
            self.filters["owner"].queryset = visible_people(user).exclude(role=Role.ADMINISTRATOR)
        else:
            del self.filters["owner"]
        self.offer_team_only(user)

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_contact_overdue(self, queryset, name, value):
        if value:
            return queryset.contact_overdue(timezone.localdate())
        return queryset

    def filter_credit_gap(self, queryset, name, value):
        return queryset.asking_beyond_reasonable() if value else queryset

    def filter_won(self, queryset, name, value):
        # Both ends are read together, once (the filter for the other end then passes).
        if name == "won_to" and self.form.cleaned_data.get("won_from"):
            return queryset
        return queryset.won_between(
            self.form.cleaned_data.get("won_from"), self.form.cleaned_data.get("won_to")
        )

    def filter_overdue(self, queryset, name, value):
        if value:
            return queryset.overdue(timezone.localdate())
        return queryset


def _people(user):
    return visible_people(user).exclude(role=Role.ADMINISTRATOR).order_by("username")


class OwnedRecordFilter(TeamOnlyMixin, django_filters.FilterSet):
    """Promises, visits and hospitality of one person (the overview's links), for a
    supervisor or administrator; a manager only ever sees their own anyway."""

    owner = django_filters.ModelChoiceFilter(
        label=_("Owner"), field_name="owner", queryset=None, empty_label=_("Everyone")
    )
    team = team_only()

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters["owner"].queryset = _people(user)
        self.offer_team_only(user)


class PromiseFilter(OwnedRecordFilter):
    class Meta:
        model = Promise
        fields: list[str] = []


class HospitalityFilter(OwnedRecordFilter):
    class Meta:
        model = HospitalityEntry
        fields: list[str] = []


class VisitFilter(OwnedRecordFilter):
    visited_from = django_filters.DateFilter(
        label=_("From"),
        field_name="visited_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    visited_to = django_filters.DateFilter(
        label=_("Until"),
        field_name="visited_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    contact = django_filters.ChoiceFilter(
        label=_("Outcome"),
        choices=[
            ("reached", _("Real contact")),
            ("not_reached", _("Turned away or not reached")),
            ("planned", _("Planned")),
        ],
        empty_label=ALL,
        method="filter_contact",
    )

    class Meta:
        model = Visit
        fields: list[str] = []

    def filter_contact(self, queryset, name, value):
        if value == "reached":
            return queryset.contacts()
        if value == "not_reached":
            return queryset.not_reached()
        return queryset.planned()
