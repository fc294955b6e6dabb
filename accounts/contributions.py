"""What each app contributes to the screens the apps share, found by discovery.

An app contributes by defining any of these functions in its own `home.py`;
nothing is registered and no app imports another to contribute:

    nav_items(user) -> list[NavItem]                            the navigation
    home_panels(request) -> list[Panel]                         a role's home page
    agenda_sections(user, today) -> list[AgendaSection]         today's agenda, across apps
    timeline_entries(prospect, user) -> list[TimelineEntry]     a client's timeline
    calendar_events(user, start, end) -> list[CalendarEvent]    the person's calendar feed
    prospect_actions(prospect, user) -> list[Action]            buttons on a client's page
    promise_broken_actions(promise, user) -> list[Action]       offers once a promise cannot be kept
    prospects_to_hand_over(prospect_ids, from_person, to)       what would follow the clients,
        -> list[str]                                            for the handover's preview
    prospects_handed_over(prospect_ids, from_person, to, by,    an app's records follow the
        reason) -> list[str]                                    clients to their new manager
                                                                (`by` decided it, for `reason`)

An app that moves records in `prospects_handed_over` says in `prospects_to_hand_over`
what it would move, from the same selection (one queryset function for both).

`collect(hook, *args)` is the one loop over the apps; the functions below it
only sort what it returns. Each contribution to a page must run a fixed number of
SQL queries, so a shared page's query count does not grow with its rows (the handover's
preview counts what would follow; the handover itself, which records a step per record it
moves, is not a page).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from importlib import import_module
from types import ModuleType
from typing import Any

from django.apps import apps
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.response import TemplateResponse
from django.utils.module_loading import module_has_submodule

CONTRIBUTION_MODULE = "home"
LOADED_AFTER_TEMPLATE = "accounts/panel_loaded_after.html"
HOOKS = frozenset(
    {
        "nav_items",
        "home_panels",
        "agenda_sections",
        "timeline_entries",
        "calendar_events",
        "prospect_actions",
        "promise_broken_actions",
        "prospects_to_hand_over",
        "prospects_handed_over",
    }
)


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    order: int = 100
    # The URL prefix that marks this item as the current section.
    active_prefix: str = ""
    # A count shown beside the label (e.g. unread notifications); 0 shows nothing.
    count: int = 0


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100

    @classmethod
    def loaded_after(cls, url: str, title: str, order: int = 100) -> Panel:
        """A panel the home shows by its title and fills in from `url` once the page is
        there (htmx): for figures that cost more than the page around them, so the home
        does not wait for every panel. `url` answers with `panels_response`."""
        return cls(LOADED_AFTER_TEMPLATE, {"url": url, "title": title}, order)


@dataclass
class AgendaSection:
    title: str
    template: str  # renders `items` (and `today`)
    items: list[Any] = field(default_factory=list)
    order: int = 100
    # How many there are in all when `items` shows only the first (see first_of), and
    # the list that holds them all.
    total: int | None = None
    more_url: str = ""

    @property
    def count(self) -> int:
        return len(self.items) if self.total is None else self.total

    @property
    def more(self) -> int:
        """How many the agenda leaves out (0 when it shows them all)."""
        return self.count - len(self.items)


@dataclass(frozen=True)
class TimelineEntry:
    day: date
    kind: str  # "visit", "promise", "hospitality", "investigation", "complaint", …
    template: str  # renders `obj`
    obj: Any


@dataclass(frozen=True)
class CalendarEvent:
    uid: str  # stable across downloads, unique across apps: "<kind>-<pk>"
    summary: str
    start: date | datetime  # a date is an all-day event
    description: str = ""
    minutes: int = 60  # length of a timed event


@dataclass(frozen=True)
class Action:
    label: str
    url: str
    order: int = 100


@cache
def _contribution_modules() -> tuple[ModuleType, ...]:
    return tuple(
        import_module(f"{config.name}.{CONTRIBUTION_MODULE}")
        for config in apps.get_app_configs()
        if module_has_submodule(config.module, CONTRIBUTION_MODULE)
    )


@receiver(setting_changed)
def _forget_contributors(*, setting: str, **kwargs: Any) -> None:
    if setting == "INSTALLED_APPS":
        _contribution_modules.cache_clear()


def contributors(hook: str) -> Iterator[ModuleType]:
    if hook not in HOOKS:
        raise ValueError(f"Unknown contribution hook {hook!r}; known: {sorted(HOOKS)}")
    for module in _contribution_modules():
        if hasattr(module, hook):
            yield module


# Today's agenda is read between two visits, on a phone: each section shows its most
# urgent few, its true size, and a link to the list that holds the rest.
AGENDA_SHOWN = 10


def first_of(queryset, limit: int = AGENDA_SHOWN) -> tuple[list[Any], int]:
    """The first `limit` rows of `queryset` and how many it holds in all: two queries
    whatever the size. (One query with a window count reads every matching row with its
    joins before the LIMIT: slower at bank scale than a bare COUNT.)"""
    return list(queryset[:limit]), queryset.count()


def collect(hook: str, *args: Any) -> list[Any]:
    """Everything the installed apps contribute to `hook`, in app order."""
    return [item for module in contributors(hook) for item in getattr(module, hook)(*args)]


def nav_items(user) -> list[NavItem]:
    return sorted(collect("nav_items", user), key=lambda item: item.order)


def home_panels(request) -> list[Panel]:
    return sorted(collect("home_panels", request), key=lambda panel: panel.order)


def prospects_to_hand_over(prospect_ids: list[int], from_person, to) -> list[str]:
    """What each app would move along with the clients from `from_person` to `to`, and what
    would stay, in sentences: the handover's preview, before anything moves."""
    return collect("prospects_to_hand_over", prospect_ids, from_person, to)


def prospects_handed_over(prospect_ids: list[int], from_person, to, by, reason: str) -> list[str]:
    """Let each app move what follows the clients from `from_person` to `to` (inside the
    handover's transaction, which `by` decided, for `reason`); each says what it moved, in
    a sentence."""
    return collect("prospects_handed_over", prospect_ids, from_person, to, by, reason)


def panels_response(request, panels: list[Panel], title: str) -> TemplateResponse:
    """What a panel's own URL answers (Panel.loaded_after): the panels alone to the home's
    htmx request, a page of their own to a link followed without script."""
    template = "accounts/panels.html" + ("#panels" if request.htmx else "")
    return TemplateResponse(request, template, {"panels": panels, "title": title})


def agenda(user, today: date) -> list[AgendaSection]:
    return sorted(collect("agenda_sections", user, today), key=lambda section: section.order)


def timeline(prospect, user) -> list[TimelineEntry]:
    """Newest first; entries of one day keep their app's order."""
    return sorted(
        collect("timeline_entries", prospect, user), key=lambda entry: entry.day, reverse=True
    )


def calendar_events(user, start: date, end: date) -> list[CalendarEvent]:
    def when(event: CalendarEvent) -> tuple[date, str]:
        day = event.start.date() if isinstance(event.start, datetime) else event.start
        return day, event.uid

    return sorted(collect("calendar_events", user, start, end), key=when)


def prospect_actions(prospect, user) -> list[Action]:
    return sorted(collect("prospect_actions", prospect, user), key=lambda action: action.order)


def promise_broken_actions(promise, user) -> list[Action]:
    return sorted(collect("promise_broken_actions", promise, user), key=lambda action: action.order)
