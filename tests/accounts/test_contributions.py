"""Apps contribute to the shared screens by defining functions in their own home.py."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import contributions
from tests.prospects.factories import make_promise, make_prospect, make_visit


@pytest.fixture
def contrib_app(settings):
    """A test app, installed for one test, that prospects does not know about."""
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "tests.contrib_app"]


def test_an_unknown_hook_is_refused():
    with pytest.raises(ValueError, match="Unknown contribution hook 'agenda_section'"):
        contributions.collect("agenda_section")


def test_another_app_adds_a_section_to_the_agenda(contrib_app, manager_client):
    page = manager_client.get("/").content.decode()
    assert 'class="contributed-agenda">inspection for owner<' in page
    # order=5 puts it before prospects' first section (order=10).
    titles = re.findall(r"<h3>([^<]+?) <span", page)
    assert titles[:2] == ["Inspections due", "到期的下一步行动"]


def test_the_agenda_is_without_it_when_the_app_is_not_installed(manager_client):
    assert "Inspections due" not in manager_client.get("/").content.decode()


def test_another_app_adds_an_entry_to_a_clients_timeline_in_date_order(
    contrib_app, manager, manager_client
):
    today = timezone.localdate()
    prospect = make_prospect(manager)
    # Visits, promises and hospitality come from prospects in that order; the test app's
    # entry (two days ago) must sit between the promise (one day ago) and the visit (five).
    make_visit(prospect, visited_on=today - timedelta(days=5), met_whom="visit-marker")
    make_promise(prospect, made_on=today - timedelta(days=1), description="promise-marker")
    page = manager_client.get(prospect.get_absolute_url()).content.decode()
    positions = [
        page.index(marker) for marker in ("promise-marker", "contributed-timeline", "visit-marker")
    ]
    assert positions == sorted(positions), "the timeline is newest first across apps"


def test_the_timeline_is_newest_first(contrib_app, manager):
    today = timezone.localdate()
    prospect = make_prospect(manager)
    make_visit(prospect, visited_on=today - timedelta(days=5))
    make_promise(prospect, made_on=today - timedelta(days=1))
    days = [entry.day for entry in contributions.timeline(prospect, manager)]
    assert days == [today - timedelta(days=n) for n in (1, 2, 5)]


def test_a_panel_loaded_after_the_home_answers_htmx_alone_and_a_link_with_a_page(
    people, supervisor_client
):
    make_prospect(people.supervisor, name="我自己的商行", next_action_date=timezone.localdate())
    home = supervisor_client.get("/").text
    # The home carries the panel's title and where to load it from, not its rows.
    assert 'hx-get="/accounts/agenda/" hx-trigger="load"' in home
    assert "我自己的日程" in home and "我自己的商行" not in home
    alone = supervisor_client.get("/accounts/agenda/", headers={"HX-Request": "true"}).text
    assert alone.lstrip().startswith('<section class="panel agenda">')
    assert "我自己的商行" in alone and "<html" not in alone
    page = supervisor_client.get("/accounts/agenda/").text
    assert "<html" in page and "我自己的商行" in page and 'href="/">← 首页' in page
