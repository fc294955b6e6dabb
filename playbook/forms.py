"""The playbook's forms: writing an entry, a reader's private note."""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.versions import ShowsVersionErrors, VersionField
from playbook.models import (
    ENTRY_NUMBER_MAX,
    ENTRY_NUMBER_MESSAGES,
    ENTRY_NUMBER_MIN,
    Entry,
    Section,
)


class EntryForm(ShowsVersionErrors, forms.ModelForm):
    section = forms.ModelChoiceField(
        label=_("Section"),
        queryset=Section.objects.select_related("chapter__part"),
        empty_label=_("Choose the section"),
    )
    # The model's range (its validators), checked by the form and the browser alike.
    number = forms.IntegerField(
        label=capfirst(Entry._meta.get_field("number").verbose_name),
        min_value=ENTRY_NUMBER_MIN,
        max_value=ENTRY_NUMBER_MAX,
        error_messages=ENTRY_NUMBER_MESSAGES,
    )
    # The version the page was drawn from: a save from a stale page is refused (views).
    version = VersionField()

    class Meta:
        model = Entry
        fields = ["section", "number", "question", "answer"]
        widgets = {
            "question": forms.Textarea(attrs={"rows": 2}),
            "answer": forms.Textarea(attrs={"rows": 14}),
        }
        help_texts = {
            "answer": _(
                "One paragraph or point per line: “1. ” starts a numbered point, "
                "“（一）” a lettered one; a short point with text below it is a sub-heading."
            ),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)
        else:
            del self.fields["version"]

    def clean_question(self) -> str:
        question = self.cleaned_data["question"].strip()
        if not question:
            raise forms.ValidationError(_("Write the question."))
        return question

    def clean(self) -> dict:
        cleaned = super().clean()
        section, number = cleaned.get("section"), cleaned.get("number")
        # The part is not a form field, so Django skips the (part, number) constraint.
        if section is not None and number is not None:
            taken = (
                Entry.objects.filter(part_id=section.chapter.part_id, number=number)
                .exclude(pk=self.instance.pk)
                .exists()
            )
            if taken:
                self.add_error("number", self.number_taken_message(number))
        return cleaned

    @staticmethod
    def number_taken_message(number: int) -> str:
        return _("Another entry of this part already has number %(number)s.") % {"number": number}


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("My note (only you can see it)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
