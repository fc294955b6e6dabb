"""Migrations 0014–0015 give every existing visit, promise and hospitality entry its
prospect's owner, on a database that already holds them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Branch, Role
from tests.conftest import make_user
from tests.migrations import migrate_to, migrate_to_latest

BEFORE = [("prospects", "0013_list_order_indexes")]
AFTER = [("prospects", "0015_record_owner_required")]


@pytest.mark.django_db(transaction=True)
def test_existing_records_get_their_prospects_owner():
    apps = migrate_to(BEFORE)
    try:
        # People as today's model has them: the accounts tables are not rolled back.
        branch = Branch.objects.create(code="M1", name="迁移支行")
        first, second = (
            make_user(name, Role.CLIENT_MANAGER, branch=branch) for name in ("甲经理", "乙经理")
        )
        Prospect = apps.get_model("prospects", "Prospect")
        prospects = [
            Prospect.objects.create(name=f"商户{owner.username}", owner_id=owner.pk)
            for owner in (first, second)
        ]
        for prospect in prospects:
            apps.get_model("prospects", "Visit").objects.create(
                prospect=prospect, visited_on=date(2026, 11, 1), recorded_by_id=first.pk
            )
            apps.get_model("prospects", "Promise").objects.create(
                prospect=prospect,
                description="答复额度",
                due_on=date(2026, 12, 1),
                recorded_by_id=first.pk,
            )
            apps.get_model("prospects", "HospitalityEntry").objects.create(
                prospect=prospect,
                occurred_on=date(2026, 11, 1),
                kind="meal",
                paid_by="client",
                value=Decimal(300),
                recorded_by_id=first.pk,
            )
        apps = migrate_to(AFTER)
        for name in ("Visit", "Promise", "HospitalityEntry"):
            rows = apps.get_model("prospects", name).objects.values_list(
                "prospect__owner_id", "owner_id"
            )
            assert len(rows) == 2
            assert all(prospect_owner == owner for prospect_owner, owner in rows)
    finally:
        migrate_to_latest()
