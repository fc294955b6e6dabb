"""Audit completeness: every change of a domain record, through any URL of the access table
(bulk imports included), leaves its history row; the history cannot be edited from the app."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from tests.access import all_expectations
from tests.conftest import client_for
from tests.security.concurrency import PROJECT_APPS
from tests.security.walk import allowed_viewer

EXPECTATIONS = [e for e in all_expectations() if e.method != "get"]
# Project models without a change history, and why.
NOT_AUDITED = {
    "accounts.formsubmission": "a one-time form token, not a domain record",
    "playbook.readingrecord": "a trainee's own reading marks",
    "playbook.privatenote": "a trainee's private note, theirs alone",
    "playbook.bookmark": "a reader's own bookmark",
    "playbook.entryrevision": "is itself the handbook's history of edits",
    "playbook.searchlog": "a log of searches (query and count), itself a record of use",
    "playbook.handbookupload": "an upload between preview and import; the import records each revision",
    "accounts.calendartoken": "a secret; its regeneration is the only change, and it must not be copied into a log",
    "prospects.prospectstagechange": "is itself the dated history of stage changes",
    "prospects.merchantcountchange": "is itself the dated history of merchant counts",
    "prospects.prospectterritorychange": "is itself the dated history of territory moves",
    "complaints.reminder": "derived by the sweep from the case's own clock, which has the history",
    "complaints.reminderemail": "is itself the record of an email sent (to whom, when)",
    "investigations.contributor": "derived from the changes it names, each in its own history",
}


def audited_models() -> list:
    return [
        m
        for m in apps.get_models()
        if m._meta.app_label in PROJECT_APPS and m._meta.label_lower not in NOT_AUDITED
    ]


def test_the_exceptions_name_real_models():
    labels = {m._meta.label_lower for m in apps.get_models()}
    assert set(NOT_AUDITED) <= labels


def test_every_domain_model_has_a_change_history():
    missing = [m._meta.label_lower for m in audited_models() if not auditlog.contains(m)]
    assert not missing, (
        f"models without auditlog.register(...) or a reason in NOT_AUDITED: {missing}"
    )


def _tracked(model) -> list[str]:
    fields = auditlog.get_model_fields(model)
    names = [f.attname for f in model._meta.concrete_fields]
    if fields["include_fields"]:
        names = [
            n
            for n in names
            if n.removesuffix("_id") in fields["include_fields"] or n in fields["include_fields"]
        ]
    excluded = set(fields["exclude_fields"])
    return [n for n in names if n not in excluded and n.removesuffix("_id") not in excluded]


def snapshot() -> dict[tuple[str, str], tuple]:
    rows = {}
    for model in audited_models():
        if not auditlog.contains(model):
            continue
        fields = _tracked(model)
        for values in model._default_manager.values_list("pk", *fields):
            rows[(model._meta.label_lower, str(values[0]))] = values[1:]
    return rows


@pytest.mark.parametrize("expectation", EXPECTATIONS, ids=lambda e: f"{e.method}:{e.url_name}")
def test_every_change_through_the_app_writes_its_history_row(expectation, people):
    client = client_for(getattr(people, allowed_viewer(expectation)))
    # The records the URL acts on exist before the request, as for a person.
    kwargs = expectation.kwargs(people) if expectation.kwargs else {}
    url = reverse(expectation.url_name, kwargs=kwargs) + expectation.query
    data = expectation.data(people) if expectation.data else {}
    before = snapshot()
    last = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    getattr(client, expectation.method)(url, data)
    after = snapshot()
    changed = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
    logged = {
        (ContentType.objects.get_for_id(ct).model_class()._meta.label_lower, pk)
        for ct, pk in LogEntry.objects.filter(pk__gt=last).values_list("content_type", "object_pk")
    }
    assert changed <= logged, f"changed without a history row: {sorted(changed - logged)}"


def test_an_import_logs_every_prospect_it_creates(people):
    from prospects.models import Prospect
    from tests.prospects.access import import_batch

    client = client_for(people.owner)
    pk = import_batch(people)["pk"]
    response = client.post(
        reverse("prospects:import_commit", args=[pk]), {"map_name": "0", "map_phone": "1"}
    )
    assert response.status_code == 302
    created = list(Prospect.objects.values_list("pk", flat=True))
    assert created
    logged = set(
        LogEntry.objects.get_for_model(Prospect)
        .filter(action=LogEntry.Action.CREATE)
        .values_list("object_pk", flat=True)
    )
    assert {str(pk) for pk in created} <= logged


def test_the_history_cannot_be_changed_or_deleted_in_the_admin(people):
    from prospects.models import Prospect, Source

    Prospect.objects.create(name="鑫源服装商行", owner=people.owner, source=Source.SHOP_CLUSTER)
    entry = LogEntry.objects.latest("pk")
    admin = client_for(people.admin)
    change = reverse("admin:auditlog_logentry_change", args=[entry.pk])
    assert admin.get(change).status_code == 200  # readable
    admin.post(change, {"changes": "{}", "object_repr": "forged"})
    assert (
        admin.post(
            reverse("admin:auditlog_logentry_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert admin.get(reverse("admin:auditlog_logentry_add")).status_code == 403
    entry.refresh_from_db()
    assert entry.object_repr == "鑫源服装商行"
    assert LogEntry.objects.filter(pk=entry.pk).exists()
