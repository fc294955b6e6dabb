"""Who may use each investigation URL. Trainees see nothing of investigations;
the owner's supervisor and administrators see the owner's; others get 404."""

from decimal import Decimal

from tests.access import CASEWORKERS, Expect
from tests.investigations.factories import (
    add_guarantor,
    make_investigation,
    pdf_upload,
    submitted,
)
from tests.prospects.factories import make_prospect

OWNER_SIDE = frozenset({"owner", "supervisor", "admin"})
# Every supervisor has a queue (their own team's); administrators hold the supervisors' work.
REVIEWERS = frozenset({"supervisor", "other_supervisor", "other_branch_supervisor", "admin"})


def investigation(people):
    return {"pk": make_investigation(people.owner).pk}


def item(people):
    inv = make_investigation(people.owner)
    return {"pk": inv.pk, "item_pk": inv.items.get(position=4).pk}


def guarantor(people):
    inv = make_investigation(people.owner)
    return {
        "pk": inv.pk,
        "kind": "guarantors",
        "child_pk": add_guarantor(inv, assets=Decimal("1000000")).pk,
    }


def evidence(people):
    from investigations import services

    inv = make_investigation(people.owner)
    file = services.evidence_add(investigation=inv, upload=pdf_upload(), by=people.owner)
    return {"pk": file.pk}


def submitted_investigation(people):
    return {"pk": submitted(people.owner).pk}


EXPECTATIONS = [
    Expect("investigations:list", CASEWORKERS),
    Expect("investigations:list", CASEWORKERS, query="?status=submitted"),
    Expect("investigations:queue", REVIEWERS),
    Expect(
        "investigations:create",
        OWNER_SIDE,
        kwargs=lambda people: {"prospect_pk": make_prospect(people.owner).pk},
    ),
    Expect(
        "investigations:create",
        OWNER_SIDE,
        kwargs=lambda people: {"prospect_pk": make_prospect(people.owner).pk},
        method="post",
        data=lambda people: {"amount": "-5", "term_months": "0", "purpose": ""},
    ),
    Expect("investigations:detail", OWNER_SIDE, kwargs=investigation),
    Expect("investigations:detail", OWNER_SIDE, kwargs=submitted_investigation),
    Expect("investigations:edit", OWNER_SIDE, kwargs=investigation),
    Expect(
        "investigations:edit",
        OWNER_SIDE,
        kwargs=investigation,
        method="post",
        data=lambda people: {"amount": "2000000000", "term_months": "361"},
    ),
    Expect("investigations:item", OWNER_SIDE, kwargs=item),
    Expect(
        "investigations:item",
        OWNER_SIDE,
        kwargs=item,
        method="post",
        data=lambda people: {"status": "clear"},
    ),
    Expect(
        "investigations:cover",
        OWNER_SIDE,
        kwargs=investigation,
        query="?total_assets=1000&total_liabilities=abc",
    ),
    Expect(
        "investigations:child_create",
        OWNER_SIDE,
        kwargs=lambda people: {**investigation(people), "kind": "guarantors"},
    ),
    # Each kind's page, so the phone walk sees each form (its empty choices named).
    Expect(
        "investigations:child_create",
        OWNER_SIDE,
        kwargs=lambda people: {**investigation(people), "kind": "collateral"},
    ),
    Expect(
        "investigations:child_create",
        OWNER_SIDE,
        kwargs=lambda people: {**investigation(people), "kind": "inquiries"},
    ),
    Expect(
        "investigations:child_create",
        OWNER_SIDE,
        kwargs=lambda people: {**investigation(people), "kind": "inquiries"},
        method="post",
        data=lambda people: {"whom": "neighbour", "learned": ""},
    ),
    Expect("investigations:child_edit", OWNER_SIDE, kwargs=guarantor),
    Expect(
        "investigations:child_edit",
        OWNER_SIDE,
        kwargs=guarantor,
        method="post",
        data=lambda people: {"name": ""},
    ),
    Expect("investigations:child_delete", OWNER_SIDE, kwargs=guarantor, method="post"),
    Expect("investigations:evidence_upload", OWNER_SIDE, kwargs=investigation),
    Expect("investigations:evidence_upload", OWNER_SIDE, kwargs=investigation, method="post"),
    Expect("investigations:evidence", OWNER_SIDE, kwargs=evidence),
    Expect("investigations:evidence_delete", OWNER_SIDE, kwargs=evidence, method="post"),
    Expect("investigations:submit", OWNER_SIDE, kwargs=investigation),
    Expect(
        "investigations:submit",
        OWNER_SIDE,
        kwargs=investigation,
        method="post",
        data=lambda people: {"seen_version": "1"},
    ),
    Expect("investigations:review", OWNER_SIDE, kwargs=submitted_investigation),
    Expect(
        "investigations:review",
        OWNER_SIDE,
        kwargs=submitted_investigation,
        method="post",
        data=lambda people: {"decision": "return", "seen_version": "1"},
    ),
    Expect("investigations:pdf", OWNER_SIDE, kwargs=submitted_investigation),
]
