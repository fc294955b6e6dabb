"""Forms of the merchant-list import: the upload, then the column mapping of the preview."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.fields import record_id
from accounts.models import Role
from accounts.policy import visible_people
from prospects import rules
from prospects.importing import IMPORT_FIELDS, ImportFileError, Mapping_, read_sheet, read_upload
from prospects.models import ImportBatch, Source, Territory, TerritoryKind

# The channels whose prospects an import fills completely (see ImportUploadForm).
IMPORT_SOURCES = frozenset(Source) - {Source.REFERRAL, Source.COMPETITOR}


class ImportUploadForm(forms.ModelForm):
    file = forms.FileField(
        label=_("Merchant list"),
        help_text=_(
            "CSV (UTF-8 or GBK, as Excel saves it) or Excel .xlsx; the first row names the columns."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    class Meta:
        model = ImportBatch
        fields = ["territory", "source", "association", "owner"]
        help_texts = {"association": _("For a member list: the association's name.")}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["territory"].queryset = Territory.objects.visible_to(user)
        self.fields["territory"].empty_label = None
        # Only the channels an import fills completely: it cannot name a referrer or the
        # competing bank, and a prospect missing them is refused on every later edit.
        self.fields["source"].choices = [
            ("", _("Choose where the list came from")),
            *[(value, label) for value, label in Source.choices if value in IMPORT_SOURCES],
        ]
        # Not the model's default (association): the person chooses, or the territory says.
        self.initial.pop("source", None)
        self.fields["source"].initial = None
        # Opened from a territory's page: its channel follows the kind of territory.
        territory_pk = record_id(self.initial.get("territory"))
        if territory_pk is not None and not self.is_bound:
            territory = self.fields["territory"].queryset.filter(pk=territory_pk).first()
            if territory is not None:
                self.initial["source"] = rules.import_source(territory_kind=territory.kind)
        people = visible_people(user).exclude(role=Role.ADMINISTRATOR)
        self.fields["owner"].queryset = people
        self.fields["owner"].initial = user.pk
        self.fields["owner"].empty_label = None
        self.fields["owner"].help_text = _("Who the imported prospects belong to.")
        if not user.is_supervisor and not user.is_administrator:
            # A client manager imports for themselves.
            del self.fields["owner"]
        self.data_bytes = b""

    def clean(self):
        cleaned = super().clean()
        territory = cleaned.get("territory")
        if (
            cleaned.get("source") == Source.ASSOCIATION
            and not (cleaned.get("association") or "").strip()
            # The import names an association territory's members after it (importing.commit).
            and not (territory is not None and territory.kind == TerritoryKind.ASSOCIATION)
        ):
            self.add_error("association", _("Name the chamber or association."))
        return cleaned

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            self.data_bytes = read_upload(upload)
            # Refuse unreadable files here, beside the field, before anything is stored.
            read_sheet(self.data_bytes, upload.name)
        except ImportFileError as error:
            raise forms.ValidationError(str(error), code="unreadable") from None
        return upload

    def save(self, commit: bool = True) -> ImportBatch:
        batch = super().save(commit=False)
        batch.created_by = self.user
        if "owner" not in self.fields:
            batch.owner = self.user
        batch.file_name = self.cleaned_data["file"].name[:255]
        batch.data = self.data_bytes
        if commit:
            batch.save()
        return batch


class ColumnMappingForm(forms.Form):
    """One select per field: which column of the file holds it (or none)."""

    skip_duplicates = forms.BooleanField(
        label=_("Leave out the rows flagged as duplicates"), required=False
    )
    skip_bad_rows = forms.BooleanField(
        label=_("Import only the good rows: leave out the rows with errors"), required=False
    )

    def __init__(
        self,
        *args: Any,
        headers: list[str],
        initial_mapping: Mapping_,
        sheet_names: tuple[str, ...] = (),
        sheet_name: str = "",
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        if len(sheet_names) > 1:
            # A workbook of several sheets: the person picks the one with the list.
            self.fields["sheet"] = forms.ChoiceField(
                label=_("Sheet"),
                choices=[(name, name) for name in sheet_names],
                initial=sheet_name,
                required=False,
            )
            if self.is_bound and not self.data.get("sheet"):
                # The list shows the sheet that was read, not the first one.
                self.data = self.data.copy()
                self.data["sheet"] = sheet_name
        columns = [("", _("(not imported)"))] + [
            (str(index), header or _("Column %(number)s") % {"number": index + 1})
            for index, header in enumerate(headers)
        ]
        for import_field in IMPORT_FIELDS:
            guessed = initial_mapping.get(import_field.key)
            self.fields[f"map_{import_field.key}"] = forms.TypedChoiceField(
                label=import_field.label,
                choices=columns,
                coerce=int,
                empty_value=None,
                required=import_field.required,
                initial="" if guessed is None else str(guessed),
            )
        # The checkboxes go last, beside the commit button.
        self.order_fields([name for name in self.fields if not name.startswith("skip_")])

    @property
    def sheet_field(self) -> forms.BoundField | None:
        return self["sheet"] if "sheet" in self.fields else None

    @property
    def mapping_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("map_")]

    def mapping(self) -> Mapping_:
        return {f.key: self.cleaned_data.get(f"map_{f.key}") for f in IMPORT_FIELDS}
