"""What the accounts app contributes (see accounts.contributions): the administration link
and today's agenda, which gathers every app's `agenda_sections`."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.contributions import NavItem, Panel, agenda


def nav_items(user) -> list[NavItem]:
    if user.is_administrator:
        return [
            NavItem(_("Administration"), reverse("admin:index"), order=900, active_prefix="/admin/")
        ]
    return []


# A supervisor's own agenda's title: on the home while it loads, and on its own page.
OWN_AGENDA_TITLE = _("My own agenda")


def home_panels(request) -> list[Panel]:
    user = request.user
    if user.is_administrator:
        return []
    if user.is_supervisor:
        # A supervisor's home leads with the team; their own agenda comes after it, and
        # after the page (it costs as much as a manager's whole home).
        return [Panel.loaded_after(reverse("own_agenda"), OWN_AGENDA_TITLE, order=15)]
    return [agenda_panel(user, timezone.localdate())]


def agenda_panel(user, today: date) -> Panel:
    """Today's agenda of `user`: a manager's home, a supervisor's own (views.own_agenda)."""
    return Panel(
        "accounts/agenda.html",
        {"sections": agenda(user, today), "today": today, "own": user.is_supervisor},
        order=10,
    )
