"""Prospects and clients, the territories they sit in, and the daily record of
visits, hospitality and promises (handbook §1, 寻找和选择客户 / 增进客户联系)."""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Case, Count, F, Q, When
from django.db.models.signals import post_delete, pre_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.policy import OwnedQuerySet, reviewed_records
from accounts.versions import locked_version
from prospects import rules
from prospects.choices import (
    CLOSED_STAGES,
    CONTACT_OUTCOMES,
    HospitalityKind,
    HospitalityReview,
    ImportStatus,
    Outcome,
    PaidBy,
    PromiseStatus,
    ProspectKind,
    Source,
    Stage,
    TerritoryKind,
    VisitKind,
)

if TYPE_CHECKING:
    from accounts.models import User

PHONE_INVALID = _(
    "Enter a mainland mobile number (11 digits starting 13–19) or a landline with area code."
)


def validate_phone(value: str) -> None:
    """The phone rule (rules.canonical_phone): anything it cannot read is refused."""
    if value and rules.canonical_phone(value) is None:
        raise ValidationError(PHONE_INVALID, code="invalid_phone")


MERCHANTS_MAX = 1_000_000
NOT_NEGATIVE = MinValueValidator(Decimal("0"), _("The amount cannot be negative."))


def amount_field(label) -> models.DecimalField:
    """An optional amount in CNY, never negative."""
    return models.DecimalField(
        label, max_digits=14, decimal_places=2, null=True, blank=True, validators=[NOT_NEGATIVE]
    )


def normalise_name(name: str) -> str:
    """The form of a name used to spot duplicates: full-width folded, no spaces or punctuation."""
    folded = unicodedata.normalize("NFKC", name or "").casefold()
    return re.sub(r"[\s\W_]+", "", folded)


def normalise_phone(phone: str) -> str:
    """Digits of the canonical number, so '+86 138 1234 5678' and '13812345678' match
    (digits only for what is not a whole number, such as a search for '1234')."""
    text = rules.canonical_phone(phone) or phone
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", text or ""))


# --- Territories -----------------------------------------------------------------


class TerritoryQuerySet(models.QuerySet):
    def visible_to(self, user: User):
        """Territories are places, not client records: everyone in the branch sees them."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_administrator:
            return self
        return self.filter(branch_id=user.branch_id)

    def worked_by_team(self, supervisor: User):
        """Territories the supervisor or someone in their team works."""
        # A subquery, not a join on managers: no duplicate rows, so the counts below need
        # no DISTINCT (which sorted every prospect of the branch).
        links = Territory.managers.through.objects.filter(
            Q(user=supervisor) | Q(user__supervisor=supervisor)
        )
        return self.filter(pk__in=links.values("territory"))

    # The counts read only (territory, stage), so PostgreSQL answers them from the
    # (territory, stage) index in one grouped pass. Each territory row joins its
    # prospects once: chain no other to-many join before these.
    def with_counts(self):
        """Annotate clients won and prospects in play (one query for a whole list)."""
        return self.annotate(
            clients_won=Count("prospects__stage", filter=Q(prospects__stage=Stage.CLIENT)),
            prospects_total=Count("prospects__stage"),
        )

    def with_stage_counts(self):
        """Annotate `stage_<value>` with the number of prospects at each stage."""
        return self.annotate(
            **{
                f"stage_{value}": Count("prospects__stage", filter=Q(prospects__stage=value))
                for value in Stage.values
            }
        )


class Territory(models.Model):
    """A 片区: a market, mall, street, park or association with a known number of merchants.

    Handbook §1: concentrate on one area before the whole market — the useful
    figure is penetration, clients won / merchants in the territory.
    """

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=TerritoryKind.choices)
    branch = models.ForeignKey(
        "accounts.Branch",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="territories",
    )
    merchant_count = models.PositiveIntegerField(
        _("estimated merchants"),
        validators=[
            MinValueValidator(1, _("A territory has at least one merchant.")),
            # A market, a mall or a street: a million merchants is a slip of the keyboard.
            MaxValueValidator(
                MERCHANTS_MAX,
                _("More than %(limit_value)s merchants in one territory cannot be right."),
            ),
        ],
        help_text=_("How many merchants the territory holds, roughly."),
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("managers"),
        related_name="territories",
        blank=True,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "name"], name="territory_unique_name"),
            models.CheckConstraint(
                condition=Q(merchant_count__gte=1), name="territory_has_merchants"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # The one place the merchant count changes: its history keeps past months honest.
        previous = getattr(self, "_loaded_merchant_count", None)
        deferred = "merchant_count" in self.get_deferred_fields()
        super().save(*args, **kwargs)
        if not deferred and previous != self.merchant_count:
            MerchantCountChange.objects.create(
                territory=self, merchant_count=self.merchant_count, changed_on=timezone.localdate()
            )
            self._loaded_merchant_count = self.merchant_count

    def get_absolute_url(self) -> str:
        return reverse("prospects:territory_detail", args=[self.pk])

    @classmethod
    def from_db(cls, db, field_names, values):
        territory = super().from_db(db, field_names, values)
        territory._loaded_merchant_count = territory.__dict__.get("merchant_count")
        return territory


# --- Industries --------------------------------------------------------------------


class Industry(models.Model):
    """A curated industry with the handbook's signals (§1, industry research)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    preferred = models.BooleanField(
        _("preferred industry"), default=False, help_text=_("Wholesale trade (批发贸易).")
    )
    large_cash_flow = models.BooleanField(
        _("large cash flow"), default=False, help_text=_("For example hotels and restaurants.")
    )
    financing_need = models.BooleanField(
        _("needs financing"),
        default=False,
        help_text=_("For example investment companies and real estate."),
    )

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["-preferred", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def signals(self) -> list[str]:
        """The handbook's signals this industry carries, as the manager reads them."""
        flags = (
            (self.preferred, _("Preferred industry")),
            (self.large_cash_flow, _("Large cash flow")),
            (self.financing_need, _("Needs financing")),
        )
        return [str(label) for flag, label in flags if flag]


# --- Prospects ---------------------------------------------------------------------


def next_action_overdue(today: date) -> Q:
    """Open, and the next action's date has passed: ProspectQuerySet.overdue, as a condition
    that grouped counts (the team overview) can use too."""
    return ~Q(stage__in=CLOSED_STAGES) & Q(next_action_date__lt=today)


def contact_intervals() -> dict[str, int]:
    """Days without a real contact allowed per stage (rules.CONTACT_INTERVAL_DAYS, or
    settings.PROSPECTS_CONTACT_INTERVAL_DAYS)."""
    return dict(getattr(settings, "PROSPECTS_CONTACT_INTERVAL_DAYS", rules.CONTACT_INTERVAL_DAYS))


# Asks more credit than judged reasonable (rules.credit_gap > 0), as a condition.
BEYOND_REASONABLE = Q(credit_requested__gt=F("credit_reasonable"))


class ProspectQuerySet(OwnedQuerySet):
    owner_field = "owner"

    def open(self):
        """Still being worked: not lost and not declined."""
        return self.exclude(stage__in=CLOSED_STAGES)

    def clients(self):
        return self.filter(stage=Stage.CLIENT)

    def overdue(self, today: date):
        """The next action's date has passed (handbook §1: keep every follow-up); the
        same rule as rules.prospect_overdue."""
        return self.filter(next_action_overdue(today))

    def work_first(self, today: date):
        """Due and overdue follow-ups first (the oldest first), then the rest, last updated
        first: the default order of the list, so imported leads do not bury the day's work."""
        due = Q(next_action_date__lte=today) & ~Q(stage__in=CLOSED_STAGES)
        return self.alias(
            due_first=Case(When(due, then=0), default=1),
            due_date=Case(When(due, then=F("next_action_date")), default=None),
        ).order_by("due_first", "due_date", "-updated_at", "-pk")

    def due_by(self, day: date):
        """Overdue or due on `day`: the agenda's next actions."""
        return self.open().filter(next_action_date__lte=day)

    def with_contact_dates(self):
        """Annotate `last_contact` (last real contact) and `stage_since` (when the current
        stage was reached), what rules.contact_overdue reads (grouped per prospect)."""
        return self.annotate(
            last_contact=models.Max(
                "visits__visited_on", filter=Q(visits__outcome__in=CONTACT_OUTCOMES)
            ),
            stage_since=models.Max("stage_changes__changed_on"),
        )

    def contact_overdue(self, today: date):
        """Not really contacted for the stage's N days: the same rule as
        rules.contact_overdue, in SQL."""
        intervals = contact_intervals()
        due = Q(pk__in=[])
        for stage, days in intervals.items():
            cutoff = today - timedelta(days=days)
            due |= (
                Q(stage=stage)
                & (Q(last_contact__isnull=True) | Q(last_contact__lte=cutoff))
                & (Q(stage_since__isnull=True) | Q(stage_since__lte=cutoff))
            )
        # Grouped per prospect in a subquery, so the result keeps its ordering and can be
        # counted or grouped again (the overview's count per person).
        neglected = self.filter(stage__in=intervals).with_contact_dates().filter(due)
        return self.filter(pk__in=neglected.values("pk"))

    def asking_beyond_reasonable(self):
        """Clients asking more credit than the manager judges reasonable (rules.credit_gap > 0)."""
        return self.filter(BEYOND_REASONABLE)

    def won_between(self, start: date | None, end: date | None):
        """Prospects that became a client between `start` and `end` (inclusive), by the
        dated stage changes — a client lost since still counts as won then."""
        changes = ProspectStageChange.objects.filter(
            prospect=models.OuterRef("pk"), to_stage=Stage.CLIENT
        )
        if start is not None:
            changes = changes.filter(changed_on__gte=start)
        if end is not None:
            changes = changes.filter(changed_on__lte=end)
        return self.filter(models.Exists(changes))

    def for_list(self):
        """What a list row shows, in a constant number of queries."""
        return self.select_related("industry", "territory", "owner")

    def of_team(self, supervisor: User):
        """The supervisor's team's prospects, not their own."""
        return self.visible_to(supervisor).exclude(owner=supervisor)

    def filter_next_action_from(self, day: date):
        return self.filter(next_action_date__gte=day)

    def for_detail(self):
        return self.select_related("industry", "territory", "owner", "referred_by")

    def referred_by(self, prospect: Prospect):
        """The prospects `prospect` referred (以点带面)."""
        return self.filter(referred_by=prospect).select_related("owner").order_by("name")

    def search(self, text: str):
        # No stored text holds a NUL (forms refuse it), and PostgreSQL refuses it in a query.
        text = (text or "").replace("\x00", "").strip()
        if not text:
            return self
        digits = normalise_phone(text)
        query = Q(name__icontains=text) | Q(contact_name__icontains=text) | Q(phone__icontains=text)
        if len(digits) >= 4:
            query |= Q(phone_key__contains=digits)
        return self.filter(query)

    def possible_duplicates(
        self,
        *,
        branch,
        names: Iterable[str] = (),
        phones: Iterable[str] = (),
        exclude_pk: int | None = None,
    ):
        """Prospects in `branch` with the same (normalised) name or phone, in one query.

        Not scoped to the user on purpose: a duplicate owned by a colleague is
        exactly what a manager must be warned about before creating another. Its callers
        tell of one the person does not see by its owner alone, never its name or stage.
        """
        name_keys = {key for key in map(normalise_name, names) if key}
        phone_keys = {key for key in map(normalise_phone, phones) if key}
        if not name_keys and not phone_keys:
            return self.none()
        queryset = self.filter(
            Q(name_key__in=name_keys) | Q(phone_key__in=phone_keys), branch=branch
        ).select_related("owner")
        if exclude_pk is not None:
            queryset = queryset.exclude(pk=exclude_pk)
        return queryset

    def referral_ranking(self):
        """Referrers ranked by how many prospects they brought and how many became clients."""
        # Filtering on the referrals first makes it an inner join from the referred
        # prospects (a few), instead of grouping every visible prospect.
        return (
            self.filter(referrals__isnull=False)
            .annotate(
                referred_count=Count("referrals"),
                referred_clients=Count("referrals", filter=Q(referrals__stage=Stage.CLIENT)),
            )
            .order_by("-referred_count", "-referred_clients", "name", "pk")
        )


class Prospect(models.Model):
    """A merchant or person the manager courts — a prospect, and later a client."""

    name = models.CharField(_("name"), max_length=200)
    name_key = models.CharField(max_length=200, editable=False, db_index=False)
    kind = models.CharField(
        _("kind"), max_length=20, choices=ProspectKind.choices, default=ProspectKind.SOLE_TRADER
    )
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("industry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="prospects",
    )
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territory"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="prospects",
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=100, blank=True)
    contact_role = models.CharField(_("contact role"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    phone_key = models.CharField(max_length=30, editable=False, blank=True)

    source = models.CharField(_("source"), max_length=30, choices=Source.choices)
    referred_by = models.ForeignKey(
        "self",
        verbose_name=_("referred by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        help_text=_("The client who introduced this prospect."),
    )
    competitor_bank = models.CharField(_("competing bank"), max_length=100, blank=True)
    association = models.CharField(_("association"), max_length=100, blank=True)

    branch = models.ForeignKey(
        "accounts.Branch",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="prospects",
        editable=False,
        null=True,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="prospects",
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.LEAD)
    closed_reason = models.TextField(
        _("reason lost or declined"), blank=True, help_text=_("Why it was lost or declined.")
    )
    became_client_on = models.DateField(_("became a client on"), null=True, blank=True)
    is_assigned_account = models.BooleanField(
        _("assigned territory account"),
        default=False,
        help_text=_("An account assigned to your territory (划片账户), to maintain and mine."),
    )

    # Handbook §1: know each client's 三品.
    character_notes = models.TextField(_("character (人品)"), blank=True)
    assets_notes = models.TextField(_("assets (物品)"), blank=True)
    products_notes = models.TextField(_("products (产品)"), blank=True)

    estimated_credit_need = amount_field(_("estimated credit need (CNY)"))
    monthly_sales = amount_field(_("monthly sales (CNY)"))
    next_action = models.CharField(_("next action"), max_length=200, blank=True)
    next_action_date = models.DateField(_("next action date"), null=True, blank=True)
    # The merchant list it came from, so a list of imported leads can be found (and set aside).
    import_batch = models.ForeignKey(
        "prospects.ImportBatch",
        verbose_name=_("imported from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="prospects",
    )
    # Handbook §1: a client that grew with us may ask more than is prudent — support the
    # reasonable part fully, cap the excess.
    credit_requested = amount_field(_("credit the client asks for (CNY)"))
    credit_reasonable = amount_field(_("credit judged reasonable (CNY)"))

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Counts the saves: an edit from a page drawn at an older version is refused (save_edit).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ProspectQuerySet.as_manager()

    class Meta:
        verbose_name = _("prospect")
        verbose_name_plural = _("prospects")
        ordering = ["-updated_at"]
        indexes = [
            # The list's orders, each with the primary key as tie-breaker (accounts.pagination):
            # a manager's page is an index walk, not a sort of every row they own.
            models.Index(fields=["owner", "-updated_at", "-id"], name="prospect_owner_updated"),
            models.Index(fields=["owner", "name", "id"], name="prospect_owner_name"),
            models.Index(fields=["owner", "stage", "id"], name="prospect_owner_stage_id"),
            models.Index(fields=["owner", "next_action_date", "id"], name="prospect_owner_next_id"),
            models.Index(fields=["branch", "name_key"], name="prospect_branch_name"),
            models.Index(fields=["branch", "phone_key"], name="prospect_branch_phone"),
            models.Index(fields=["territory", "stage"], name="prospect_territory_stage"),
            models.Index(fields=["source"], name="prospect_source"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(referred_by=F("pk")), name="prospect_not_self_referred"
            ),
            models.CheckConstraint(
                condition=Q(estimated_credit_need__isnull=True) | Q(estimated_credit_need__gte=0),
                name="prospect_credit_need_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(monthly_sales__isnull=True) | Q(monthly_sales__gte=0),
                name="prospect_monthly_sales_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        """Every stage change and every move to another territory passes here, so here each
        is recorded with its date; and every change of hands, so here the prospect's records
        follow their new owner."""
        previous = getattr(self, "_loaded_stage", None)
        previous_territory = getattr(self, "_loaded_territory", None)
        adding = self._state.adding
        self.name_key = normalise_name(self.name)
        self.phone_key = normalise_phone(self.phone)
        if self.branch_id is None and self.owner_id is not None:
            self.branch_id = self.owner.branch_id
        if self.stage == Stage.CLIENT and self.became_client_on is None:
            self.became_client_on = timezone.localdate()
        loaded_version = self.__dict__.get("version")
        if not adding:
            # Moved on in the UPDATE itself, not from this copy's number: two copies saved
            # at once (a visit logged while the prospect is edited) never write the same
            # version, so the editor's stale page is always refused.
            self.version = F("version") + 1
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields,
                "name_key",
                "phone_key",
                "became_client_on",
                "updated_at",
                "version",
            }
        stage_saved = self._writes("stage", update_fields)
        owner_saved = self._writes("owner", update_fields)
        territory_saved = self._writes("territory", update_fields)
        with transaction.atomic():
            try:
                super().save(*args, **kwargs)
            except BaseException:
                self.version = loaded_version  # nothing was written
                raise
            if not adding:
                # The number the UPDATE wrote (ours until the transaction ends).
                self.version = (
                    Prospect._base_manager.filter(pk=self.pk)
                    .values_list("version", flat=True)
                    .get()
                )
            if owner_saved and not adding:
                # The records follow the owner just written, whatever this copy held before:
                # a stale copy, or two hand-overs at once, must not leave them behind.
                for records in (self.visits, self.promises, self.hospitality):
                    records.exclude(owner_id=self.owner_id).update(owner_id=self.owner_id)
            if stage_saved and previous != self.stage:
                ProspectStageChange.objects.create(
                    prospect=self,
                    from_stage=previous or "",
                    to_stage=self.stage,
                    changed_on=timezone.localdate(),
                )
                self._loaded_stage = self.stage
            # From its creation on, even in no territory: else the first territory it is
            # given would seem to have held it since the start (history.stages_in).
            if territory_saved and (adding or previous_territory != self.territory_id):
                ProspectTerritoryChange.objects.create(
                    prospect=self, territory_id=self.territory_id, changed_on=timezone.localdate()
                )
                self._loaded_territory = self.territory_id

    def get_absolute_url(self) -> str:
        return reverse("prospects:detail", args=[self.pk])

    def save_edit(self, *, expected_version: int | None) -> None:
        """Save an edit made on a page drawn at `expected_version`.

        Raises EditConflict, saving nothing, when someone saved the prospect since: the
        row is locked while its version is compared, so of two editors of one page the
        second always learns of the first.
        """
        with transaction.atomic():
            self.version = locked_version(Prospect, self.pk, expected_version)
            self.save()

    def _writes(self, field: str, update_fields) -> bool:
        """Whether this save writes `field`: the fields it names, or every loaded one."""
        attname = self._meta.get_field(field).attname
        if update_fields is None:
            return attname not in self.get_deferred_fields()
        return bool({field, attname} & set(update_fields))

    @classmethod
    def from_db(cls, db, field_names, values):
        prospect = super().from_db(db, field_names, values)
        prospect._loaded_stage = prospect.__dict__.get("stage")
        prospect._loaded_territory = prospect.__dict__.get("territory_id")
        return prospect

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.pk is not None and self.referred_by_id == self.pk:
            errors["referred_by"] = _("A prospect cannot refer itself.")
        if self.stage in CLOSED_STAGES and not self.closed_reason.strip():
            errors["closed_reason"] = _("Say why the prospect was lost or declined.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_closed(self) -> bool:
        return self.stage in CLOSED_STAGES

    @property
    def credit_gap(self) -> Decimal | None:
        return rules.credit_gap(requested=self.credit_requested, reasonable=self.credit_reasonable)

    def is_overdue(self, today: date) -> bool:
        return rules.prospect_overdue(
            stage=self.stage, next_action_date=self.next_action_date, today=today
        )

    def reassign(self, *, to: User) -> None:
        """A supervisor hands the prospect to another person (auditlog records the change)."""
        self.owner = to
        self.save(update_fields=["owner"])


class StageChangeQuerySet(models.QuerySet):
    def history_rows(self) -> list[tuple[int, date, str]]:
        """(prospect, day, stage reached) in order: what `rules.stage_on` reads."""
        return list(
            self.order_by("prospect_id", "changed_on", "pk").values_list(
                "prospect_id", "changed_on", "to_stage"
            )
        )


class ProspectStageChange(models.Model):
    """A prospect moved from one stage to another on a day.

    Written by Prospect.save(), the one place stages change; from these rows
    'was it a client at the end of March?' is answered without rewriting March
    when the client is lost in May.
    """

    prospect = models.ForeignKey(
        Prospect,
        verbose_name=_("prospect"),
        on_delete=models.CASCADE,
        related_name="stage_changes",
    )
    from_stage = models.CharField(_("from stage"), max_length=20, blank=True)
    to_stage = models.CharField(_("to stage"), max_length=20, choices=Stage.choices)
    changed_on = models.DateField(_("changed on"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = StageChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["changed_on", "pk"]
        indexes = [
            models.Index(fields=["prospect", "changed_on"], name="stage_change_prospect"),
            models.Index(fields=["to_stage", "changed_on"], name="stage_change_to"),
        ]

    def __str__(self) -> str:
        return f"{self.prospect_id}: {self.from_stage} → {self.to_stage} ({self.changed_on})"

    @classmethod
    def record_entries(cls, prospects: Iterable[Prospect]) -> None:
        """Prospects created in bulk (bypassing save()) enter their stage, and their
        territory, today."""
        prospects = list(prospects)
        today = timezone.localdate()
        cls.objects.bulk_create(
            [cls(prospect=p, to_stage=p.stage, changed_on=today) for p in prospects],
            batch_size=500,
        )
        ProspectTerritoryChange.objects.bulk_create(
            [
                ProspectTerritoryChange(prospect=p, territory_id=p.territory_id, changed_on=today)
                for p in prospects
            ],
            batch_size=500,
        )


class TerritoryChangeQuerySet(models.QuerySet):
    def history_rows(self) -> list[tuple[int, date, int | None]]:
        """(prospect, day, territory from then on) in order: what history.stages_in reads."""
        return list(
            self.order_by("prospect_id", "changed_on", "pk").values_list(
                "prospect_id", "changed_on", "territory_id"
            )
        )


class ProspectTerritoryChange(models.Model):
    """From a day on, a prospect was in a territory (or in none: `territory` empty).

    Written by Prospect.save() when a prospect is created and whenever it moves, and by
    ProspectStageChange.record_entries for prospects created in bulk; from these rows a
    month's penetration counts the prospects that were in the territory at its end, not
    the ones that are there today.
    """

    prospect = models.ForeignKey(
        Prospect,
        verbose_name=_("prospect"),
        on_delete=models.CASCADE,
        related_name="territory_changes",
    )
    # A deleted territory takes its history with it, as its merchant counts go.
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territory"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="prospect_moves",
    )
    changed_on = models.DateField(_("changed on"))

    objects = TerritoryChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("territory change")
        verbose_name_plural = _("territory changes")
        ordering = ["changed_on", "pk"]
        indexes = [
            # "Every prospect ever in this territory", answered from the index alone.
            models.Index(fields=["territory", "prospect"], name="territory_change_territory"),
        ]

    def __str__(self) -> str:
        return f"{self.prospect_id}: {self.territory_id} ({self.changed_on})"


class MerchantCountChange(models.Model):
    """A territory's merchant estimate from a day on (written by Territory.save())."""

    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territory"),
        on_delete=models.CASCADE,
        related_name="merchant_count_changes",
    )
    merchant_count = models.PositiveIntegerField(_("estimated merchants"))
    changed_on = models.DateField(_("changed on"))

    class Meta:
        verbose_name = _("merchant count change")
        verbose_name_plural = _("merchant count changes")
        ordering = ["changed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.territory_id}: {self.merchant_count} ({self.changed_on})"


# --- A prospect's records ---------------------------------------------------------------


class ProspectRecord(models.Model):
    """A record about one prospect: a visit, a promise, a hospitality entry.

    It carries its prospect's owner, so who may see it is decided on its own row: a
    person's or a team's records are read by index instead of through a join with every
    prospect of the team (issue 13). Set when the record is made or moved to another
    prospect; Prospect.save carries it along when the prospect changes hands. Code that
    bypasses save() (bulk_create) sets it itself.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,  # each model's indexes lead with it
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        update_fields = kwargs.get("update_fields")
        if self._state.adding or self.prospect_id != getattr(self, "_loaded_prospect_id", None):
            # A new record, or one moved to another prospect, takes that prospect's owner as
            # the database holds it, the prospect row locked until this record is saved: a
            # hand-over then waits for it and carries it along.
            with transaction.atomic():
                self.owner_id = (
                    Prospect.objects.select_for_update()
                    .values_list("owner_id", flat=True)
                    .get(pk=self.prospect_id)
                )
                if update_fields is not None:
                    kwargs["update_fields"] = {*update_fields, "owner"}
                super().save(*args, **kwargs)
        else:
            # Never written back from memory: the prospect may have changed hands since this
            # copy was read, and Prospect.save has moved the row already.
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key
                and field.name != "owner"
                and (
                    update_fields is None
                    or field.name in update_fields
                    or field.attname in update_fields
                )
            ]
            super().save(*args, **kwargs)
        self._loaded_prospect_id = self.prospect_id

    @classmethod
    def from_db(cls, db, field_names, values):
        record = super().from_db(db, field_names, values)
        record._loaded_prospect_id = record.__dict__.get("prospect_id")
        return record


# --- Visits -------------------------------------------------------------------------


class VisitQuerySet(OwnedQuerySet):
    owner_field = "owner"

    def planned(self):
        return self.filter(outcome=Outcome.PLANNED)

    def contacts(self):
        """Visits that reached the client: the SQL side of rules.counts_as_contact."""
        return self.filter(outcome__in=CONTACT_OUTCOMES)

    def planned_from(self, day: date):
        return self.planned().filter(visited_on__gte=day)

    def planned_until(self, day: date):
        """Planned visits up to `day`, including past ones whose outcome is not yet recorded."""
        return self.planned().filter(visited_on__lte=day)

    def not_reached(self):
        """Done, but nobody was reached (turned away, no answer, rescheduled)."""
        return self.exclude(outcome=Outcome.PLANNED).exclude(outcome__in=CONTACT_OUTCOMES)


class Visit(ProspectRecord):
    """A visit, call or meeting with a prospect (拜访记录), done or planned."""

    prospect = models.ForeignKey(
        Prospect, verbose_name=_("prospect"), on_delete=models.CASCADE, related_name="visits"
    )
    visited_on = models.DateField(_("date"))
    at_time = models.TimeField(_("time"), null=True, blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=VisitKind.choices, default=VisitKind.ON_SITE
    )
    appointment = models.BooleanField(_("appointment made"), default=False)
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices, blank=True)
    met_whom = models.CharField(_("who was met"), max_length=100, blank=True)
    learned = models.TextField(_("what was learned"), blank=True)
    intermediary = models.CharField(
        _("intermediary (引荐人)"),
        max_length=100,
        blank=True,
        help_text=_("Someone who knows the management and can introduce you."),
    )
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    next_step_date = models.DateField(_("next step date"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-at_time", "-pk"]
        indexes = [
            # With the outcome, a prospect's last real contact (with_contact_dates) is read
            # from the index alone: the team's out-of-contact count, 15.5 → 13 ms.
            models.Index(
                fields=["prospect", "visited_on", "outcome"], name="visit_prospect_date_outcome"
            ),
            # With the outcome, a team's visits of the month are counted from the index
            # alone (the overview's visit figures: 5.4 → 2.6 ms at bank scale).
            models.Index(
                fields=["owner", "visited_on", "outcome"], name="visit_owner_date_outcome"
            ),
            models.Index(fields=["outcome", "visited_on"], name="visit_outcome_date"),
        ]

    def __str__(self) -> str:
        return f"{self.prospect} · {self.visited_on}"

    @property
    def is_planned(self) -> bool:
        return self.outcome == Outcome.PLANNED

    @property
    def turned_away(self) -> bool:
        return self.outcome == Outcome.TURNED_AWAY


# --- Hospitality and gifts -------------------------------------------------------------


class HospitalityQuerySet(OwnedQuerySet):
    owner_field = "owner"

    def flagged(self, threshold: Decimal | None = None):
        """Handbook §1 (keep a proper distance): the client paid for a meal, or a gift at
        or above the threshold — the same rule as rules.hospitality_flagged."""
        if threshold is None:
            threshold = settings.HOSPITALITY_FLAG_THRESHOLD_CNY
        return self.filter(
            Q(kind=HospitalityKind.MEAL, paid_by=PaidBy.CLIENT)
            | Q(kind=HospitalityKind.GIFT, value__gte=threshold)
        )

    def awaiting_review(self):
        """Not yet acknowledged by the supervisor (a questioned entry still awaits)."""
        return self.exclude(review=HospitalityReview.ACKNOWLEDGED)

    def reviewable_by(self, user: User):
        """The flagged entries `user` may review: permissions.can_review_hospitality in SQL
        (never one they recorded, nor one about their own client)."""
        return self.flagged().filter(reviewed_records(user))

    def for_list(self):
        return self.select_related("prospect", "prospect__owner", "recorded_by", "reviewed_by")


class HospitalityEntry(ProspectRecord):
    """An entry in the hospitality and gifts register (宴请与礼品登记)."""

    prospect = models.ForeignKey(
        Prospect,
        verbose_name=_("prospect"),
        on_delete=models.CASCADE,
        related_name="hospitality",
    )
    occurred_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=HospitalityKind.choices)
    paid_by = models.CharField(_("who paid"), max_length=10, choices=PaidBy.choices)
    value = models.DecimalField(
        _("estimated value (CNY)"), max_digits=10, decimal_places=2, validators=[NOT_NEGATIVE]
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # The supervisor's review of a flagged entry (handbook §1: a judgment call the
    # supervisor should be able to see).
    review = models.CharField(
        _("review"), max_length=20, choices=HospitalityReview.choices, blank=True
    )
    review_comment = models.TextField(_("supervisor's comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    answer = models.TextField(_("manager's answer"), blank=True)

    objects = HospitalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("hospitality entry")
        verbose_name_plural = _("hospitality entries")
        ordering = ["-occurred_on", "-pk"]
        indexes = [
            models.Index(fields=["prospect", "occurred_on"], name="hospitality_prospect"),
            models.Index(fields=["owner", "occurred_on"], name="hospitality_owner_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="hospitality_value_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.prospect} · {self.get_kind_display()} · {self.occurred_on}"

    @property
    def flagged(self) -> bool:
        return rules.hospitality_flagged(
            kind=self.kind,
            paid_by=self.paid_by,
            value=self.value,
            threshold=settings.HOSPITALITY_FLAG_THRESHOLD_CNY,
        )

    @property
    def awaiting_review(self) -> bool:
        return self.flagged and self.review != HospitalityReview.ACKNOWLEDGED

    def record_review(self, *, by: User, review: str, comment: str, on: date) -> None:
        """The supervisor acknowledges a flagged entry, or questions it back to the manager."""
        if not self.flagged:
            raise ValidationError(_("Only a flagged entry is reviewed."))
        if review not in (HospitalityReview.ACKNOWLEDGED, HospitalityReview.QUESTIONED):
            raise ValidationError({"review": _("Acknowledge the entry or question it.")})
        if review == HospitalityReview.QUESTIONED and not comment.strip():
            raise ValidationError({"comment": _("Say what you want the manager to explain.")})
        self.review = review
        self.review_comment = comment.strip()
        self.reviewed_by = by
        self.reviewed_on = on
        self.save(update_fields=["review", "review_comment", "reviewed_by", "reviewed_on"])

    def answer_question(self, *, answer: str) -> None:
        """The manager answers the supervisor's question; the entry awaits review again."""
        if self.review != HospitalityReview.QUESTIONED:
            raise ValidationError(_("Only a questioned entry is answered."))
        if not answer.strip():
            raise ValidationError({"answer": _("Write your answer.")})
        self.answer = answer.strip()
        self.review = HospitalityReview.AWAITING
        self.save(update_fields=["answer", "review"])


# --- Promises ----------------------------------------------------------------------------


class PromiseQuerySet(OwnedQuerySet):
    owner_field = "owner"

    def open(self):
        return self.filter(status=PromiseStatus.OPEN)

    def overdue(self, today: date):
        """Open promises past their date (handbook §1: a promise made must be kept)."""
        return self.open().filter(due_on__lt=today)

    def due_by(self, day: date):
        return self.open().filter(due_on__lte=day)

    def unconsulted(self):
        """Made without asking a supervisor or an experienced colleague first (先请示)."""
        return self.filter(consulted__isnull=True)

    def unconsulted_awaiting_review(self):
        """先请示 flags the supervisor (the mentor, for a trainee) has not yet looked at."""
        return self.unconsulted().filter(unconsulted_seen_by__isnull=True)

    def unconsulted_seeable_by(self, user: User):
        """The promises made alone that `user` may mark seen: permissions.can_mark_unconsulted_seen
        in SQL (never one they recorded, nor one to their own client)."""
        return self.unconsulted().filter(reviewed_records(user))

    def of_team(self, supervisor: User):
        """The promises of the supervisor's team, not their own."""
        return self.visible_to(supervisor).exclude(owner=supervisor)

    def for_list(self):
        return self.select_related("prospect", "consulted")


class Promise(ProspectRecord):
    """What was promised to a client, by when (承诺). Handbook §1: do not promise what you
    cannot deliver; ask first; keep it; if it cannot be kept, explain and compensate."""

    prospect = models.ForeignKey(
        Prospect, verbose_name=_("client"), on_delete=models.CASCADE, related_name="promises"
    )
    description = models.TextField(_("what was promised"))
    made_on = models.DateField(_("promised on"), default=timezone.localdate)
    due_on = models.DateField(_("due by"))
    consulted = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor consulted"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who you asked before promising (先请示)."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PromiseStatus.choices, default=PromiseStatus.OPEN
    )
    explanation = models.TextField(_("how it was explained to the client"), blank=True)
    compensation = models.TextField(_("compensation"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    loss_caused = models.BooleanField(_("the client suffered a loss"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # 先请示 is a flag, not a block: a promise made alone is seen by the supervisor.
    unconsulted_seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made alone — seen by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    unconsulted_seen_on = models.DateField(_("made alone — seen on"), null=True, blank=True)

    objects = PromiseQuerySet.as_manager()

    class Meta:
        verbose_name = _("promise")
        verbose_name_plural = _("promises")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="promise_status_due"),
            models.Index(fields=["owner", "status", "due_on"], name="promise_owner_status_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=PromiseStatus.CANNOT_KEEP)
                | (~Q(explanation="") & ~Q(compensation="")),
                name="promise_broken_is_explained",
            ),
            models.CheckConstraint(
                condition=~Q(status=PromiseStatus.DECLINED_RULES)
                | (~Q(explanation="") & (Q(loss_caused=False) | ~Q(compensation=""))),
                name="promise_declined_is_explained",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prospect}: {self.description[:40]}"

    @property
    def is_open(self) -> bool:
        return self.status == PromiseStatus.OPEN

    @property
    def made_alone(self) -> bool:
        """先请示: nobody was consulted before promising."""
        return self.consulted_id is None

    def is_overdue(self, today: date) -> bool:
        return rules.promise_overdue(status=self.status, due_on=self.due_on, today=today)

    def mark_kept(self, *, on: date) -> None:
        if not self.is_open:
            raise ValidationError(_("Only an open promise can be closed."))
        self.status = PromiseStatus.KEPT
        self.closed_on = on
        self.save(update_fields=["status", "closed_on"])

    def mark_cannot_keep(self, *, explanation: str, compensation: str, on: date) -> None:
        """Handbook §1: a promise that cannot be kept is explained; a loss we caused is compensated."""
        if not self.is_open:
            raise ValidationError(_("Only an open promise can be closed."))
        errors = {}
        if not explanation.strip():
            errors["explanation"] = _("Say how it was explained to the client.")
        if not compensation.strip():
            errors["compensation"] = _("Say what compensation was offered, or write “none”.")
        if errors:
            raise ValidationError(errors)
        self.status = PromiseStatus.CANNOT_KEEP
        self.explanation = explanation.strip()
        self.compensation = compensation.strip()
        self.closed_on = on
        self.save(update_fields=["status", "explanation", "compensation", "closed_on"])

    def mark_declined_for_rules(
        self, *, reason: str, loss_caused: bool, compensation: str, on: date
    ) -> None:
        """Handbook §1: a promise made must be kept, unless keeping it would break the
        bank's rules or ethics. The reason is recorded; compensation only for a loss caused."""
        if not self.is_open:
            raise ValidationError(_("Only an open promise can be closed."))
        errors = {}
        if not reason.strip():
            errors["reason"] = _("Say which rule or principle keeping it would break.")
        if loss_caused and not compensation.strip():
            errors["compensation"] = _("Say how the client's loss is compensated.")
        if errors:
            raise ValidationError(errors)
        self.status = PromiseStatus.DECLINED_RULES
        self.explanation = reason.strip()
        self.loss_caused = loss_caused
        self.compensation = compensation.strip() if loss_caused else ""
        self.closed_on = on
        self.save(
            update_fields=["status", "explanation", "loss_caused", "compensation", "closed_on"]
        )

    def mark_unconsulted_seen(self, *, by: User, on: date) -> None:
        """The supervisor has looked at a promise made without asking first."""
        if not self.made_alone:
            raise ValidationError(_("This promise was made after asking first."))
        self.unconsulted_seen_by = by
        self.unconsulted_seen_on = on
        self.save(update_fields=["unconsulted_seen_by", "unconsulted_seen_on"])


# --- Other banks courting a client, and attachments ------------------------------------------


class CompetingOffer(models.Model):
    """Another bank courting our client (handbook §1: protect the bank while others court it)."""

    prospect = models.ForeignKey(
        Prospect,
        verbose_name=_("client"),
        on_delete=models.CASCADE,
        related_name="competing_offers",
    )
    bank = models.CharField(_("bank"), max_length=100)
    offer = models.CharField(_("what they offer"), max_length=300)
    learned_on = models.DateField(_("learned on"), default=timezone.localdate)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("competing offer")
        verbose_name_plural = _("competing offers")
        ordering = ["-learned_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.prospect}: {self.bank}"


class AttachmentKind(models.TextChoices):
    LICENCE = "licence", _("Business licence")
    ID = "id", _("ID card")
    SHOP_PHOTO = "shop_photo", _("Shop photo")
    OTHER = "other", _("Other")


def _private_storage():
    from django.core.files.storage import storages

    return storages["private"]


def attachment_path(instance: Attachment, filename: str) -> str:
    # Never the uploaded name: it may carry a client's name; the type comes from the bytes.
    return f"prospects/{instance.prospect_id}/{uuid.uuid4().hex}.{instance.extension}"


class Attachment(models.Model):
    """A business licence, ID or shop photo on a client, kept in private storage and
    served only to those who see the client."""

    prospect = models.ForeignKey(
        Prospect, verbose_name=_("client"), on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), storage=_private_storage, upload_to=attachment_path)
    content_type = models.CharField(_("content type"), max_length=100)
    extension = models.CharField(max_length=10, editable=False)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["kind", "-created_at"]

    def __str__(self) -> str:
        return f"{self.prospect}: {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("prospects:attachment", args=[self.pk])

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


# --- Handovers -----------------------------------------------------------------------------


class Handover(models.Model):
    """A leaving (or moving) manager's clients handed to a teammate in one action.

    The record of the handover itself; each prospect's owner change is also in
    the audit trail.
    """

    # What the other apps moved with the clients, in sentences (not stored: the audit
    # trail has each change); set by services.prospects_hand_over for its message.
    followed: tuple[str, ...] = ()

    from_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed over by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed over to"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=200)
    prospects = models.ManyToManyField(
        Prospect, verbose_name=_("prospects"), related_name="handovers"
    )
    open_promises = models.PositiveIntegerField(_("open promises"), default=0)
    planned_visits = models.PositiveIntegerField(_("planned visits"), default=0)
    created_at = models.DateTimeField(_("handed over at"), auto_now_add=True)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.from_person} → {self.to_person} ({self.created_at:%Y-%m-%d})"


# --- Import batches (owned by the import feature) -----------------------------------------


class ImportBatchQuerySet(OwnedQuerySet):
    # Only the person who uploaded a file (and their supervisor) may see or commit it.
    owner_field = "created_by"

    def stale(self, before):
        """Uploads never imported, left from earlier days (their files are dropped): never
        confirmed, or queued with no worker since."""
        return self.filter(created_at__lt=before).filter(
            models.Q(status=ImportStatus.PREVIEW)
            | models.Q(status=ImportStatus.QUEUED, queued_at__lt=before)
        )


# 20,000 rows are imported in about 10 s: a file queued this long has no worker.
IMPORT_STALLED_AFTER = timedelta(minutes=10)


class ImportBatch(models.Model):
    """An uploaded merchant list, kept between the preview and the commit.

    The file's bytes stay in the database until the rows are imported, so the
    commit checks exactly what the preview showed; nothing is saved before.
    """

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territory"),
        on_delete=models.CASCADE,
        related_name="import_batches",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner of the imported prospects"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    source = models.CharField(
        _("source"), max_length=30, choices=Source.choices, default=Source.ASSOCIATION
    )
    association = models.CharField(_("association"), max_length=100, blank=True)
    file_name = models.CharField(_("file"), max_length=255)
    data = models.BinaryField(editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.PREVIEW
    )
    imported_count = models.PositiveIntegerField(_("prospects imported"), default=0)
    # What the person agreed to leave out, so the batch says so after the import.
    left_out_bad = models.PositiveIntegerField(_("rows with errors left out"), default=0)
    left_out_duplicates = models.PositiveIntegerField(_("duplicate rows left out"), default=0)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    committed_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    # A long file is imported by the background worker, as the person confirmed it:
    # the columns, the sheet, what to leave out, who, and in which language to refuse.
    commit_request = models.JSONField(_("import as confirmed"), default=dict, blank=True)
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    # Why the worker imported nothing (the file is back to being checked).
    refusal = models.TextField(_("why nothing was imported"), blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name

    def get_absolute_url(self) -> str:
        return reverse("prospects:import_preview", args=[self.pk])

    @property
    def is_committed(self) -> bool:
        return self.status == ImportStatus.COMMITTED

    @property
    def is_queued(self) -> bool:
        return self.status == ImportStatus.QUEUED

    @property
    def is_stalled(self) -> bool:
        """Queued for longer than any import takes: no worker is running, or the one that
        took it was stopped (nothing was saved). The person may confirm it again."""
        return (
            self.is_queued
            and self.queued_at is not None
            and timezone.now() - self.queued_at > IMPORT_STALLED_AFTER
        )

    @property
    def is_waiting(self) -> bool:
        """Queued, and a worker may still be on it: the page waits rather than offer it again."""
        return self.is_queued and not self.is_stalled

    def send_back(self, reason: str) -> None:
        """The worker imported nothing: back to the preview, saying why."""
        self.status = ImportStatus.PREVIEW
        self.refusal = reason
        self.save(update_fields=["status", "refusal"])

    def mark_committed(self, *, count: int, left_out_bad: int, left_out_duplicates: int) -> None:
        self.status = ImportStatus.COMMITTED
        self.imported_count = count
        self.left_out_bad, self.left_out_duplicates = left_out_bad, left_out_duplicates
        self.committed_at = timezone.now()
        self.data = b""  # the rows now live as prospects; the file is not kept
        self.refusal = ""
        self.save(
            update_fields=[
                "status",
                "imported_count",
                "left_out_bad",
                "left_out_duplicates",
                "committed_at",
                "data",
                "refusal",
            ]
        )


# --- Exports written in the background -------------------------------------------------------


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Being written")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


# A worker picks a queued export up within seconds and saves its progress every few seconds:
# this long without either, no worker is on it (none running, or it was killed).
EXPORT_STALLED_AFTER = timedelta(minutes=10)
EXPORT_FINISHED = (ExportStatus.READY, ExportStatus.FAILED)


def _export_kept_since(now):
    return now - timedelta(days=settings.PROSPECT_EXPORT_KEEP_DAYS)


class ProspectExportQuerySet(models.QuerySet):
    def of(self, user: User):
        """An export is the file of the person who asked for it: nobody else's, whatever
        their role (it holds the rows that person saw)."""
        return self.filter(requested_by=user)

    def kept(self, now):
        """Exports younger than PROSPECT_EXPORT_KEEP_DAYS: the others are gone for everyone."""
        return self.filter(created_at__gte=_export_kept_since(now))

    def expired(self, now):
        return self.filter(created_at__lt=_export_kept_since(now))

    def in_progress(self, now):
        """Queued or being written, and not stalled (the same rule as is_stalled)."""
        return self.exclude(status__in=EXPORT_FINISHED).filter(
            updated_at__gte=now - EXPORT_STALLED_AFTER
        )


def export_path(instance: ProspectExport, filename: str) -> str:
    return f"exports/{instance.requested_by_id}/{uuid.uuid4().hex}.{instance.file_format}"


class ProspectExport(models.Model):
    """A large export, written by a background task and offered when ready: the rows the
    person can see when the worker writes it, with the list's filters they had chosen."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    file_format = models.CharField(_("format"), max_length=10)
    query = models.TextField(_("filters"), blank=True)  # the list's query string
    language = models.CharField(_("language"), max_length=10)  # the file's words, as the page's
    status = models.CharField(
        _("status"), max_length=20, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    written_rows = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), storage=_private_storage, upload_to=export_path, blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    # Saved with every change and every progress step: how the page knows a worker is on it.
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = ProspectExportQuerySet.as_manager()

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["requested_by", "created_at"], name="export_person_created")
        ]

    def __str__(self) -> str:
        return f"{self.requested_by} {self.created_at:%Y-%m-%d %H:%M} .{self.file_format}"

    def get_absolute_url(self) -> str:
        return reverse("prospects:export_status", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in EXPORT_FINISHED

    @property
    def is_stalled(self) -> bool:
        """Unfinished with no news for EXPORT_STALLED_AFTER (as in_progress, in SQL)."""
        return not self.is_finished and timezone.now() - self.updated_at > EXPORT_STALLED_AFTER

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.READY:
            return 100
        return min(99, self.written_rows * 100 // self.total_rows) if self.total_rows else 0

    @property
    def file_name(self) -> str:
        return f"prospects-{timezone.localdate(self.created_at).isoformat()}.{self.file_format}"


@receiver(post_delete, sender=ProspectExport)
def _export_file_goes_too(sender, instance: ProspectExport, **kwargs) -> None:
    """A deleted export's file goes with it once the deletion is committed (a rollback
    keeps both): an old export, or everything of a person deleted."""
    if instance.file:
        storage, name = instance.file.storage, instance.file.name
        transaction.on_commit(lambda: storage.delete(name))


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def _exports_stay_with_the_team(sender, instance: User, update_fields=None, **kwargs) -> None:
    """A person moved to another supervisor: the former supervisor's exports may list the
    person's clients, whom they no longer see, so they are withdrawn (as with a handover).
    A person given another role, or whose account is closed, loses their own: each holds
    what their role showed them then (a demoted administrator's, the whole bank)."""
    watched = {"supervisor", "role", "is_active"}
    if instance.pk is None or (update_fields is not None and not watched & set(update_fields)):
        return  # a new person, or a save of other fields (a sign-in's last_login)
    before = (
        sender.objects.filter(pk=instance.pk)
        .values_list("supervisor_id", "role", "is_active")
        .first()
    )
    if before is None:
        return
    supervisor, role, active = before
    if supervisor is not None and supervisor != instance.supervisor_id:
        ProspectExport.objects.filter(requested_by_id=supervisor).delete()
    if role != instance.role or (active and not instance.is_active):
        ProspectExport.objects.filter(requested_by_id=instance.pk).delete()
