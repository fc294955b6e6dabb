"""A double click, a retry or a duplicated tab saves one record, for every create form."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.once import TOKEN_FIELD, new_token
from investigations.models import CHECKLIST
from prospects.models import Prospect, Source, Territory
from tests.access import all_expectations, url_names
from tests.conftest import client_for
from tests.security.concurrency import (
    at_once,
    client_with_session,
    growth,
    is_postgresql,
    needs_postgresql,
    record_counts,
)
from tests.security.create_data import EXTRA_CREATE_DATA
from tests.security.pages import forms_on, url_name_of
from tests.security.walk import allowed_viewer, html_pages

EXPECTATIONS = all_expectations()
CREATE = re.compile(r"(^|[:_])create$")
SIMULTANEOUS = 10
# Create forms that a database constraint guards instead of a token: the second save is
# refused by the constraint and the form says why.
# Rows saved with a record as its parts, so many per record.
PARTS = {"investigations.checklistitem": len(CHECKLIST)}
CONSTRAINT_GUARDED = {
    "playbook:entry_create": "unique (section, number): the second save is told the number is taken",
}


def is_create(url_name: str | None) -> bool:
    return bool(url_name) and bool(CREATE.search(url_name))


def _token_fields(data: dict) -> dict[str, str]:
    """The token under the form's own prefix ("visit-form_token"), whatever the app."""
    token = new_token()
    prefixes = {key.split("-", 1)[0] for key in data if "-" in key}
    return {TOKEN_FIELD: token, **{f"{prefix}-{TOKEN_FIELD}": token for prefix in prefixes}}


def create_cases() -> list[tuple[str, object, object]]:
    """(url name, kwargs, valid data) for every create URL the table posts valid data to."""
    cases = {}
    for expectation in EXPECTATIONS:
        if expectation.method == "post" and is_create(expectation.url_name) and expectation.data:
            cases.setdefault(expectation.url_name, (expectation.kwargs, expectation.data))
    for expectation in EXPECTATIONS:
        if expectation.url_name in EXTRA_CREATE_DATA:
            cases[expectation.url_name] = (
                expectation.kwargs,
                EXTRA_CREATE_DATA[expectation.url_name],
            )
    return [(name, kwargs, data) for name, (kwargs, data) in sorted(cases.items())]


CASES = create_cases()


def _expectation(url_name: str):
    return next(e for e in EXPECTATIONS if e.url_name == url_name)


def test_every_create_form_on_every_page_carries_a_one_time_token(people):
    seen: set[str] = set()
    for _expectation, _viewer, url, html in html_pages(EXPECTATIONS, people):
        for form in forms_on(html, url):
            target = url_name_of(form.action)
            exempt = CONSTRAINT_GUARDED.keys()
            if form.method == "post" and is_create(target) and target not in exempt:
                seen.add(target)
                tokens = [n for n in form.names() if n.endswith(TOKEN_FIELD)]
                assert tokens, f"the form posting to {target} on {url} has no one-time token"
    create_urls = {name for name in url_names() if is_create(name)}
    create_urls -= CONSTRAINT_GUARDED.keys()
    assert create_urls <= seen, f"create forms never seen on a page: {create_urls - seen}"


@pytest.mark.parametrize(("url_name", "kwargs", "data"), CASES, ids=[c[0] for c in CASES])
def test_the_same_form_sent_twice_saves_once(url_name, kwargs, data, people):
    expectation = _expectation(url_name)
    client = client_for(getattr(people, allowed_viewer(expectation)))
    url = reverse(url_name, kwargs=kwargs(people) if kwargs else {})
    fields = data(people)
    posted = {**fields, **_token_fields(fields)}
    before = record_counts()
    first = client.post(url, posted)
    assert first.status_code == 302, f"{url_name}: the valid post did not save"
    once = growth(before, record_counts())
    assert once, f"{url_name}: nothing was created"
    again = client.post(url, posted)
    # Sent to what the first saved, or told by the form why not (a name taken meanwhile).
    assert again.status_code in (200, 302)
    if again.status_code == 302:
        assert again["Location"] == first["Location"]
    assert growth(before, record_counts()) == once


def test_a_form_whose_first_save_failed_can_be_sent_again(manager_client):
    token = new_token()
    bad = {"name": "", "source": Source.SHOP_CLUSTER, TOKEN_FIELD: token}
    assert manager_client.post(reverse("prospects:create"), bad).status_code == 200
    good = {**bad, "name": "鑫源服装商行", "kind": "sole_trader", "stage": "lead"}
    assert manager_client.post(reverse("prospects:create"), good).status_code == 302
    assert Prospect.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("url_name", "kwargs", "data"), CASES, ids=[c[0] for c in CASES])
def test_ten_simultaneous_identical_posts_save_one_record(url_name, kwargs, data, people):
    if not is_postgresql():
        pytest.skip(needs_postgresql["reason"])
    expectation = _expectation(url_name)
    viewer = client_for(getattr(people, allowed_viewer(expectation)))
    session_key = viewer.session.session_key
    url = reverse(url_name, kwargs=kwargs(people) if kwargs else {})
    fields = data(people)
    posted = {**fields, **_token_fields(fields)}
    before = record_counts()
    responses = at_once([lambda: client_with_session(session_key).post(url, posted)] * SIMULTANEOUS)
    errors = [r for r in responses if isinstance(r, BaseException)]
    assert not errors, errors
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {200, 302} and 302 in statuses, statuses
    assert len({r["Location"] for r in responses if r.status_code == 302}) == 1
    grown = growth(before, record_counts())
    records = {label: n for label, n in grown.items() if label not in PARTS}
    assert records and set(records.values()) == {1}, grown  # one record
    assert all(grown[label] == n for label, n in PARTS.items() if label in grown), grown


def test_territory_names_stay_unique_per_branch(people):
    # Not a token matter: the database's own constraint.
    assert any(c.name == "territory_unique_name" for c in Territory._meta.constraints)
