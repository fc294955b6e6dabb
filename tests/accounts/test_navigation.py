from __future__ import annotations

from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import context_processors
from accounts.contributions import NavItem
from tests.conftest import client_for
from tests.prospects.factories import make_prospect


def test_only_the_most_specific_nav_item_is_current(monkeypatch, people):
    items = [
        NavItem("Playbook", "/playbook/", active_prefix="/playbook/"),
        NavItem("Progress", "/playbook/progress/", active_prefix="/playbook/progress/"),
    ]
    monkeypatch.setattr(context_processors, "nav_items", lambda user: items)
    request = RequestFactory().get("/playbook/progress/")
    request.user = people.trainee
    nav = context_processors.navigation(request)["nav_items"]
    assert [item["active"] for item in nav] == [False, True]


def _reads_the_menu_counts(client, url: str, **headers) -> bool:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, **headers).status_code == 200
    return any("complaints_reminder" in query["sql"] for query in queries)


def test_the_menu_counts_are_read_for_a_page_but_not_for_an_htmx_fragment(people):
    prospect = make_prospect(people.owner)
    client = client_for(people.owner)
    history = reverse("prospects:history", args=[prospect.pk])
    fragment = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "change-history"}
    assert _reads_the_menu_counts(client, prospect.get_absolute_url())
    assert _reads_the_menu_counts(client, history)  # the same history, as a page of its own
    assert not _reads_the_menu_counts(client, history, **fragment)
