"""Workflows of the playbook that span records: search logging, flags, assigned reading."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from playbook import reading
from playbook.models import Entry, EntryFlag, ReadingAssignment, SearchLog, Section

if TYPE_CHECKING:
    from accounts.models import User

# Typing refines a query (active search sends 门, 门卫, 门卫不让进): within this
# many seconds, a query that extends or shortens the last one replaces it.
REFINE_SECONDS = 60


def search_record(*, user: User, query: str, result_count: int) -> SearchLog | None:
    """Log a search (query, result count, user id only); None for an empty query."""
    query = query.strip()[:100]
    if not query:
        return None
    now = timezone.now()
    last = (
        SearchLog.objects.filter(
            user=user,
            searched_at__gte=now - timedelta(seconds=REFINE_SECONDS),
            opened_entry__isnull=True,
        )
        .order_by("-searched_at", "-pk")
        .first()
    )
    if last is not None and (query.startswith(last.query) or last.query.startswith(query)):
        last.query, last.result_count, last.searched_at = query, result_count, now
        last.save(update_fields=["query", "result_count", "searched_at"])
        return last
    return SearchLog.objects.create(
        user=user, query=query, result_count=result_count, searched_at=now
    )


def search_opened(*, user: User, log_id: int, entry: Entry) -> None:
    """The reader opened `entry` from the results of their search `log_id`."""
    SearchLog.objects.filter(pk=log_id, user=user, opened_entry__isnull=True).update(
        opened_entry=entry
    )


def flag_raise(*, entry: Entry, by: User, reason: str, comment: str) -> EntryFlag:
    return EntryFlag.objects.create(entry=entry, raised_by=by, reason=reason, comment=comment)


def reading_assign(
    *,
    trainee: User,
    by: User,
    due_on: date,
    section: Section | None = None,
    entries: list[Entry] | None = None,
) -> ReadingAssignment:
    """Give a trainee a section (all its entries) or chosen entries to read by `due_on`."""
    with transaction.atomic():
        assignment = ReadingAssignment.objects.create(
            trainee=trainee, assigned_by=by, due_on=due_on, section=section
        )
        chosen = list(section.entries.all()) if section is not None else list(entries or [])
        assignment.entries.set(chosen)
    return assignment


class NotYetRead(Exception):
    """ "Read and understood" before every entry to read was opened."""

    def __init__(self, unread: int, total: int) -> None:
        super().__init__(unread, total)
        self.unread, self.total = unread, total


def reading_confirm(assignment: ReadingAssignment) -> bool:
    """The trainee's "read and understood": only once they opened every entry to read
    since its last revision (else NotYetRead), so a mentor's "on time" means read. A
    section assignment keeps the entries it is confirmed with. False when it was withdrawn
    or confirmed meanwhile."""
    (assignment,) = reading.with_reading([assignment])
    if assignment.unread:
        raise NotYetRead(assignment.unread, len(assignment.to_read))
    with transaction.atomic():
        if not assignment.confirm():
            return False
        if assignment.section_id is not None:
            assignment.entries.set([entry for entry, _read in assignment.to_read])
    return True
