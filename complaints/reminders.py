"""The morning sweep: remind each person of every case whose client must hear from us,
or whose decision deadline is near or passed (complaints.rules.reminder_reason).

Insert first, send after. Each (person, case, day) may exist once — a database
constraint — so the rows are inserted with one `INSERT … SELECT … ON CONFLICT DO
NOTHING RETURNING id` (PostgreSQL, SQLite 3.35+) carrying this run's token; a row another
run (or host) already inserted is skipped and not returned. The run then sends only its
own rows — those the insert returned, found again by their id range and token: two runs
at once, or a second run the same day, never send a reminder twice. A fixed number of
SQL statements, however many cases are open.

An email lists at most EMAIL_CASE_LIMIT cases and sums up the rest, so the read after the
insert ranks this run's rows in SQL and brings back only the listed ones (a few thousand
rows at bank scale, not one per reminder); each person's total comes from the insert.

At 100,000 open cases (~150,000 reminders) most of the time is the INSERT, and most of
that is PostgreSQL checking the two foreign keys row by row (see bench.complaint_reminders).
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection
from django.db.models import CharField, DateField, F, Q, Value
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.middleware import preferred_language
from accounts.models import Role, User
from accounts.policy import needs_administrator_review_q
from complaints import rules
from complaints.models import Case, Reminder, ReminderEmail
from prospects.models import Prospect

# Cases listed in one email; the rest are summed up (the in-app list has them all).
EMAIL_CASE_LIMIT = 30
# Reasons whose line gives the decision deadline.
DECISION_REASONS = frozenset({rules.DECISION_DUE, rules.RESOLUTION_LATE})


@dataclass
class SweepReport:
    created: int = 0
    emails_sent: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (person, why)


def _rows(selection, person: str, now: datetime, run: str, **extra):
    """The reminder rows of a selection of cases, as the columns INSERT takes (then any
    `extra` columns)."""
    return (
        selection.order_by()
        .with_reminder_reason(now)
        .annotate(
            r_person=F(person),
            r_case=F("pk"),
            r_day=Value(rules.bank_day(now), output_field=DateField()),
            r_reason=F("reminder_reason"),
            r_run=Value(run, output_field=CharField()),
            **extra,
        )
        .values_list("r_person", "r_case", "r_day", "r_reason", "r_run", *extra)
    )


def _administrators_rows(cases, now: datetime, run: str) -> tuple[str, list]:
    """The rows of `cases` for every active administrator, except the handler and the
    person the complaint is about: one SELECT (the cases joined with the administrators),
    however many of either."""
    quote = connection.ops.quote_name
    cases_sql, cases_params = _rows(
        cases, "handler_id", now, run, r_about=F("about_id")
    ).query.sql_with_params()
    # accounts.models.User.is_administrator, for every active person at once.
    administrators = (
        User.objects.filter(role=Role.ADMINISTRATOR, is_active=True)
        .order_by()
        .annotate(r_admin=F("pk"))
        .values_list("r_admin")
    )
    admins_sql, admins_params = administrators.query.sql_with_params()
    admin, handler, about = (quote(name) for name in ("r_admin", "r_person", "r_about"))
    columns = ", ".join(f"c.{quote(name)}" for name in ("r_case", "r_day", "r_reason", "r_run"))
    sql = (
        f"SELECT a.{admin}, {columns} FROM ({cases_sql}) c CROSS JOIN ({admins_sql}) a "
        f"WHERE a.{admin} <> c.{handler} AND (c.{about} IS NULL OR a.{admin} <> c.{about})"
    )
    return sql, [*cases_params, *admins_params]


def _insert(now: datetime, run: str) -> tuple[dict[int, int], int, int]:
    """INSERT today's reminder rows, skipping those that exist (one statement): how many
    this run inserted for each person, and the lowest and highest of their ids."""
    # Nobody is reminded through a closed account: a leaver's cases escalate as any other.
    needing = Case.objects.needing_reminder(now).filter(handler__is_active=True)
    handlers = _rows(needing, "handler_id", now, run)
    # Escalations, and a decision deadline passed yesterday, also go to whoever decides on
    # the handler's work (accounts.policy): their supervisor — unless the complaint is
    # about them; else, as for the work of anyone with no supervisor who may decide
    # (needs_administrator_review: none, one who left, one no longer a supervisor), the
    # administrators.
    escalated = Case.objects.escalating(now)
    to_administrators = needs_administrator_review_q("handler") | Q(about=F("handler__supervisor"))
    supervisors = _rows(escalated.exclude(to_administrators), "handler__supervisor_id", now, run)
    admins_sql, admins_params = _administrators_rows(escalated.filter(to_administrators), now, run)
    select_sql, params = handlers.union(supervisors, all=True).query.sql_with_params()
    select_sql, params = f"{select_sql} UNION ALL {admins_sql}", [*params, *admins_params]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in ("person_id", "case_id", "day", "reason", "run"))
    insert = (
        f"INSERT INTO {quote(Reminder._meta.db_table)} ({columns}) {select_sql} "
        f"ON CONFLICT DO NOTHING RETURNING {quote('id')}, {quote('person_id')}"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The server sums up the returned rows: one row back per person, not per reminder.
            cursor.execute(
                f"WITH new AS ({insert}) "
                "SELECT person_id, COUNT(*), MIN(id), MAX(id) FROM new GROUP BY person_id",
                params,
            )
            per_person = cursor.fetchall()
            return (
                {person_id: count for person_id, count, _low, _high in per_person},
                min((low for _p, _c, low, _high in per_person), default=0),
                max((high for _p, _c, _low, high in per_person), default=0),
            )
        # SQLite cannot INSERT … RETURNING inside a WITH: the rows come back one by one.
        cursor.execute(insert, params)
        rows = cursor.fetchall()
    ids = [pk for pk, _person_id in rows]
    return (
        dict(Counter(person_id for _pk, person_id in rows)),
        min(ids, default=0),
        max(ids, default=0),
    )


def _listed(low: int, high: int, run: str) -> list[tuple]:
    """This run's reminders, ranked per person by their reason (rules.REMINDER_ORDER),
    then the case's silence (longest first): the first EMAIL_CASE_LIMIT of each person
    (one statement).

    The id range finds this run's rows through the primary key (no index on `run`); the
    token leaves out rows another run inserted meanwhile with ids in the same range."""
    quote = connection.ops.quote_name
    reminder, case, user, prospect = (
        quote(model._meta.db_table) for model in (Reminder, Case, User, Prospect)
    )
    rank = "CASE r.reason {} END".format(
        " ".join(f"WHEN %s THEN {place}" for place in range(len(rules.REMINDER_ORDER)))
    )
    sql = f"""
        SELECT mine.person_id, person.email, person.last_name, person.first_name,
               person.username, person.language,
               mine.case_id, mine.reason, c.client_name, p.name, c.points, c.decide_by
        FROM (
            SELECT r.person_id, r.case_id, r.reason,
                   ROW_NUMBER() OVER (
                       PARTITION BY r.person_id
                       ORDER BY {rank}, c.last_contact_at, r.case_id
                   ) AS position
            FROM {reminder} r JOIN {case} c ON c.id = r.case_id
            WHERE r.id BETWEEN %s AND %s AND r.run = %s
        ) mine
        JOIN {user} person ON person.id = mine.person_id
        JOIN {case} c ON c.id = mine.case_id
        LEFT JOIN {prospect} p ON p.id = c.prospect_id
        WHERE mine.position <= %s
        ORDER BY mine.person_id, mine.position
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*rules.REMINDER_ORDER, low, high, run, EMAIL_CASE_LIMIT])
        return cursor.fetchall()


def _email(
    address: str, lines: list[tuple[int, str, str, str, date | None]], total: int, detail: str
) -> EmailMessage:
    """One person's email: `lines` are the first EMAIL_CASE_LIMIT of their `total` cases, as
    (case id, reason, client, points, decision deadline); `detail` is a case's URL without
    its id."""
    labels = dict(Reminder.Reason.choices)
    text = []
    for case_id, reason, client, points, decide_by in lines:
        label = labels[reason]
        if reason in DECISION_REASONS:
            label = f"{label} {decide_by}"  # ISO, a date or its text from SQLite
        first_point = (points.strip().splitlines() or [""])[0][:60]
        text.append(f"- [{label}] {client}: {first_point}\n  {detail}{case_id}/")
    if total > len(lines):
        text.append(_("… and %(count)d more in the workbench.") % {"count": total - len(lines)})
    body = "\n".join(
        [
            _(
                "Complaints and questions that need you today (handbook: the client hears"
                " from us at least once a day; the regulator: a decision within its deadline):"
            ),
            "",
            *text,
        ]
    )
    subject = _("%(count)d complaint(s) or question(s) need you today") % {"count": total}
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address])


def sweep(now: datetime, *, base_url: str = "") -> SweepReport:
    """Insert today's reminders and send this run's, one email per person."""
    run = uuid.uuid4().hex
    totals, low, high = _insert(now, run)
    report = SweepReport(created=sum(totals.values()))
    if not totals:
        return report

    people: dict[int, tuple[str, str, str]] = {}  # person id: (address, name, language)
    lines: dict[int, list[tuple[int, str, str, str, date | None]]] = defaultdict(list)
    for row in _listed(low, high, run):
        person_id, address, last, first, username, language = row[:6]
        case_id, reason, client, prospect, points, decide_by = row[6:]
        # Each email in its reader's language: their choice, else the bank's.
        people[person_id] = (address, f"{last}{first}" or username, language)
        lines[person_id].append((case_id, reason, prospect or client, points, decide_by))

    # The case URL without a reverse() per line.
    detail = base_url + reverse("complaints:detail", args=[0]).removesuffix("0/")
    sent: list[int] = []
    failed: dict[int, str] = {}
    mail = get_connection(fail_silently=False)
    for person_id, (address, _name, language) in people.items():
        if not address:
            with translation.override(settings.LANGUAGE_CODE):
                failed[person_id] = _("no email address")
            continue
        try:
            with translation.override(preferred_language(chosen=language, cookie=None)):
                email = _email(address, lines[person_id], totals[person_id], detail)
            mail.send_messages([email])
        except Exception as error:
            failed[person_id] = f"{type(error).__name__}: {error}"[:300]
        else:
            sent.append(person_id)
    try:
        mail.close()
    except Exception as error:
        report.failures.append(("-", f"{type(error).__name__}: {error}"))

    day = rules.bank_day(now)
    ReminderEmail.objects.bulk_create(
        ReminderEmail(
            run=run,
            person_id=person_id,
            day=day,
            cases=totals[person_id],
            sent_at=now if person_id not in failed else None,
            error=failed.get(person_id, ""),
        )
        for person_id in people
    )
    report.emails_sent = len(sent)
    report.failures.extend((people[pk][1], why) for pk, why in failed.items())
    return report
