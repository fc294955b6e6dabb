"""A territory's penetration month by month, from what was true at each month's end."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from prospects import rules
from prospects.models import ProspectStageChange, Territory

HISTORY_MONTHS = 12


def territory_history(
    territory: Territory, *, today: date, months: int = HISTORY_MONTHS
) -> list[tuple[date, int, Decimal]]:
    """(month, clients at its end, penetration at its end), oldest first, in two queries."""
    return rules.monthly_penetration(
        stage_changes=ProspectStageChange.objects.filter(
            prospect__territory=territory
        ).history_rows(),
        merchant_counts=list(
            territory.merchant_count_changes.order_by("changed_on", "pk").values_list(
                "changed_on", "merchant_count"
            )
        ),
        today=today,
        months=months,
    )
