from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Role, User


def test_seed_demo_creates_two_teams_and_is_idempotent(settings, db):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    assert User.objects.filter(role=Role.SUPERVISOR).count() == 2
    first_team = User.objects.get(username="zhangwei").team.all()
    assert sorted(u.role for u in first_team) == ["manager", "manager", "trainee"]
    assert User.objects.get(username="chenjie").team.get().role == "manager"
    assert User.objects.get(username="admin").is_staff


def test_seed_demo_refuses_when_debug_is_off(settings, db):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("seed_demo")
