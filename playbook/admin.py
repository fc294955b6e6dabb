"""The administration of the handbook: above all, assigning topics to entries."""

from __future__ import annotations

from django.contrib import admin

from playbook.editing import entry_save
from playbook.models import Chapter, Entry, Part, Section, Topic


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
    fields = ["section", "number", "question", "answer", "topics"]
    list_select_related = ["section"]

    def save_model(self, request, obj, form, change) -> None:
        # The same path as the app's own edit page: a revision for every changed text.
        entry_save(entry=obj, editor=request.user)
