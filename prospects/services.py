"""Workflows that touch more than one record."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.contributions import prospects_handed_over, prospects_to_hand_over
from accounts.models import User
from prospects import importing, rules
from prospects.models import (
    Handover,
    ImportBatch,
    ImportStatus,
    Promise,
    Prospect,
    ProspectExport,
    Stage,
    Visit,
)
from prospects.tasks import import_prospects, write_prospect_export


@transaction.atomic
def visit_log(*, visit: Visit, by: User) -> Visit:
    """Save a visit and carry its next step onto the prospect's next action.

    A first visit that reached the client moves a lead to 'contacted' (rules.counts_as_contact).
    """
    visit.recorded_by = by
    visit.save()
    prospect = visit.prospect
    changed: list[str] = []
    if visit.next_step_date:
        prospect.next_action = visit.next_step or prospect.next_action
        prospect.next_action_date = visit.next_step_date
        changed += ["next_action", "next_action_date"]
    if rules.counts_as_contact(visit.outcome) and prospect.stage == Stage.LEAD:
        prospect.stage = Stage.CONTACTED
        changed.append("stage")
    if changed:
        prospect.save(update_fields=changed)
    return visit


def handover_following(*, prospects: Iterable[Prospect], from_person: User, to: User) -> list[str]:
    """What the other apps keep for these prospects and `prospects_hand_over` would move
    with them to `to` (or leave behind), in sentences: the preview's, before it does."""
    ids = [prospect.pk for prospect in prospects]
    return prospects_to_hand_over(ids, from_person, to)


@transaction.atomic
def prospects_hand_over(
    *, prospects: Iterable[Prospect], from_person: User, to: User, by: User, reason: str
) -> Handover:
    """Hand `from_person`'s prospects to `to`: each prospect (its open promises and next
    action follow it), and the planned visits, which `to` will now make. One handover
    record; every owner change also lands in the audit trail. The person's exports go."""
    chosen = list(prospects)
    if any(prospect.owner_id != from_person.pk for prospect in chosen):
        raise ValidationError(_("Only the prospects of the person leaving are handed over."))
    if to.pk == from_person.pk:
        raise ValidationError(_("Hand the prospects to someone else."))
    ids = [prospect.pk for prospect in chosen]
    planned = list(Visit.objects.filter(prospect__in=ids).planned())
    handover = Handover.objects.create(
        from_person=from_person,
        to_person=to,
        decided_by=by,
        reason=reason,
        open_promises=Promise.objects.filter(prospect__in=ids).open().count(),
        planned_visits=len(planned),
    )
    handover.prospects.set(chosen)
    for prospect in chosen:
        prospect.reassign(to=to)
    for visit in planned:
        visit.recorded_by = to
        visit.save(update_fields=["recorded_by"])
    # What the other apps keep for these clients and must follow them (investigations).
    handover.followed = tuple(prospects_handed_over(ids, from_person, to, by, reason))
    # Their exports may list these clients: withdrawn with them (the files go once this
    # commits; one being written is dropped by its worker). So are their supervisor's,
    # when the clients leave that team (an administrator's handover across teams).
    ProspectExport.objects.of(from_person).delete()
    former_lead = from_person.supervisor_id
    if former_lead and former_lead not in (to.pk, to.supervisor_id):
        ProspectExport.objects.filter(requested_by_id=former_lead).delete()
    return handover


def attachment_add(*, prospect: Prospect, kind: str, upload, content_type: str, by: User):
    """Keep a client's document in private storage, typed by its content."""
    from prospects.models import Attachment
    from prospects.rules import ATTACHMENT_TYPES

    attachment = Attachment(
        prospect=prospect,
        kind=kind,
        content_type=content_type,
        extension=ATTACHMENT_TYPES[content_type],
        size=upload.size,
        uploaded_by=by,
    )
    attachment.file.save("upload", upload, save=False)
    attachment.save()
    return attachment


# Exports one person may have queued or being written at once.
EXPORTS_IN_PROGRESS = 3


@transaction.atomic
def export_request(*, by: User, file_format: str, query: QueryDict) -> ProspectExport:
    """Ask for a large export, written in the background. The same list asked for again
    while it is written leads to that export; a person with EXPORTS_IN_PROGRESS already
    waiting is led to the newest of them instead of queuing more."""
    now = timezone.now()
    exports_prune(ProspectExport.objects.of(by), now)
    # The filters in a stable order, without the page (an export has none).
    filters = query.copy()
    filters.pop("page", None)
    wanted = urlencode(sorted(filters.lists()), doseq=True)
    language = translation.get_language()
    waiting = ProspectExport.objects.of(by).in_progress(now)
    same = waiting.filter(file_format=file_format, query=wanted, language=language).first()
    if same is not None:
        return same
    if waiting.count() >= EXPORTS_IN_PROGRESS:
        return waiting.first()
    export = ProspectExport.objects.create(
        requested_by=by, file_format=file_format, query=wanted, language=language
    )
    # Queued once the row is committed, so a worker never looks for an export not yet saved.
    transaction.on_commit(lambda: write_prospect_export.enqueue(export.pk))
    return export


def exports_prune(exports, now) -> int:
    """Delete the exports of `exports` older than PROSPECT_EXPORT_KEEP_DAYS (their files go
    once the deletion is committed: see ProspectExport's post_delete receiver); how many."""
    deleted, _by_model = exports.expired(now).delete()
    return deleted


@transaction.atomic
def import_request(
    *,
    batch: ImportBatch,
    mapping: importing.Mapping_,
    sheet: importing.Sheet,
    skip_duplicates: bool,
    skip_bad_rows: bool,
    by: User,
) -> None:
    """Queue a long file for the background worker, as the person confirmed it (again, when
    no worker took it in time). What the preview shows is refused here at once
    (ImportRefused), as a short file's commit would; the worker checks it all again,
    under the batch's lock, before writing anything, so two tasks import it once."""
    # Locked: a second click waits here, then finds the file queued and queues nothing.
    batch = (
        ImportBatch.objects.select_for_update()
        .select_related("territory", "owner")
        .get(pk=batch.pk)
    )
    if batch.is_committed or batch.is_waiting:
        return
    preview = importing.import_preview(batch=batch, mapping=mapping, sheet=sheet)
    importing.refuse_unconfirmed(
        preview, skip_duplicates=skip_duplicates, skip_bad_rows=skip_bad_rows
    )
    batch.status = ImportStatus.QUEUED
    batch.queued_at = timezone.now()
    batch.refusal = ""
    batch.commit_request = {
        "mapping": mapping,
        "sheet": sheet.sheet_name,
        "skip_duplicates": skip_duplicates,
        "skip_bad_rows": skip_bad_rows,
        "actor": by.pk,
        "language": translation.get_language(),
        # This confirmation: a task for an earlier one finds another and does nothing.
        "confirmation": uuid.uuid4().hex,
    }
    batch.save(update_fields=["status", "queued_at", "refusal", "commit_request"])
    # Queued once the row is committed, so the worker finds the batch queued.
    confirmation = batch.commit_request["confirmation"]
    transaction.on_commit(lambda: import_prospects.enqueue(batch.pk, confirmation))
