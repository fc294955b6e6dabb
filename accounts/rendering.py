"""Render a page, or for htmx the named region of it that the request swaps."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.response import TemplateResponse
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def render_page(
    request: HtmxHttpRequest,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    partials: tuple[str, ...] = (),
    status: int = 200,
) -> TemplateResponse:
    """The whole page, or — when htmx targets one of `partials` by id — only that
    `{% partialdef %}` of the same template (the partial is named like its target)."""
    target = request.htmx.target if request.htmx else None
    name = f"{template}#{target}" if target and target in partials else template
    return TemplateResponse(request, name, context, status=status)
