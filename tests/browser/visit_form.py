"""Choosing a visit's outcome in a real browser: the form redraws itself (htmx)."""

from __future__ import annotations

from playwright.sync_api import Page


def choose_outcome(page: Page, label: str) -> None:
    """Choose an outcome and wait until the redrawn form has replaced the old one.

    Waiting for the response is not enough: htmx swaps the form in after it, and
    text typed into the old form in between is lost (CI: the follow-up visit was
    saved without the person met). The old form is marked, and the wait is for a
    form without the mark.
    """
    if not page.locator("#visit-form").is_visible():
        page.get_by_text("记录拜访").click()
    # htmx wires the form up once the page has loaded: a change before that sends nothing
    # (CI, seed 2923934991: the agenda's link had just opened the page).
    page.wait_for_load_state("load")
    page.locator("#visit-form").evaluate("form => { form.dataset.replaced = 'pending'; }")
    page.locator("#visit-form").get_by_label("结果").select_option(label=label)
    page.wait_for_selector("#visit-form:not([data-replaced])", state="attached")
