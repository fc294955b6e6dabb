"""The middleware reads the session only when a page needs the person."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from prospects.models import Prospect


def test_a_public_page_reads_no_session_even_when_signed_in(manager_client):
    with CaptureQueriesContext(connection) as queries:
        response = manager_client.get("/healthz")
    assert response.status_code == 200
    # Only the health check's own SELECT 1: no session row, no user row.
    assert [q["sql"] for q in queries] == ["SELECT 1"]


def test_a_private_page_still_asks_for_sign_in(client, db):
    response = client.get(reverse("prospects:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_change_still_names_who_made_it(manager, manager_client):
    response = manager_client.post(
        reverse("prospects:create"),
        {"name": "阿强水果店", "kind": "sole_trader", "source": "shop_cluster", "stage": "lead"},
    )
    assert response.status_code == 302
    prospect = Prospect.objects.get(name="阿强水果店")
    entry = LogEntry.objects.get_for_object(prospect).get()
    assert entry.actor == manager
