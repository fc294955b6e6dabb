"""The morning sweep: remind each person of every case whose client must hear from us.

Insert first, send after. Each (person, case, day) may exist once — a database
constraint — so the rows are inserted with `INSERT … SELECT … ON CONFLICT DO NOTHING`
carrying this run's token; a row another run (or host) already inserted keeps that
run's token. The run then sends only the rows bearing its own token: two runs at
once, or a second run the same day, never send a reminder twice. A fixed number of
SQL statements, however many cases are open.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection
from django.db.models import Case as SqlCase
from django.db.models import CharField, DateField, F, Value, When
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from complaints import rules
from complaints.models import Case, Reminder

if TYPE_CHECKING:
    from accounts.models import User

# Cases listed in one email; the rest are summed up (the in-app list has them all).
EMAIL_CASE_LIMIT = 30


@dataclass
class SweepReport:
    created: int = 0
    emails_sent: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (person, why)


def _reason(now: datetime):
    """The case's feedback state, in SQL, from the same windows as rules.feedback_state."""
    _s, escalated_end = rules.feedback_window(rules.ESCALATED, now)
    _s, overdue_end = rules.feedback_window(rules.OVERDUE, now)
    return SqlCase(
        When(last_contact_at__lt=escalated_end, then=Value(rules.ESCALATED)),
        When(last_contact_at__lt=overdue_end, then=Value(rules.OVERDUE)),
        default=Value(rules.DUE_TODAY),
        output_field=CharField(),
    )


def _insert_select(selection, person: str, now: datetime, run: str) -> None:
    """INSERT the selection's reminder rows, skipping those that exist (one statement)."""
    rows = (
        selection.order_by()
        .annotate(
            r_person=F(person),
            r_case=F("pk"),
            r_day=Value(rules.bank_day(now), output_field=DateField()),
            r_reason=_reason(now),
            r_run=Value(run, output_field=CharField()),
            r_error=Value("", output_field=CharField()),
        )
        .values_list("r_person", "r_case", "r_day", "r_reason", "r_run", "r_error")
    )
    select_sql, params = rows.query.sql_with_params()
    table = connection.ops.quote_name(Reminder._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(name)
        for name in ("person_id", "case_id", "day", "reason", "run", "error")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) {select_sql} ON CONFLICT DO NOTHING",
            params,
        )


def _email(person: User, reminders: list[Reminder], base_url: str) -> EmailMessage:
    lines = []
    for reminder in reminders[:EMAIL_CASE_LIMIT]:
        case = reminder.case
        lines.append(
            f"- [{reminder.get_reason_display()}] {case.client_label}: {case.first_point}\n"
            f"  {base_url}{reverse('complaints:detail', args=[case.pk])}"
        )
    if len(reminders) > EMAIL_CASE_LIMIT:
        lines.append(
            _("… and %(count)d more in the workbench.")
            % {"count": len(reminders) - EMAIL_CASE_LIMIT}
        )
    body = "\n".join(
        [
            _("Clients who must hear from us today (handbook: at least once a day):"),
            "",
            *lines,
        ]
    )
    subject = _("%(count)d client(s) waiting for feedback") % {"count": len(reminders)}
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])


def sweep(now: datetime, *, base_url: str = "") -> SweepReport:
    """Insert today's reminders and send this run's, one email per person."""
    run = uuid.uuid4().hex
    open_cases = Case.objects.needing_feedback(now)
    _insert_select(open_cases, "handler_id", now, run)
    # Escalations also go to the handler's supervisor — unless the complaint is about them.
    escalated = (
        Case.objects.escalated(now)
        .filter(handler__supervisor__isnull=False)
        .exclude(about=F("handler__supervisor"))
    )
    _insert_select(escalated, "handler__supervisor_id", now, run)

    mine = list(
        Reminder.objects.filter(run=run)
        .select_related("person", "case", "case__prospect")
        .order_by("person_id", "case__last_contact_at", "case_id")
    )
    report = SweepReport(created=len(mine))
    by_person: dict[int, list[Reminder]] = defaultdict(list)
    for reminder in mine:
        by_person[reminder.person_id].append(reminder)

    sent: list[int] = []
    failed: dict[int, str] = {}
    mail = get_connection(fail_silently=False)
    with translation.override(settings.LANGUAGE_CODE):
        for person_id, reminders in by_person.items():
            person = reminders[0].person
            if not person.email:
                failed[person_id] = _("no email address")
                continue
            try:
                mail.send_messages([_email(person, reminders, base_url)])
            except Exception as error:
                failed[person_id] = f"{type(error).__name__}: {error}"[:300]
            else:
                sent.append(person_id)
    try:
        mail.close()
    except Exception as error:
        report.failures.append(("-", f"{type(error).__name__}: {error}"))

    if sent:
        Reminder.objects.filter(run=run, person_id__in=sent).update(sent_at=now)
    if failed:
        Reminder.objects.filter(run=run, person_id__in=list(failed)).update(
            error=SqlCase(
                *(When(person_id=pk, then=Value(why)) for pk, why in failed.items()),
                default=Value(""),
                output_field=CharField(),
            )
        )
    report.emails_sent = len(sent)
    people = {r.person_id: r.person for r in mine}
    report.failures.extend((str(people[pk]), why) for pk, why in failed.items())
    return report
