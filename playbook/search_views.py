"""The playbook's search page and the administrator's handbook import (playbook-search)."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Role
from accounts.once import AlreadySubmitted, OnceFormMixin, already_submitted, submitted_once
from accounts.policy import roles_required
from accounts.rendering import HtmxHttpRequest, render_page
from playbook.guidance_cache import cached_section_choices
from playbook.importer import HandbookFormatError, decode, import_text
from playbook.models import HandbookUpload, SearchLog, Section
from playbook.search import search_entries
from playbook.services import search_record


class SearchForm(forms.Form):
    # No max_length: an overlong query is cut short by the search, never refused.
    q = forms.CharField(
        label=gettext_lazy("Search the playbook"),
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "placeholder": gettext_lazy("e.g. 客户嫌利率太高怎么办"),
                "hx-get": reverse_lazy("playbook:search"),
                "hx-trigger": "input changed delay:300ms, search",
                "hx-target": "#search-results",
                "hx-swap": "outerHTML",
                "hx-include": "closest form",
                "hx-push-url": "true",
            }
        ),
    )
    section = forms.ModelChoiceField(
        label=gettext_lazy("Section"),
        queryset=Section.objects.all(),
        required=False,
        empty_label=gettext_lazy("All sections"),
        widget=forms.Select(
            attrs={
                "hx-get": reverse_lazy("playbook:search"),
                "hx-trigger": "change",
                "hx-target": "#search-results",
                "hx-swap": "outerHTML",
                "hx-include": "closest form",
                "hx-push-url": "true",
            }
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The list shown comes from the handbook cache; a chosen section is still looked
        # up (and refused when unknown) through the queryset.
        section = self.fields["section"]
        section.choices = [("", section.empty_label), *cached_section_choices()]


@require_GET
def entry_search(request: HtmxHttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    form.is_valid()  # an unknown section is shown as an error and ignored
    query = form.cleaned_data.get("q") or ""
    section = form.cleaned_data.get("section")
    results = search_entries(query, section=section)
    log = search_record(user=request.user, query=results.query, result_count=len(results.hits))
    return render_page(
        request,
        "playbook/search.html",
        {"form": form, "results": results, "search_log": log},
        partials=("search-results",),
    )


WEEK = timedelta(days=7)
SEARCH_LOG_ROWS = 50


@roles_required(Role.SUPERVISOR)
@require_GET
def search_log(request) -> HttpResponse:
    """The week's searches that found nothing or that nobody opened, most frequent first."""
    week = SearchLog.objects.visible_to(request.user).since(timezone.now() - WEEK)
    return TemplateResponse(
        request,
        "playbook/search_log.html",
        {
            "zero_results": list(week.zero_results()[:SEARCH_LOG_ROWS]),
            "never_opened": list(week.never_opened()[:SEARCH_LOG_ROWS]),
        },
    )


# The upload's size, not the confirm's: the text stays on the server (HandbookUpload)
# between preview and import, and the confirm form posts only its id and hash.
MAX_UPLOAD_MB = 5


class HandbookUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Handbook text file"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "Plain text in UTF-8 or GB18030, as extracted from the PDF; at most %(megabytes)d MB."
        ) % {"megabytes": MAX_UPLOAD_MB}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(megabytes)d MB.") % {"megabytes": MAX_UPLOAD_MB}
            )
        return upload


class HandbookConfirmForm(OnceFormMixin, forms.Form):
    upload = forms.IntegerField(widget=forms.HiddenInput)
    sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)


@roles_required(Role.ADMINISTRATOR)
@require_http_methods(["GET", "POST"])
def handbook_import(request) -> HttpResponse:
    """Upload → preview (a dry run: counts or the error's line) → confirm → import."""
    context: dict = {"form": HandbookUploadForm()}
    if request.method == "POST" and "confirm" in request.POST:
        confirm = HandbookConfirmForm(request.POST)
        if not confirm.is_valid():
            context["error"] = _("The preview was lost; upload the file again.")
        else:
            try:
                with submitted_once(confirm, by=request.user) as submission:
                    # Another person's upload, one already imported, or a changed text: 404.
                    upload = get_object_or_404(
                        HandbookUpload.objects.visible_to(request.user).select_for_update(),
                        pk=confirm.cleaned_data["upload"],
                        sha256=confirm.cleaned_data["sha256"],
                    )
                    try:
                        text = upload.use()
                    except HandbookUpload.DoesNotExist:
                        raise Http404 from None
                    result = import_text(text, editor=request.user)
                    submission.url = reverse("playbook:import")
            except AlreadySubmitted as duplicate:
                return already_submitted(request, duplicate.url or reverse("playbook:import"))
            except HandbookFormatError as exc:
                context["error"] = str(exc)
            else:
                messages.success(
                    request,
                    _(
                        "Handbook imported: %(created)d created, %(updated)d updated, "
                        "%(unchanged)d unchanged."
                    )
                    % result.counts,
                )
                # Renumbered, reworded, set aside or not matched by text: each said once.
                for change in result.matching:
                    messages.info(request, str(change))
                for moved in result.moved:
                    messages.info(
                        request,
                        _(
                            "Entry %(number)d was inside the answer of entry %(from)d; "
                            "it is now an entry of its own."
                        )
                        % {"number": moved.number, "from": moved.from_number},
                    )
                if result.unplaced:
                    messages.warning(
                        request,
                        _("Lines left out, not placed: %(lines)s.")
                        % {"lines": ", ".join(str(line.line) for line in result.unplaced)},
                    )
                for note in result.notes:
                    messages.info(request, _("To check: %(note)s") % {"note": note})
                if result.missing:
                    messages.warning(
                        request,
                        _("Entries not in the file were kept: %(numbers)s.")
                        % {"numbers": ", ".join(str(entry.number) for entry in result.missing)},
                    )
                return redirect("playbook:import")
    elif request.method == "POST":
        form = HandbookUploadForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            try:
                text = decode(form.cleaned_data["file"].read())
                result = import_text(text, dry_run=True)
            except HandbookFormatError as exc:
                context["error"] = str(exc)
            else:
                upload = HandbookUpload.keep(text, by=request.user)
                context["preview"] = result
                context["confirm"] = HandbookConfirmForm(
                    initial={"upload": upload.pk, "sha256": upload.sha256}
                )
    return TemplateResponse(request, "playbook/import.html", context)
