from tests.access import (
    BRANCH,
    BRANCH_ROWS,
    EVERYONE,
    OWNER_SIDE,
    SUPERVISORS,
    Expect,
)
from tests.prospects.factories import (
    make_hospitality,
    make_promise,
    make_prospect,
    make_territory,
    make_visit,
)

TERRITORY_EDITORS = SUPERVISORS | {"admin"}
BRANCH_TERRITORY_EDITORS = TERRITORY_EDITORS & BRANCH


def prospect(people):
    return {"pk": make_prospect(people.owner).pk}


def promise(people):
    return {"pk": make_promise(make_prospect(people.owner)).pk}


def visit(people):
    return {"pk": make_visit(make_prospect(people.owner)).pk}


# Rows planted for the absence checks: a record of `person` that shows `marker`.
def prospect_row(people, person, marker):
    make_prospect(person, name=marker)


def promise_row(people, person, marker):
    make_promise(make_prospect(person, name=marker))


def hospitality_row(people, person, marker):
    make_hospitality(make_prospect(person, name=marker))  # a meal the client paid: flagged


def referrer_row(people, person, marker):
    referrer = make_prospect(person, name=marker)
    make_prospect(person, source="referral", referred_by=referrer)


def territory_row(people, person, marker):
    make_territory(branch=person.branch, name=marker, managers=[person])


def territory(people):
    return {"pk": make_territory(branch=people.owner.branch, managers=[people.owner]).pk}


EXPECTATIONS = [
    Expect("prospects:list", EVERYONE, rows=prospect_row),
    Expect("prospects:list", EVERYONE, query="?q=mark_", rows=prospect_row),
    Expect("prospects:list", EVERYONE, query="?stage=lead&overdue=on&q=138"),
    Expect("prospects:create", EVERYONE),
    Expect("prospects:referrer_search", EVERYONE, query="?referred_by-search=商户"),
    Expect("prospects:colleague_search", EVERYONE, query="?promise-consulted-search=王"),
    Expect("prospects:create", EVERYONE, method="post", data=lambda people: {"name": ""}),
    Expect("prospects:detail", OWNER_SIDE, kwargs=prospect),
    Expect("prospects:history", OWNER_SIDE, kwargs=prospect),
    Expect("prospects:edit", OWNER_SIDE, kwargs=prospect),
    Expect(
        "prospects:edit",
        OWNER_SIDE,
        kwargs=prospect,
        method="post",
        data=lambda people: {"name": "", "source": "referral"},
    ),
    # The owner sees their prospect but may not hand it on: 403.
    Expect(
        "prospects:reassign",
        frozenset({"supervisor", "admin"}),
        kwargs=prospect,
        forbidden=frozenset({"owner"}),
    ),
    Expect(
        "prospects:reassign",
        frozenset({"supervisor", "admin"}),
        kwargs=prospect,
        forbidden=frozenset({"owner"}),
        method="post",
        data=lambda people: {"owner": ""},
    ),
    Expect(
        "prospects:visit_create", OWNER_SIDE, kwargs=prospect, query="?visit-outcome=turned_away"
    ),
    Expect(
        "prospects:visit_create",
        OWNER_SIDE,
        kwargs=prospect,
        method="post",
        data=lambda people: {
            "visit-visited_on": "2020-01-01",
            "visit-kind": "phone",
            "visit-outcome": "no_answer",
        },
    ),
    Expect("prospects:visit_edit", OWNER_SIDE, kwargs=visit),
    Expect(
        "prospects:visit_edit",
        OWNER_SIDE,
        kwargs=visit,
        method="post",
        data=lambda people: {"visit-visited_on": ""},
    ),
    Expect(
        "prospects:hospitality_create",
        OWNER_SIDE,
        kwargs=prospect,
        method="post",
        data=lambda people: {
            "hospitality-occurred_on": "2020-01-01",
            "hospitality-kind": "meal",
            "hospitality-paid_by": "us",
            "hospitality-value": "100",
        },
    ),
    Expect(
        "prospects:promise_create",
        OWNER_SIDE,
        kwargs=prospect,
        method="post",
        data=lambda people: {
            "promise-description": "x",
            "promise-made_on": "2020-01-01",
            "promise-due_on": "2020-01-02",
        },
    ),
    Expect("prospects:promise_list", EVERYONE, rows=promise_row),
    Expect("prospects:promise_keep", OWNER_SIDE, kwargs=promise, method="post"),
    Expect("prospects:promise_break", OWNER_SIDE, kwargs=promise),
    Expect(
        "prospects:promise_break",
        OWNER_SIDE,
        kwargs=promise,
        method="post",
        data=lambda people: {"explanation": ""},
    ),
    # The whole register: a supervisor opens on what awaits their review, never their own.
    Expect("prospects:hospitality_list", EVERYONE, query="?show=all", rows=hospitality_row),
    Expect("prospects:referrals", EVERYONE, rows=referrer_row),
    # Territories are places, not client records: the whole branch sees them, no other.
    Expect(
        "prospects:territory_list", EVERYONE, query="?all=1", rows=territory_row, sees=BRANCH_ROWS
    ),
    Expect("prospects:territory_detail", BRANCH, kwargs=territory),
    Expect("prospects:territory_create", TERRITORY_EDITORS),
    Expect(
        "prospects:territory_create",
        TERRITORY_EDITORS,
        method="post",
        data=lambda people: {"name": ""},
    ),
    Expect(
        "prospects:territory_edit",
        BRANCH_TERRITORY_EDITORS,
        kwargs=territory,
        forbidden=BRANCH - BRANCH_TERRITORY_EDITORS,
    ),
    Expect(
        "prospects:territory_edit",
        BRANCH_TERRITORY_EDITORS,
        kwargs=territory,
        forbidden=BRANCH - BRANCH_TERRITORY_EDITORS,
        method="post",
        data=lambda people: {"name": ""},
    ),
]


# --- Import and export (prospects-import) ---------------------------------------------
IMPORTERS = EVERYONE - {"trainee"}


def import_batch(people):
    from prospects.models import ImportBatch

    batch = ImportBatch.objects.create(
        created_by=people.owner,
        owner=people.owner,
        territory=make_territory(branch=people.owner.branch),
        file_name="members.csv",
        data="商户名称,电话\n鑫源服装商行,13812345678\n".encode(),
    )
    return {"pk": batch.pk}


def ready_export(people):
    from django.core.files.base import ContentFile

    from prospects.models import ExportStatus, ProspectExport

    export = ProspectExport.objects.create(
        requested_by=people.owner, file_format="csv", language="zh-hans", total_rows=1
    )
    export.file.save(
        "prospects.csv", ContentFile("\ufeff名称\n鑫源服装商行\n".encode()), save=False
    )
    export.status = ExportStatus.READY
    export.save()
    return {"pk": export.pk}


EXPECTATIONS += [
    # The issue: "a manager or supervisor uploads" — trainees do not import.
    Expect("prospects:import_upload", IMPORTERS),
    Expect(
        "prospects:import_upload",
        IMPORTERS,
        method="post",
        data=lambda people: {"source": "association"},  # no file: the form comes back
    ),
    Expect("prospects:import_preview", OWNER_SIDE, kwargs=import_batch),
    Expect("prospects:import_bad_rows", OWNER_SIDE, kwargs=import_batch),
    Expect(
        "prospects:import_commit",
        OWNER_SIDE,
        kwargs=import_batch,
        method="post",
        data=lambda people: {"map_name": "0", "map_phone": "1"},
    ),
    Expect(
        "prospects:export",
        EVERYONE,
        kwargs=lambda people: {"file_format": "csv"},
        rows=prospect_row,
    ),
    Expect(
        "prospects:export",
        EVERYONE,
        kwargs=lambda people: {"file_format": "xlsx"},
        query="?q=mark_",
        rows=prospect_row,
    ),
    Expect(
        "prospects:export",
        EVERYONE,
        kwargs=lambda people: {"file_format": "xlsx"},
        query="?stage=client&q=138",
    ),
    # A file written in the background is its requester's alone, whatever the role.
    Expect("prospects:export_status", frozenset({"owner"}), kwargs=ready_export),
    Expect("prospects:export_download", frozenset({"owner"}), kwargs=ready_export),
]


# --- A supervisor's view of the team (supervision) ---------------------------------------
# Every supervisor has a team page (their own team); administrators see every team.
TEAM_LEADS = frozenset({"supervisor", "other_supervisor", "other_branch_supervisor", "admin"})


def flagged_entry(people):
    from tests.prospects.factories import make_hospitality

    return {"pk": make_hospitality(make_prospect(people.owner)).pk}


EXPECTATIONS += [
    Expect("prospects:team_overview", TEAM_LEADS),
    Expect("prospects:team_attention", TEAM_LEADS),
    Expect("prospects:visit_list", EVERYONE),
    Expect("prospects:visit_list", EVERYONE, query="?contact=reached&visited_from=2026-01-01"),
    Expect("prospects:promise_list", EVERYONE, query="?show=unconsulted&owner=1"),
    Expect("prospects:hospitality_list", EVERYONE, query="?show=awaiting&owner=1"),
    Expect("prospects:hospitality_review", OWNER_SIDE, kwargs=flagged_entry),
    # The owner is told beside the form that their supervisor reviews it.
    Expect(
        "prospects:hospitality_review",
        OWNER_SIDE,
        kwargs=flagged_entry,
        method="post",
        data=lambda people: {"review": "acknowledged", "comment": ""},
    ),
]

EXPECTATIONS += [
    Expect("prospects:conversion", EVERYONE),
    Expect("prospects:conversion", EVERYONE, query="?start=2026-01-01&end=2026-03-31&owner=1"),
    Expect("prospects:conversion", EVERYONE, query="?start=2026-03-01&end=2026-01-01"),
]

EXPECTATIONS += [
    Expect("prospects:handover", TEAM_LEADS),
    Expect("prospects:handover", TEAM_LEADS, query="?from_person=1"),
    Expect(
        "prospects:handover",
        TEAM_LEADS,
        method="post",
        data=lambda people: {"from_person": people.owner.pk, "reason": ""},
    ),
]

EXPECTATIONS += [
    Expect("prospects:promise_decline", OWNER_SIDE, kwargs=promise),
    Expect(
        "prospects:promise_decline",
        OWNER_SIDE,
        kwargs=promise,
        method="post",
        data=lambda people: {"reason": ""},
    ),
    # The owner is sent back with a message: only the supervisor clears the flag.
    Expect("prospects:promise_unconsulted_seen", OWNER_SIDE, kwargs=promise, method="post"),
    Expect("prospects:list", EVERYONE, query="?contact_overdue=on&won_from=2026-01-01"),
]


def attachment(people):
    from django.core.files.base import ContentFile

    from prospects.models import Attachment

    item = Attachment(
        prospect=make_prospect(people.owner),
        kind="shop_photo",
        content_type="image/png",
        extension="png",
        size=3,
        uploaded_by=people.owner,
    )
    item.file.save("x", ContentFile(b"png"), save=False)
    item.save()
    return {"pk": item.pk}


EXPECTATIONS += [
    Expect("prospects:client_credit", OWNER_SIDE, kwargs=prospect),
    Expect(
        "prospects:client_credit",
        OWNER_SIDE,
        kwargs=prospect,
        method="post",
        data=lambda people: {"offer-bank": "", "offer-offer": ""},
    ),
    Expect("prospects:attachment", OWNER_SIDE, kwargs=attachment),
    Expect("prospects:list", EVERYONE, query="?credit_gap=on"),
]
