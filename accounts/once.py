"""One record per form, however often it is sent: one-time form tokens.

A create form carries a random token (a hidden field, made when the page is drawn,
so a GET writes nothing). Saving claims the token by inserting it under a unique
constraint, in the same transaction as the record: of ten identical posts, one
inserts, the others wait for it and find the token taken — they save nothing and
are sent to what the first one saved. A failed first save rolls back its claim, so
the form can be sent again.

To adopt it in a create view (any app):

    class ComplaintForm(OnceFormMixin, forms.ModelForm): ...

    try:
        with submitted_once(form, by=request.user) as submission:
            complaint = form.save()
            submission.url = complaint.get_absolute_url()
    except AlreadySubmitted as duplicate:
        return already_submitted(request, duplicate.url or reverse("complaints:list"))
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from accounts.models import FormSubmission, User

TOKEN_FIELD = "form_token"
# Claimed tokens are kept this long; a page older than that is long expired anyway.
KEEP = timedelta(days=2)


def new_token() -> str:
    return secrets.token_urlsafe(24)


class OnceFormMixin(forms.Form):
    """Adds the hidden one-time token to a form (drawn fresh for every unbound form)."""

    form_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial[TOKEN_FIELD] = new_token()


class AlreadySubmitted(Exception):
    """This form was sent before; `url` is what its first submission saved ("" if unknown)."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


class Submission:
    """What the caller saved: set `url` to the record's page."""

    def __init__(self, claim: FormSubmission | None) -> None:
        self.claim = claim
        self.url = ""


@contextmanager
def submitted_once(form: forms.Form, *, by: User) -> Iterator[Submission]:
    """A transaction that first claims the form's token; raises AlreadySubmitted if taken.

    A form without a token (a client that is not the rendered page) is saved as usual.
    """
    token = (form.cleaned_data.get(TOKEN_FIELD) or "").strip()
    with transaction.atomic():
        claim = None
        if token:
            try:
                with transaction.atomic():
                    # Concurrent posts of the same token wait here for the first to finish.
                    claim = FormSubmission.objects.create(token=token, user=by)
            except IntegrityError:
                first = FormSubmission.objects.filter(token=token, user=by).first()
                raise AlreadySubmitted(first.url if first else "") from None
            FormSubmission.objects.filter(user=by, created_at__lt=timezone.now() - KEEP).delete()
        submission = Submission(claim)
        yield submission
        if claim is not None and submission.url:
            claim.url = submission.url[:300]
            claim.save(update_fields=["url"])


def already_submitted(request: HttpRequest, url: str) -> HttpResponse:
    """A second submission of one form (double click, retry): say so, and show the first one."""
    messages.info(request, _("This form had already been sent; it was saved once."))
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)
