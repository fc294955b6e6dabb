"""The handbook: part (篇) → chapter → section → entry, and what readers keep of it.

Entries carry their question and answer segmented into words (`question_words`,
`answer_words`, space-separated jieba tokens): both databases' full-text
indexes are built from those columns, because neither SQLite's nor
PostgreSQL's parsers can split Chinese into words. `Entry.save()` fills them;
code that bypasses `save()` (bulk_create, queryset.update) must call
`Entry.fill_words()` itself. The indexes themselves (an FTS5 table on SQLite,
a weighted tsvector on PostgreSQL) are kept in sync by database triggers
created in the migrations, so bulk writes stay in sync too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from accounts.models import User


class Part(models.Model):
    """A part (篇) of the handbook, e.g. 市场营销篇."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parts")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class Chapter(models.Model):
    part = models.ForeignKey(
        Part, verbose_name=_("part"), on_delete=models.CASCADE, related_name="chapters"
    )
    title = models.CharField(_("title"), max_length=200)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("chapter")
        verbose_name_plural = _("chapters")
        ordering = ["part__order", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["part", "title"], name="playbook_chapter_unique_title")
        ]

    def __str__(self) -> str:
        return self.title


class Section(models.Model):
    """A section, headed by a Chinese numeral and 、 (e.g. 一、寻找和选择客户)."""

    chapter = models.ForeignKey(
        Chapter, verbose_name=_("chapter"), on_delete=models.CASCADE, related_name="sections"
    )
    numeral = models.CharField(_("numeral"), max_length=10, blank=True)
    title = models.CharField(_("title"), max_length=200)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["chapter__part__order", "chapter__order", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["chapter", "title"], name="playbook_section_unique_title"
            )
        ]

    def __str__(self) -> str:
        return f"{self.numeral}、{self.title}" if self.numeral else self.title


class Topic(models.Model):
    """Links entries to the screens where they matter (the visit form shows `visiting`)."""

    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    # Space-separated words; the importer proposes a topic for an entry whose
    # question or answer contains one of them.
    keywords = models.TextField(_("keywords"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.name

    @property
    def keyword_list(self) -> list[str]:
        return self.keywords.split()


class EntryQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> EntryQuerySet:
        # Everyone who can sign in reads the whole handbook (trainees included).
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self


class Entry(models.Model):
    part = models.ForeignKey(
        Part, verbose_name=_("part"), on_delete=models.CASCADE, related_name="entries"
    )
    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.CASCADE, related_name="entries"
    )
    # Unique within a part; an excerpt of the handbook may skip numbers.
    number = models.PositiveIntegerField(_("number"))
    question = models.TextField(_("question"))
    answer = models.TextField(_("answer"), blank=True)
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), blank=True, related_name="entries"
    )
    # Segmented words (space-separated), the source of both full-text indexes.
    question_words = models.TextField(editable=False, blank=True, default="")
    answer_words = models.TextField(editable=False, blank=True, default="")
    # PostgreSQL only (weight A: question, B: answer), maintained by a trigger;
    # an unused NULL column on SQLite, whose index is the playbook_entry_fts table.
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # When the question or answer last changed ("updated since you read it").
    revised_at = models.DateTimeField(_("revised"), default=timezone.now)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["part__order", "number"]
        constraints = [
            models.UniqueConstraint(fields=["part", "number"], name="playbook_entry_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.question}"

    def save(self, *args, **kwargs) -> None:
        self.fill_words()
        if self.part_id is None and self.section_id is not None:
            self.part_id = self.section.chapter.part_id
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"question", "answer"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "question_words", "answer_words"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("playbook:entry", kwargs={"pk": self.pk})

    def fill_words(self) -> None:
        """Segment the question and answer into the indexed word columns."""
        from playbook.segment import index_words

        self.question_words = index_words(self.question)
        self.answer_words = index_words(self.answer)

    def record_revision(self, *, editor: User | None = None) -> EntryRevision:
        """Keep the current question and answer as the entry's next revision."""
        last = self.revisions.order_by("-number").values_list("number", flat=True).first()
        return EntryRevision.objects.create(
            entry=self,
            number=(last or 0) + 1,
            question=self.question,
            answer=self.answer,
            editor=editor,
        )


class EntryRevision(models.Model):
    """One kept version of an entry's question and answer (1 is the first import)."""

    entry = models.ForeignKey(
        Entry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("revision"))
    question = models.TextField(_("question"))
    answer = models.TextField(_("answer"), blank=True)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("editor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["entry", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "number"], name="playbook_revision_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entry.number} r{self.number}"

    def previous(self) -> EntryRevision | None:
        return (
            EntryRevision.objects.filter(entry_id=self.entry_id, number__lt=self.number)
            .order_by("-number")
            .first()
        )


class ReadingRecord(models.Model):
    """The last time a person opened an entry."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="playbook_reads",
    )
    entry = models.ForeignKey(
        Entry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="reads"
    )
    read_at = models.DateTimeField(_("read"), default=timezone.now)

    class Meta:
        verbose_name = _("reading record")
        verbose_name_plural = _("reading records")
        constraints = [
            models.UniqueConstraint(fields=["user", "entry"], name="playbook_read_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.entry.number}"

    @property
    def is_stale(self) -> bool:
        """The entry was revised after this person last read it."""
        return self.entry.revised_at > self.read_at


class Bookmark(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="playbook_bookmarks",
    )
    entry = models.ForeignKey(
        Entry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="bookmarks"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("bookmark")
        verbose_name_plural = _("bookmarks")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "entry"], name="playbook_bookmark_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.entry.number}"


class PrivateNote(models.Model):
    """A reader's own note on an entry (one per person and entry), seen by nobody else."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="playbook_notes",
    )
    entry = models.ForeignKey(
        Entry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="notes"
    )
    text = models.TextField(_("note"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("private note")
        verbose_name_plural = _("private notes")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "entry"], name="playbook_note_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.entry.number}"
