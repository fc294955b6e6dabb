"""Django's own messages that its Chinese catalogue lacks or words wrongly.

Listed here so that `update_catalogue` puts them in ours, which comes first (LOCALE_PATHS).
Nothing imports these names: the catalogue is what they are for.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

# Reworded in Django 5.2.19; its zh_Hans catalogue still has only the earlier wording, so
# the change-password page showed this one in English.
PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "min_length",
)
# Django's Chinese says "empty strings are not allowed" for a NUL byte in a field.
NULL_CHARACTERS = gettext_noop("Null characters are not allowed.")
