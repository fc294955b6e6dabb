"""Editing the handbook: the entry form, saving with a revision, comparing revisions.

Saving goes through `Entry.save()`, which refills the segmented words the
full-text indexes are built from (their triggers do the rest), so an edited
entry is found by its new words at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Literal

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from playbook.models import Entry, EntryRevision, Section

if TYPE_CHECKING:
    from accounts.models import User


class EntryForm(forms.ModelForm):
    section = forms.ModelChoiceField(
        label=_("Section"),
        queryset=Section.objects.select_related("chapter__part"),
        empty_label=_("Choose the section"),
    )

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


def _changed_text(entry: Entry) -> bool:
    if entry.pk is None:
        return True
    stored = Entry.objects.filter(pk=entry.pk).values("question", "answer").first()
    return stored is None or (stored["question"], stored["answer"]) != (
        entry.question,
        entry.answer,
    )


@transaction.atomic
def entry_save(*, entry: Entry, editor: User) -> Entry:
    """Save an edited or new entry; a changed question or answer becomes a new revision.

    An entry that has never had a revision (e.g. created before revisions were
    kept) first gets its stored text as revision 1, so the change can be compared.
    """
    changed = _changed_text(entry)
    entry.part_id = entry.section.chapter.part_id
    if changed and entry.pk is not None and not entry.revisions.exists():
        stored = Entry.objects.get(pk=entry.pk)
        stored.record_revision(editor=None)
    if changed:
        entry.revised_at = timezone.now()
    entry.save()
    if changed:
        entry.record_revision(editor=editor)
    return entry


@dataclass(frozen=True)
class Segment:
    op: Literal["equal", "insert", "delete"]
    text: str


def text_diff(old: str, new: str) -> list[Segment]:
    """Character-level differences (Chinese has no spaces to split words on)."""
    segments: list[Segment] = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(Segment("equal", old[i1:i2]))
            continue
        if i2 > i1:
            segments.append(Segment("delete", old[i1:i2]))
        if j2 > j1:
            segments.append(Segment("insert", new[j1:j2]))
    return segments


@dataclass(frozen=True)
class RevisionComparison:
    revision: EntryRevision
    previous: EntryRevision | None
    question: list[Segment]
    answer: list[Segment]


def compare_with_previous(revision: EntryRevision) -> RevisionComparison:
    previous = revision.previous()
    return RevisionComparison(
        revision=revision,
        previous=previous,
        question=text_diff(previous.question if previous else "", revision.question),
        answer=text_diff(previous.answer if previous else "", revision.answer),
    )
