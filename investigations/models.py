"""Loan due-diligence investigations (贷款调查, handbook §2).

An investigation belongs to one prospect and its owner. Its checklist — 3 internal
queries then 5 external verifications — is created with it and never shortened or
reordered. Its status moves only through `TRANSITIONS`, by
`Investigation.apply_transition` (called from `investigations.services`), which
checks, saves and records the event in one place.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.policy import (
    CASEWORK_ROLES,
    OwnedQuerySet,
    needs_administrator_review,
    needs_administrator_review_q,
)
from investigations import rules

if TYPE_CHECKING:
    from accounts.models import User

MONEY = {"max_digits": 14, "decimal_places": 2}
NOT_NEGATIVE = MinValueValidator(Decimal("0"), _("The amount cannot be negative."))
DEFAULT_PRODUCT = "短期流动资金贷款"
# Handbook §2 via issue 8: a draft left this long shows on the owner's agenda.
STALE_DRAFT_DAYS = 7


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class Action(models.TextChoices):
    CREATE = "create", _("Started")
    SUBMIT = "submit", _("Submitted")
    RETURN = "return", _("Returned")
    APPROVE = "approve", _("Approved")
    DECLINE = "decline", _("Declined")


# The one table of allowed moves: action → (statuses it starts from, status it ends in).
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    Action.SUBMIT: (frozenset({Status.DRAFT, Status.RETURNED}), Status.SUBMITTED),
    Action.RETURN: (frozenset({Status.SUBMITTED}), Status.RETURNED),
    Action.APPROVE: (frozenset({Status.SUBMITTED}), Status.APPROVED),
    Action.DECLINE: (frozenset({Status.SUBMITTED}), Status.DECLINED),
}
EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})
DECIDED = frozenset({Status.APPROVED, Status.DECLINED})


class TransitionRefused(Exception):
    """The move is not allowed from the investigation's current state (or the page was stale)."""

    def __init__(self, reason: str, *, current_status: str = "") -> None:
        super().__init__(reason)
        self.reason = reason  # "stale" or "status"
        self.current_status = current_status


class RiskRating(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


# Four eyes: who took part in the work may not decide on it, whoever owns it now (a client
# handed over meanwhile takes its investigation along): started it, changed anything of it
# (details, findings, figures, checklist, guarantors, collateral, inquiries, files) or
# submitted it. Each of those records its person as a Contributor (services).


def took_part(person) -> Q:
    """The investigations `person` (a user, or an OuterRef to one) took part in."""
    return Q(Exists(Contributor.objects.filter(investigation=OuterRef("pk"), person=person)))


class InvestigationQuerySet(OwnedQuerySet):
    owner_field = "owner"
    # Trainees see no investigations at all.
    visible_roles = CASEWORK_ROLES

    def awaiting_review_by(self, user: User):
        """The reviewer's queue: a supervisor's team's submissions; an administrator's
        holds the work of those without a supervisor (supervisors). Never their own."""
        submitted = (
            self.filter(status=Status.SUBMITTED).exclude(owner=user).exclude(took_part(user))
        )
        if user.is_administrator:
            # Also the team's work its supervisor took part in, or cannot decide on any
            # more (Investigation.reviewed_by_administrator).
            return submitted.filter(
                needs_administrator_review_q("owner") | took_part(OuterRef("owner__supervisor"))
            )
        if user.is_supervisor:
            return submitted.filter(owner__supervisor=user)
        return self.none()

    def readable_by(self, user: User):
        """What `user` may read (the report, its PDF and files), never change: what they see
        (`visible_to`), and the decided investigations of the clients they see now. A client
        handed over leaves its decided investigations with who investigated (their work,
        their team's record); the client's new manager, and who sees that manager's records,
        must still read what was found and decided before. Editing, deciding and the lists
        of one's own work ask `visible_to`."""
        from prospects.models import Prospect

        seen = self.visible_to(user)
        if not user.is_authenticated or user.is_administrator:
            return seen  # nothing, or everything
        if user.role not in self.visible_roles:
            return seen  # trainees see no investigation, whoever's client it is
        clients = Prospect.objects.visible_to(user).values("pk")
        # Two IN subqueries on this table's own columns: no OR across a join.
        return self.filter(
            Q(pk__in=seen.values("pk")) | Q(status__in=DECIDED, prospect__in=clients)
        )

    def returned_to(self, user: User):
        return self.filter(owner=user, status=Status.RETURNED)

    def stale_drafts(self, user: User, now: datetime):
        return self.filter(
            owner=user,
            status=Status.DRAFT,
            created_at__lt=now - timedelta(days=STALE_DRAFT_DAYS),
        )

    def for_list(self):
        return self.select_related("prospect", "owner")

    def for_page(self):
        """Everything the page and the report show, in a fixed number of queries."""
        return self.select_related(
            "prospect", "owner", "owner__supervisor", "submitted_by", "decided_by"
        ).prefetch_related(
            models.Prefetch(
                "items",
                queryset=ChecklistItem.objects.select_related("done_by").prefetch_related(
                    models.Prefetch(
                        "evidence", queryset=EvidenceFile.objects.select_related("uploaded_by")
                    ),
                    "review_comments",
                ),
            ),
            "guarantors",
            "collateral",
            "side_inquiries",
            "contributors",
            models.Prefetch("evidence", queryset=EvidenceFile.objects.select_related("item")),
            models.Prefetch(
                "events",
                queryset=InvestigationEvent.objects.select_related("by").prefetch_related(
                    models.Prefetch(
                        "item_comments", queryset=ReviewComment.objects.select_related("item")
                    )
                ),
            ),
        )


class Investigation(models.Model):
    """贷款调查: one loan request's due diligence, from draft to a reviewer's decision."""

    prospect = models.ForeignKey(
        "prospects.Prospect",
        verbose_name=_("borrower"),
        on_delete=models.PROTECT,
        related_name="investigations",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="investigations",
    )
    amount = models.DecimalField(
        _("amount requested (CNY)"),
        **MONEY,
        validators=[
            MinValueValidator(Decimal("0.01"), _("The amount must be more than zero.")),
            MaxValueValidator(rules.AMOUNT_MAX, _("More than 1 billion yuan cannot be right.")),
        ],
    )
    term_months = models.PositiveSmallIntegerField(
        _("term (months)"),
        validators=[
            MinValueValidator(1, _("The term is at least one month.")),
            MaxValueValidator(rules.TERM_MAX_MONTHS, _("The term is at most 360 months.")),
        ],
    )
    product = models.CharField(_("product"), max_length=100, default=DEFAULT_PRODUCT)
    purpose = models.TextField(_("stated purpose"))
    existing_loans = models.DecimalField(
        _("existing loans at this bank (CNY)"),
        **MONEY,
        default=Decimal("0"),
        validators=[NOT_NEGATIVE],
        help_text=_("The borrower's outstanding loans here, before this one."),
    )

    # Findings by topic (handbook §2): short structured fields plus narrative.
    licence_valid = models.BooleanField(
        _("business licence valid and in its own name"), null=True, blank=True
    )
    legal_standing = models.TextField(_("legal standing (主体资格)"), blank=True)
    years_in_business = models.PositiveSmallIntegerField(
        _("years in business"), null=True, blank=True, validators=[MaxValueValidator(200)]
    )
    # A small-business borrower: a figure beyond this is a slip of the keyboard (and the
    # database's own limit, which SQLite puts at 2^63, is no message to show a person).
    employees = models.PositiveIntegerField(
        _("employees"), null=True, blank=True, validators=[MaxValueValidator(1_000_000)]
    )
    operations = models.TextField(_("operations (经营状况)"), blank=True)
    finances = models.TextField(_("finances (财务状况)"), blank=True)
    bad_credit_found = models.BooleanField(
        _("overdue loans or bad credit found"), null=True, blank=True
    )
    credit = models.TextField(_("credit (信用状况)"), blank=True)
    purpose_matches = models.BooleanField(
        _("the money will be used as stated"), null=True, blank=True
    )
    purpose_finding = models.TextField(_("loan purpose (贷款用途)"), blank=True)
    risk_rating = models.CharField(_("risk"), max_length=10, choices=RiskRating.choices, blank=True)
    return_and_risk = models.TextField(_("the bank's return and risk"), blank=True)

    # Financials (handbook §2, decision inputs). Net assets are computed, never typed.
    total_assets = models.DecimalField(
        _("total assets (CNY)"), **MONEY, null=True, blank=True, validators=[NOT_NEGATIVE]
    )
    total_liabilities = models.DecimalField(
        _("total liabilities (CNY)"), **MONEY, null=True, blank=True, validators=[NOT_NEGATIVE]
    )
    monthly_sales = models.DecimalField(
        _("monthly sales (CNY)"), **MONEY, null=True, blank=True, validators=[NOT_NEGATIVE]
    )
    sales_settlement = models.CharField(
        _("how sales are settled (货款结算方式)"), max_length=200, blank=True
    )
    receivables_collection = models.TextField(
        _("how receivables come back (货款回笼情况)"), blank=True
    )
    output_value = models.DecimalField(
        _("yearly output value (产值, CNY)"),
        **MONEY,
        null=True,
        blank=True,
        validators=[NOT_NEGATIVE],
    )

    # China's credit-reporting rules: the bureau is queried only with written consent.
    credit_authorized_on = models.DateField(
        _("borrower's written authorization for the credit query, dated"), null=True, blank=True
    )

    cover_justification = models.TextField(
        _("why the loan should go ahead with cover below 2.0"), blank=True
    )
    approval_reason = models.TextField(
        _("reviewer's reason for approving with cover below 2.0"), blank=True
    )

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    # Bumped on every change: a decision names the version it saw, so a stale page is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = InvestigationQuerySet.as_manager()

    class Meta:
        verbose_name = _("investigation")
        verbose_name_plural = _("investigations")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["owner", "status"], name="investigation_owner_status"),
            models.Index(fields=["status", "submitted_at"], name="investigation_queue"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0) & Q(amount__lte=rules.AMOUNT_MAX),
                name="investigation_amount_range",
            ),
            models.CheckConstraint(
                condition=Q(term_months__gte=1) & Q(term_months__lte=rules.TERM_MAX_MONTHS),
                name="investigation_term_range",
            ),
            models.CheckConstraint(
                condition=Q(existing_loans__gte=0), name="investigation_existing_loans"
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="investigation_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prospect} · ¥{self.amount}"

    def get_absolute_url(self) -> str:
        return reverse("investigations:detail", args=[self.pk])

    # --- Figures ----------------------------------------------------------------
    @property
    def net_assets(self) -> Decimal | None:
        return rules.net_assets(self.total_assets, self.total_liabilities)

    @property
    def loans_to_cover(self) -> Decimal:
        return self.existing_loans + self.amount

    def guarantor_net_assets(self) -> list[Decimal]:
        """The guarantors' net assets (from the prefetched rows when there are any)."""
        return [g.net_assets for g in self.guarantors.all() if g.net_assets is not None]

    @property
    def cover(self) -> Decimal | None:
        return rules.guarantor_cover(self.guarantor_net_assets(), self.existing_loans, self.amount)

    @property
    def cover_shown(self) -> Decimal | None:
        return rules.cover_display(self.cover)

    @property
    def cover_ok(self) -> bool:
        return rules.cover_sufficient(self.cover)

    @property
    def output_fits(self) -> bool | None:
        return rules.output_fits(self.output_value, self.amount)

    @property
    def collateral_doubtful(self) -> bool:
        return any(collateral.doubtful for collateral in self.collateral.all())

    @property
    def adverse_findings(self) -> list[str]:
        """The on-site findings that speak against the loan (an answer, not a blank):
        approving despite them is an exception whose reason goes on record."""
        adverse = {"licence_valid": False, "bad_credit_found": True, "purpose_matches": False}
        return [
            _("%(name)s: %(checks)s")
            % {
                "name": self._meta.get_field(name).verbose_name,
                "checks": _("yes") if against else _("no"),
            }
            for name, against in adverse.items()
            if getattr(self, name) is against
        ]

    @property
    def blacklist_hit(self) -> bool:
        return any(item.blacklist_hit for item in self.items.all())

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def is_decided(self) -> bool:
        return self.status in DECIDED

    @property
    def decided_before_handover(self) -> bool:
        """Decided, and its client has since gone to another manager: it stays with who
        investigated, and the client's new manager reads it (`readable_by`)."""
        return self.is_decided and self.owner_id != self.prospect.owner_id

    @property
    def awaiting_review(self) -> bool:
        return self.status == Status.SUBMITTED

    def took_part(self, person_id: int | None) -> bool:
        """The rule of `took_part` on this one (from the prefetched contributors)."""
        return person_id is not None and any(
            contributor.person_id == person_id for contributor in self.contributors.all()
        )

    @property
    def reviewed_by_administrator(self) -> bool:
        """Nobody in the team may decide: the owner has no supervisor who may decide
        (none, or one who left or is no longer a supervisor), or the supervisor took part
        in the work (their own client, handed to a team member)."""
        return needs_administrator_review(self.owner) or self.took_part(self.owner.supervisor_id)

    def age_days(self, today: date) -> int:
        """Days since submission (the review queue's age)."""
        if self.submitted_at is None:
            return 0
        return (today - timezone.localdate(self.submitted_at)).days

    def issues(self) -> list[ChecklistItem]:
        return [item for item in self.items.all() if item.status == ItemStatus.ISSUE]

    def decision_event(self) -> InvestigationEvent | None:
        decided = [e for e in self.events.all() if e.action in (Action.APPROVE, Action.DECLINE)]
        return decided[-1] if decided else None

    def last_return(self) -> InvestigationEvent | None:
        returns = [e for e in self.events.all() if e.action == Action.RETURN]
        return returns[-1] if returns else None

    # --- The state machine ----------------------------------------------------------
    def apply_transition(
        self, action: str, *, by: User, seen_version: int, comment: str = "", **fields
    ) -> InvestigationEvent:
        """Move along `TRANSITIONS`, save and record the event.

        Call inside a transaction on a row fetched with `select_for_update()`: the
        status and version checked here are then the committed ones, so of two people
        acting at the same moment exactly one succeeds (the other gets
        `TransitionRefused`). `seen_version` is the version the actor's page showed.
        """
        sources, target = TRANSITIONS[action]
        if self.status not in sources:
            raise TransitionRefused("status", current_status=self.status)
        if self.version != seen_version:
            raise TransitionRefused("stale", current_status=self.status)
        previous = self.status
        self.status = target
        self.version += 1
        for name, value in fields.items():
            setattr(self, name, value)
        self.save()
        return InvestigationEvent.objects.create(
            investigation=self,
            action=action,
            from_status=previous,
            to_status=target,
            by=by,
            comment=comment,
        )


class ItemKind(models.TextChoices):
    """Handbook §2: the fixed checklist, in this order."""

    CREDIT_BUREAU = "credit_bureau", _("Credit bureau query (征信系统查询)")
    BLACKLIST = "blacklist", _("Blacklist query (黑名单查询)")
    LEDGER = "ledger", _("Ledger accounts query (分户账查询)")
    LEGAL_STANDING = "legal_standing", _("Legal standing verified (主体资格核实)")
    OPERATIONS = "operations", _("Operations verified (经营状况核实)")
    CREDIT = "credit", _("Credit standing verified (信用状况核实)")
    ASSETS = "assets", _("Assets and liabilities verified (资产负债核实)")
    PURPOSE = "purpose", _("Loan purpose verified (贷款用途核实)")


CHECKLIST: tuple[str, ...] = tuple(ItemKind.values)
INTERNAL_QUERIES = frozenset({ItemKind.CREDIT_BUREAU, ItemKind.BLACKLIST, ItemKind.LEDGER})


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("To do")
    CLEAR = "clear", _("Done · nothing found")
    ISSUE = "issue", _("Done · issue found")


class Method(models.TextChoices):
    """Handbook §2: how — on-site and off-site."""

    INTERVIEW = (
        "interview",
        _("On site: talked with the borrower, shareholders, finance staff or employees"),
    )
    INSPECTION = "inspection", _("On site: inspected premises, warehouse and operations")
    BOOKS = "books", _("On site: read the books")
    DOCUMENTS = "documents", _("Off site: documents the borrower submitted")
    ACCOUNTS = "accounts", _("Off site: deposit and loan account records")
    PUBLIC_CREDIT = (
        "public_credit",
        _("Off site: credit data (central bank, other banks, courts, tax, registration)"),
    )
    SIDE_INQUIRY = "side_inquiry", _("Off site: side inquiries")


class ChecklistItem(models.Model):
    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="items", editable=False
    )
    kind = models.CharField(_("item"), max_length=20, choices=ItemKind.choices, editable=False)
    position = models.PositiveSmallIntegerField(editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.PENDING
    )
    methods = models.JSONField(_("methods used"), default=list, blank=True)
    finding = models.TextField(_("what was found"), blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    blacklist_hit = models.BooleanField(_("the borrower is on the blacklist"), default=False)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["investigation", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["investigation", "kind"], name="checklist_item_kind_once"
            ),
            models.UniqueConstraint(
                fields=["investigation", "position"], name="checklist_item_position_once"
            ),
            # Only the blacklist query can record a blacklist hit.
            models.CheckConstraint(
                condition=Q(blacklist_hit=False) | Q(kind=ItemKind.BLACKLIST),
                name="checklist_item_hit_on_blacklist_only",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def is_done(self) -> bool:
        return self.status != ItemStatus.PENDING

    @property
    def is_internal(self) -> bool:
        return self.kind in INTERNAL_QUERIES

    @property
    def anchor(self) -> str:
        return f"item-{self.kind}"

    def method_labels(self) -> list[str]:
        labels = dict(Method.choices)
        return [str(labels[m]) for m in self.methods if m in labels]


class Guarantor(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        COMPANY = "company", _("Company")

    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="guarantors", editable=False
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(_("name"), max_length=200)
    # Blank only on guarantors recorded before the number was asked for; submission
    # waits for it (services.missing_for_submission).
    id_number = models.CharField(
        _("ID number"),
        max_length=18,
        blank=True,
        help_text=_("身份证号 for a person, 统一社会信用代码 for a company"),
    )
    relation = models.CharField(_("relation to the borrower"), max_length=200, blank=True)
    total_assets = models.DecimalField(_("total assets (CNY)"), **MONEY, validators=[NOT_NEGATIVE])
    total_liabilities = models.DecimalField(
        _("total liabilities (CNY)"), **MONEY, validators=[NOT_NEGATIVE]
    )
    legal_standing_checked = models.BooleanField(_("legal standing checked"), default=False)
    repayment_capacity = models.TextField(
        _("capacity to repay in the borrower's place (代偿能力)"), blank=True
    )

    class Meta:
        verbose_name = _("guarantor")
        verbose_name_plural = _("guarantors")
        ordering = ["investigation", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_assets__gte=0) & Q(total_liabilities__gte=0),
                name="guarantor_amounts_not_negative",
            ),
            # Listed twice, one guarantor would count twice towards the 2× cover.
            models.UniqueConstraint(
                fields=["investigation", "id_number"],
                condition=~Q(id_number=""),
                name="guarantor_once_per_investigation",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def net_assets(self) -> Decimal | None:
        return rules.net_assets(self.total_assets, self.total_liabilities)


class Collateral(models.Model):
    class Kind(models.TextChoices):
        MORTGAGE = "mortgage", _("Mortgage (抵押)")
        PLEDGE = "pledge", _("Pledge (质押)")

    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="collateral", editable=False
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    description = models.CharField(_("what it is"), max_length=300)
    appraised_value = models.DecimalField(
        _("appraised value (CNY)"), **MONEY, validators=[NOT_NEGATIVE]
    )
    # Handbook §2: the collateral's four checks, each answered yes or no (None: not yet
    # checked, which stops submission; a "no" is marked for the reviewer).
    legal = models.BooleanField(_("legality (合法性)"), null=True, blank=True, default=None)
    valid = models.BooleanField(_("validity (有效性)"), null=True, blank=True, default=None)
    sufficient = models.BooleanField(_("sufficiency (充足性)"), null=True, blank=True, default=None)
    liquid = models.BooleanField(_("liquidity (变现能力)"), null=True, blank=True, default=None)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("collateral")
        verbose_name_plural = _("collateral")
        ordering = ["investigation", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(appraised_value__gte=0), name="collateral_value_not_negative"
            )
        ]

    def __str__(self) -> str:
        return self.description

    CHECKS = ("legal", "valid", "sufficient", "liquid")

    @property
    def checks(self) -> list[tuple[str, bool | None]]:
        return [(self.check_label(name), getattr(self, name)) for name in self.CHECKS]

    @classmethod
    def check_label(cls, name: str) -> str:
        return str(cls._meta.get_field(name).verbose_name)

    @property
    def failed_checks(self) -> list[str]:
        """The labels of the checks answered "no"."""
        return [self.check_label(name) for name in self.CHECKS if getattr(self, name) is False]

    @property
    def doubtful(self) -> bool:
        """A check answered "no": what the reviewer must see, and justify when approving."""
        return bool(self.failed_checks)


class SideInquiry(models.Model):
    """侧面调查 — handbook §2: the main cure for information asymmetry."""

    class Whom(models.TextChoices):
        CUSTOMER = "customer", _("The borrower's customer")
        PEER = "peer", _("A peer in the trade")
        NEIGHBOUR = "neighbour", _("A neighbour")
        FRIEND = "friend", _("A friend")
        COMMUNITY = "community", _("The community")

    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="side_inquiries", editable=False
    )
    whom = models.CharField(_("whom"), max_length=20, choices=Whom.choices)
    who = models.CharField(_("who, in a few words"), max_length=200, blank=True)
    learned = models.TextField(_("what was learned"))
    private_borrowing_found = models.BooleanField(_("private borrowing found"), default=False)
    asked_on = models.DateField(_("asked on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("side inquiry")
        verbose_name_plural = _("side inquiries")
        ordering = ["investigation", "asked_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_whom_display()} {self.who}".strip()


class EvidencePurpose(models.TextChoices):
    ITEM = "item", _("Checklist evidence")
    AUTHORIZATION = "authorization", _("Written authorization for the credit query")
    GENERAL = "general", _("Other evidence")


class EvidenceFile(models.Model):
    """A PDF, image or .xlsx kept in the private "evidence" storage (settings.STORAGES),
    never under a static or media URL; served only by `investigations:evidence`."""

    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="evidence", editable=False
    )
    item = models.ForeignKey(
        ChecklistItem,
        verbose_name=_("checklist item"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
    )
    purpose = models.CharField(
        _("purpose"), max_length=20, choices=EvidencePurpose.choices, default=EvidencePurpose.ITEM
    )
    name = models.CharField(_("file name"), max_length=255)
    stored_name = models.CharField(max_length=255, editable=False)
    content_type = models.CharField(max_length=100, editable=False)
    size = models.PositiveIntegerField(_("size"), editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("investigations:evidence", args=[self.pk])


class Contributor(models.Model):
    """Someone who worked on the investigation — started it, changed anything of it or
    submitted it — whoever owns it now: four eyes refuses them its decision (`took_part`)."""

    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="contributors", editable=False
    )
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("contributor")
        verbose_name_plural = _("contributors")
        constraints = [
            models.UniqueConstraint(
                fields=["investigation", "person"], name="investigation_contributor_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.investigation}"


class InvestigationEvent(models.Model):
    """One step of the timeline: who did what, when, with which comment."""

    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="events", editable=False
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("investigation step")
        verbose_name_plural = _("investigation steps")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.by}"


class ReviewComment(models.Model):
    """A reviewer's comment on one checklist item when returning an investigation."""

    event = models.ForeignKey(
        InvestigationEvent, on_delete=models.CASCADE, related_name="item_comments"
    )
    item = models.ForeignKey(
        ChecklistItem, on_delete=models.CASCADE, related_name="review_comments"
    )
    text = models.TextField(_("comment"))

    class Meta:
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")
        ordering = ["event", "item__position"]

    def __str__(self) -> str:
        return self.text
