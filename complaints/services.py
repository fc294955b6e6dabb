"""Work on a case that spans several rows: recording it, logging a contact."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from complaints import rules
from complaints.models import Action, Case, CaseEvent, FeedbackContact, Kind, Status

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def case_record(*, case: Case, by: User) -> Case:
    """Save a new complaint or question; its receipt is the first event and first contact."""
    case.created_by = by
    case.status = Status.LISTEN if case.kind == Kind.COMPLAINT else Status.ASKED
    case.full_clean()
    case.save()
    CaseEvent.objects.create(case=case, action=Action.RECEIVE, at=case.received_at, by=by)
    return case


@transaction.atomic
def case_correct(*, form: forms.ModelForm) -> Case:
    """Save the edited case of a valid `form`. A corrected time received moves the
    receipt's event and, while nothing has been logged since the receipt, the daily
    clock with it: the receipt is the first contact (Case.clean keeps it before the
    first contact or step).

    Only what the form edits comes from the page; the rest (status, extensions, the
    clock, the closing) is read from the case's row as locked now, so a step or an
    extension recorded since the page was drawn is not undone. Raises ValidationError,
    saving nothing, when the corrected receipt is after what was logged meanwhile."""
    case = form.instance
    locked = Case.objects.select_for_update(no_key=True).get(pk=case.pk)
    for field in Case._meta.concrete_fields:
        if field.name not in form.fields:
            setattr(case, field.attname, getattr(locked, field.attname))
    # The form checked the receipt against the log as it was; a contact or step logged
    # since (now held back by the lock) may come before the corrected time.
    if problem := case.receipt_after_work():
        raise ValidationError({"received_at": problem})
    if locked.last_contact_at == locked.received_at:
        # A question turned into a complaint may have contacts from before: the clock
        # never goes back past one.
        latest = case.contacts.aggregate(latest=Max("at"))["latest"]
        case.last_contact_at = max(filter(None, (case.received_at, latest)))
    form.save()
    # A converted complaint's receipt event is the question's: what was asked stays asked.
    if case.received_at != locked.received_at and not case.converted_at():
        CaseEvent.objects.filter(case=case, action=Action.RECEIVE).update(at=case.received_at)
    return case


@transaction.atomic
def contact_log(
    *, case: Case, by: User, said: str, method: str, progress: bool, at: datetime | None = None
) -> FeedbackContact:
    """Record that the client heard from us; it resets the daily clock (handbook §3).

    The checks read the case's row as locked now: a case closed (or its receipt
    corrected) since the page was drawn refuses the contact, and an older contact
    logged late never moves the clock back."""
    now = timezone.now()
    at = at or now
    locked = Case.objects.select_for_update(no_key=True).get(pk=case.pk)
    if not locked.is_open:
        raise ValidationError(_("This case is closed; reopen it to log contacts."))
    problem = rules.contact_time_error(at=at, received=locked.received_at, now=now)
    if problem:
        raise ValidationError({"at": problem})
    if not said.strip():
        raise ValidationError({"said": _("Say in a sentence what the client was told.")})
    contact = FeedbackContact.objects.create(
        case=case, by=by, said=said.strip(), method=method, progress=progress, at=at
    )
    before = locked.last_contact_at
    locked.client_heard_from_us(at)
    # Saved through the model, so the change has its history row.
    if locked.last_contact_at != before:
        locked.save(update_fields=["last_contact_at"])
    case.last_contact_at = locked.last_contact_at
    return contact


@transaction.atomic
def extension_record(
    *, case: Case, by: User, reason: str, at: datetime | None = None, told_by: str = ""
) -> CaseEvent:
    """Extend the decision deadline (Case.extend). The regulator has the reason told to the
    client: when it has been (`told_by`, how), that is a contact in the feedback log, with
    the reason and the new deadline."""
    event = case.extend(by=by, reason=reason, at=at)
    if told_by:
        said = _("Told the client the decision is due by %(day)s: %(reason)s") % {
            "day": case.decide_by.isoformat(),
            "reason": event.note,
        }
        said = Truncator(said).chars(FeedbackContact._meta.get_field("said").max_length)
        contact_log(case=case, by=by, said=said, method=told_by, progress=False, at=event.at)
    return event
