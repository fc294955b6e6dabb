"""What the playbook adds to the navigation and to the home pages (see accounts.contributions)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.contributions import NavItem, Panel
from playbook import reading


def nav_items(user) -> list[NavItem]:
    items = [
        NavItem(_("Playbook"), reverse("playbook:home"), order=500, active_prefix="/playbook/")
    ]
    if user.is_trainee or user.is_supervisor:
        items.append(
            NavItem(
                _("Reading progress"),
                reverse("playbook:progress"),
                order=510,
                active_prefix="/playbook/progress/",
            )
        )
    if user.is_administrator:
        items.append(
            NavItem(
                _("Import the handbook"),
                reverse("playbook:import"),
                order=520,
                active_prefix="/playbook/import/",
            )
        )
    return items


def home_panels(request) -> list[Panel]:
    user = request.user
    if user.is_trainee:
        return [
            Panel(
                "playbook/home_trainee.html",
                {
                    "progress": reading.overall_progress(user),
                    "next_entry": reading.next_unread(user),
                    "bookmarks": list(reading.bookmarks_of(user)[:5]),
                },
                order=10,
            )
        ]
    if user.is_supervisor:
        return [
            Panel(
                "playbook/home_supervisor.html",
                {
                    "trainees": list(reading.trainees_with_progress(user)),
                    "total": reading.overall_progress(user).total,
                },
                order=60,
            )
        ]
    return []
