"""Editing the handbook: saving with a revision, comparing revisions (the form: forms.py).

Saving goes through `Entry.save()`, which refills the segmented words the
full-text indexes are built from (their triggers do the rest), so an edited
entry is found by its new words at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Literal

from django.db import transaction
from django.utils import timezone

from accounts.versions import locked_version
from playbook.models import Entry, EntryRevision

if TYPE_CHECKING:
    from accounts.models import User


def _changed_text(entry: Entry) -> bool:
    if entry.pk is None:
        return True
    stored = Entry.objects.filter(pk=entry.pk).values("question", "answer").first()
    return stored is None or (stored["question"], stored["answer"]) != (
        entry.question,
        entry.answer,
    )


@transaction.atomic
def entry_save(*, entry: Entry, editor: User, expected_version: int | None = None) -> Entry:
    """Save an edited or new entry; a changed question or answer becomes a new revision.

    An entry that has never had a revision (e.g. created before revisions were
    kept) first gets its stored text as revision 1, so the change can be compared.

    An edit made on a page drawn at `expected_version` raises EditConflict,
    saving nothing, when someone saved the entry since: the row is locked while
    its version is compared, so of two editors of one page the second always
    learns of the first.
    """
    if entry.pk is not None:
        entry.version = locked_version(Entry, entry.pk, expected_version)
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
