"""`{% object_history obj %}`: the audit trail of one record, on its own page, folded in a
`<details>`; `{% object_history_entries obj %}`: the same entries alone, for a page that
fetches them when its reader opens the history (prospects:history).

The page that shows the record has already checked that the viewer may see
it, so its history is shown to the same people.

auditlog shows a changed reference (owner, territory…) by fetching the
referenced row, one query per value per entry: a prospect with fifty changes
cost a hundred and more queries. Here the referenced rows are fetched once per
model for the whole history, so the page costs the same whatever its length.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from auditlog.models import LogEntry
from django import template
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.encoding import smart_str
from django.utils.translation import gettext

register = template.Library()


@register.inclusion_tag("audit/history.html")
def object_history(obj: models.Model, limit: int = 50) -> dict[str, object]:
    return _entries(obj, limit)


@register.inclusion_tag("audit/history_entries.html")
def object_history_entries(obj: models.Model, limit: int = 50) -> dict[str, object]:
    """The entries without their folding box, for a page that fetches its history only when
    the reader opens it (a long history is a large share of a record page's render time)."""
    return _entries(obj, limit)


def _entries(obj: models.Model, limit: int) -> dict[str, object]:
    """The latest `limit` entries, and whether older ones exist (one row more is read: no
    COUNT, so the query count stays the same whatever the history's length)."""
    entries = list(
        LogEntry.objects.get_for_object(obj).select_related("actor", "content_type")[: limit + 1]
    )
    older = len(entries) > limit
    entries = entries[:limit]
    _resolve_references(entries)
    return {"entries": [_row(entry) for entry in entries], "older": older, "limit": limit}


def _shown(value: Any) -> str:
    """How a recorded value reads: nothing as a dash, booleans as yes or no."""
    if value in ("None", "", None):
        return "—"
    if value == "True":
        return gettext("yes")
    if value == "False":
        return gettext("no")
    return str(value)


def _row(entry: LogEntry) -> dict[str, Any]:
    # Plain strings for the template: a long history renders without an include per value.
    display = entry.changes_display_dict
    many = _many_to_many(entry)
    return {
        "timestamp": entry.timestamp,
        "actor": entry.actor,
        "action": entry.action,
        "changes": [
            many[field] if field in many else (field, _shown(values[0]), _shown(values[1]))
            for field, values in display.items()
        ],
    }


def _many_to_many(entry: LogEntry) -> dict[Any, tuple[Any, str, str]]:
    """A change of a many-to-many field, which auditlog records as {"type": "m2m",
    "operation": …, "objects": […]} and would show as its English keys: here the names
    added (— → names) or removed (names → —), keyed as changes_display_dict keys fields."""
    model = entry.content_type.model_class()
    found: dict[Any, tuple[Any, str, str]] = {}
    for name, values in entry.changes_dict.items():
        if not (isinstance(values, dict) and values.get("type") == "m2m"):
            continue
        try:
            field = model._meta.get_field(name) if model else None
        except FieldDoesNotExist:
            field = None
        label = getattr(field, "verbose_name", name)
        names = "、".join(str(value) for value in values.get("objects", [])) or "—"
        added = values.get("operation") == "add"
        found[label] = (label, "—", names) if added else (label, names, "—")
    return found


def _references(entry: LogEntry) -> list[tuple[models.ForeignKey, str]]:
    model = entry.content_type.model_class()
    if model is None:
        return []
    found = []
    for name, values in entry.changes_dict.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if isinstance(field, models.ForeignKey) and not getattr(field, "choices", None):
            found.extend((field, str(value)) for value in values)
    return found


def _key(field: models.ForeignKey, value: str) -> Any:
    if value == "None":
        return None
    try:
        return field.related_model._meta.pk.to_python(value)
    except ValidationError:
        return None


def _resolve_references(entries: list[LogEntry]) -> None:
    """Fetch every referenced row in one query per model; give each entry auditlog's display."""
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for entry in entries:
        for field, value in _references(entry):
            if (key := _key(field, value)) is not None:
                wanted[field.related_model].add(key)
    names: dict[tuple[type[models.Model], str], str] = {}
    for model, keys in wanted.items():
        manager = model._default_manager
        for pk, row in manager.in_bulk(keys).items():
            names[(model, str(pk))] = smart_str(row)

    def display(field: models.ForeignKey, value: Any) -> str:
        # The same text auditlog's LogEntry._get_changes_display_for_fk_field gives.
        if value == "None" or _key(field, value) is None:
            return value  # no reference, or a legacy value stored as text
        if (field.related_model, str(value)) in names:
            return names[(field.related_model, str(value))]
        # auditlog's own text is English ("Deleted 'Territory' (3)"): in the reader's words.
        return gettext("deleted %(model)s (no. %(pk)s)") % {
            "model": field.related_model._meta.verbose_name,
            "pk": value,
        }

    for entry in entries:
        # changes_display_dict calls this method for each reference; answer from the bulk fetch.
        entry._get_changes_display_for_fk_field = display
