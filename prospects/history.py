"""A territory's penetration month by month, from what was true at each month's end."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from prospects import rules
from prospects.models import ProspectStageChange, ProspectTerritoryChange, Territory

HISTORY_MONTHS = 12


def territory_history(
    territory: Territory, *, today: date, months: int = HISTORY_MONTHS
) -> list[tuple[date, int, Decimal]]:
    """(month, clients at its end, penetration at its end), oldest first, in three queries.

    A prospect counts where it was at the month's end: moving it today leaves the past
    months of both territories as they were.
    """
    ever_here = ProspectTerritoryChange.objects.filter(territory=territory).values("prospect")
    return rules.monthly_penetration(
        stage_changes=stages_in(
            territory.pk,
            stage_changes=ProspectStageChange.objects.filter(prospect__in=ever_here).history_rows(),
            territory_changes=ProspectTerritoryChange.objects.filter(
                prospect__in=ever_here
            ).history_rows(),
        ),
        merchant_counts=list(
            territory.merchant_count_changes.order_by("changed_on", "pk").values_list(
                "changed_on", "merchant_count"
            )
        ),
        today=today,
        months=months,
    )


def stages_in(
    territory: int,
    *,
    stage_changes: Iterable[tuple[int, date, str]],
    territory_changes: Iterable[tuple[int, date, int | None]],
) -> list[tuple[int, date, str]]:
    """The stage changes as `rules.stages_on` reads them, with the stage blanked ("") while
    the prospect is in another territory (or none).

    Both inputs are (prospect, day, value) in date order per prospect. Before its first
    territory change a prospect is in the territory that change names, as a merchant
    count holds before its first change (rules.value_on): a stage dated back to before
    the prospect's creation still counts where it was created.
    """
    moves: dict[int, list[tuple[date, int | None]]] = defaultdict(list)
    for prospect, changed_on, moved_to in territory_changes:
        moves[prospect].append((changed_on, moved_to))
    stages: dict[int, list[tuple[date, str]]] = defaultdict(list)
    for prospect, changed_on, stage in stage_changes:
        stages[prospect].append((changed_on, stage))
    rows = []
    for prospect, changes in stages.items():
        history = moves.get(prospect, [])
        where = history[0][1] if history else None
        stage = None
        # Stable sort: on one day a move and a stage change each end the day as recorded.
        events = sorted(
            [(day, "stage", value) for day, value in changes]
            + [(day, "move", value) for day, value in history],
            key=lambda event: event[0],
        )
        for day, kind, value in events:
            if kind == "stage":
                stage = value
            else:
                where = value
            if stage is not None:
                rows.append((prospect, day, stage if where == territory else ""))
    return rows
