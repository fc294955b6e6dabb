"""An id of thousands of digits in a URL is no id: the page answers as for any unknown one.

Python's int() refuses more than 4,300 digits (ValueError), and `str.isdecimal` let such
ids through to it: a 500 on each of these pages (accounts.fields.record_id now reads them).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.fields import record_id
from tests.conftest import client_for
from tests.playbook.factories import make_entry
from tests.prospects.factories import make_prospect

pytestmark = pytest.mark.django_db

HUGE = "9" * 5000


@pytest.mark.parametrize(
    ("who", "method", "url", "data"),
    [
        ("owner", "get", "entry", {"from_search": HUGE}),
        ("owner", "get", "/prospects/referrers/", {"referred_by": HUGE, "prospect": HUGE}),
        ("owner", "get", "/prospects/colleagues/", {"promise-consulted": HUGE}),
        ("owner", "get", "/prospects/new/", {"referred_by": HUGE}),
        ("owner", "post", "promise", {"promise-consulted": HUGE}),
        ("owner", "get", "/prospects/import/", {"territory": HUGE}),
        ("supervisor", "get", "/prospects/team/handover/", {"from_person": HUGE}),
        ("owner", "get", "/complaints/new/", {"promise": HUGE}),
        ("owner", "get", "/complaints/questions/new/", {"prospect": HUGE}),
        ("owner", "post", "/complaints/new/", {"promise": HUGE}),
    ],
)
def test_an_id_of_thousands_of_digits_is_no_id(people, who, method, url, data):
    if url == "entry":
        url = make_entry().get_absolute_url()
    elif url == "promise":
        url = reverse("prospects:promise_create", args=[make_prospect(people.owner).pk])
    response = getattr(client_for(getattr(people, who)), method)(url, data)
    assert response.status_code in (200, 302, 404)


@pytest.mark.parametrize(
    ("typed", "read"),
    [("12", 12), ("0012", 12), (12, 12), ("", None), (None, None), ("١٢", None), ("1e3", None)],
)
def test_a_record_id_is_ascii_digits_a_key_holds(typed, read):
    assert record_id(typed) == read
    assert record_id("9" * 19) is None  # past 2**63
    assert record_id(str(2**63 - 1)) == 2**63 - 1
