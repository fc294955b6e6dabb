"""The administration of the handbook: above all, assigning topics to entries."""

from __future__ import annotations

from django.contrib import admin

from accounts.admin import ReadOnlyAdmin
from playbook.editing import entry_save
from playbook.models import (
    Chapter,
    Entry,
    EntryFlag,
    Part,
    ReadingAssignment,
    Section,
    Synonym,
    Topic,
)


@admin.register(Part)
class PartAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]


@admin.register(Chapter)
class ChapterAdmin(admin.ModelAdmin):
    list_display = ["title", "part", "order"]
    list_filter = ["part"]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "chapter", "order"]
    list_filter = ["chapter__part", "chapter"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["number", "question", "section"]
    list_display_links = ["number", "question"]
    list_filter = ["topics", "section__chapter__part", "section"]
    search_fields = ["question", "number"]
    filter_horizontal = ["topics"]
    fields = ["section", "number", "question", "answer", "topics", "topics_by_hand"]
    list_select_related = ["section"]

    def save_model(self, request, obj, form, change) -> None:
        # Topics chosen here are an administrator's choice: later imports keep them.
        if "topics" in form.changed_data:
            obj.topics_by_hand = True
        # The same path as the app's own edit page: a revision for every changed text.
        entry_save(entry=obj, editor=request.user)


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    """Read by every search as it runs: a change here needs no re-indexing."""

    list_display = ["__str__"]
    search_fields = ["terms"]


@admin.register(EntryFlag)
class EntryFlagAdmin(admin.ModelAdmin):
    list_display = ["entry", "reason", "raised_by", "raised_at", "resolved_at"]
    list_filter = ["reason", "resolved_at"]
    raw_id_fields = ["entry", "raised_by", "resolved_by"]


@admin.register(ReadingAssignment)
class ReadingAssignmentAdmin(ReadOnlyAdmin):
    """Read-only for administrators: assigning, confirming and withdrawing happen in the app."""

    list_display = ["trainee", "section", "due_on", "assigned_by", "confirmed_at", "withdrawn_at"]
    list_filter = ["due_on", "confirmed_at", "withdrawn_at"]
    search_fields = ["trainee__username", "trainee__last_name", "trainee__first_name"]
    list_select_related = ["trainee", "section", "assigned_by"]
