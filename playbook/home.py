"""What the playbook adds to the navigation and to the home pages (see accounts.contributions)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.contributions import AGENDA_SHOWN, AgendaSection, NavItem, Panel, first_of
from playbook import reading
from playbook.models import EntryFlag, ReadingAssignment


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
    if user.is_trainee or user.is_supervisor:
        items.append(
            NavItem(
                _("Assigned reading"),
                reverse("playbook:assignments"),
                order=512,
                active_prefix="/playbook/assignments/",
            )
        )
    if user.is_supervisor or user.is_administrator:
        items.append(
            NavItem(
                _("Flagged entries"),
                reverse("playbook:flags"),
                order=515,
                active_prefix="/playbook/flags/",
                count=EntryFlag.objects.visible_to(user).open().count(),
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
                    "assignments": reading.with_reading(
                        ReadingAssignment.objects.filter(trainee=user)
                        .open()
                        .select_related("section")
                        .prefetch_related("entries")
                        .order_by("due_on", "pk")[:AGENDA_SHOWN]
                    ),
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
                    "total": reading.entry_total(),
                },
                order=60,
            )
        ]
    return []


def agenda_sections(user, today: date) -> list[AgendaSection]:
    """Overdue assigned reading: a trainee's own, and a mentor's trainees'."""
    if not (user.is_trainee or user.is_supervisor):
        return []
    overdue = ReadingAssignment.objects.visible_to(user).overdue(today)
    if user.is_supervisor:
        overdue = overdue.exclude(trainee=user).of_active_trainees()
    assignments, total = first_of(
        overdue.select_related("trainee", "section").order_by("due_on", "pk")
    )
    return [
        AgendaSection(
            _("Overdue reading"),
            "playbook/agenda/assignments.html",
            assignments,
            order=60,
            total=total,
            more_url=reverse("playbook:assignments"),
        )
    ]
