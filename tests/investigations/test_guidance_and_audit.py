from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from investigations.models import Investigation
from tests.conftest import client_for
from tests.investigations.factories import fill_findings, make_investigation, submitted
from tests.investigations.test_workflow import review
from tests.playbook.factories import make_entry

pytestmark = pytest.mark.django_db


def test_the_checklist_shows_the_handbooks_investigation_entries(people):
    make_entry(
        "贷前调查要查哪些内容？", "答：内部三个查询，外部五个核实。", topics=["investigation"]
    )
    investigation = make_investigation(people.owner)
    item = investigation.items.first()
    page = client_for(people.owner).get(
        reverse("investigations:item", args=[investigation.pk, item.pk])
    )
    assert 'data-topic="investigation"' in page.content.decode()
    assert "贷前调查要查哪些内容？" in page.content.decode()


def test_every_change_and_decision_is_in_the_audit_trail(people):
    investigation = make_investigation(people.owner)
    fill_findings(investigation)
    investigation = submitted(people.owner)
    review(client_for(people.supervisor), investigation, decision="approve")
    entries = LogEntry.objects.get_for_object(Investigation.objects.get(pk=investigation.pk))
    changed = {field for entry in entries for field in entry.changes_dict}
    assert {"status", "legal_standing", "decided_by"} <= changed
