"""The access harness's own tests: each of its checks fails when what it guards is broken."""

from __future__ import annotations

import pytest
from django.urls import path

from tests.access import (
    EVERYONE,
    OWNED_ROWS,
    VIEWERS,
    Expect,
    duplicate_names,
    marker,
    row_problems,
    uncovered,
    uncovered_methods,
    url_names,
)
from tests.conftest import client_for
from tests.prospects.factories import make_prospect
from tests.test_access import EXPECTATIONS, answers_for


def _view(request):  # pragma: no cover - never called
    raise AssertionError


def test_a_new_view_without_expectation_is_reported():
    extra = [path("forgotten/", _view, name="forgotten")]
    names = [*url_names(), *url_names(extra, prefix="someapp:")]
    assert uncovered(names, EXPECTATIONS) == ["someapp:forgotten"]


def test_two_routes_with_one_name_are_refused():
    extra = [path("one/", _view, name="twice"), path("two/", _view, name="twice")]
    assert duplicate_names([*url_names(), *url_names(extra, prefix="someapp:")]) == [
        "someapp:twice"
    ]


@pytest.mark.urls("tests.harness_urls")
def test_a_post_nobody_declared_is_reported(people):
    expectations = [Expect("any_method", EVERYONE), Expect("get_only", EVERYONE)]
    assert uncovered_methods(expectations, answers_for(people)) == ["POST any_method"]
    covered = [*expectations, Expect("any_method", EVERYONE, method="post")]
    assert uncovered_methods(covered, answers_for(people)) == []


def _plant(people) -> None:
    for person in VIEWERS:
        make_prospect(getattr(people, person), name=marker(person))


def _text(people, viewer: str, url: str) -> str:
    return client_for(getattr(people, viewer)).get(url).content.decode()


@pytest.mark.urls("tests.harness_urls")
def test_rows_of_people_the_viewer_may_not_see_are_caught(people):
    _plant(people)
    problems = row_problems(_text(people, "owner", "/leaky/"), "owner", OWNED_ROWS)
    assert "owner sees the row of teammate" in problems
    assert "owner sees the row of other_branch_manager" in problems


@pytest.mark.urls("tests.harness_urls")
def test_a_list_that_shows_nothing_does_not_pass_the_absence_check(people):
    _plant(people)
    assert row_problems(_text(people, "owner", "/empty/"), "owner", OWNED_ROWS) == [
        "owner does not see the row of owner"
    ]


@pytest.mark.urls("tests.harness_urls")
@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_scoped_list_passes(people, viewer):
    _plant(people)
    assert row_problems(_text(people, viewer, "/scoped/"), viewer, OWNED_ROWS) == []
