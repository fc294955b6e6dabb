"""Reading, progress and editing pages of the playbook (search lives in playbook.search)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.fields import record_id
from accounts.versions import EditConflict, refuse_stale
from playbook import reading
from playbook.editing import compare_with_previous, entry_save
from playbook.forms import EntryForm, NoteForm
from playbook.models import Entry, EntryFlag, Section
from playbook.permissions import can_edit_handbook, can_follow_trainees
from playbook.rendering import answer_blocks
from playbook.services import search_opened


@require_GET
def playbook_home(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(
        request,
        "playbook/home.html",
        {
            "parts": reading.table_of_contents(request.user),
            "progress": reading.overall_progress(request.user),
            "next_entry": reading.next_unread(request.user),
            "can_edit": can_edit_handbook(request.user),
        },
    )


@require_GET
def section_detail(request: HttpRequest, pk: int) -> HttpResponse:
    section = get_object_or_404(Section.objects.select_related("chapter__part"), pk=pk)
    entries = reading.section_entries(request.user, section)
    read = sum(1 for entry in entries if entry.read_at is not None)
    return TemplateResponse(
        request,
        "playbook/section.html",
        {
            "section": section,
            "entries": entries,
            "progress": reading.Progress(read=read, total=len(entries)),
            "next_entry": reading.next_unread(request.user),
        },
    )


def _entry_page(request: HttpRequest, pk: int, note_form: NoteForm | None = None) -> HttpResponse:
    from playbook.team_views import FlagForm

    entry = get_object_or_404(reading.entries_for_reader(request.user), pk=pk)
    if (log_id := record_id(request.GET.get("from_search"))) is not None:
        search_opened(user=request.user, log_id=log_id, entry=entry)
    topics = list(entry.topics.all())
    stale = reading.is_stale(entry)
    reading.mark_read(request.user, entry)
    previous_entry, next_entry = reading.neighbours(entry)
    note = reading.note_of(request.user, entry)
    if note_form is None:
        note_form = NoteForm(initial={"text": note.text if note else ""})
    return TemplateResponse(
        request,
        "playbook/entry.html",
        {
            "entry": entry,
            "blocks": answer_blocks(entry.answer),
            "topics": topics,
            "stale": stale,
            "previous_entry": previous_entry,
            "next_entry": next_entry,
            "related": reading.related_entries(entry, [topic.pk for topic in topics]),
            "section_progress": reading.section_progress(request.user, entry.section_id),
            "note_form": note_form,
            "note": note,
            "can_edit": can_edit_handbook(request.user),
            "flag_form": FlagForm(),
            "own_flags": list(EntryFlag.objects.filter(entry=entry, raised_by=request.user)),
            # The flags their list shows them (their team's), not another team's.
            "open_flag_count": EntryFlag.objects.visible_to(request.user)
            .filter(entry=entry)
            .open()
            .count()
            if can_edit_handbook(request.user)
            else 0,
        },
    )


@require_GET
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An entry, marked read by opening it."""
    return _entry_page(request, pk)


@require_GET
def next_unread(request: HttpRequest) -> HttpResponse:
    entry = reading.next_unread(request.user)
    if entry is None:
        messages.success(request, _("You have read every entry of the handbook."))
        return redirect("playbook:progress")
    return redirect(entry)


@require_POST
def bookmark_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(Entry.objects.visible_to(request.user), pk=pk)
    entry.bookmarked = reading.toggle_bookmark(request.user, entry)
    if request.htmx:
        return TemplateResponse(request, "playbook/entry.html#bookmark", {"entry": entry})
    return redirect(entry)


@require_POST
def note_save(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(Entry.objects.visible_to(request.user), pk=pk)
    form = NoteForm(request.POST)
    note = None
    if form.is_valid():
        note = reading.save_note(request.user, entry, form.cleaned_data["text"])
        saved = True
    else:
        saved = False
    if request.htmx:
        return TemplateResponse(
            request,
            "playbook/entry.html#note",
            {"entry": entry, "note_form": form, "note": note, "note_saved": saved},
        )
    if saved:
        messages.success(request, _("Your note is saved."))
        return redirect(entry)
    return _entry_page(request, pk, note_form=form)


@require_GET
def progress(request: HttpRequest) -> HttpResponse:
    """My reading progress; a supervisor also sees their trainees' (an administrator all)."""
    trainees = (
        list(reading.trainees_with_progress(request.user))
        if can_follow_trainees(request.user)
        else []
    )
    return TemplateResponse(
        request,
        "playbook/progress.html",
        {
            "reader": request.user,
            "own": True,
            "sections": list(reading.sections_with_progress(request.user)),
            "progress": reading.overall_progress(request.user),
            "next_entry": reading.next_unread(request.user),
            "bookmarks": list(reading.bookmarks_of(request.user)),
            "updated": list(reading.updated_since_read(request.user)),
            "trainees": trainees,
        },
    )


@require_GET
def trainee_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """One trainee's progress, for their supervisor (other teams: 404) or an administrator."""
    trainee = get_object_or_404(reading.trainees_of(request.user), pk=pk)
    return TemplateResponse(
        request,
        "playbook/progress.html",
        {
            "reader": trainee,
            "own": trainee.pk == request.user.pk,
            "sections": list(reading.sections_with_progress(trainee)),
            "progress": reading.overall_progress(trainee),
            "recent": list(reading.recent_reads(trainee)),
        },
    )


@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    entry = get_object_or_404(Entry.objects.visible_to(request.user), pk=pk) if pk else None
    if not can_edit_handbook(request.user):
        # An entry everyone reads is not secret: refuse openly; a new entry's page is not there.
        raise PermissionDenied if entry else Http404
    form = EntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        try:
            saved = entry_save(
                entry=form.instance,
                editor=request.user,
                expected_version=form.cleaned_data.get("version"),
            )
        except EditConflict as conflict:
            # Nothing is lost: their save stands, these changes stay in the form.
            refuse_stale(
                form,
                conflict,
                _(
                    "Someone else saved this entry after you opened this page. Open it "
                    "again in a new tab to see their changes; saving this form again "
                    "replaces them with yours."
                ),
            )
        except IntegrityError:
            # Another save took this part's number between the form's check and
            # ours; entry_save rolled back, so nothing is half-saved.
            form.add_error("number", form.number_taken_message(form.cleaned_data["number"]))
        else:
            messages.success(request, _("The entry is saved."))
            return redirect(saved)
    return TemplateResponse(request, "playbook/entry_form.html", {"form": form, "entry": entry})


@require_GET
def revision_list(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(Entry.objects.visible_to(request.user), pk=pk)
    revisions = reading.revisions_visible_to(request.user).filter(entry=entry)
    return TemplateResponse(
        request, "playbook/revisions.html", {"entry": entry, "revisions": revisions}
    )


@require_GET
def revision_compare(request: HttpRequest, pk: int) -> HttpResponse:
    revision = get_object_or_404(reading.revisions_visible_to(request.user), pk=pk)
    return TemplateResponse(
        request,
        "playbook/revision_compare.html",
        {"comparison": compare_with_previous(revision), "entry": revision.entry},
    )
