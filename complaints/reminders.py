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

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection
from django.db.models import Case as SqlCase
from django.db.models import CharField, DateField, F, Value, When
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from complaints import rules
from complaints.models import Case, Reminder, ReminderEmail

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
        )
        .values_list("r_person", "r_case", "r_day", "r_reason", "r_run")
    )
    select_sql, params = rows.query.sql_with_params()
    table = connection.ops.quote_name(Reminder._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(name) for name in ("person_id", "case_id", "day", "reason", "run")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) {select_sql} ON CONFLICT DO NOTHING",
            params,
        )


@dataclass
class _Line:
    case_id: int
    reason: str
    client: str
    points: str

    @property
    def first_point(self) -> str:
        return (self.points.strip().splitlines() or [""])[0][:60]


def _email(address: str, lines: list[_Line], base_url: str) -> EmailMessage:
    labels = dict(Reminder.Reason.choices)
    # The case URL without a reverse() per line: a sweep may list thousands.
    detail = base_url + reverse("complaints:detail", args=[0]).removesuffix("0/")
    text = [
        f"- [{labels[line.reason]}] {line.client}: {line.first_point}\n  {detail}{line.case_id}/"
        for line in lines[:EMAIL_CASE_LIMIT]
    ]
    if len(lines) > EMAIL_CASE_LIMIT:
        text.append(
            _("… and %(count)d more in the workbench.") % {"count": len(lines) - EMAIL_CASE_LIMIT}
        )
    body = "\n".join(
        [_("Clients who must hear from us today (handbook: at least once a day):"), "", *text]
    )
    subject = _("%(count)d client(s) waiting for feedback") % {"count": len(lines)}
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address])


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

    # Tuples, not model instances: one row per reminder, possibly a great many.
    mine = (
        Reminder.objects.filter(run=run)
        .order_by("person_id", "case__last_contact_at", "case_id")
        .values_list(
            "person_id",
            "person__email",
            "person__last_name",
            "person__first_name",
            "person__username",
            "case_id",
            "reason",
            "case__client_name",
            "case__prospect__name",
            "case__points",
        )
    )
    lines: dict[int, list[_Line]] = defaultdict(list)
    people: dict[int, tuple[str, str]] = {}
    created = 0
    for person_id, email, last, first, username, case_id, reason, client, prospect, points in mine:
        created += 1
        people[person_id] = (email, f"{last}{first}" or username)
        lines[person_id].append(_Line(case_id, reason, prospect or client, points))
    report = SweepReport(created=created)

    sent: list[int] = []
    failed: dict[int, str] = {}
    mail = get_connection(fail_silently=False)
    with translation.override(settings.LANGUAGE_CODE):
        for person_id, person_lines in lines.items():
            address = people[person_id][0]
            if not address:
                failed[person_id] = _("no email address")
                continue
            try:
                mail.send_messages([_email(address, person_lines, base_url)])
            except Exception as error:
                failed[person_id] = f"{type(error).__name__}: {error}"[:300]
            else:
                sent.append(person_id)
    try:
        mail.close()
    except Exception as error:
        report.failures.append(("-", f"{type(error).__name__}: {error}"))

    day = rules.bank_day(now)
    if lines:
        ReminderEmail.objects.bulk_create(
            ReminderEmail(
                run=run,
                person_id=person_id,
                day=day,
                cases=len(person_lines),
                sent_at=now if person_id not in failed else None,
                error=failed.get(person_id, ""),
            )
            for person_id, person_lines in lines.items()
        )
    report.emails_sent = len(sent)
    report.failures.extend((people[pk][1], why) for pk, why in failed.items())
    return report
