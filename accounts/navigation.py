"""Navigation and home-page panels, contributed by each app.

An app adds to the navigation or to a role's home page by defining, in its
own `home.py`, either or both of:

    def nav_items(user) -> list[NavItem]
    def home_panels(request) -> list[Panel]

The home page of each role is then the sum of what the apps contribute —
the client manager's agenda grows as complaints and investigations land.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import import_module
from types import ModuleType
from typing import Any

from django.apps import apps
from django.utils.module_loading import module_has_submodule


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    order: int = 100
    # The URL prefix that marks this item as the current section.
    active_prefix: str = ""


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


def _home_modules() -> Iterator[ModuleType]:
    for app_config in apps.get_app_configs():
        if module_has_submodule(app_config.module, "home"):
            yield import_module(f"{app_config.name}.home")


def collect_nav_items(user) -> list[NavItem]:
    items: list[NavItem] = []
    for module in _home_modules():
        if hasattr(module, "nav_items"):
            items.extend(module.nav_items(user))
    return sorted(items, key=lambda item: item.order)


def collect_home_panels(request) -> list[Panel]:
    panels: list[Panel] = []
    for module in _home_modules():
        if hasattr(module, "home_panels"):
            panels.extend(module.home_panels(request))
    return sorted(panels, key=lambda panel: panel.order)
