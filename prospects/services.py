"""Workflows that touch more than one record."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from prospects import rules
from prospects.models import Stage, Visit


@transaction.atomic
def visit_log(*, visit: Visit, by: User) -> Visit:
    """Save a visit and carry its next step onto the prospect's next action.

    A first visit that reached the client moves a lead to 'contacted' (rules.counts_as_contact).
    """
    visit.recorded_by = by
    visit.save()
    prospect = visit.prospect
    changed: list[str] = []
    if visit.next_step_date:
        prospect.next_action = visit.next_step or prospect.next_action
        prospect.next_action_date = visit.next_step_date
        changed += ["next_action", "next_action_date"]
    if rules.counts_as_contact(visit.outcome) and prospect.stage == Stage.LEAD:
        prospect.stage = Stage.CONTACTED
        changed.append("stage")
    if changed:
        prospect.save(update_fields=changed)
    return visit
