"""Chart.js configurations for includes/chart.html, built from the rows a page shows.

Views pass rows; the shape of a chart (type, axes, labels) is decided here once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from prospects import rules


def penetration_chart(months: Sequence[tuple[date, int, Decimal]]) -> dict[str, Any]:
    """A line of each month's penetration (%), from `rules.monthly_penetration` rows."""
    return {
        "type": "line",
        "data": {
            "labels": [month.strftime("%Y-%m") for month, _count, _rate in months],
            "datasets": [
                {
                    "label": _("Penetration (%)"),
                    "data": [float(rules.as_percent(rate)) for _month, _count, rate in months],
                }
            ],
        },
        "options": {"scales": {"y": {"beginAtZero": True}}, "maintainAspectRatio": False},
    }


def conversion_chart(rows: Sequence[rules.SourceConversion]) -> dict[str, Any]:
    """Bars of each channel's conversion rate (%), with the prospects it brought."""
    return {
        "type": "bar",
        "data": {
            "labels": [str(row.label) for row in rows],
            "datasets": [
                {
                    "label": _("Conversion rate (%)"),
                    "data": [float(row.percent) for row in rows],
                },
            ],
        },
        "options": {
            "indexAxis": "y",
            "scales": {"x": {"beginAtZero": True, "max": 100}},
            "maintainAspectRatio": False,
        },
    }
