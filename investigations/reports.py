"""The investigation report: what the page, the review screen and the PDF show.

The PDF is the same report rendered on the server by WeasyPrint, with a CJK font
(fonts-wqy-microhei) so Chinese renders; Pango (libpango-1.0-0, libpangoft2-1.0-0)
must be installed (see README and .ci/run).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.staticfiles import finders
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from investigations import rules
from investigations.models import Investigation, ItemStatus

PRINT_CSS = "css/investigations-print.css"


def context(investigation: Investigation) -> dict[str, Any]:
    """The report's figures, computed once from the prefetched investigation."""
    items = list(investigation.items.all())
    last_return = investigation.last_return()
    returned_comments = {}
    if last_return is not None and investigation.is_editable:
        returned_comments = {c.item_id: c.text for c in last_return.item_comments.all()}
    return {
        "investigation": investigation,
        "items": [(item, returned_comments.get(item.pk)) for item in items],
        "issues": [item for item in items if item.status == ItemStatus.ISSUE],
        "done_count": sum(1 for item in items if item.is_done),
        "guarantors": list(investigation.guarantors.all()),
        "collateral": list(investigation.collateral.all()),
        "side_inquiries": list(investigation.side_inquiries.all()),
        "general_evidence": [f for f in investigation.evidence.all() if f.item_id is None],
        "events": list(investigation.events.all()),
        "decision": investigation.decision_event(),
        "last_return": last_return if investigation.is_editable else None,
        "cover": investigation.cover_shown,
        "cover_ok": investigation.cover_ok,
        "combined_net_assets": sum(investigation.guarantor_net_assets(), 0),
        "existing_loans": investigation.existing_loans,
        "amount": investigation.amount,
        "loans": investigation.loans_to_cover,
        "required": rules.COVER_REQUIRED,
        "output_fits": investigation.output_fits,
        "today": timezone.localdate(),
    }


def _no_fetching(url: str, *args: Any, **kwargs: Any):
    # The report needs nothing from outside: no file or network reads from its HTML.
    raise ValueError(f"The report does not load external resources ({url}).")


@cache
def _stylesheet():
    # Parsed once per process: the print stylesheet only changes with a deployment.
    # (It declares no @font-face, so no font configuration is shared between threads.)
    from weasyprint import CSS

    return CSS(filename=finders.find(PRINT_CSS))


def render_pdf(investigation: Investigation, *, request: HttpRequest | None = None) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "investigations/report_pdf.html", {**context(investigation), "pdf": True}, request=request
    )
    return HTML(string=html, url_fetcher=_no_fetching).write_pdf(stylesheets=[_stylesheet()])
