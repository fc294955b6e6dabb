"""The demo data covers every source and stage, and seeding twice changes nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.management.commands.seed_demo import Command
from prospects import demo
from prospects.models import HospitalityEntry, Promise, Prospect, Source, Stage, Visit

pytestmark = pytest.mark.django_db


def test_demo_seed_is_complete_and_idempotent():
    people = Command().seed_people()
    demo.seed(people)
    counts = (Prospect.objects.count(), Visit.objects.count(), Promise.objects.count())
    demo.seed(people)
    assert (Prospect.objects.count(), Visit.objects.count(), Promise.objects.count()) == counts
    # Every merchant of the data file, read through the import's own checks.
    assert Prospect.objects.count() == len(demo.demo_rows()) == 28
    assert set(Prospect.objects.values_list("source", flat=True)) == set(Source.values)
    assert set(Prospect.objects.values_list("stage", flat=True)) == set(Stage.values)
    assert Visit.objects.filter(outcome="turned_away").exists()
    assert HospitalityEntry.objects.flagged().exists()
    assert Promise.objects.overdue(timezone.localdate()).exists()
    owners = set(Prospect.objects.values_list("owner__username", flat=True))
    assert {"lina", "wangqiang", "zhaomin", "liuyang"} <= owners
    assert Prospect.objects.filter(referred_by__isnull=False).exists()
