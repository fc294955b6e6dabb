"""An edit from a page drawn before someone else saved the record: refused, nothing lost.

A record that counts its saves in `version` carries it in its edit form (hidden); the
save compares it with the row's, locked, so of two editors of one page the second
always learns of the first. Prospects, handbook entries and investigations use it.
"""

from __future__ import annotations

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

DAMAGED_VERSION = _(
    "This page could not be read whole (it may have been changed on the way): reload it"
    " and make the change again."
)


class EditConflict(Exception):
    """Someone saved the record after the page being submitted was drawn."""

    def __init__(self, current_version: int) -> None:
        super().__init__(current_version)
        self.current_version = current_version


def locked_version(model: type[models.Model], pk: int, expected_version: int | None) -> int:
    """Lock the row (until the transaction ends) and return its version; EditConflict,
    before anything is saved, when the page was drawn at another one."""
    current = (
        model._base_manager.select_for_update()
        .filter(pk=pk)
        .values_list("version", flat=True)
        .get()
    )
    if expected_version is not None and current != expected_version:
        raise EditConflict(current)
    return current


def refuse_stale(form: forms.BaseForm, conflict: EditConflict, message: str) -> None:
    """Say why on the form, keep what was typed, and move it to the version now stored:
    sending it again replaces the other save."""
    form.data = form.data.copy()
    form.data["version"] = conflict.current_version
    form.add_error(None, message)


class VersionField(forms.IntegerField):
    """The version the page was drawn at, hidden in its form (None: a page without one)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "error_messages", {"invalid": DAMAGED_VERSION, "min_value": DAMAGED_VERSION}
        )
        super().__init__(min_value=1, **kwargs)


class ShowsVersionErrors:
    """A form mixin: the hidden version field's errors (a page tampered with, cut short on
    the way, or out of date) are shown where the person sees them, not beside a hidden
    field. `version_field` names it."""

    version_field = "version"

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        for problem in self._errors.pop(self.version_field, []):  # type: ignore[attr-defined]
            self.add_error(None, problem)  # type: ignore[attr-defined]
