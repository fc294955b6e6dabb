"""What the accounts app adds to the navigation (see accounts.navigation)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.navigation import NavItem


def nav_items(user) -> list[NavItem]:
    if user.is_administrator:
        return [
            NavItem(_("Administration"), reverse("admin:index"), order=900, active_prefix="/admin/")
        ]
    return []
