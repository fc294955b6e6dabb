"""The complaint rules (handbook §3 and the regulator's consumer-complaint rules), as pure
functions. Days are calendar days in Asia/Shanghai, whatever the server's time zone.

The feedback rule: receipt counts as a contact; let D be the day of the last contact.
Feedback is due by the end of D+1; from the start of D+2 with no contact the case is
overdue; from the start of D+3 (two whole days of silence) it is escalated to the
handler's supervisor (to the administrators when the handler has none, or the complaint
is about them). The numbers are settings (COMPLAINT_FEEDBACK_*_DAYS).

`feedback_window` gives the same rule as a range of last-contact moments, which is
what the queryset filters on (complaints.models.CaseQuerySet), so SQL and Python
share one definition; tests/complaints/test_queries.py proves they agree.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings

from accounts.policy import can_see_owner, decides_on_work_of

if TYPE_CHECKING:
    from accounts.models import User

# The bank's calendar: a day starts at midnight in Shanghai, not on the server.
BANK_ZONE = ZoneInfo("Asia/Shanghai")

WAITING = "waiting"
DUE_TODAY = "due_today"
OVERDUE = "overdue"
ESCALATED = "escalated"
FEEDBACK_STATES = (WAITING, DUE_TODAY, OVERDUE, ESCALATED)
RESOLUTION_LATE = "late"
# Not a badge: a reminder to the handler on the mornings before the decision deadline.
DECISION_DUE = "decision_due"
# Most urgent first: the one badge an open case shows is the first that applies, and the
# order of every list of cases (CaseQuerySet.most_urgent_first).
BADGE_ORDER = (RESOLUTION_LATE, ESCALATED, OVERDUE, DUE_TODAY)
MAX_EXTENSIONS = 2


def bank_day(moment: datetime) -> date:
    """The calendar day of an aware moment in the bank's zone."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("A naive datetime has no calendar day; pass an aware one.")
    return moment.astimezone(BANK_ZONE).date()


def day_start(day: date) -> datetime:
    """Midnight starting `day` in the bank's zone."""
    return datetime.combine(day, time.min, tzinfo=BANK_ZONE)


def overdue_days() -> int:
    return settings.COMPLAINT_FEEDBACK_OVERDUE_DAYS


def escalation_days() -> int:
    return settings.COMPLAINT_FEEDBACK_ESCALATION_DAYS


def feedback_state(last_contact: datetime, now: datetime) -> str:
    """ "waiting", "due_today", "overdue" or "escalated" for a case last contacted at
    `last_contact`, seen at `now` (aware datetimes, any zone)."""
    silent = (bank_day(now) - bank_day(last_contact)).days
    if silent >= escalation_days():
        return ESCALATED
    if silent >= overdue_days():
        return OVERDUE
    if silent >= overdue_days() - 1:
        return DUE_TODAY
    return WAITING


def feedback_window(state: str, now: datetime) -> tuple[datetime | None, datetime | None]:
    """The last-contact moments [start, end) for which `feedback_state(…, now) == state`
    (None: unbounded). The queryset filters on this; it is the rule above, inverted."""
    today = bank_day(now)

    def start_of(days_silent: int) -> datetime:
        # A contact on this day or later has been silent for fewer than `days_silent` days.
        return day_start(today - timedelta(days=days_silent - 1))

    bounds = {
        ESCALATED: (None, start_of(escalation_days())),
        OVERDUE: (start_of(escalation_days()), start_of(overdue_days())),
        DUE_TODAY: (start_of(overdue_days()), start_of(overdue_days() - 1)),
        WAITING: (start_of(overdue_days() - 1), None),
    }
    return bounds[state]


def feedback_due_on(last_contact: datetime) -> date:
    """The last day on which the client must hear from us."""
    return bank_day(last_contact) + timedelta(days=overdue_days() - 1)


def resolution_deadline(received: datetime, extensions: int) -> date:
    """The last day for a decision: 15, 30 or 60 days with 0, 1 or 2 extensions, counted
    from the day after receipt, as Chinese law counts periods in days."""
    if not 0 <= extensions <= MAX_EXTENSIONS:
        raise ValueError(f"A complaint has 0 to {MAX_EXTENSIONS} extensions, not {extensions}.")
    return bank_day(received) + timedelta(days=settings.COMPLAINT_RESOLUTION_DAYS[extensions])


def resolution_late(decide_by: date | None, today: date) -> bool:
    return decide_by is not None and today > decide_by


def decision_reminder_from(today: date) -> date:
    """The latest decision deadline reminded on `today`: the handler hears of a deadline
    on each of the COMPLAINT_DECISION_REMINDER_DAYS mornings before it, and on the day."""
    return today + timedelta(days=settings.COMPLAINT_DECISION_REMINDER_DAYS)


def decision_due(decide_by: date | None, today: date) -> bool:
    """The decision deadline is close (today included) and not yet passed."""
    return decide_by is not None and today <= decide_by <= decision_reminder_from(today)


# Most urgent first: the one reason a morning's reminder about a case gives.
REMINDER_ORDER = (RESOLUTION_LATE, ESCALATED, OVERDUE, DUE_TODAY, DECISION_DUE)


def reminder_reason(*, last_contact: datetime, decide_by: date | None, now: datetime) -> str | None:
    """Why the handler is reminded of an open case on the morning of `now` (None: not)."""
    today = bank_day(now)
    if resolution_late(decide_by, today):
        return RESOLUTION_LATE
    state = feedback_state(last_contact, now)
    if state != WAITING:
        return state
    return DECISION_DUE if decision_due(decide_by, today) else None


def tells_supervisor(*, last_contact: datetime, decide_by: date | None, now: datetime) -> bool:
    """Whether the handler's supervisor is reminded of an open case too: the client has
    been left without news for days (escalated, every morning), or the decision deadline
    passed yesterday (that morning only: the board lists late cases from then on)."""
    today = bank_day(now)
    return feedback_state(last_contact, now) == ESCALATED or (
        decide_by is not None and decide_by == today - timedelta(days=1)
    )


def badge(*, last_contact: datetime, decide_by: date | None, now: datetime) -> str | None:
    """The one badge an open case shows (None: nothing to flag)."""
    if resolution_late(decide_by, bank_day(now)):
        return RESOLUTION_LATE
    state = feedback_state(last_contact, now)
    return None if state == WAITING else state


def to_the_minute(moment: datetime) -> datetime:
    """Forms give times to the minute: a time in the same minute as another is not before it."""
    return moment.replace(second=0, microsecond=0)


def contact_time_error(
    *, at: datetime, received: datetime, now: datetime, step: bool = False
) -> str | None:
    """Why a contact (or, with `step`, a step) cannot be dated `at`; None when it can."""
    from django.utils.translation import gettext as _

    if at > now:
        return (
            _("A step cannot be dated in the future.")
            if step
            else _("A contact cannot be dated in the future.")
        )
    if at < to_the_minute(received):
        return (
            _("A step cannot be dated before the complaint was received.")
            if step
            else _("A contact cannot be dated before the complaint was received.")
        )
    return None


def step_order_error(*, at: datetime, previous: datetime | None) -> str | None:
    """Why a step cannot be dated `at` when the case's step before it was dated
    `previous`: the handbook's steps come one after the other, so neither can its record."""
    from django.utils import timezone
    from django.utils.formats import date_format
    from django.utils.translation import gettext as _

    if previous is None or at >= to_the_minute(previous):
        return None
    return _("A step cannot be dated before the step before it (%(previous)s).") % {
        "previous": date_format(timezone.localtime(previous), "Y-m-d H:i")
    }


def median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


# --- Who may act ---------------------------------------------------------------


# They take a case's handler and the id of the person it is about (`about_id`, None when it
# is about nobody), not the case: the rules stay below the models that use them.


def can_work_on(user: User, *, handler: User, about_id: int | None) -> bool:
    """Record steps and contacts, close, reopen: the handler, their supervisor, an
    administrator — never the person the complaint is about."""
    if about_id is not None and about_id == user.pk:
        return False
    from accounts.policy import CASEWORK_ROLES

    return can_see_owner(user, handler, CASEWORK_ROLES)


def can_reassign(user: User, *, handler: User, about_id: int | None) -> bool:
    return about_id != user.pk and decides_on_work_of(user, handler)


def can_handle(person: User, *, about_id: int | None) -> bool:
    """Handbook §3 / the regulator: nobody handles a complaint about themselves."""
    return about_id is None or about_id != person.pk


def can_approve_second_extension(user: User, *, handler: User, about_id: int | None) -> bool:
    """Only a higher level (the handler's supervisor, or an administrator) extends to 60 days."""
    return about_id != user.pk and decides_on_work_of(user, handler)
