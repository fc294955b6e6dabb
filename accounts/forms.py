from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_noop

# Every form's label suffix is Django's gettext(":"); listed here so our catalogue gives it the
# full-width colon Chinese uses (用户名：), which Django's own catalogue does not.
LABEL_SUFFIX = gettext_noop(":")


class SignInForm(AuthenticationForm):
    """Django's sign-in form; the same message whether or not the username exists."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(autocapitalize="none", autocomplete="username")
        self.fields["password"].widget.attrs.update(autocomplete="current-password")
