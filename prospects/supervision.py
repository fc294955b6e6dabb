"""What a supervisor sees of the team: one row of figures per team member.

Each figure is counted in grouped queries over the whole team at once, so the
overview runs the same number of queries for a team of two as for forty. The
template links every figure to the filtered list behind it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum

from accounts.models import Role
from accounts.models import User as UserModel
from playbook import reading
from prospects.choices import CONTACT_OUTCOMES
from prospects.models import (
    BEYOND_REASONABLE,
    HospitalityEntry,
    Promise,
    Prospect,
    ProspectStageChange,
    Stage,
    Visit,
    next_action_overdue,
)
from prospects.rules import SourceConversion, conversion_by_source

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class Periods:
    """The periods the overview counts in: this week (from Monday), month and year."""

    today: date

    @property
    def week_start(self) -> date:
        return self.today - timedelta(days=self.today.weekday())

    @property
    def month_start(self) -> date:
        return self.today.replace(day=1)

    @property
    def year_start(self) -> date:
        return self.today.replace(month=1, day=1)

    @property
    def earliest(self) -> date:
        return min(self.week_start, self.month_start)


@dataclass
class MemberFigures:
    person: User
    stage_counts: list[tuple[str, str, int]] = field(default_factory=list)
    overdue_actions: int = 0
    won_month: int = 0
    won_year: int = 0
    contacts_week: int = 0
    not_reached_week: int = 0
    contacts_month: int = 0
    not_reached_month: int = 0
    open_promises: int = 0
    overdue_promises: int = 0
    unconsulted_promises: int = 0
    flagged_hospitality: int = 0
    out_of_contact: int = 0
    credit_gaps: int = 0
    credit_excess: Decimal | None = None
    reading: reading.Progress | None = None

    @property
    def prospects_total(self) -> int:
        return sum(count for _value, _label, count in self.stage_counts)


def team_of(user: User) -> QuerySet[User]:
    """Whose figures `user` reviews: a supervisor's team; for an administrator, everyone
    who works clients (supervisors' own clients included)."""
    people = UserModel.objects.filter(is_active=True)
    if user.is_administrator:
        people = people.exclude(role=Role.ADMINISTRATOR).exclude(is_superuser=True)
    elif user.is_supervisor:
        people = people.filter(supervisor=user)
    else:
        return people.none()
    return people.order_by("last_name", "first_name", "username")


def _by_owner(rows: Any, key: str = "owner") -> dict[int, dict[str, Any]]:
    return {row.pop(key): row for row in rows}


def team_overview(user: User, *, today: date) -> list[MemberFigures]:
    """One MemberFigures per team member, in a fixed number of queries."""
    periods = Periods(today)
    members = list(team_of(user))
    ids = [member.pk for member in members]

    prospects = _by_owner(
        Prospect.objects.filter(owner__in=ids)
        .values("owner")
        .annotate(
            overdue=Count("pk", filter=next_action_overdue(today)),
            credit_gaps=Count("pk", filter=BEYOND_REASONABLE),
            credit_excess=Sum(
                F("credit_requested") - F("credit_reasonable"), filter=BEYOND_REASONABLE
            ),
            **{f"stage_{value}": Count("pk", filter=Q(stage=value)) for value in Stage.values},
        )
        .order_by()
    )
    won = _by_owner(
        ProspectStageChange.objects.filter(
            prospect__owner__in=ids,
            to_stage=Stage.CLIENT,
            changed_on__gte=periods.year_start,
            changed_on__lte=today,
        )
        .values("prospect__owner")
        .annotate(
            year=Count("prospect", distinct=True),
            month=Count("prospect", filter=Q(changed_on__gte=periods.month_start), distinct=True),
        )
        .order_by(),
        key="prospect__owner",
    )
    done_visits = Visit.objects.exclude(outcome="")
    real = Q(outcome__in=CONTACT_OUTCOMES)
    visits = _by_owner(
        done_visits.filter(owner__in=ids, visited_on__gte=periods.earliest, visited_on__lte=today)
        .values("owner")
        .annotate(
            # Counting a column of visit_owner_date_outcome (never null), not the id, reads
            # the index alone. (Django allows no COUNT(*) with a filter.)
            contacts_week=Count("visited_on", filter=real & Q(visited_on__gte=periods.week_start)),
            not_reached_week=Count(
                "visited_on", filter=~real & Q(visited_on__gte=periods.week_start)
            ),
            contacts_month=Count(
                "visited_on", filter=real & Q(visited_on__gte=periods.month_start)
            ),
            not_reached_month=Count(
                "visited_on", filter=~real & Q(visited_on__gte=periods.month_start)
            ),
        )
        .order_by(),
        key="owner",
    )
    promises = _by_owner(
        Promise.objects.open()
        .filter(owner__in=ids)
        .values("owner")
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=Q(due_on__lt=today)),
        )
        .order_by(),
        key="owner",
    )
    # What waits for `user`, as their home's panels count it: never what they recorded
    # themselves on a member's client (that waits for their own reviewer).
    unconsulted = _by_owner(
        Promise.objects.unconsulted_seeable_by(user)
        .open()
        .unconsulted_awaiting_review()
        .filter(owner__in=ids)
        .values("owner")
        .annotate(count=Count("pk"))
        .order_by(),
        key="owner",
    )
    flagged = _by_owner(
        HospitalityEntry.objects.reviewable_by(user)
        .awaiting_review()
        .filter(owner__in=ids)
        .values("owner")
        .annotate(count=Count("pk"))
        .order_by(),
        key="owner",
    )
    out_of_contact = _by_owner(
        Prospect.objects.filter(owner__in=ids)
        .contact_overdue(today)
        .values("owner")
        .annotate(count=Count("pk"))
        .order_by()
    )
    progress = reading_progress(user, members)

    rows = []
    empty: dict[str, Any] = defaultdict(int)
    for member in members:
        counts = prospects.get(member.pk, empty)
        won_row = won.get(member.pk, empty)
        visit_row = visits.get(member.pk, empty)
        promise_row = promises.get(member.pk, empty)
        rows.append(
            MemberFigures(
                person=member,
                stage_counts=[
                    (value, str(label), counts[f"stage_{value}"]) for value, label in Stage.choices
                ],
                overdue_actions=counts["overdue"],
                credit_gaps=counts["credit_gaps"],
                credit_excess=counts.get("credit_excess") or None,
                won_month=won_row["month"],
                won_year=won_row["year"],
                contacts_week=visit_row["contacts_week"],
                not_reached_week=visit_row["not_reached_week"],
                contacts_month=visit_row["contacts_month"],
                not_reached_month=visit_row["not_reached_month"],
                open_promises=promise_row["open"],
                overdue_promises=promise_row["overdue"],
                unconsulted_promises=unconsulted.get(member.pk, empty)["count"],
                flagged_hospitality=flagged.get(member.pk, empty)["count"],
                out_of_contact=out_of_contact.get(member.pk, empty)["count"],
                reading=progress.get(member.pk),
            )
        )
    return rows


def reading_progress(user: User, members: list[User]) -> dict[int, reading.Progress]:
    """The trainees' reading, through the playbook's own public functions (two queries,
    only when the team has a trainee)."""
    if not any(member.is_trainee for member in members):
        return {}
    total = reading.entry_total()
    ids = {member.pk for member in members}
    return {
        trainee.pk: reading.Progress(read=trainee.read_count, total=total)
        for trainee in reading.trainees_with_progress(user)
        if trainee.pk in ids
    }


def conversion_rows(
    prospects: QuerySet[Prospect], *, start: date, end: date
) -> list[tuple[str, date, date | None, date | None]]:
    """(source, entered on, first real contact on, became a client on) for the prospects
    of `prospects` that entered between `start` and `end`, in one query; a client is
    counted when won by the end of the period."""
    changes = ProspectStageChange.objects.filter(prospect=OuterRef("pk")).order_by(
        "changed_on", "pk"
    )
    contacts = Visit.objects.filter(prospect=OuterRef("pk")).contacts().order_by("visited_on")
    return list(
        prospects.annotate(
            entered_on=Subquery(changes.values("changed_on")[:1]),
            won_on=Subquery(
                changes.filter(to_stage=Stage.CLIENT, changed_on__lte=end).values("changed_on")[:1]
            ),
            first_contact_on=Subquery(contacts.values("visited_on")[:1]),
        )
        .filter(entered_on__gte=start, entered_on__lte=end)
        .order_by()
        .values_list("source", "entered_on", "first_contact_on", "won_on")
    )


def team_conversion(
    user: User, *, start: date, end: date, owner: User | None = None
) -> list[SourceConversion]:
    """Conversion per source channel of what `user` sees (a manager: their own; a
    supervisor: the team's, or one member's)."""
    prospects = Prospect.objects.visible_to(user)
    if owner is not None:
        prospects = prospects.filter(owner=owner)
    return conversion_by_source(conversion_rows(prospects, start=start, end=end))


@dataclass(frozen=True)
class HandoverPreview:
    prospects: list[Prospect]
    open_promises: list[Promise]
    planned_visits: list[Visit]


def handover_preview(prospects: list[Prospect]) -> HandoverPreview:
    """What a handover moves, before it does (two queries whatever the number)."""
    ids = [prospect.pk for prospect in prospects]
    return HandoverPreview(
        prospects=sorted(prospects, key=lambda prospect: prospect.name),
        open_promises=list(
            Promise.objects.filter(prospect__in=ids).open().select_related("prospect")
        ),
        planned_visits=list(
            Visit.objects.filter(prospect__in=ids)
            .planned()
            .select_related("prospect")
            .order_by("visited_on")
        ),
    )
