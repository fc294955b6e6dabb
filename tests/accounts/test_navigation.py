from __future__ import annotations

from django.test import RequestFactory

from accounts import context_processors
from accounts.contributions import NavItem


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
