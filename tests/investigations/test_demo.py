from __future__ import annotations

import pytest

from accounts.management.commands.seed_demo import Command
from investigations import demo
from investigations.models import EvidenceFile, Investigation, Status
from prospects import demo as prospects_demo

pytestmark = pytest.mark.django_db


def test_demo_has_every_status_and_the_hard_cases_and_is_idempotent():
    people = Command().seed_people()
    prospects_demo.seed(people)
    demo.seed(people)
    count = Investigation.objects.count()
    demo.seed(people)
    assert Investigation.objects.count() == count
    investigations = list(Investigation.objects.for_page())
    assert {inv.status for inv in investigations} == set(Status.values)
    assert any(not inv.cover_ok and inv.status == Status.SUBMITTED for inv in investigations)
    assert any(inv.blacklist_hit for inv in investigations)
    approved = next(inv for inv in investigations if inv.status == Status.APPROVED)
    assert EvidenceFile.objects.filter(investigation=approved).count() >= 3
    assert all(inv.items.count() == 8 for inv in investigations)
