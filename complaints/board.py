"""The supervisor's board: what the team's complaints need, and how the team handles them.

Figures come from querysets with a fixed number of queries; the chart configurations
are built here, not in a view (the page and the home panel share them).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, DurationField, ExpressionWrapper, F, OuterRef, Subquery
from django.db.models.functions import ExtractMonth, ExtractYear, TruncDate
from django.utils.translation import gettext as _

from accounts.contributions import AGENDA_SHOWN, first_of
from complaints import rules
from complaints.models import Case, Category, FeedbackContact, Kind

if TYPE_CHECKING:
    from accounts.models import User

LIST_LIMIT = 50
# The board shows the most urgent few of each group, as the home page does; each group's
# link opens the case list narrowed to it (`?scope=team&state=<group>`), a page at a time.
BOARD_SHOWN = AGENDA_SHOWN
ROOT_CAUSE_DAYS = 90
MONTHS = 12
# Ageing buckets in days since receipt: (upper bound inclusive, label).
AGE_BUCKETS = ((2, "0–2"), (7, "3–7"), (15, "8–15"), (30, "16–30"), (60, "31–60"))
# One colour per badge, the same as static/css/complaints.css.
COLOURS = {"bar": "#1f6feb", "late": "#8b1a1a"}


def team_cases(user: User):
    """What the board covers: the team's cases (an administrator: everyone's)."""
    # of_team applies visible_to itself: applying it twice doubled the team subquery.
    return Case.objects.visible_to(user) if user.is_administrator else Case.objects.of_team(user)


def attention_groups(cases, now: datetime) -> dict[str, Any]:
    """The groups of cases that need a supervisor's attention, by name (`?state=`)."""
    return {
        "escalated": cases.escalated(now),
        "overdue": cases.overdue(now),
        "late": cases.resolution_late(rules.bank_day(now)),
    }


def attention(user: User, now: datetime, limit: int = BOARD_SHOWN) -> dict[str, Any]:
    """The team's escalated, feedback-overdue and late cases: the most urgent `limit` of
    each (`escalated`, …) and how many there are (`escalated_total`, …)."""
    context: dict[str, Any] = {}
    for name, group in attention_groups(team_cases(user).for_list(), now).items():
        context[name], context[f"{name}_total"] = first_of(group.most_urgent_first(now), limit)
    return context


def ageing_chart(open_by_day: dict[date, int], now: datetime) -> dict[str, Any]:
    """`open_by_day`: how many open complaints were received on each of the bank's days."""
    today = rules.bank_day(now)
    counts = Counter()
    for day, count in open_by_day.items():
        age = (today - day).days
        counts[next((name for bound, name in AGE_BUCKETS if age <= bound), "> 60")] += count
    labels = [name for _bound, name in AGE_BUCKETS] + ["> 60"]
    return {
        "type": "bar",
        "data": {
            "labels": labels,
            "datasets": [
                {
                    "label": _("Open complaints by days since receipt"),
                    "data": [counts[label] for label in labels],
                    "backgroundColor": [COLOURS["bar"]] * 4 + [COLOURS["late"]] * 2,
                }
            ],
        },
        "options": {"plugins": {"legend": {"display": False}}, "maintainAspectRatio": True},
    }


def _year_of_cases(cases, now: datetime) -> list[tuple]:
    """A year of cases as (wait for the first contact, time to close, category, year,
    month): the durations and the bank's month come from the database, not from three
    datetimes per case converted and compared here."""
    # From the receipt: a question turned into a complaint was received when it was turned,
    # and what was said while it was a question is no answer to the complaint.
    first_contact = (
        FeedbackContact.objects.filter(case=OuterRef("pk"), at__gte=OuterRef("received_at"))
        .order_by("at")
        .values("at")[:1]
    )
    return list(
        cases.filter(received_at__gte=now - timedelta(days=366))
        .annotate(
            first_wait=ExpressionWrapper(
                Subquery(first_contact) - F("received_at"), output_field=DurationField()
            ),
            to_close=ExpressionWrapper(
                F("closed_at") - F("received_at"), output_field=DurationField()
            ),
            year=ExtractYear("received_at", tzinfo=rules.BANK_ZONE),
            month=ExtractMonth("received_at", tzinfo=rules.BANK_ZONE),
        )
        .values_list("first_wait", "to_close", "category", "year", "month")
    )


def board_context(user: User, now: datetime) -> dict[str, Any]:
    cases = team_cases(user).complaints()
    open_by_day = dict(
        cases.open()
        .annotate(day=TruncDate("received_at", tzinfo=rules.BANK_ZONE))
        .values_list("day")
        .annotate(count=Count("pk"))
        .order_by()
    )
    recent = _year_of_cases(cases, now)
    first_response = [wait.total_seconds() / 3600 for wait, *_r in recent if wait is not None]
    resolution = [took.total_seconds() / 86400 for _w, took, *_r in recent if took is not None]
    by_category = Counter(category for _w, _t, category, *_r in recent)
    by_month = Counter(f"{year:04d}-{month:02d}" for *_r, year, month in recent)
    causes = list(
        cases.filter(closed_at__gte=now - timedelta(days=ROOT_CAUSE_DAYS))
        .exclude(root_cause="")
        .order_by("-closed_at")[:LIST_LIMIT]
    )
    median_first = rules.median(first_response)
    median_resolution = rules.median(resolution)
    return {
        **attention(user, now),
        "now": now,
        "ageing_chart": ageing_chart(open_by_day, now),
        "open_count": sum(open_by_day.values()),
        "median_first_response_hours": None if median_first is None else round(median_first, 1),
        "median_resolution_days": (
            None if median_resolution is None else round(median_resolution, 1)
        ),
        "by_category": [(label, by_category.get(value, 0)) for value, label in Category.choices],
        "by_month": sorted(by_month.items(), reverse=True)[:MONTHS],
        "root_causes": causes,
        "kind_complaint": Kind.COMPLAINT,
    }
