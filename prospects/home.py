"""What the prospects app adds to the navigation and the home page (see accounts.navigation)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.navigation import NavItem, Panel
from prospects.models import HospitalityEntry, Promise, Prospect
from prospects.timeline import agenda

TEAM_LIMIT = 20


def nav_items(user) -> list[NavItem]:
    return [
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


def home_panels(request) -> list[Panel]:
    user = request.user
    today = timezone.localdate()
    panels: list[Panel] = []
    if user.is_client_manager or user.is_trainee:
        panels.append(
            Panel(
                "prospects/panels/agenda.html",
                {"sections": agenda(user, today), "today": today},
                order=10,
            )
        )
    if user.is_supervisor:
        panels.append(
            Panel(
                "prospects/panels/team.html",
                {
                    "overdue_prospects": list(
                        Prospect.objects.of_team(user)
                        .overdue(today)
                        .select_related("owner")
                        .order_by("next_action_date")[:TEAM_LIMIT]
                    ),
                    "overdue_promises": list(
                        Promise.objects.of_team(user)
                        .overdue(today)
                        .select_related("prospect", "prospect__owner")
                        .order_by("due_on")[:TEAM_LIMIT]
                    ),
                    "flagged": list(
                        HospitalityEntry.objects.visible_to(user).flagged().for_list()[:TEAM_LIMIT]
                    ),
                    "today": today,
                },
                order=10,
            )
        )
        panels.append(
            Panel(
                "prospects/panels/agenda.html",
                {"sections": agenda(user, today), "today": today, "own": True},
                order=15,
            )
        )
    return panels
