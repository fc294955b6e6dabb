"""Mass assignment: fields a form does not offer (owner, branch, status, approver, handler,
version, ids) posted to every form of the access table change nothing.

Each extra names an intruder's value that no legitimate save could produce: a person and a
branch that take no part in the request, a status no state machine knows, an impossible
version, and the id of the intruder's own record. After the post, no new or changed row
holds one of them, and the intruder's record is untouched.
"""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from accounts.models import Branch, Role, User
from prospects.models import Prospect, Source
from tests.access import all_expectations
from tests.conftest import client_for
from tests.security.concurrency import PROJECT_APPS
from tests.security.create_data import EXTRA_CREATE_DATA
from tests.security.pages import as_sent, forms_on
from tests.security.walk import allowed_viewer

EXPECTATIONS = [e for e in all_expectations() if e.method == "post"]
STATUS = "hacked"
VERSION = 987654


@pytest.fixture
def intruder(db) -> SimpleNamespace:
    branch = Branch.objects.create(code="9901", name="外省支行")
    person = User.objects.create_user("intruder", role=Role.CLIENT_MANAGER, branch=branch)
    record = Prospect.objects.create(name="外省商户", owner=person, source=Source.SHOP_CLUSTER)
    return SimpleNamespace(branch=branch, person=person, record=record)


def extras(intruder) -> dict[str, str]:
    person, branch = str(intruder.person.pk), str(intruder.branch.pk)
    fields = {
        name: person
        for name in (
            "owner",
            "user",
            "handler",
            "subject",
            "created_by",
            "approved_by",
            "decided_by",
            "reviewed_by",
            "assigned_by",
            "supervisor",
        )
    }
    fields |= {f"{name}_id": value for name, value in fields.items()}
    return {
        **fields,
        "branch": branch,
        "branch_id": branch,
        "status": STATUS,
        "stage": STATUS,
        "review": STATUS,
        "role": Role.ADMINISTRATOR,
        "version": str(VERSION),
        "id": str(intruder.record.pk),
        "pk": str(intruder.record.pk),
    }


def rows() -> dict[tuple[str, object], dict[str, object]]:
    snapshot = {}
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        names = [f.attname for f in model._meta.concrete_fields]
        for values in model._default_manager.values(*names):
            snapshot[(model._meta.label_lower, values[model._meta.pk.attname])] = values
    return snapshot


def intruding_values(model, values: dict[str, object], intruder) -> list[str]:
    """The fields of one row that hold an intruder's value."""
    found = []
    for field in model._meta.concrete_fields:
        value = values[field.attname]
        if isinstance(field, models.ForeignKey):
            target = field.related_model
            if (target is User and value == intruder.person.pk) or (
                target is Branch and value == intruder.branch.pk
            ):
                found.append(field.name)
        elif value == STATUS or (isinstance(value, int) and value == VERSION):
            found.append(field.name)
    return found


def _data(expectation, people, client, url: str, intruder) -> dict:
    """Valid data where the table has it; else the form as its page draws it, which is
    valid for an edit (the record as it stands), with the table's own values filled in.
    A list is filled with a choice other than the intruder (an administrator may see them)."""
    table = expectation.data(people) if expectation.data else {}
    if expectation.url_name in EXTRA_CREATE_DATA:
        return EXTRA_CREATE_DATA[expectation.url_name](people)
    page = client.get(url)
    if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
        return table
    path = urlsplit(url).path
    drawn = next(
        (
            f
            for f in forms_on(page.text, url)
            if f.method == "post" and urlsplit(f.action).path == path
        ),
        None,
    )
    if drawn is None:
        return table
    sent = as_sent(drawn)
    # What a person would fill in: a sentence in each empty box, a choice in each empty list.
    for f in drawn.fields:
        if f.kind in {"textarea", "text"} and not str(sent.get(f.name, "")).strip():
            sent[f.name] = "已向客户说明"
        elif f.kind == "select" and not sent.get(f.name):
            avoid = {"", str(intruder.person.pk), str(intruder.branch.pk)}
            sent[f.name] = next((o for o in f.options if o not in avoid), "")
    return {**sent, **{k: v for k, v in table.items() if not sent.get(k)}}


@pytest.mark.parametrize("expectation", EXPECTATIONS, ids=lambda e: f"post:{e.url_name}")
def test_fields_a_form_does_not_offer_change_nothing(expectation, people, intruder):
    client = client_for(getattr(people, allowed_viewer(expectation)))
    kwargs = expectation.kwargs(people) if expectation.kwargs else {}
    url = reverse(expectation.url_name, kwargs=kwargs) + expectation.query
    data = _data(expectation, people, client, url, intruder)
    admins_before = set(User.objects.filter(role=Role.ADMINISTRATOR).values_list("pk", flat=True))
    before = rows()
    response = client.post(url, {**extras(intruder), **data})
    assert response.status_code < 500
    after = rows()
    changed = {key: values for key, values in after.items() if before.get(key) != values}
    leaks = {
        key: fields
        for key, values in changed.items()
        if (fields := intruding_values(apps.get_model(key[0]), values, intruder))
    }
    assert not leaks, f"{expectation.url_name} took fields it does not offer: {leaks}"
    assert ("prospects.prospect", intruder.record.pk) not in changed
    # Nobody becomes an administrator by posting a role.
    assert (
        set(User.objects.filter(role=Role.ADMINISTRATOR).values_list("pk", flat=True))
        == admins_before
    )


# The forms that save a domain record's own fields: each must really save with the extras
# sent along, or the test above would prove nothing about it.
MUST_SAVE = {
    "complaints:create",
    "complaints:question_create",
    "complaints:edit",
    "complaints:contact",
    "complaints:close",
    "complaints:reopen",
    "complaints:reassign",
    "investigations:create",
    "investigations:edit",
    "investigations:item",
    "investigations:child_create",
    "investigations:child_edit",
    "playbook:entry_create",
    "playbook:entry_edit",
    "playbook:flag_create",
    "prospects:create",
    "prospects:edit",
    "prospects:reassign",
    "prospects:visit_create",
    "prospects:visit_edit",
    "prospects:hospitality_create",
    "prospects:promise_create",
    "prospects:promise_break",
    "prospects:territory_create",
}


def test_the_record_forms_do_save_with_the_extras_so_the_check_is_not_empty(people, intruder):
    saved = set()
    for expectation in EXPECTATIONS:
        if expectation.url_name not in MUST_SAVE:
            continue
        client = client_for(getattr(people, allowed_viewer(expectation)))
        kwargs = expectation.kwargs(people) if expectation.kwargs else {}
        url = reverse(expectation.url_name, kwargs=kwargs) + expectation.query
        before = rows()
        client.post(url, {**extras(intruder), **_data(expectation, people, client, url, intruder)})
        if rows() != before:
            saved.add(expectation.url_name)
    assert saved == MUST_SAVE, sorted(MUST_SAVE - saved)
