from tests.access import EVERYONE, Expect
from tests.prospects.factories import (
    make_promise,
    make_prospect,
    make_territory,
)

OWNER_SIDE = frozenset({"owner", "supervisor", "admin"})


def prospect(people):
    return {"pk": make_prospect(people.owner).pk}


def promise(people):
    return {"pk": make_promise(make_prospect(people.owner)).pk}


def territory(people):
    return {"pk": make_territory(branch=people.owner.branch, managers=[people.owner]).pk}


EXPECTATIONS = [
    Expect("prospects:list", EVERYONE),
    Expect("prospects:list", EVERYONE, query="?stage=lead&overdue=on&q=138"),
    Expect("prospects:create", EVERYONE),
    Expect("prospects:detail", OWNER_SIDE, kwargs=prospect),
    Expect("prospects:edit", OWNER_SIDE, kwargs=prospect),
    Expect(
        "prospects:edit",
        OWNER_SIDE,
        kwargs=prospect,
        method="post",
        data=lambda people: {"name": "", "source": "referral"},
    ),
    Expect("prospects:reassign", frozenset({"supervisor", "admin"}), kwargs=prospect),
    Expect("prospects:visit_create", OWNER_SIDE, kwargs=prospect, query="?outcome=turned_away"),
    Expect(
        "prospects:visit_create",
        OWNER_SIDE,
        kwargs=prospect,
        method="post",
        data=lambda people: {"visited_on": "2020-01-01", "kind": "phone", "outcome": "no_answer"},
    ),
    Expect(
        "prospects:hospitality_create",
        OWNER_SIDE,
        kwargs=prospect,
        method="post",
        data=lambda people: {
            "occurred_on": "2020-01-01",
            "kind": "meal",
            "paid_by": "us",
            "value": "100",
        },
    ),
    Expect(
        "prospects:promise_create",
        OWNER_SIDE,
        kwargs=prospect,
        method="post",
        data=lambda people: {"description": "x", "made_on": "2020-01-01", "due_on": "2020-01-02"},
    ),
    Expect("prospects:promise_list", EVERYONE),
    Expect("prospects:promise_keep", OWNER_SIDE, kwargs=promise, method="post"),
    Expect("prospects:promise_break", OWNER_SIDE, kwargs=promise),
    Expect("prospects:hospitality_list", EVERYONE),
    Expect("prospects:referrals", EVERYONE),
    Expect("prospects:calendar", EVERYONE),
    Expect("prospects:territory_list", EVERYONE),
    # Territories are places, not client records: the whole branch sees them.
    Expect("prospects:territory_detail", EVERYONE, kwargs=territory),
]
