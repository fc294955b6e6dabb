"""What the accounts app contributes (see accounts.contributions): the administration link
and today's agenda, which gathers every app's `agenda_sections`."""

from __future__ import annotations

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


def home_panels(request) -> list[Panel]:
    user = request.user
    if user.is_administrator:
        return []
    today = timezone.localdate()
    # A supervisor's home leads with the team; their own agenda comes after it.
    own = user.is_supervisor
    return [
        Panel(
            "accounts/agenda.html",
            {"sections": agenda(user, today), "today": today, "own": own},
            order=15 if own else 10,
        )
    ]
