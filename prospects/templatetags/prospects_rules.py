"""The rules in templates, so no template restates one (`{% if prospect|overdue_on:today %}`)."""

from __future__ import annotations

from datetime import date

from django import template

register = template.Library()


@register.filter
def overdue_on(record, today: date) -> bool:
    """A prospect's follow-up or a promise past its day (rules.prospect_overdue / promise_overdue)."""
    return record.is_overdue(today)
