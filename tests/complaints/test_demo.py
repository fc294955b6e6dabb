"""The demo covers every state a complaint can be in today, and seeding twice changes nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.management.commands.seed_demo import Command
from complaints import demo
from complaints.models import Case
from prospects import demo as prospects_demo

pytestmark = pytest.mark.django_db


def test_demo_has_every_state_and_is_idempotent():
    people = Command().seed_people()
    prospects_demo.seed(people)
    demo.seed(people)
    count = Case.objects.count()
    demo.seed(people)
    assert Case.objects.count() == count
    now = timezone.now()
    badges = {case.badge(now) for case in Case.objects.open()}
    assert {"due_today", "overdue", "escalated", "late"} <= badges
    assert Case.objects.filter(extensions=1, events__action="extend", events__note__gt="").exists()
    assert Case.objects.filter(status="closed").exclude(root_cause="").exists()
    assert Case.objects.filter(events__action="reopen").exists()
    assert Case.objects.questions().needing_feedback(now).exists()
    assert Case.objects.filter(about__isnull=False).exists()
