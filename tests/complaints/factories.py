"""Small typed builders for complaints and questions."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count

from django.utils import timezone

from accounts.models import User
from complaints import rules
from complaints.models import Case, Channel, FeedbackContact, Kind
from complaints.services import case_record

_numbers = count(1)


def earlier_today(hours: float = 1) -> datetime:
    """`hours` ago, but not before the bank's day began: a case received "an hour ago"
    is still received today when the tests run just after midnight in Shanghai."""
    now = timezone.now()
    return max(now - timedelta(hours=hours), rules.day_start(rules.bank_day(now)))


def make_case(handler: User, *, by: User | None = None, **fields) -> Case:
    number = next(_numbers)
    values = {
        "client_name": f"客户{number}",
        "client_phone": f"139{number:08d}",
        "channel": Channel.PHONE,
        "points": f"投诉要点{number}\n第二点",
        "received_at": earlier_today(),
        "kind": Kind.COMPLAINT,
    }
    values.update(fields)
    return case_record(case=Case(handler=handler, **values), by=by or handler)


def make_question(handler: User, **fields) -> Case:
    return make_case(handler, kind=Kind.QUESTION, **fields)


def make_contact(case: Case, at: datetime, said: str = "已告知进展") -> FeedbackContact:
    contact = FeedbackContact.objects.create(case=case, at=at, said=said, by=case.handler)
    Case.objects.filter(pk=case.pk, last_contact_at__lt=at).update(last_contact_at=at)
    return contact


def silent_since(case: Case, at: datetime) -> Case:
    """Backdate a case: received and last contacted at `at`."""
    decide_by = rules.resolution_deadline(at, case.extensions) if case.is_complaint else None
    Case.objects.filter(pk=case.pk).update(received_at=at, last_contact_at=at, decide_by=decide_by)
    case.refresh_from_db()
    return case
