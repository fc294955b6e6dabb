"""System checks: the feedback rule's numbers must make sense before the server starts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register()
def feedback_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    overdue = settings.COMPLAINT_FEEDBACK_OVERDUE_DAYS
    escalation = settings.COMPLAINT_FEEDBACK_ESCALATION_DAYS
    errors: list[Error] = []
    if overdue < 1:
        errors.append(
            Error(
                f"COMPLAINT_FEEDBACK_OVERDUE_DAYS must be at least 1, not {overdue}.",
                id="complaints.E001",
            )
        )
    if escalation <= overdue:
        errors.append(
            Error(
                "COMPLAINT_FEEDBACK_ESCALATION_DAYS must be above COMPLAINT_FEEDBACK_OVERDUE_DAYS "
                f"({escalation} is not above {overdue}): a case escalates after it is overdue.",
                id="complaints.E002",
            )
        )
    days = tuple(settings.COMPLAINT_RESOLUTION_DAYS)
    if len(days) != 3 or list(days) != sorted(set(days)) or days[0] < 1:
        errors.append(
            Error(
                f"COMPLAINT_RESOLUTION_DAYS must be three increasing day counts, not {days!r}.",
                id="complaints.E003",
            )
        )
    return errors
