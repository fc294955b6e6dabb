"""A paginator whose deep pages cost what the first one does.

Two things make page 1,000 of a list slow: OFFSET walks and discards every
earlier row (with its joins), and an order without a unique tie-breaker lets
rows move between pages. This paginator (1) appends the primary key to the
order, in the direction of its last field, so the order is total and one index
(e.g. owner, updated_at DESC, id DESC) serves it, and (2) finds the page's
primary keys first — a narrow, index-only walk — then fetches those rows with
their joins: one query, the same for page 1 as for page 1,000.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


def total_order(queryset: QuerySet) -> list[str]:
    """The queryset's order with the primary key appended as the tie-breaker."""
    ordering = list(queryset.query.order_by or queryset.model._meta.ordering or [])
    names = {field.lstrip("-") for field in ordering if isinstance(field, str)}
    if names & {"pk", "id", queryset.model._meta.pk.name}:
        return ordering
    last = ordering[-1] if ordering else ""
    # A name ("-updated_at") or an expression (F("next_action_date").desc()).
    descending = (
        last.startswith("-") if isinstance(last, str) else getattr(last, "descending", False)
    )
    return [*ordering, "-pk" if descending else "pk"]


class ListPaginator(Paginator):
    def __init__(self, object_list: QuerySet, per_page: int, **kwargs) -> None:
        super().__init__(object_list.order_by(*total_order(object_list)), per_page, **kwargs)

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        queryset = self.object_list
        keys = queryset.values("pk")[bottom : bottom + self.per_page]
        rows = queryset.filter(pk__in=keys)
        return self._get_page(rows, number, self)
