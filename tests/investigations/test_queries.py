"""The review queue, the investigation page, the review screen and the PDF report run the
same number of SQL queries for 2 investigations/guarantors/files as for many."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from investigations import services
from investigations.models import Collateral, SideInquiry
from tests.conftest import client_for
from tests.investigations.factories import add_guarantor, pdf_upload, refresh, submitted

pytestmark = pytest.mark.django_db


def enlarge(investigation, count: int) -> None:
    """More guarantors, collateral, side inquiries and files on every item."""
    owner = investigation.owner
    for index in range(count):
        add_guarantor(investigation, assets=Decimal(100000 + index), name=f"担保人{index}")
        services.child_save(
            obj=Collateral(kind="mortgage", description=f"商铺{index}", appraised_value=1),
            investigation=investigation,
            by=owner,
        )
        services.child_save(
            obj=SideInquiry(whom="neighbour", learned=f"邻居{index}说经营正常"),
            investigation=investigation,
            by=owner,
        )
        for item in investigation.items.all():
            services.evidence_add(
                investigation=investigation, upload=pdf_upload(), by=owner, item=item
            )


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def build(people, size: int):
    """`size` submitted investigations in the queue; the first one enlarged `size` times."""
    investigations = [submitted(people.owner) for _ in range(size)]
    first = investigations[0]
    # Records are added through the services, which only edit drafts: reopen it for that.
    first.__class__.objects.filter(pk=first.pk).update(status="draft")
    enlarge(refresh(first), size)
    first.__class__.objects.filter(pk=first.pk).update(status="submitted")
    return refresh(first)


PAGES = {
    "queue": ("supervisor", lambda inv: reverse("investigations:queue")),
    "page": ("owner", lambda inv: inv.get_absolute_url()),
    "review": ("supervisor", lambda inv: reverse("investigations:review", args=[inv.pk])),
    "report": ("supervisor", lambda inv: reverse("investigations:pdf", args=[inv.pk])),
    "list": ("supervisor", lambda inv: reverse("investigations:list")),
    "home": ("supervisor", lambda inv: reverse("home")),
    "prospect": ("owner", lambda inv: inv.prospect.get_absolute_url()),
}


# Not named "page": that is pytest-playwright's fixture, and sharing its name reorders the run.
@pytest.mark.parametrize("screen", PAGES)
def test_queries_do_not_grow_with_rows(people, screen, django_assert_num_queries):
    viewer, url = PAGES[screen]
    client = client_for(getattr(people, viewer))
    small = build(people, 2)
    small_count = count(client, url(small))
    large = build(people, 6)
    with django_assert_num_queries(small_count):
        client.get(url(large))
    print(f"{screen}: {small_count} queries")  # noqa: T201 - read by the closing note
