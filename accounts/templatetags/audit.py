"""`{% object_history obj %}`: the audit trail of one record, on its own page.

The page that shows the record has already checked that the viewer may see
it, so its history is shown to the same people.
"""

from __future__ import annotations

from auditlog.models import LogEntry
from django import template
from django.db import models

register = template.Library()


@register.inclusion_tag("audit/history.html")
def object_history(obj: models.Model, limit: int = 50) -> dict[str, object]:
    entries = LogEntry.objects.get_for_object(obj).select_related("actor")[:limit]
    return {"entries": entries}
