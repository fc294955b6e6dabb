"""Form fields the apps share."""

from __future__ import annotations

from django import forms


class ChoicesById(forms.ModelMultipleChoiceField):
    """Records by id; an id no database column can hold is refused like any unknown one
    (SQLite raises OverflowError on it instead of finding nothing)."""

    def _check_values(self, value):
        for pk in value or ():
            try:
                number = int(str(pk))
            except ValueError:
                continue  # not a number: the field's own message ("not a valid value")
            if not -(2**63) <= number < 2**63:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)
