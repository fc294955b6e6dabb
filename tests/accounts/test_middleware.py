"""The middleware reads the session only when a page needs the person; the CSP header is
built once, with each page's own nonce."""

from __future__ import annotations

import re

from auditlog.models import LogEntry
from csp.utils import build_policy
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


def _policy(response) -> str:
    return response["Content-Security-Policy"]


def test_each_page_gets_its_own_nonce_in_the_policy_built_once(manager_client):
    first, second = manager_client.get(reverse("home")), manager_client.get(reverse("home"))
    nonces = [re.search(r"'nonce-([^']+)'", _policy(r)).group(1) for r in (first, second)]
    assert nonces[0] != nonces[1]
    for response, nonce in zip((first, second), nonces, strict=True):
        assert f'nonce="{nonce}"' in response.content.decode()
        # The same header django-csp would have built for this nonce.
        assert _policy(response) == build_policy(nonce=nonce)


def test_a_page_without_scripts_gets_the_policy_without_a_nonce(client, db):
    response = client.get("/healthz")
    assert _policy(response) == build_policy()
    assert "nonce" not in _policy(response)


def test_a_changed_policy_setting_is_followed(client, db, settings):
    assert "default-src 'self'" in _policy(client.get("/healthz"))
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    assert _policy(client.get("/healthz")) == "default-src 'none'"
