"""Workflows that touch an investigation and its records: one transaction each.

Every change locks the investigation's row first (`select_for_update`; SQLite's
immediate transactions serialise writers the same way), checks that it may still
change, and bumps its version, so a decision taken on a page opened before the
change is refused, and two reviewers acting at once produce exactly one decision.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.files.base import File
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.versions import EditConflict
from investigations import evidence as evidence_files
from investigations import permissions
from investigations.models import (
    CHECKLIST,
    DECIDED,
    Action,
    ChecklistItem,
    Contributor,
    EvidenceFile,
    EvidencePurpose,
    Investigation,
    ItemKind,
    ReviewComment,
    Status,
    TransitionRefused,
)

if TYPE_CHECKING:
    from accounts.models import User


class Refused(Exception):
    """The change cannot be made; `message` says why, `field` where (None: at the top).
    `more` are further (message, field) refusals found at the same time, so a form shows
    everything to fix at once: `refusals` lists them all."""

    def __init__(
        self, message: str, field: str | None = None, *, more: Sequence[tuple[str, str]] = ()
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.refusals = [(message, field), *more]


@dataclass(frozen=True)
class Missing:
    """One thing that stops submission, with a link to where it is filled in."""

    label: str
    url: str


# Handbook §2: what is investigated. Each topic's narrative must be written before submission.
REQUIRED_TOPICS = (
    "legal_standing",
    "operations",
    "finances",
    "credit",
    "purpose_finding",
    "return_and_risk",
)
REQUIRED_FIGURES = ("total_assets", "total_liabilities", "monthly_sales")
# The verifications' yes/no answers and the risk: "not checked yet" cannot go to review.
REQUIRED_ANSWERS = ("licence_valid", "bad_credit_found", "purpose_matches", "risk_rating")


def _lock(pk: int) -> Investigation:
    return Investigation.objects.select_for_update().get(pk=pk)


def not_editable_message(investigation: Investigation) -> str:
    if investigation.status in DECIDED:
        return _("This investigation has been decided (%(status)s) and can no longer change.") % {
            "status": investigation.get_status_display()
        }
    if investigation.status == Status.SUBMITTED:
        return _("This investigation is with the reviewer and cannot change until it is returned.")
    return _("Only the investigation's owner can change it.")


def _lock_editable(pk: int, by: User) -> Investigation:
    """The locked investigation, if `by` may still change it (and they are then one of
    who worked on it); else Refused."""
    locked = _lock(pk)
    if not permissions.can_edit(by, locked):
        raise Refused(not_editable_message(locked))
    _worked_on_by(locked, by)
    return locked


def _worked_on_by(investigation: Investigation, person: User) -> None:
    """Record `person` among who worked on it (four eyes: `took_part`), once."""
    Contributor.objects.bulk_create(
        [Contributor(investigation=investigation, person=person)], ignore_conflicts=True
    )


def _refuse_if_stale(locked: Investigation, expected_version: int | None) -> None:
    """EditConflict, before anything is saved, when the page was drawn at another version."""
    if expected_version is not None and locked.version != expected_version:
        raise EditConflict(locked.version)


def _touch(locked: Investigation) -> None:
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])


# --- Starting and editing ----------------------------------------------------------------


@transaction.atomic
def investigation_start(*, investigation: Investigation, by: User) -> Investigation:
    """Save a new investigation of its prospect, with the full checklist in its fixed order."""
    if not permissions.can_start(by, investigation.prospect):
        raise Refused(_("Only the client's own manager can start an investigation."))
    investigation.owner = by
    investigation.status = Status.DRAFT
    investigation.save()
    ChecklistItem.objects.bulk_create(
        ChecklistItem(investigation=investigation, kind=kind, position=position)
        for position, kind in enumerate(CHECKLIST, start=1)
    )
    investigation.events.create(action=Action.CREATE, from_status="", to_status=Status.DRAFT, by=by)
    _worked_on_by(investigation, by)
    return investigation


@transaction.atomic
def investigation_save(
    *, investigation: Investigation, by: User, expected_version: int | None = None
) -> Investigation:
    """Save the form-edited details, findings and financials.

    Raises EditConflict, saving nothing, when the investigation changed after the page
    at `expected_version` was drawn (another tab's save, a file or a guarantor added).
    """
    locked = _lock_editable(investigation.pk, by)
    _refuse_if_stale(locked, expected_version)
    investigation.version = locked.version + 1
    investigation.status = locked.status
    investigation.save()
    return investigation


class _StoredFiles(list):
    """Names stored during one change: removed again if the change fails (the bytes
    are not part of the database transaction)."""

    def __enter__(self) -> _StoredFiles:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            for name in self:
                evidence_files.discard(name)


def _store(
    upload: File,
    *,
    investigation: Investigation,
    item: ChecklistItem | None,
    purpose: str,
    by: User,
    stored: _StoredFiles,
) -> EvidenceFile:
    sniffed = evidence_files.sniff(upload)
    stored_name = evidence_files.store(upload, sniffed, investigation.pk)
    stored.append(stored_name)
    return EvidenceFile.objects.create(
        investigation=investigation,
        item=item,
        purpose=purpose,
        name=(upload.name or "")[:255],
        stored_name=stored_name,
        content_type=sniffed.content_type,
        size=upload.size,
        uploaded_by=by,
    )


def item_save(
    *,
    item: ChecklistItem,
    by: User,
    evidence: File | None = None,
    authorization: File | None = None,
    authorized_on=None,
    expected_version: int | None = None,
) -> ChecklistItem:
    """Save a checklist item as filled in, with its evidence (and for the credit-bureau
    query, the borrower's written authorization). EditConflict as investigation_save."""
    with _StoredFiles() as stored, transaction.atomic():
        locked = _lock_editable(item.investigation_id, by)
        _refuse_if_stale(locked, expected_version)
        return _item_save(locked, item, by, evidence, authorization, authorized_on, stored)


def _item_save(locked, item, by, evidence, authorization, authorized_on, stored) -> ChecklistItem:
    if item.kind == ItemKind.CREDIT_BUREAU:
        if authorized_on is not None:
            locked.credit_authorized_on = authorized_on
            locked.save(update_fields=["credit_authorized_on", "updated_at"])
        if authorization is not None:
            _store(
                authorization,
                investigation=locked,
                item=item,
                purpose=EvidencePurpose.AUTHORIZATION,
                by=by,
                stored=stored,
            )
        if item.is_done and not _authorized(locked):
            raise Refused(
                _(
                    "The credit bureau may only be queried with the borrower's written "
                    "authorization: record its date and attach it first."
                ),
                "credit_authorized_on",
            )
    if not item.is_done:
        item.done_on = None
        item.done_by = None
    else:
        item.done_on = item.done_on or timezone.localdate()
        item.done_by = by
    item.save()
    if evidence is not None:
        _store(
            evidence,
            investigation=locked,
            item=item,
            purpose=EvidencePurpose.ITEM,
            by=by,
            stored=stored,
        )
    _touch(locked)
    return item


def _authorized(investigation: Investigation) -> bool:
    return (
        investigation.credit_authorized_on is not None
        and investigation.evidence.filter(purpose=EvidencePurpose.AUTHORIZATION).exists()
    )


@transaction.atomic
def child_save(
    *,
    obj: models.Model,
    investigation: Investigation,
    by: User,
    expected_version: int | None = None,
) -> models.Model:
    """Save a guarantor, collateral or side inquiry of the investigation (EditConflict as
    investigation_save)."""
    locked = _lock_editable(investigation.pk, by)
    _refuse_if_stale(locked, expected_version)
    obj.investigation = locked
    obj.save()
    _touch(locked)
    return obj


@transaction.atomic
def child_delete(*, obj: models.Model, by: User) -> None:
    locked = _lock_editable(obj.investigation_id, by)
    obj.delete()
    _touch(locked)


def evidence_add(
    *,
    investigation: Investigation,
    upload: File,
    by: User,
    item: ChecklistItem | None = None,
    purpose: str = EvidencePurpose.GENERAL,
) -> EvidenceFile:
    with _StoredFiles() as stored, transaction.atomic():
        locked = _lock_editable(investigation.pk, by)
        file = _store(
            upload, investigation=locked, item=item, purpose=purpose, by=by, stored=stored
        )
        _touch(locked)
        return file


@transaction.atomic
def evidence_delete(*, file: EvidenceFile, by: User) -> None:
    locked = _lock_editable(file.investigation_id, by)
    stored_name = file.stored_name
    file.delete()
    _touch(locked)
    transaction.on_commit(lambda: evidence_files.discard(stored_name))


# --- Submission ------------------------------------------------------------------------


def missing_for_submission(investigation: Investigation) -> list[Missing]:
    """Exactly what stops submission, each with a link to its field (prefetched items)."""
    missing: list[Missing] = []
    for item in investigation.items.all():
        url = reverse("investigations:item", args=[investigation.pk, item.pk])
        if not item.is_done:
            missing.append(Missing(_("%(item)s is not done") % {"item": item}, url))
        elif not item.finding.strip():
            missing.append(Missing(_("%(item)s: what was found is empty") % {"item": item}, url))
        if item.kind == ItemKind.CREDIT_BUREAU and item.is_done and not _authorized(investigation):
            missing.append(
                Missing(_("The borrower's written authorization for the credit query"), url)
            )
    # Handbook §2: a guarantor's legal standing and capacity to repay are investigated,
    # not assumed; the 2× cover counts only guarantors someone has looked at.
    for guarantor in investigation.guarantors.all():
        url = reverse(
            "investigations:child_edit", args=[investigation.pk, "guarantors", guarantor.pk]
        )
        if not guarantor.id_number:
            missing.append(
                Missing(_("Guarantor %(name)s: ID number not recorded") % {"name": guarantor}, url)
            )
        if not guarantor.legal_standing_checked:
            missing.append(
                Missing(
                    _("Guarantor %(name)s: legal standing not checked") % {"name": guarantor}, url
                )
            )
        if not guarantor.repayment_capacity.strip():
            missing.append(
                Missing(
                    _("Guarantor %(name)s: capacity to repay in the borrower's place not described")
                    % {"name": guarantor},
                    url,
                )
            )
    # Handbook §2: the collateral's legality, validity, sufficiency and liquidity.
    for collateral in investigation.collateral.all():
        unchecked = [label for label, answer in collateral.checks if answer is None]
        if unchecked:
            url = reverse(
                "investigations:child_edit", args=[investigation.pk, "collateral", collateral.pk]
            )
            missing.append(
                Missing(
                    _("Collateral %(name)s: %(checks)s not checked")
                    % {"name": collateral, "checks": _(", ").join(unchecked)},
                    url,
                )
            )
    edit = reverse("investigations:edit", args=[investigation.pk])
    for name in (*REQUIRED_TOPICS, *REQUIRED_FIGURES, *REQUIRED_ANSWERS):
        value = getattr(investigation, name)
        if value is None or (isinstance(value, str) and not value.strip()):
            label = Investigation._meta.get_field(name).verbose_name
            missing.append(
                Missing(_("%(field)s is not filled in") % {"field": label}, f"{edit}#id_{name}")
            )
    return missing


def _for_checks(pk: int) -> Investigation:
    return (
        Investigation.objects.select_related("owner")
        .prefetch_related("items", "guarantors", "collateral", "events")
        .get(pk=pk)
    )


@transaction.atomic
def investigation_submit(
    *, investigation: Investigation, by: User, seen_version: int, justification: str = ""
) -> Investigation:
    locked = _lock(investigation.pk)
    if locked.status == Status.SUBMITTED:
        raise Refused(_("This investigation has already been submitted."))
    if not permissions.can_submit(by, locked):
        raise Refused(not_editable_message(locked))
    current = _for_checks(locked.pk)
    if missing_for_submission(current):
        raise Refused(_("Some things are still missing: see the list below."))
    justification = justification.strip()
    if not current.cover_ok and not justification:
        raise Refused(
            _("The guarantors' cover is below 2.0: explain why the loan should go ahead."),
            "justification",
        )
    try:
        locked.apply_transition(
            Action.SUBMIT,
            by=by,
            seen_version=seen_version,
            comment=justification,
            cover_justification=justification,
            submitted_at=timezone.now(),
            submitted_by=by,
        )
    except TransitionRefused as refused:
        raise Refused(refusal_message(refused)) from None
    _worked_on_by(locked, by)
    return locked


# --- Review ------------------------------------------------------------------------------


def refusal_message(refused: TransitionRefused) -> str:
    if refused.reason == "stale":
        return _(
            "The investigation changed since this page was opened. Nothing was saved: "
            "look at it again before acting."
        )
    if refused.current_status in DECIDED:
        return _("Someone has already decided on this investigation (%(status)s).") % {
            "status": Status(refused.current_status).label
        }
    return _("This investigation is %(status)s: that step is not possible now.") % {
        "status": Status(refused.current_status).label
    }


@transaction.atomic
def investigation_decide(
    *,
    investigation: Investigation,
    by: User,
    action: str,
    seen_version: int,
    comment: str = "",
    approval_reason: str = "",
    item_comments: Mapping[int, str] | None = None,
) -> Investigation:
    """Approve, return (with comments per item or overall) or decline (with a reason).

    Approving needs the reviewer's own reason when the cover is below 2.0
    (`approval_reason`), and a comment saying why when a collateral check was answered
    "no" or a finding speaks against the loan (`adverse_findings`).
    """
    locked = _lock(investigation.pk)
    current = _for_checks(locked.pk)
    if current.status != Status.SUBMITTED:
        raise Refused(refusal_message(TransitionRefused("status", current_status=current.status)))
    if locked.version != seen_version:
        raise Refused(refusal_message(TransitionRefused("stale", current_status=locked.status)))
    if not permissions.can_decide(by, current):
        raise Refused(_("You cannot decide on this investigation: it is your own work."))
    comment = comment.strip()
    item_comments = {pk: text.strip() for pk, text in (item_comments or {}).items() if text.strip()}
    fields: dict[str, object] = {}
    if action == Action.APPROVE:
        if current.blacklist_hit:
            raise Refused(_("The borrower is on the blacklist: the loan cannot be approved."))
        if missing := missing_for_submission(current):
            # Submitted before a rule was added, or changed since: not approved incomplete.
            raise Refused(
                _("This investigation is incomplete (%(first)s): return it to be completed.")
                % {"first": missing[0].label}
            )
        approval_reason = approval_reason.strip()
        unexplained = []
        if not current.cover_ok and not approval_reason:
            unexplained.append(
                (
                    _("The cover is below 2.0: write your own reason for approving."),
                    "approval_reason",
                )
            )
        # Handbook §2: the collateral's legality, validity, sufficiency and liquidity. Approving
        # despite a check answered "no" is an exception: the approver's reason goes on record.
        if current.collateral_doubtful and not comment:
            unexplained.append(
                (
                    _(
                        "A collateral check was answered “no”: write your reason for approving "
                        "despite it."
                    ),
                    "comment",
                )
            )
        if (adverse := current.adverse_findings) and not comment:
            unexplained.append(
                (
                    _(
                        "The findings speak against the loan (%(findings)s): write your reason "
                        "for approving despite them."
                    )
                    % {"findings": _("; ").join(adverse)},
                    "comment",
                )
            )
        if unexplained:
            raise Refused(*unexplained[0], more=unexplained[1:])
        fields["approval_reason"] = approval_reason
    elif action == Action.RETURN:
        if not comment and not item_comments:
            raise Refused(_("Say what needs fixing, overall or beside an item."), "comment")
    elif action == Action.DECLINE:
        if not comment:
            raise Refused(_("Give the reason for declining."), "comment")
    else:
        raise Refused(_("Choose approve, return or decline."), "decision")
    if action in (Action.APPROVE, Action.DECLINE):
        fields.update(decided_at=timezone.now(), decided_by=by)
    try:
        event = locked.apply_transition(
            action, by=by, seen_version=seen_version, comment=comment, **fields
        )
    except TransitionRefused as refused:
        raise Refused(refusal_message(refused)) from None
    known = {item.pk for item in current.items.all()}
    ReviewComment.objects.bulk_create(
        ReviewComment(event=event, item_id=pk, text=text)
        for pk, text in item_comments.items()
        if pk in known
    )
    return locked
