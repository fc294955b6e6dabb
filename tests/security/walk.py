"""Walking the access table (tests/<app>/access.py): one request per expectation."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from tests.access import Expect


def url_of(expectation: Expect, people) -> str:
    kwargs = expectation.kwargs(people) if expectation.kwargs else {}
    return reverse(expectation.url_name, kwargs=kwargs) + expectation.query


def request_for(client: Client, expectation: Expect, people, **extra):
    url = url_of(expectation, people)
    data = expectation.data(people) if expectation.data else {}
    return getattr(client, expectation.method)(url, data, **extra)


def allowed_viewer(expectation: Expect) -> str:
    """Someone the table lets in: the owner when allowed, else the first allowed viewer."""
    if "owner" in expectation.allowed:
        return "owner"
    return sorted(expectation.allowed)[0]


def html_pages(expectations, people):
    """(expectation, viewer, url, html) for each GET page of the table, as a viewer allowed in."""
    from tests.conftest import client_for

    for expectation in expectations:
        if expectation.method != "get":
            continue
        viewer = allowed_viewer(expectation)
        url = url_of(expectation, people)
        response = client_for(getattr(people, viewer)).get(url)
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            yield expectation, viewer, url, response.text
