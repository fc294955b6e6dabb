"""The prospect list's filters, read from the query string by django-filter."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.policy import visible_people
from prospects.models import (
    ImportBatch,
    ImportStatus,
    Industry,
    Prospect,
    Source,
    Stage,
    Territory,
)

# The empty choice of a filter reads "all", not django-filter's "---------".
ALL = _("All")


class Ordering(django_filters.OrderingFilter):
    descending_fmt = _("%s, descending")


class ProspectFilter(django_filters.FilterSet):
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

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_overdue(self, queryset, name, value):
        if value:
            return queryset.overdue(timezone.localdate())
        return queryset
