"""Form fields the apps share."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

TOO_LARGE = _("That amount is too large to be right.")
ID_DIGITS = re.compile(r"[0-9]{1,19}")
# What a database key (a 64-bit integer) holds: SQLite raises OverflowError past it.
KEYS = range(-(2**63), 2**63)


def record_id(value) -> int | None:
    """A record's id as a URL or a form carries it: ASCII digits that a database key holds,
    else None. `str.isdecimal` then `int` let through any digits (١٢, or 5,000 of them,
    which `int` refuses with ValueError: a 500)."""
    text = str(value or "")
    if ID_DIGITS.fullmatch(text) and (number := int(text)) in KEYS:
        return number
    return None


class PlausibleAmounts:
    """A form whose amounts, typed with too many digits, are "too large to be right", not
    Django's count of digits (确认总共不超过 14 个数字.). `too_large` names a field's own
    message where it has one."""

    too_large: dict = {}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.DecimalField):
                message = self.too_large.get(name, TOO_LARGE)
                field.error_messages["max_digits"] = message
                field.error_messages["max_whole_digits"] = message


class ChoicesById(forms.ModelMultipleChoiceField):
    """Records by id; an id no database column can hold is refused like any unknown one
    (SQLite raises OverflowError on it instead of finding nothing)."""

    def _check_values(self, value):
        for pk in value or ():
            try:
                number = int(str(pk))
            except ValueError:
                continue  # not a number: the field's own message ("not a valid value")
            if number not in KEYS:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)
