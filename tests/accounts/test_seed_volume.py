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


def test_investigations_and_complaints_in_proportion_and_by_the_rules():
    from django.db.models import Count, F, Max

    from complaints.models import Case, FeedbackContact
    from investigations.models import CHECKLIST, Investigation, InvestigationEvent

    seed(0.001)
    investigations = Investigation.objects.all()
    assert investigations.count() == 20
    assert set(investigations.annotate(n=Count("items")).values_list("n", flat=True)) == {
        len(CHECKLIST)
    }
    # Four eyes: every decision is the owner's supervisor's, never the owner's own.
    decided = investigations.exclude(decided_by=None)
    assert decided.exists()
    assert not decided.filter(decided_by=F("owner")).exists()
    assert all(i.decided_by_id == i.owner.supervisor_id for i in decided.select_related("owner"))
    assert InvestigationEvent.objects.filter(action="create").count() == 20

    cases = Case.objects.all()
    assert cases.count() == 50
    assert FeedbackContact.objects.count() >= 50
    assert not cases.filter(about=F("handler")).exists()
    assert cases.filter(kind="question").exists() and cases.exclude(status="closed").exists()
    # The daily clock is the last contact logged.
    latest = dict(
        FeedbackContact.objects.values("case").annotate(at=Max("at")).values_list("case", "at")
    )
    assert all(latest[pk] == at for pk, at in cases.values_list("pk", "last_contact_at"))
