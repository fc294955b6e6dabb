"""Patterns the apps copy from one another stay single: one pager, one "page or partial"."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ("accounts", "prospects", "playbook", "investigations", "complaints")


def test_every_paginated_list_uses_the_one_pager():
    own_pagers = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if "page.has_previous" in path.read_text(encoding="utf-8")
        and path != ROOT / "templates" / "includes" / "pager.html"
    ]
    assert not own_pagers, f'use {{% include "includes/pager.html" %}} instead: {own_pagers}'


def test_views_choose_a_partial_through_render_page():
    """`request.htmx.target == …` picks a partial by hand; accounts.rendering.render_page does it."""
    by_hand = [
        str(path.relative_to(ROOT))
        for app in APPS
        for path in (ROOT / app).rglob("*views.py")
        if "htmx.target ==" in path.read_text(encoding="utf-8")
    ]
    # The import and search views belong to issues in progress elsewhere.
    assert set(by_hand) <= {"prospects/import_views.py", "playbook/search_views.py"}
