"""Every URL of the project is walked, and each must say who may use it, per method."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.access import (
    METHODS,
    VIEWERS,
    Expect,
    all_expectations,
    duplicate_names,
    marker,
    response_text,
    row_problems,
    uncovered,
    uncovered_methods,
    url_names,
)
from tests.conftest import client_for

EXPECTATIONS = all_expectations()


def test_every_url_has_an_access_expectation():
    missing = uncovered(url_names(), EXPECTATIONS)
    assert not missing, (
        f"URLs without a role × owner expectation in tests/<app>/access.py: {missing}"
    )


def test_no_two_routes_share_a_name():
    assert not duplicate_names(url_names())


def test_expectations_name_real_urls_and_methods():
    known = set(url_names())
    stale = [e.url_name for e in EXPECTATIONS if e.url_name not in known]
    assert not stale
    assert {e.method for e in EXPECTATIONS} <= set(METHODS)


def request_for(client, expectation: Expect, people, method: str | None = None):
    kwargs = expectation.kwargs(people) if expectation.kwargs else {}
    url = reverse(expectation.url_name, kwargs=kwargs) + expectation.query
    data = expectation.data(people) if expectation.data else {}
    return getattr(client, method or expectation.method)(url, data)


def answers_for(people):
    """Does the view answer `method` (anything but 405) for an administrator?"""
    admin = client_for(people.admin)

    def answers(expectation: Expect, method: str) -> bool:
        return request_for(admin, expectation, people, method).status_code != 405

    return answers


def test_every_method_a_url_answers_has_an_expectation(people):
    missing = uncovered_methods(EXPECTATIONS, answers_for(people))
    assert not missing, (
        "Methods these URLs answer without an expectation in tests/<app>/access.py "
        f"(add one, or restrict the view with require_http_methods): {missing}"
    )


def template_syntax_shown(response) -> list[str]:
    """Django's {# #} comment spans one line only: one that spans two shows on the page."""
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return []
    text = response.content.decode()
    return [mark for mark in ("{#", "#}", "{%", "%}") if mark in text]


def plant_rows(expectation: Expect, people) -> None:
    for person in VIEWERS:
        expectation.rows(people, getattr(people, person), marker(person))


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("expectation", EXPECTATIONS, ids=lambda e: f"{e.method}:{e.url_name}")
def test_role_access(expectation: Expect, viewer: str, people):
    if expectation.rows and viewer in expectation.allowed:
        plant_rows(expectation, people)
    response = request_for(client_for(getattr(people, viewer)), expectation, people)
    if viewer in expectation.allowed:
        assert response.status_code < 400, f"{viewer} should reach {expectation.url_name}"
        assert not template_syntax_shown(response), "a template tag or comment shows as text"
        if expectation.rows:
            assert not row_problems(response_text(response), viewer, expectation.sees)
    elif viewer in expectation.forbidden:
        assert response.status_code == 403, f"{viewer} should be refused (403)"
    else:
        assert response.status_code == expectation.denied, (
            f"{viewer} should get {expectation.denied} at {expectation.url_name}"
        )


@pytest.mark.parametrize("expectation", EXPECTATIONS, ids=lambda e: f"{e.method}:{e.url_name}")
def test_anonymous_access(expectation: Expect, people):
    response = request_for(client_for(None), expectation, people)
    if expectation.public:
        assert response.status_code < 400
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
