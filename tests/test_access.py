"""Every URL of the project is walked, and each must say who may use it."""

from __future__ import annotations

import pytest
from django.urls import path, reverse

from tests.access import VIEWERS, Expect, all_expectations, uncovered, url_names
from tests.conftest import client_for

EXPECTATIONS = all_expectations()


def test_every_url_has_an_access_expectation():
    missing = uncovered(url_names(), EXPECTATIONS)
    assert not missing, (
        f"URLs without a role × owner expectation in tests/<app>/access.py: {missing}"
    )


def test_harness_reports_a_new_view_without_expectation():
    def forgotten_view(request):  # pragma: no cover - never called
        raise AssertionError

    extra = [path("forgotten/", forgotten_view, name="forgotten")]
    names = [*url_names(), *url_names(extra, prefix="someapp:")]
    assert uncovered(names, EXPECTATIONS) == ["someapp:forgotten"]


def test_expectations_name_real_urls():
    known = set(url_names())
    stale = [e.url_name for e in EXPECTATIONS if e.url_name not in known]
    assert not stale


def _request(client, expectation: Expect, people):
    kwargs = expectation.kwargs(people) if expectation.kwargs else {}
    url = reverse(expectation.url_name, kwargs=kwargs) + expectation.query
    data = expectation.data(people) if expectation.data else {}
    return getattr(client, expectation.method)(url, data)


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("expectation", EXPECTATIONS, ids=lambda e: f"{e.method}:{e.url_name}")
def test_role_access(expectation: Expect, viewer: str, people):
    response = _request(client_for(getattr(people, viewer)), expectation, people)
    if viewer in expectation.allowed:
        assert response.status_code < 400, f"{viewer} should reach {expectation.url_name}"
    else:
        assert response.status_code == expectation.denied, (
            f"{viewer} should get {expectation.denied} at {expectation.url_name}"
        )


@pytest.mark.parametrize("expectation", EXPECTATIONS, ids=lambda e: f"{e.method}:{e.url_name}")
def test_anonymous_access(expectation: Expect, people):
    response = _request(client_for(None), expectation, people)
    if expectation.public:
        assert response.status_code < 400
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
