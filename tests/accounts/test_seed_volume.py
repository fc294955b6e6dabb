"""`manage.py seed_volume` fills an empty database from every app's volume.py, in proportion."""

from __future__ import annotations

import io

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command

from accounts.models import Role, User
from playbook.models import Entry
from prospects.models import Prospect, Visit

pytestmark = pytest.mark.django_db


def seed(scale: float) -> str:
    out = io.StringIO()
    call_command("seed_volume", scale=scale, stdout=out)
    return out.getvalue()


def test_people_teams_prospects_and_handbook_in_proportion():
    output = seed(0.0004)
    managers = User.objects.filter(role=Role.CLIENT_MANAGER)
    assert managers.count() == 20  # two teams at least, whatever the scale
    assert set(managers.values_list("supervisor__username", flat=True)) == {"sup001", "sup002"}
    assert Prospect.objects.count() == 40
    assert all(p.owner.branch_id == p.branch_id for p in Prospect.objects.select_related("owner"))
    assert Visit.objects.exists()
    assert Entry.objects.count() == 10
    assert User.objects.get(username="mgr0001").check_password("volume-pass-2026")
    showcase = Prospect.objects.filter(owner__username="mgr0001").order_by("pk").first()
    assert LogEntry.objects.get_for_object(showcase).count() == 61
    assert "prospects" in output and "ready" in output


def test_refuses_a_database_that_already_has_people(people):
    with pytest.raises(CommandError, match="empty"):
        seed(0.0004)
    assert not Prospect.objects.exists()
