"""Over every URL of the access table: security headers, no inline script without the nonce,
CSRF on every unsafe request, and no writes on GET or HEAD."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from playbook.models import Bookmark
from tests.access import all_expectations
from tests.conftest import MODEL_BACKEND, client_for
from tests.playbook.factories import make_entry
from tests.security.walk import allowed_viewer, request_for, url_of

EXPECTATIONS = all_expectations()
GETS = [e for e in EXPECTATIONS if e.method == "get"]
UNSAFE = [e for e in EXPECTATIONS if e.method not in ("get", "head", "options")]


def ids(expectation) -> str:
    return f"{expectation.method}:{expectation.url_name}{expectation.query}"


class ScriptScan(HTMLParser):
    """Every <script>, and every attribute that would run code."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str]] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}=…>")
            if name in {"href", "src", "action", "formaction"} and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.handlers.append(f"<{tag} {name}=javascript:…>")
            if name.startswith("hx-on") or name == "hx-vars":
                self.handlers.append(f"<{tag} {name}=…>")  # htmx evaluates these as code
        if tag == "script":
            self.scripts.append({k: v or "" for k, v in attrs})


DATA_SCRIPTS = {"application/json", "application/ld+json"}


def script_src(csp: str) -> list[str]:
    for directive in csp.split(";"):
        parts = directive.split()
        if parts and parts[0] == "script-src":
            return parts[1:]
    for directive in csp.split(";"):
        parts = directive.split()
        if parts and parts[0] == "default-src":
            return parts[1:]
    return []


def check_headers(response, *, signed_in: bool) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    if signed_in:
        assert "no-store" in response["Cache-Control"]
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return
    csp = response["Content-Security-Policy"]
    sources = script_src(csp)
    assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources, csp
    assert "frame-ancestors 'none'" in csp
    nonces = [s[len("'nonce-") : -1] for s in sources if s.startswith("'nonce-")]
    html = response.content.decode()
    if "<html" in html:  # a whole page (an htmx fragment without scripts needs no nonce)
        assert len(nonces) == 1, csp
    scan = ScriptScan()
    scan.feed(html)
    assert not scan.handlers, scan.handlers
    for script in scan.scripts:
        if script.get("type") in DATA_SCRIPTS:
            continue  # data for a script, never run
        assert nonces and script.get("nonce") == nonces[0], f"a script without the nonce: {script}"


@pytest.mark.parametrize("expectation", EXPECTATIONS, ids=ids)
def test_every_page_has_the_security_headers_and_no_inline_code(expectation, people):
    viewer = allowed_viewer(expectation)
    response = request_for(client_for(getattr(people, viewer)), expectation, people)
    check_headers(response, signed_in=True)
    if expectation.public:
        check_headers(request_for(client_for(None), expectation, people), signed_in=False)


def test_htmx_fragments_carry_the_headers_too(manager_client, people):
    response = manager_client.get(
        reverse("prospects:list"), {"q": "鑫"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    )
    check_headers(response, signed_in=True)


def test_the_error_pages_carry_the_headers(manager_client):
    check_headers(manager_client.get("/no-such-page/"), signed_in=True)


# --- CSRF ----------------------------------------------------------------------------
def strict_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user, backend=MODEL_BACKEND)
    return client


@pytest.mark.parametrize("expectation", UNSAFE, ids=ids)
def test_an_unsafe_request_without_the_token_is_refused(expectation, people):
    client = strict_client(getattr(people, allowed_viewer(expectation)))
    assert request_for(client, expectation, people).status_code == 403


@pytest.mark.parametrize("expectation", UNSAFE, ids=ids)
def test_an_htmx_request_with_the_token_header_succeeds(expectation, people):
    client = strict_client(getattr(people, allowed_viewer(expectation)))
    page = client.get(reverse("home"))
    token = re.search(r'"x-csrftoken": "([^"]+)"', page.text).group(1)
    response = request_for(
        client, expectation, people, HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code < 400, (expectation.url_name, response.status_code)


def test_the_csrf_cookie_is_out_of_reach_of_scripts_and_htmx_still_posts(people):
    """HttpOnly: a script injected into a page cannot read the token from the cookie;
    htmx sends the one the page carries (hx-headers in base.html)."""
    client = strict_client(people.trainee)
    entry = make_entry()
    page = client.get(entry.get_absolute_url())
    assert page.cookies[settings.CSRF_COOKIE_NAME]["httponly"] is True
    token = re.search(r'"x-csrftoken": "([^"]+)"', page.text).group(1)
    bookmark = reverse("playbook:bookmark", args=[entry.pk])
    assert client.post(bookmark, HTTP_HX_REQUEST="true").status_code == 403
    response = client.post(bookmark, HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
    assert Bookmark.objects.filter(user=people.trainee, entry=entry).exists()


# --- No writes on GET ------------------------------------------------------------------
# GETs that write on purpose, and why.
WRITING_GETS = {
    "playbook:entry": "reading an entry marks it read (a trainee's progress)",
    "playbook:next_unread": "opens the next unread entry and marks it read",
    "playbook:search": "logs the query (what readers looked for and did not find)",
    "complaints:detail": "opening a case marks its reminders read (the navigation count)",
}
WRITING_GETS_PENDING: dict[str, str] = {}
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


@pytest.mark.parametrize("method", ["get", "head"])
@pytest.mark.parametrize("expectation", GETS, ids=ids)
def test_get_and_head_write_nothing(expectation, method, people):
    if expectation.url_name in WRITING_GETS:
        pytest.skip(WRITING_GETS[expectation.url_name])
    if expectation.url_name in WRITING_GETS_PENDING and method == "get":
        pytest.xfail(WRITING_GETS_PENDING[expectation.url_name])
    client = client_for(getattr(people, allowed_viewer(expectation)))
    url = url_of(expectation, people)
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url)
    # GET-only views answer HEAD with 405, which writes nothing either.
    assert response.status_code < 400 or (method == "head" and response.status_code == 405)
    writes = [q["sql"] for q in queries.captured_queries if WRITE.match(q["sql"])]
    assert not writes, writes


def test_the_named_writing_gets_are_real_urls():
    names = {e.url_name for e in GETS}
    assert set(WRITING_GETS) <= names
