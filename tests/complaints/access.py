from tests.access import CASEWORKERS, SUPERVISORS, Expect
from tests.complaints.factories import make_case, make_question

OWNER_SIDE = frozenset({"owner", "supervisor", "admin"})
SUPERVISING = SUPERVISORS | {"admin"}


def case(people):
    return {"pk": make_case(people.owner).pk}


def closing_case(people):
    made = make_case(people.owner)
    made.status = "closing"
    made.save()
    return {"pk": made.pk}


def closed_case(people):
    made = make_case(people.owner)
    made.status = "closed"
    made.solution = made.root_cause = "x"
    made.save()
    return {"pk": made.pk}


def question(people):
    return {"pk": make_question(people.owner).pk}


def step(action):
    def kwargs(people):
        return {"pk": make_case(people.owner).pk, "action": action}

    return kwargs


def question_step(action):
    def kwargs(people):
        return {"pk": make_question(people.owner).pk, "action": action}

    return kwargs


EXPECTATIONS = [
    Expect("complaints:list", CASEWORKERS),
    Expect("complaints:list", CASEWORKERS, query="?show=closed&page=2"),
    Expect("complaints:create", CASEWORKERS),
    Expect(
        "complaints:create",
        CASEWORKERS,
        method="post",
        data=lambda people: {"client_name": "", "channel": "phone"},
    ),
    Expect("complaints:question_create", CASEWORKERS),
    Expect(
        "complaints:question_create",
        CASEWORKERS,
        method="post",
        data=lambda people: {"client_name": "", "channel": "phone"},
    ),
    Expect("complaints:board", SUPERVISING),
    Expect("complaints:board_panel", SUPERVISING),
    Expect("complaints:detail", OWNER_SIDE, kwargs=case),
    Expect("complaints:detail", OWNER_SIDE, kwargs=question),
    Expect("complaints:edit", OWNER_SIDE, kwargs=case),
    Expect("complaints:edit", OWNER_SIDE, kwargs=case, method="post", data=lambda p: {}),
    Expect(
        "complaints:step",
        OWNER_SIDE,
        kwargs=step("listen"),
        method="post",
        data=lambda people: {"at": "2000-01-01T10:00", "note": "复述"},
    ),
    Expect(
        "complaints:step",
        OWNER_SIDE,
        kwargs=question_step("answer"),
        method="post",
        data=lambda people: {"answer": "", "at": ""},
    ),
    Expect(
        "complaints:contact",
        OWNER_SIDE,
        kwargs=case,
        method="post",
        data=lambda people: {"said": "已回电", "method": "phone"},
    ),
    Expect("complaints:close", OWNER_SIDE, kwargs=closing_case),
    Expect(
        "complaints:close",
        OWNER_SIDE,
        kwargs=closing_case,
        method="post",
        data=lambda people: {"solution": ""},
    ),
    Expect("complaints:reopen", OWNER_SIDE, kwargs=closed_case),
    Expect(
        "complaints:reopen",
        OWNER_SIDE,
        kwargs=closed_case,
        method="post",
        data=lambda people: {"note": ""},
    ),
    Expect("complaints:extend", OWNER_SIDE, kwargs=case),
    Expect(
        "complaints:extend", OWNER_SIDE, kwargs=case, method="post", data=lambda p: {"note": ""}
    ),
    Expect("complaints:reassign", frozenset({"supervisor", "admin"}), kwargs=case),
    Expect(
        "complaints:reassign",
        frozenset({"supervisor", "admin"}),
        kwargs=case,
        method="post",
        data=lambda people: {"handler": ""},
    ),
]
