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

import hashlib
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.policy import OwnedQuerySet

if TYPE_CHECKING:
    from datetime import date

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


# A question's number: from 1 to four digits, as the handbook's import reads them
# (playbook.importer); the entry form says so beside the field.
ENTRY_NUMBER_MIN, ENTRY_NUMBER_MAX = 1, 9999
ENTRY_NUMBER_MESSAGES = {
    "min_value": _("A question's number is at least %(limit_value)s."),
    "max_value": _("A question's number is at most %(limit_value)s."),
}


class Entry(models.Model):
    part = models.ForeignKey(
        Part, verbose_name=_("part"), on_delete=models.CASCADE, related_name="entries"
    )
    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.CASCADE, related_name="entries"
    )
    # Unique within a part; an excerpt of the handbook may skip numbers.
    number = models.PositiveIntegerField(
        _("number"),
        validators=[
            MinValueValidator(ENTRY_NUMBER_MIN, ENTRY_NUMBER_MESSAGES["min_value"]),
            MaxValueValidator(ENTRY_NUMBER_MAX, ENTRY_NUMBER_MESSAGES["max_value"]),
        ],
    )
    question = models.TextField(_("question"))
    answer = models.TextField(_("answer"), blank=True)
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), blank=True, related_name="entries"
    )
    # An administrator chose the topics: imports no longer propose them.
    topics_by_hand = models.BooleanField(_("topics chosen by hand"), default=False)
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
    # Counts the saves: an edit from a page drawn at an older version is refused
    # (editing.entry_save).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

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
        if not self._state.adding:
            self.version += 1
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "version"}
            if {"question", "answer"} & set(update_fields):
                kwargs["update_fields"] |= {"question_words", "answer_words"}
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


class Synonym(models.Model):
    """Words readers use for the same thing (利率 利息 价格), applied when searching.

    Read at query time: adding or changing one takes effect at once, without
    re-indexing the handbook.
    """

    terms = models.CharField(
        _("equivalent terms"),
        max_length=200,
        unique=True,
        help_text=_("Two or more words meaning the same, separated by spaces, / or 、."),
    )

    class Meta:
        verbose_name = _("synonym")
        verbose_name_plural = _("synonyms")
        ordering = ["terms"]

    def __str__(self) -> str:
        return " / ".join(self.term_list)

    @property
    def term_list(self) -> list[str]:
        from playbook.rules import split_terms

        return split_terms(self.terms)


class SearchLogQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> SearchLogQuerySet:
        """Supervisors see their team's searches, administrators everyone's; nobody else."""
        from accounts.policy import owner_scope

        if not (user.is_authenticated and (user.is_supervisor or user.is_administrator)):
            return self.none()
        return self.filter(owner_scope(user, "user"))

    def since(self, moment) -> SearchLogQuerySet:
        return self.filter(searched_at__gte=moment)

    def zero_results(self) -> models.QuerySet:
        """Queries that found nothing, most frequent first."""
        return (
            self.filter(result_count=0)
            .values("query")
            .annotate(searches=models.Count("pk"), last=models.Max("searched_at"))
            .order_by("-searches", "-last", "query")
        )

    def never_opened(self) -> models.QuerySet:
        """Queries that found entries, none of which anyone opened, most frequent first."""
        return (
            self.filter(result_count__gt=0)
            .values("query")
            .annotate(
                searches=models.Count("pk"),
                opened=models.Count("opened_entry"),
                last=models.Max("searched_at"),
            )
            .filter(opened=0)
            .order_by("-searches", "-last", "query")
        )


class SearchLog(models.Model):
    """One search: what was asked, how much it found, which result was opened.

    Nothing personal beyond the user id: the page built from it shows queries
    and counts, never who asked.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    query = models.CharField(_("query"), max_length=100)
    result_count = models.PositiveIntegerField(_("results"))
    opened_entry = models.ForeignKey(
        Entry,
        verbose_name=_("opened entry"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    searched_at = models.DateTimeField(_("searched"), default=timezone.now, db_index=True)

    objects = SearchLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("search")
        verbose_name_plural = _("searches")
        ordering = ["-searched_at"]

    def __str__(self) -> str:
        return self.query


class FlagReason(models.TextChoices):
    UNCLEAR = "unclear", _("Unclear")
    OUTDATED = "outdated", _("Outdated")


class EntryFlagQuerySet(OwnedQuerySet):
    """A flag belongs to the reader who raised it: they see it, their supervisor (who
    resolves it) sees their team's and their own, an administrator every flag."""

    owner_field = "raised_by"

    def open(self) -> EntryFlagQuerySet:
        return self.filter(resolved_at__isnull=True)


class EntryFlag(models.Model):
    """A reader's mark that an entry is unclear or outdated, until an editor resolves it."""

    entry = models.ForeignKey(
        Entry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="flags"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        on_delete=models.CASCADE,
        related_name="playbook_flags",
    )
    reason = models.CharField(_("reason"), max_length=10, choices=FlagReason.choices)
    comment = models.TextField(_("comment"))
    raised_at = models.DateTimeField(_("raised"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reply = models.TextField(_("reply"), blank=True)
    # The entry was edited to settle the flag (else the reply alone settles it).
    entry_edited = models.BooleanField(_("entry edited"), default=False)

    objects = EntryFlagQuerySet.as_manager()

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        ordering = ["-raised_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.entry.number} · {self.get_reason_display()}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    def resolve(self, *, by: User, reply: str, entry_edited: bool = False) -> bool:
        """Resolve the flag; False if it was resolved meanwhile (the first reply stands)."""
        with transaction.atomic():
            self.refresh_from_db(
                from_queryset=EntryFlag._base_manager.select_for_update(),
                fields=["resolved_at", "resolved_by", "reply", "entry_edited"],
            )
            if not self.is_open:
                return False
            self.resolved_at = timezone.now()
            self.resolved_by = by
            self.reply = reply
            self.entry_edited = entry_edited
            self.save(update_fields=["resolved_at", "resolved_by", "reply", "entry_edited"])
        return True


class ReadingAssignmentQuerySet(OwnedQuerySet):
    owner_field = "trainee"

    def current(self) -> ReadingAssignmentQuerySet:
        """Not withdrawn: withdrawn assignments stay for the record, out of every list."""
        return self.filter(withdrawn_at__isnull=True)

    def open(self) -> ReadingAssignmentQuerySet:
        """Still to be read: neither confirmed nor withdrawn."""
        return self.current().filter(confirmed_at__isnull=True)

    def of_active_trainees(self) -> ReadingAssignmentQuerySet:
        """A trainee who has left (deactivated) will never confirm: off the mentor's agenda."""
        return self.filter(trainee__is_active=True)

    def overdue(self, today: date) -> ReadingAssignmentQuerySet:
        """Not confirmed and past the due date (due today is not overdue yet)."""
        return self.open().filter(due_on__lt=today)


class ReadingAssignment(models.Model):
    """Entries (or a whole section) a mentor gives a trainee to read by a date."""

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainee"),
        on_delete=models.CASCADE,
        related_name="reading_assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    # A whole section, or else the chosen entries.
    section = models.ForeignKey(
        Section,
        verbose_name=_("section"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    entries = models.ManyToManyField(
        Entry, verbose_name=_("entries"), blank=True, related_name="assignments"
    )
    due_on = models.DateField(_("due"))
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("read and understood"), null=True, blank=True)
    # A mistaken assignment, or one left behind by a trainee who has gone, is withdrawn
    # rather than deleted: the record (and its audit trail) stays, out of every list.
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ReadingAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("reading assignment")
        verbose_name_plural = _("reading assignments")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.trainee} · {self.due_on}"

    def confirm(self) -> bool:
        """Read and understood, now; False if confirmed or withdrawn meanwhile (the row
        locked, as `withdraw` does, so a withdrawal at the same moment is one or the other)."""
        with transaction.atomic():
            self.refresh_from_db(
                from_queryset=ReadingAssignment._base_manager.select_for_update(),
                fields=["confirmed_at", "withdrawn_at"],
            )
            if self.confirmed_at is not None or self.withdrawn_at is not None:
                return False
            self.confirmed_at = timezone.now()
            self.save(update_fields=["confirmed_at"])
        return True

    def can_be_withdrawn_by(self, user: User) -> bool:
        """The mentor who assigned it, the trainee's supervisor, or an administrator."""
        if not (user.is_authenticated and user.is_active):
            return False
        if user.is_administrator:
            return True
        return user.is_supervisor and user.pk in (
            self.assigned_by_id,
            self.trainee.supervisor_id,
        )

    def withdraw(self, *, by: User) -> bool:
        """Take back reading not yet confirmed; False if it was confirmed or withdrawn meanwhile."""
        with transaction.atomic():
            self.refresh_from_db(
                from_queryset=ReadingAssignment._base_manager.select_for_update(),
                fields=["confirmed_at", "withdrawn_at", "withdrawn_by"],
            )
            if self.confirmed_at is not None or self.withdrawn_at is not None:
                return False
            self.withdrawn_at = timezone.now()
            self.withdrawn_by = by
            self.save(update_fields=["withdrawn_at", "withdrawn_by"])
        return True

    @property
    def on_time(self) -> bool | None:
        """Confirmed by the due date (None while not confirmed)."""
        from playbook.rules import finished_on_time

        return finished_on_time(self.due_on, self.confirmed_at)


class HandbookUploadQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> HandbookUploadQuerySet:
        """A person's own uploads only: an upload is confirmed by whoever previewed it."""
        return self.filter(uploaded_by=user)


class HandbookUpload(models.Model):
    """An uploaded handbook text, kept between its preview and its import.

    The confirm form names it (id and sha256) rather than carrying the text: a
    handbook of a few MB, url-encoded, would exceed DATA_UPLOAD_MAX_MEMORY_SIZE.
    It is deleted when imported, so it imports once; an upload that was only
    previewed goes at its uploader's next upload, or after KEEP.
    """

    KEEP = timedelta(days=1)

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    text = models.TextField(_("text"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    objects = HandbookUploadQuerySet.as_manager()

    class Meta:
        verbose_name = _("handbook upload")
        verbose_name_plural = _("handbook uploads")

    def __str__(self) -> str:
        return f"{self.sha256[:12]} ({self.created_at:%Y-%m-%d %H:%M})"

    @staticmethod
    def digest(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    @classmethod
    def keep(cls, text: str, *, by: User) -> HandbookUpload:
        """Keep `text` for its import; the person's earlier uploads and stale ones go."""
        with transaction.atomic():
            cls.objects.filter(
                models.Q(uploaded_by=by) | models.Q(created_at__lt=timezone.now() - cls.KEEP)
            ).delete()
            return cls.objects.create(uploaded_by=by, text=text, sha256=cls.digest(text))

    def use(self) -> str:
        """The text, once: the upload is deleted (in the caller's transaction, which
        rolls it back if the import fails). Raises DoesNotExist if already used, or if
        the text is not the one previewed."""
        if self.digest(self.text) != self.sha256:
            raise HandbookUpload.DoesNotExist
        deleted, _rows = HandbookUpload.objects.filter(pk=self.pk).delete()
        if not deleted:
            raise HandbookUpload.DoesNotExist
        return self.text
