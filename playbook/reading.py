"""Reading the handbook: the table of contents, an entry's surroundings, progress.

Every function here runs a fixed number of queries whatever the size of the
handbook, so the pages built from them stay constant-query.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import Role
from accounts.policy import visible_people
from playbook.models import (
    Bookmark,
    Chapter,
    Entry,
    EntryRevision,
    Part,
    PrivateNote,
    ReadingAssignment,
    ReadingRecord,
    Section,
)

if TYPE_CHECKING:
    from accounts.models import User

READING_ORDER = (
    "section__chapter__part__order",
    "section__chapter__order",
    "section__order",
    "number",
    "pk",
)
RELATED_LIMIT = 5


@dataclass(frozen=True)
class Progress:
    read: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.read / self.total) if self.total else 0

    @property
    def done(self) -> bool:
        return self.total > 0 and self.read >= self.total


def sections_with_progress(user: User) -> QuerySet[Section]:
    """Sections in reading order with `entry_count` and `read_count` (by `user`)."""
    return (
        Section.objects.select_related("chapter__part")
        .annotate(
            entry_count=Count("entries", distinct=True),
            read_count=Count("entries__reads", filter=Q(entries__reads__user=user), distinct=True),
        )
        .order_by("chapter__part__order", "chapter__order", "order", "pk")
    )


def table_of_contents(user: User) -> list[Part]:
    """Parts → chapters → sections, each section with its entry and read counts."""
    sections = sections_with_progress(user).order_by("order", "pk")
    chapters = Chapter.objects.order_by("order", "pk").prefetch_related(
        Prefetch("sections", queryset=sections)
    )
    return list(
        Part.objects.order_by("order", "pk").prefetch_related(
            Prefetch("chapters", queryset=chapters)
        )
    )


def entry_total() -> int:
    """How many entries the handbook holds: what reading progress is measured against."""
    return Entry.objects.count()


def overall_progress(user: User) -> Progress:
    # A person reads an entry once (playbook_read_unique): two plain counts, not every
    # entry joined with its reads (1.5 ms at 10,000 entries).
    return Progress(read=ReadingRecord.objects.filter(user=user).count(), total=entry_total())


def entries_for_reader(user: User) -> QuerySet[Entry]:
    """Entries with what `user` has done with them: `read_at`, `bookmarked`."""
    reads = ReadingRecord.objects.filter(user=user, entry=OuterRef("pk"))
    return (
        Entry.objects.visible_to(user)
        .select_related("section__chapter__part")
        .annotate(
            read_at=Subquery(reads.values("read_at")[:1]),
            bookmarked=Exists(Bookmark.objects.filter(user=user, entry=OuterRef("pk"))),
        )
    )


def is_stale(entry: Entry) -> bool:
    """Revised after the reader last opened it (needs `read_at` from entries_for_reader)."""
    read_at: datetime | None = getattr(entry, "read_at", None)
    return read_at is not None and entry.revised_at > read_at


def section_entries(user: User, section: Section) -> list[Entry]:
    """The section's entries in order, each with `read_at`, `bookmarked` and `stale`."""
    entries = list(entries_for_reader(user).filter(section=section).order_by("number", "pk"))
    for entry in entries:
        entry.stale = is_stale(entry)
    return entries


def recent_reads(user: User, limit: int = 10) -> QuerySet[ReadingRecord]:
    return (
        ReadingRecord.objects.filter(user=user).select_related("entry").order_by("-read_at")[:limit]
    )


def updated_since_read(user: User) -> QuerySet[ReadingRecord]:
    """What `user` read before it was revised, in reading order."""
    return (
        ReadingRecord.objects.filter(user=user, entry__revised_at__gt=F("read_at"))
        .select_related("entry")
        .order_by(*(f"entry__{field}" for field in READING_ORDER))
    )


def revisions_visible_to(user: User) -> QuerySet[EntryRevision]:
    return (
        EntryRevision.objects.filter(entry__in=Entry.objects.visible_to(user))
        .select_related("entry", "editor")
        .order_by("entry", "-number")
    )


def next_unread(user: User) -> Entry | None:
    """The first entry, in reading order, that `user` has never opened."""
    return (
        Entry.objects.visible_to(user)
        .exclude(Exists(ReadingRecord.objects.filter(user=user, entry=OuterRef("pk"))))
        .order_by(*READING_ORDER)
        .first()
    )


def mark_read(user: User, entry: Entry) -> None:
    """Record that `user` opened `entry` now (one upsert)."""
    ReadingRecord.objects.bulk_create(
        [ReadingRecord(user=user, entry=entry, read_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["user", "entry"],
        update_fields=["read_at"],
    )


def _reading_key(entry: Entry) -> tuple[int, ...]:
    section = entry.section
    return (
        section.chapter.part.order,
        section.chapter.order,
        section.order,
        entry.number,
        entry.pk,
    )


def _after(key: tuple[int, ...], lookup: str) -> Q:
    """Entries whose reading-order key is after (`gt`) or before (`lt`) `key`."""
    condition = Q(pk__in=[])
    for depth, field in enumerate(READING_ORDER):
        equal = {name: value for name, value in zip(READING_ORDER[:depth], key, strict=False)}
        condition |= Q(**equal, **{f"{field}__{lookup}": key[depth]})
    return condition


def neighbours(entry: Entry) -> tuple[Entry | None, Entry | None]:
    """The previous and next entries in reading order (needs entry.section.chapter.part)."""
    key = _reading_key(entry)
    entries = Entry.objects.only("pk", "number", "question")
    previous = entries.filter(_after(key, "lt")).order_by(*(f"-{field}" for field in READING_ORDER))
    following = entries.filter(_after(key, "gt")).order_by(*READING_ORDER)
    return previous.first(), following.first()


def related_entries(entry: Entry, topic_ids: list[int]) -> list[Entry]:
    """Entries sharing a topic with `entry` (most shared first), then its section's."""
    return list(
        Entry.objects.filter(Q(topics__in=topic_ids) | Q(section_id=entry.section_id))
        .exclude(pk=entry.pk)
        .annotate(shared=Count("topics", filter=Q(topics__in=topic_ids), distinct=True))
        .order_by("-shared", *READING_ORDER)
        .distinct()
        .only("pk", "number", "question")[:RELATED_LIMIT]
    )


def section_progress(user: User, section_id: int) -> Progress:
    counts = Entry.objects.filter(section_id=section_id).aggregate(
        total=Count("pk", distinct=True),
        read=Count("reads", filter=Q(reads__user=user), distinct=True),
    )
    return Progress(read=counts["read"], total=counts["total"])


def with_reading(assignments: Iterable[ReadingAssignment]) -> list[ReadingAssignment]:
    """Each assignment with `to_read`, its entries as (entry, read) pairs — read: the
    trainee opened it since its last revision — `read_count`, and `unread`, how many are not.

    An open section assignment asks for the section's entries as they are now, so a
    section that grows asks for its new entries too; a confirmed one keeps the entries it
    was confirmed with. Two queries, however many assignments (their chosen entries
    prefetched as `entries`).
    """
    assignments = list(assignments)
    growing = {a.section_id for a in assignments if a.section_id and a.confirmed_at is None}
    sections: dict[int, list[Entry]] = defaultdict(list)
    for entry in Entry.objects.filter(section__in=growing).order_by("number", "pk"):
        sections[entry.section_id].append(entry)
    entries = {
        a.pk: sections[a.section_id] if a.section_id in growing else list(a.entries.all())
        for a in assignments
    }
    reads = ReadingRecord.objects.filter(
        user__in={a.trainee_id for a in assignments},
        entry__in={entry.pk for listed in entries.values() for entry in listed},
    ).values_list("user", "entry", "read_at")
    read_at = {(user, entry): at for user, entry, at in reads}
    for assignment in assignments:
        assignment.to_read = [
            (entry, _read_since_revised(read_at.get((assignment.trainee_id, entry.pk)), entry))
            for entry in entries[assignment.pk]
        ]
        assignment.read_count = sum(read for _entry, read in assignment.to_read)
        assignment.unread = len(assignment.to_read) - assignment.read_count
    return assignments


def _read_since_revised(read_at: datetime | None, entry: Entry) -> bool:
    return read_at is not None and read_at >= entry.revised_at


def bookmarks_of(user: User) -> QuerySet[Bookmark]:
    return Bookmark.objects.filter(user=user).select_related("entry").order_by("-created_at")


def note_of(user: User, entry: Entry) -> PrivateNote | None:
    return PrivateNote.objects.filter(user=user, entry=entry).first()


def toggle_bookmark(user: User, entry: Entry) -> bool:
    """Bookmark `entry`, or remove the bookmark; returns whether it is now bookmarked."""
    deleted, _ = Bookmark.objects.filter(user=user, entry=entry).delete()
    if deleted:
        return False
    Bookmark.objects.get_or_create(user=user, entry=entry)
    return True


def save_note(user: User, entry: Entry, text: str) -> PrivateNote | None:
    """Keep `user`'s note on `entry`; an empty note removes it."""
    text = text.strip()
    if not text:
        PrivateNote.objects.filter(user=user, entry=entry).delete()
        return None
    note, _ = PrivateNote.objects.update_or_create(user=user, entry=entry, defaults={"text": text})
    return note


def trainees_of(user: User) -> QuerySet[User]:
    """The trainees whose reading `user` may follow: a supervisor's team, or all (admin)."""
    return visible_people(user).filter(role=Role.TRAINEE)


def trainees_with_progress(user: User) -> QuerySet[User]:
    """`trainees_of(user)` with `read_count` and `stale_count` (revised since read)."""
    return (
        trainees_of(user)
        .annotate(
            read_count=Count("playbook_reads", distinct=True),
            stale_count=Count(
                "playbook_reads",
                filter=Q(playbook_reads__entry__revised_at__gt=F("playbook_reads__read_at")),
                distinct=True,
            ),
        )
        .order_by("last_name", "first_name", "username")
    )
