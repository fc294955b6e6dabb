"""Fixtures shared by the prospects tests."""

from __future__ import annotations

import pytest

from prospects.models import Territory, TerritoryKind


@pytest.fixture
def territory(people) -> Territory:
    territory = Territory.objects.create(
        name="城南批发市场",
        kind=TerritoryKind.MARKET,
        branch=people.owner.branch,
        merchant_count=300,
    )
    territory.managers.add(people.owner)
    return territory
