"""What the prospects app contributes to the shared screens (see accounts.contributions)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.contributions import (
    AgendaSection,
    CalendarEvent,
    NavItem,
    Panel,
    TimelineEntry,
    first_of,
)
from prospects.models import HospitalityEntry, Promise, Prospect, Visit
from prospects.supervision import Periods, team_overview

# Planned visits this far ahead show on today's agenda (earlier ones not yet recorded too).
AGENDA_DAYS_AHEAD = 7


def nav_items(user) -> list[NavItem]:
    team = []
    if user.is_supervisor or user.is_administrator:
        team = [
            NavItem(
                _("Team"),
                reverse("prospects:team_overview"),
                order=5,
                active_prefix="/prospects/team/",
            )
        ]
    return [
        *team,
        NavItem(_("Clients"), reverse("prospects:list"), order=10, active_prefix="/prospects/"),
        NavItem(
            _("Territories"),
            reverse("prospects:territory_list"),
            order=20,
            active_prefix="/prospects/territories/",
        ),
        NavItem(
            _("Hospitality"),
            reverse("prospects:hospitality_list"),
            order=30,
            active_prefix="/prospects/hospitality/",
        ),
        NavItem(
            _("Promises"),
            reverse("prospects:promise_list"),
            order=40,
            active_prefix="/prospects/promises/",
        ),
    ]


# The team's overdue panel's title: on the home while it loads, and on its own page.
TEAM_ATTENTION_TITLE = _("My team: overdue")


def home_panels(request) -> list[Panel]:
    user = request.user
    if not user.is_supervisor:
        return []
    today = timezone.localdate()
    return [
        Panel(
            "prospects/panels/team_overview.html",
            {"rows": team_overview(user, today=today), "periods": Periods(today)},
            order=5,
        ),
        # What is overdue across the team is read after the overview, loaded after it.
        Panel.loaded_after(reverse("prospects:team_attention"), TEAM_ATTENTION_TITLE, order=10),
    ]


def team_attention_panels(user, today: date) -> list[Panel]:
    """What the team let slip (next actions, promises), the hospitality and the promises
    made without asking first that wait for the supervisor: supervision_views.team_attention."""
    overdue_prospects, overdue_prospects_total = first_of(
        Prospect.objects.of_team(user)
        .overdue(today)
        .select_related("owner")
        .order_by("next_action_date", "pk")
    )
    overdue_promises, overdue_promises_total = first_of(
        Promise.objects.of_team(user)
        .overdue(today)
        .select_related("prospect", "prospect__owner")
        .order_by("due_on", "pk")
    )
    # What the supervisor may review: the team's, neither their own clients' nor what they
    # recorded on a team member's client; those wait for the supervisor's own reviewer.
    flagged, flagged_total = first_of(
        HospitalityEntry.objects.reviewable_by(user).awaiting_review().for_list()
    )
    unconsulted, unconsulted_total = first_of(
        Promise.objects.unconsulted_seeable_by(user)
        .open()
        .unconsulted_awaiting_review()
        .select_related("prospect", "prospect__owner")
        .order_by("made_on", "pk")
    )
    return [
        Panel(
            "prospects/panels/team.html",
            {
                "overdue_prospects": overdue_prospects,
                "overdue_prospects_total": overdue_prospects_total,
                "overdue_promises": overdue_promises,
                "overdue_promises_total": overdue_promises_total,
                "flagged": flagged,
                "flagged_total": flagged_total,
                "today": today,
            },
            order=10,
        ),
        Panel(
            "prospects/panels/unconsulted.html",
            {"promises": unconsulted, "total": unconsulted_total},
            order=11,
        ),
    ]


def agenda_sections(user, today: date) -> list[AgendaSection]:
    """The person's own follow-ups, planned visits and promises (never their team's)."""
    own = Prospect.objects.filter(owner=user)
    # A supervisor's lists show the team: the links narrow them to the person's own.
    mine = urlencode({"owner": user.pk})
    next_actions, next_actions_total = first_of(
        own.due_by(today).select_related("territory").order_by("next_action_date", "pk")
    )
    visits, visits_total = first_of(
        Visit.objects.filter(owner=user)
        .planned_until(today + timedelta(days=AGENDA_DAYS_AHEAD))
        .select_related("prospect")
        .order_by("visited_on", "at_time", "pk")
    )
    contact_due, contact_due_total = first_of(
        own.contact_overdue(today).with_contact_dates().order_by("last_contact", "name", "pk")
    )
    promises, promises_total = first_of(
        Promise.objects.filter(owner=user)
        .due_by(today)
        .select_related("prospect")
        .order_by("due_on", "pk")
    )
    return [
        AgendaSection(
            _("Next actions due"),
            "prospects/agenda/next_actions.html",
            next_actions,
            order=10,
            total=next_actions_total,
            # The list's default order puts due and overdue follow-ups first.
            more_url=f"{reverse('prospects:list')}?{mine}",
        ),
        AgendaSection(
            _("Planned visits"),
            "prospects/agenda/visits.html",
            visits,
            order=20,
            total=visits_total,
            more_url=f"{reverse('prospects:visit_list')}?contact=planned&{mine}",
        ),
        AgendaSection(
            # Handbook §1 (经常走访): keep visiting clients and prospects in play.
            _("Not really contacted for a while"),
            "prospects/agenda/contact_due.html",
            contact_due,
            order=25,
            total=contact_due_total,
            more_url=f"{reverse('prospects:list')}?contact_overdue=on&{mine}",
        ),
        AgendaSection(
            _("Promises due"),
            "prospects/agenda/promises.html",
            promises,
            order=30,
            total=promises_total,
            more_url=f"{reverse('prospects:promise_list')}?show=open&{mine}",
        ),
    ]


def timeline_entries(prospect: Prospect, user) -> list[TimelineEntry]:
    visits = [
        TimelineEntry(visit.visited_on, "visit", "prospects/timeline/visit.html", visit)
        for visit in prospect.visits.all()
    ]
    promises = [
        TimelineEntry(promise.made_on, "promise", "prospects/timeline/promise.html", promise)
        for promise in prospect.promises.select_related("consulted", "unconsulted_seen_by")
    ]
    hospitality = [
        TimelineEntry(
            entry.occurred_on, "hospitality", "prospects/timeline/hospitality.html", entry
        )
        for entry in prospect.hospitality.all()
    ]
    return [*visits, *promises, *hospitality]


def calendar_events(user, start: date, end: date) -> list[CalendarEvent]:
    """Planned visits, follow-ups and open promises of the person's own clients."""
    zone = ZoneInfo(settings.TIME_ZONE)
    events: list[CalendarEvent] = []
    visits = (
        Visit.objects.filter(owner=user, visited_on__lte=end)
        .planned_from(start)
        .select_related("prospect")
    )
    for visit in visits:
        when: date | datetime = visit.visited_on
        if visit.at_time:
            when = datetime.combine(visit.visited_on, visit.at_time, tzinfo=zone)
        events.append(
            CalendarEvent(
                f"visit-{visit.pk}",
                gettext("Visit: %(name)s") % {"name": visit.prospect.name},
                when,
                visit.prospect.address,
            )
        )
    follow_ups = (
        Prospect.objects.filter(owner=user, next_action_date__lte=end)
        .open()
        .filter_next_action_from(start)
    )
    for prospect in follow_ups:
        events.append(
            CalendarEvent(
                f"next-action-{prospect.pk}-{prospect.next_action_date:%Y%m%d}",
                gettext("Follow up: %(name)s") % {"name": prospect.name},
                prospect.next_action_date,
                prospect.next_action,
            )
        )
    promises = Promise.objects.filter(owner=user, due_on__lte=end).open().select_related("prospect")
    for promise in promises:
        events.append(
            CalendarEvent(
                f"promise-{promise.pk}",
                gettext("Promise due: %(name)s") % {"name": promise.prospect.name},
                promise.due_on,
                promise.description,
            )
        )
    return events
