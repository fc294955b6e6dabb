"""Complaints (投诉) and client questions awaiting an answer (待答复咨询), handbook §3.

Both are a `Case`: the same daily-feedback rule, the same feedback log, the same
reminders. A question turned into a complaint keeps its row, and so its history.
Every change of status goes through `Case.apply` and the one transition table.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case as SqlCase
from django.db.models import F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.dates import implausible
from accounts.models import Role, User
from accounts.policy import CASEWORK_ROLES, OwnedQuerySet
from complaints import rules
from prospects.models import validate_phone


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    QUESTION = "question", _("Question awaiting an answer")


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    COUNTER = "counter", _("At the counter")
    VISIT = "visit", _("During a visit")
    LETTER = "letter", _("Letter")
    ONLINE = "online", _("Online")
    REGULATOR = "regulator", _("Forwarded by a regulator")


class Category(models.TextChoices):
    ATTITUDE = "attitude", _("Service attitude")
    FEES = "fees", _("Fees")
    LOAN_PROCESS = "loan_process", _("Loan process")
    PRODUCT = "product", _("Product")
    OTHER = "other", _("Other")


class Mood(models.TextChoices):
    CALM = "calm", _("Calm")
    ANNOYED = "annoyed", _("Annoyed")
    DISAPPOINTED = "disappointed", _("Disappointed")
    ANGRY = "angry", _("Angry")


class Status(models.TextChoices):
    # The handbook's five steps, in order (§3), then closing.
    LISTEN = "listen", _("1 Listen and record")
    ACKNOWLEDGE = "acknowledge", _("2 Acknowledge the feelings")
    RESPOND = "respond", _("3 Respond at once")
    FEEDBACK = "feedback", _("4 Keep giving feedback")
    EXCEED = "exceed", _("5 Exceed expectations")
    CLOSING = "closing", _("Ready to close")
    CLOSED = "closed", _("Closed")
    # A question the manager promised to come back on.
    ASKED = "asked", _("Awaiting an answer")
    ANSWERED = "answered", _("Answered")


FINISHED = frozenset({Status.CLOSED, Status.ANSWERED})
OPEN_COMPLAINT = frozenset(
    {Status.LISTEN, Status.ACKNOWLEDGE, Status.RESPOND, Status.FEEDBACK, Status.EXCEED}
    | {Status.CLOSING}
)


class Action(models.TextChoices):
    RECEIVE = "receive", _("Received")
    LISTEN = "listen", _("Listened and restated")
    ACKNOWLEDGE = "acknowledge", _("Acknowledged the feelings")
    RESPOND = "respond", _("Responded")
    AGREE = "agree", _("Solution agreed")
    EXCEED = "exceed", _("Apologised, thanked, followed up")
    CLOSE = "close", _("Closed")
    REOPEN = "reopen", _("Reopened")
    EXTEND = "extend", _("Deadline extended")
    REASSIGN = "reassign", _("Handler changed")
    ANSWER = "answer", _("Answered")
    CONVERT = "convert", _("Turned into a complaint")


# The one table of allowed transitions: action -> (statuses it may start from, status after).
# None after: the status does not change (an extension, a new handler).
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    Action.LISTEN: (frozenset({Status.LISTEN}), Status.ACKNOWLEDGE),
    Action.ACKNOWLEDGE: (frozenset({Status.ACKNOWLEDGE}), Status.RESPOND),
    Action.RESPOND: (frozenset({Status.RESPOND}), Status.FEEDBACK),
    Action.AGREE: (frozenset({Status.FEEDBACK}), Status.EXCEED),
    Action.EXCEED: (frozenset({Status.EXCEED}), Status.CLOSING),
    Action.CLOSE: (frozenset({Status.CLOSING}), Status.CLOSED),
    Action.REOPEN: (frozenset({Status.CLOSED}), Status.RESPOND),
    Action.EXTEND: (OPEN_COMPLAINT, None),
    Action.REASSIGN: (OPEN_COMPLAINT | {Status.ASKED}, None),
    Action.ANSWER: (frozenset({Status.ASKED}), Status.ANSWERED),
    Action.CONVERT: (frozenset({Status.ASKED}), Status.LISTEN),
}
# The five steps as the case page walks them: (status while the step is next, its action).
STEPS: tuple[tuple[str, str], ...] = (
    (Status.LISTEN, Action.LISTEN),
    (Status.ACKNOWLEDGE, Action.ACKNOWLEDGE),
    (Status.RESPOND, Action.RESPOND),
    (Status.FEEDBACK, Action.AGREE),
    (Status.EXCEED, Action.EXCEED),
)
STEP_ACTIONS = frozenset(action for _status, action in STEPS)
# Steps that are themselves the client hearing from us, as a logged contact is (handbook §3:
# the daily feedback): a solution agreed and the apology are done with the client; a reopened
# case is news to them; a question turned into a complaint is the complaint's receipt.
HEARD_FROM_US = frozenset({Action.AGREE, Action.EXCEED, Action.REOPEN, Action.CONVERT})
# What moves a case along, from its receipt: each is dated no earlier than the one before.
SEQUENCE = frozenset(
    {Action.RECEIVE, *(action for action, (_from, after) in TRANSITIONS.items() if after)}
)
# What each action requires (field -> message), beyond a note.
REQUIRED: dict[str, dict[str, Any]] = {
    Action.CLOSE: {
        "solution": _("Record the solution."),
        "client_told": _("Record what the client was told, including where else they can turn."),
        "root_cause": _("Record the root cause (溯源)."),
        "fix": _("Record the fix that stops it recurring (整改)."),
    },
    Action.ANSWER: {"answer": _("Record the answer given to the client.")},
}


def _in_feedback_state(state: str, now: datetime) -> Q:
    """The feedback state `state` at `now`, as a filter on the last contact."""
    start, end = rules.feedback_window(state, now)
    return Q(
        *([Q(last_contact_at__gte=start)] if start is not None else []),
        *([Q(last_contact_at__lt=end)] if end is not None else []),
    )


class CaseQuerySet(OwnedQuerySet):
    owner_field = "handler"
    visible_roles = CASEWORK_ROLES

    def hidden_from(self, user: User) -> Q | None:
        # Nobody sees a complaint about themselves, not even as the handler's supervisor.
        return Q(about=user) if user.is_authenticated else None

    def of_team(self, supervisor: User):
        return self.visible_to(supervisor).exclude(handler=supervisor)

    def open(self):
        return self.exclude(status__in=FINISHED)

    def handleable_by(self, person: User):
        """`rules.can_handle` in SQL: the cases `person` may handle, none about them."""
        return self.exclude(about=person)

    def movable_in_handover(self, *, from_person: User, to: User, by: User | None = None):
        """What a handover of `from_person`'s clients to `to` may move: no case about `to`
        (handleable_by), nor about anyone who decides on `from_person`'s work — their
        supervisor, an administrator (accounts.policy.decides_on_work_of) — for one of them
        decides the handover (`by`, when known), and nobody decides who handles a complaint
        about themselves. The preview, which is not told who decides, counts the same."""
        deciding = Q(role=Role.ADMINISTRATOR)
        for person_id in (from_person.supervisor_id, by.pk if by else None):
            if person_id is not None:
                deciding |= Q(pk=person_id)
        # A subquery, not a join: the handover locks the rows it reads.
        return self.handleable_by(to).exclude(about__in=User.objects.filter(deciding).values("pk"))

    def finished(self):
        return self.filter(status__in=FINISHED)

    def complaints(self):
        return self.filter(kind=Kind.COMPLAINT)

    def questions(self):
        return self.filter(kind=Kind.QUESTION)

    def in_feedback_state(self, state: str, now: datetime):
        """Open cases whose feedback state at `now` is `state` (rules.feedback_window)."""
        return self.open().filter(_in_feedback_state(state, now))

    def due_today(self, now: datetime):
        return self.in_feedback_state(rules.DUE_TODAY, now)

    def overdue(self, now: datetime):
        return self.in_feedback_state(rules.OVERDUE, now)

    def escalated(self, now: datetime):
        return self.in_feedback_state(rules.ESCALATED, now)

    def needing_feedback(self, now: datetime):
        """Due today, overdue or escalated: every open case the client must hear about today."""
        _start, end = rules.feedback_window(rules.DUE_TODAY, now)
        return self.open().filter(last_contact_at__lt=end)

    def resolution_late(self, today: date):
        return self.open().filter(decide_by__lt=today)

    def decision_due(self, today: date):
        """Open cases whose decision deadline is close, not yet passed (rules.decision_due)."""
        return self.open().filter(
            decide_by__gte=today, decide_by__lte=rules.decision_reminder_from(today)
        )

    def needing_reminder(self, now: datetime):
        """Open cases the handler is reminded of on the morning of `now`: needing feedback,
        or a decision deadline close or passed (rules.reminder_reason is not None)."""
        _start, end = rules.feedback_window(rules.DUE_TODAY, now)
        decide_soon = rules.decision_reminder_from(rules.bank_day(now))
        return self.open().filter(Q(last_contact_at__lt=end) | Q(decide_by__lte=decide_soon))

    def escalating(self, now: datetime):
        """Open cases the handler's supervisor is reminded of too (rules.tells_supervisor)."""
        yesterday = rules.bank_day(now) - timedelta(days=1)
        return self.escalated(now) | self.open().filter(decide_by=yesterday)

    def with_reminder_reason(self, now: datetime):
        """Each case's `reminder_reason` at `now`, in SQL: rules.reminder_reason's order."""
        today = rules.bank_day(now)
        reasons = {
            rules.RESOLUTION_LATE: Q(decide_by__lt=today),
            **{state: _in_feedback_state(state, now) for state in rules.FEEDBACK_STATES},
            rules.DECISION_DUE: Q(decide_by__lte=rules.decision_reminder_from(today)),
        }
        return self.annotate(
            reminder_reason=SqlCase(
                *(When(reasons[reason], then=Value(reason)) for reason in rules.REMINDER_ORDER),
                default=None,
                output_field=models.CharField(),
            )
        )

    def flagged(self, now: datetime):
        """Cases with a badge: needing feedback, or past the decision deadline."""
        _start, end = rules.feedback_window(rules.DUE_TODAY, now)
        return self.open().filter(Q(last_contact_at__lt=end) | Q(decide_by__lt=rules.bank_day(now)))

    def most_urgent_first(self, now: datetime):
        """In the order of the badges the cases show at `now` (rules.BADGE_ORDER: late,
        escalated, overdue, due today, then none), then the longest silence, the nearest
        decision deadline. A question has no deadline: silent for days, it still comes
        before a complaint merely due today."""
        today = rules.bank_day(now)
        shows = {
            rules.RESOLUTION_LATE: Q(decide_by__lt=today),
            **{state: _in_feedback_state(state, now) for state in rules.FEEDBACK_STATES},
        }
        rank = SqlCase(
            *(
                When(shows[badge], then=Value(place))
                for place, badge in enumerate(rules.BADGE_ORDER)
            ),
            default=Value(len(rules.BADGE_ORDER)),
        )
        return self.order_by(
            rank.asc(), "last_contact_at", F("decide_by").asc(nulls_last=True), "pk"
        )

    def for_list(self):
        return self.select_related("prospect", "handler")


class Case(models.Model):
    """A client's complaint, or a question we promised to answer, until it is settled."""

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COMPLAINT)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.LISTEN
    )
    prospect = models.ForeignKey(
        "prospects.Prospect",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    client_name = models.CharField(
        _("client's name"),
        max_length=100,
        blank=True,
        help_text=_("When the person is not on file as a client."),
    )
    # The prospects' phone rule (one rule for every phone number the bank keeps).
    client_phone = models.CharField(
        _("client's phone"), max_length=30, blank=True, validators=[validate_phone]
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.OTHER
    )
    points = models.TextField(
        _("complaint points"), help_text=_("One point per line, in the client's words.")
    )
    mood = models.CharField(_("client's mood"), max_length=20, choices=Mood.choices, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        on_delete=models.PROTECT,
        related_name="handled_cases",
    )
    departments = models.CharField(_("departments involved"), max_length=200, blank=True)
    about = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member complained about"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_about",
        help_text=_("That person can neither handle nor see the complaint."),
    )
    promise = models.ForeignKey(
        "prospects.Promise",
        verbose_name=_("broken promise"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Receipt counts as a contact; kept up to date by `log_contact`, read by every filter.
    last_contact_at = models.DateTimeField(_("last contact"), editable=False)
    decide_by = models.DateField(_("decide by"), null=True, blank=True, editable=False)
    extensions = models.PositiveSmallIntegerField(_("extensions"), default=0, editable=False)
    solution = models.TextField(_("solution"), blank=True)
    client_told = models.TextField(
        _("what the client was told"),
        blank=True,
        help_text=_(
            "The decision, and where else they can turn: the bank's higher level, "
            "mediation, arbitration, court."
        ),
    )
    root_cause = models.TextField(_("root cause"), blank=True)
    fix = models.TextField(_("fix against recurrence"), blank=True)
    answer = models.TextField(_("answer"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["status", "last_contact_at"], name="case_status_contact"),
            models.Index(fields=["handler", "status"], name="case_handler_status"),
            # The open cases of a person or a team, longest silence first: what the agenda,
            # the board and the reminders read (a team's open cases by index, not by
            # filtering every case its people ever handled).
            models.Index(
                fields=["handler", "last_contact_at"],
                condition=~Q(status__in=sorted(FINISHED)),
                name="case_open_handler_contact",
            ),
            models.Index(fields=["closed_at"], name="case_closed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(about__isnull=True) | ~Q(handler=F("about")),
                name="case_handler_not_complained_about",
            ),
            models.CheckConstraint(condition=Q(extensions__lte=2), name="case_extensions_max_2"),
            models.CheckConstraint(
                condition=Q(prospect__isnull=False) | ~Q(client_name=""),
                name="case_has_client",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.CLOSED) | (~Q(solution="") & ~Q(root_cause="")),
                name="case_closed_with_solution_and_cause",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client_label}: {self.first_point}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding:
            self.last_contact_at = self.received_at
        if self.kind == Kind.COMPLAINT:
            self.decide_by = rules.resolution_deadline(self.received_at, self.extensions)
        else:
            self.decide_by = None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "decide_by"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("complaints:detail", args=[self.pk])

    @property
    def client_label(self) -> str:
        return self.prospect.name if self.prospect_id else self.client_name

    @property
    def first_point(self) -> str:
        return (self.points.strip().splitlines() or [""])[0][:60]

    @property
    def point_list(self) -> list[str]:
        return [line.strip() for line in self.points.splitlines() if line.strip()]

    @property
    def is_complaint(self) -> bool:
        return self.kind == Kind.COMPLAINT

    @property
    def is_open(self) -> bool:
        return self.status not in FINISHED

    @property
    def can_be_extended(self) -> bool:
        """An open complaint not yet extended twice (who may approve is Case.extend's)."""
        return self.is_complaint and self.is_open and self.extensions < rules.MAX_EXTENSIONS

    def badge(self, now: datetime | None = None) -> str | None:
        if not self.is_open:
            return None
        return rules.badge(
            last_contact=self.last_contact_at,
            decide_by=self.decide_by,
            now=now or timezone.now(),
        )

    @property
    def feedback_due_on(self) -> date:
        return rules.feedback_due_on(self.last_contact_at)

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.prospect_id is None and not self.client_name.strip():
            errors["client_name"] = _("Choose a client on file, or give the person's name.")
        if self.about_id is not None and self.about_id == self.handler_id:
            errors["handler"] = _(
                "Nobody handles a complaint about themselves: choose someone else."
            )
        if self.received_at and self.received_at > timezone.now():
            errors["received_at"] = _("The time received cannot be in the future.")
        elif problem := implausible(self.received_at) or self.receipt_after_work():
            errors["received_at"] = problem
        if errors:
            raise ValidationError(errors)

    def receipt_after_work(self) -> str | None:
        """Why the time received cannot stand: it is after the first contact or step."""
        if not (self.pk and self.received_at):
            return None
        first = self.first_work_at()
        if first is None or self.received_at <= first:
            return None
        return _("The time received cannot be after the first contact or step (%(at)s).") % {
            "at": timezone.localtime(first).strftime("%Y-%m-%d %H:%M")
        }

    def first_work_at(self) -> datetime | None:
        """The earliest contact or step logged after the receipt (none may come before it).

        A question turned into a complaint was received as one when it was turned: what
        was logged while it was a question comes before, and does not count."""
        contacts = self.contacts.all()
        events = self.events.exclude(action=Action.RECEIVE)
        if converted := self.converted_at():
            contacts, events = contacts.filter(at__gte=converted), events.filter(at__gte=converted)
        contact = contacts.order_by("at").values_list("at", flat=True).first()
        step = events.order_by("at").values_list("at", flat=True).first()
        return min((at for at in (contact, step) if at is not None), default=None)

    def converted_at(self) -> datetime | None:
        """When a question was turned into this complaint (None: it came as a complaint)."""
        return (
            self.events.filter(action=Action.CONVERT).values_list("at", flat=True).first()
            if self.pk
            else None
        )

    # --- State changes: one table, one method -----------------------------------------

    def can(self, action: str) -> bool:
        allowed_from, _after = TRANSITIONS[action]
        return self.status in allowed_from

    def apply(
        self,
        action: str,
        *,
        by: User,
        note: str = "",
        at: datetime | None = None,
        changes: dict[str, Any] | None = None,
    ) -> CaseEvent:
        """Check `action` against the transition table and its requirements, save the
        case, and record the event (with its time and note). Nothing is saved when a
        check fails: a ValidationError names the field.

        The checks read the case's row as locked now, not as it was when the page was
        drawn: of two people recording the same step at once, the second is refused."""
        with transaction.atomic():
            self._lock()
            changes = dict(changes or {})
            now = timezone.now()
            at = at or now
            if action not in TRANSITIONS:
                raise ValueError(f"Unknown action {action!r}")
            if not self.can(action):
                raise ValidationError(
                    _("This cannot be done while the case is at “%(status)s”.")
                    % {"status": self.get_status_display()}
                )
            errors: dict[str, Any] = {}
            _before, after = TRANSITIONS[action]
            problem = rules.contact_time_error(at=at, received=self.received_at, now=now, step=True)
            if problem is None and after is not None:
                problem = rules.step_order_error(at=at, previous=self.last_step_at())
            if problem:
                errors["at"] = problem
            for field, message in REQUIRED.get(action, {}).items():
                if not str(changes.get(field, "")).strip():
                    errors[field] = message
            if action in {Action.REOPEN, Action.EXTEND} and not note.strip():
                errors["note"] = (
                    _("Say why the complaint is reopened.")
                    if action == Action.REOPEN
                    else _("Give the written reason for the extension.")
                )
            if errors:
                raise ValidationError(errors)
            for field, value in changes.items():
                setattr(self, field, value.strip() if isinstance(value, str) else value)
            if after is not None:
                self.status = after
            if action == Action.CONVERT:
                self.kind = Kind.COMPLAINT
                # The regulator's clock starts when the complaint is received: now.
                self.received_at = at
            if action == Action.CLOSE or action == Action.ANSWER:
                self.closed_at = at
            if action == Action.REOPEN:
                self.closed_at = None
            if action in HEARD_FROM_US:
                self.client_heard_from_us(at)
            if self.status in FINISHED:
                # Settled: nothing is left to remind anyone of.
                self.reminders.filter(read_at__isnull=True).update(read_at=now)
            self.save()
            return CaseEvent.objects.create(
                case=self, action=action, at=at, note=note.strip(), by=by
            )

    def client_heard_from_us(self, at: datetime) -> None:
        """The client heard from us at `at` (a logged contact, or a step done with them):
        the daily clock restarts from then, never going back, and the feedback reminders of
        that day and before are answered, for everyone reminded (a contact does not answer
        a decision's deadline). The caller saves the case."""
        self.last_contact_at = max(self.last_contact_at, at)
        Reminder.objects.filter(
            case=self,
            read_at__isnull=True,
            day__lte=rules.bank_day(at),
            reason__in=rules.FEEDBACK_STATES,
        ).update(read_at=timezone.now())

    def _lock(self) -> None:
        """Lock the case's row until the transaction ends, and read it afresh. A no-key
        lock: rows that only point at the case (contacts, reminders) need not wait."""
        self.refresh_from_db(from_queryset=Case._base_manager.select_for_update(no_key=True))

    def last_step_at(self) -> datetime | None:
        """When the case last moved along (its receipt or a step that changed its status;
        not an extension or a new handler): the next step is dated no earlier."""
        return self.events.filter(action__in=SEQUENCE).aggregate(last=models.Max("at"))["last"]

    def extend(self, *, by: User, reason: str, at: datetime | None = None) -> CaseEvent:
        """30 days with a written reason; 60 only with the supervisor's approval. Counted
        on the locked row (apply locks it again, in the same transaction)."""
        with transaction.atomic():
            self._lock()
            if self.extensions >= rules.MAX_EXTENSIONS:
                raise ValidationError(
                    {"note": _("A complaint can be extended twice at most (to 60 days).")}
                )
            # The regulator extends a period still running: once the decision is late, an
            # extension would only hide that it is.
            if rules.resolution_late(self.decide_by, rules.bank_day(at or timezone.now())):
                raise ValidationError(
                    {
                        "note": _(
                            "The decision was due by %(day)s: a deadline that has passed "
                            "cannot be extended."
                        )
                        % {"day": self.decide_by.isoformat()}
                    }
                )
            if self.extensions == 1 and not rules.can_approve_second_extension(
                by, handler=self.handler, about_id=self.about_id
            ):
                raise ValidationError(
                    {"note": _("Only the handler's supervisor can approve a second extension.")}
                )
            return self.apply(
                Action.EXTEND,
                by=by,
                note=reason,
                at=at,
                changes={"extensions": self.extensions + 1},
            )

    def reassign(self, *, to: User, by: User, note: str = "") -> CaseEvent:
        """Give the case to `to`; the step's note names them (or says why, when given).
        The daily clock runs on from the last contact: a new handler is no news to the
        client."""
        with transaction.atomic():
            self._lock()
            if not rules.can_handle(to, about_id=self.about_id):
                refusal = _("Nobody handles a complaint about themselves: choose someone else.")
                raise ValidationError({"handler": refusal})
            if self.about_id == by.pk:
                raise ValidationError(_("Nobody decides who handles a complaint about themselves."))
            return self.apply(Action.REASSIGN, by=by, note=note or str(to), changes={"handler": to})

    @property
    def events_by_action(self) -> dict[str, CaseEvent]:
        """The latest event of each action (needs `events` prefetched)."""
        latest: dict[str, CaseEvent] = {}
        for event in self.events.all():
            latest[event.action] = event
        return latest

    def steps(self) -> list[dict[str, Any]]:
        """The five steps for the case page: done (with time and note), next, or later."""
        done = self.events_by_action
        order = [status for status, _action in STEPS]
        current = order.index(self.status) if self.status in order else len(order)
        return [
            {
                "number": index + 1,
                "status": status,
                "label": Status(status).label,
                "action": action,
                "event": done.get(action) if index < current else None,
                "is_next": index == current,
            }
            for index, (status, action) in enumerate(STEPS)
        ]


class CaseEvent(models.Model):
    """One step, closing, reopening, extension or reassignment: when, who, and the note."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    at = models.DateTimeField(_("time"))
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class ContactMethod(models.TextChoices):
    PHONE = "phone", _("Phone")
    VISIT = "visit", _("Visit")
    SMS = "sms", _("SMS")
    WECHAT = "wechat", _("WeChat")
    LETTER = "letter", _("Letter")


class FeedbackContact(models.Model):
    """One contact with the client while the case is open (反馈记录, handbook §3 step 4)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts")
    at = models.DateTimeField(_("when"), default=timezone.now)
    method = models.CharField(
        _("how"), max_length=20, choices=ContactMethod.choices, default=ContactMethod.PHONE
    )
    said = models.CharField(_("what was said"), max_length=500)
    progress = models.BooleanField(_("progress"), default=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("feedback contact")
        verbose_name_plural = _("feedback contacts")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"], name="contact_case_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.said[:40]}"


class ReminderQuerySet(models.QuerySet):
    def unread_for(self, user: User):
        """The person's unread reminders about cases they can still see: a case handed to
        someone else, moved out of their team or now about them is no longer theirs to
        act on (its page answers 404), and its reminder would stay unread for ever."""
        return self.filter(
            person=user, read_at__isnull=True, case__in=Case.objects.visible_to(user)
        )


class Reminder(models.Model):
    """One reminder to one person about one case on one day: the email's record and the
    in-app notification. The unique constraint is what stops a second run (or a second
    host) from sending again: rows are inserted first, and only a run's own rows are sent."""

    class Reason(models.TextChoices):
        DUE_TODAY = rules.DUE_TODAY, _("Feedback due today")
        OVERDUE = rules.OVERDUE, _("Feedback overdue")
        ESCALATED = rules.ESCALATED, _("Escalated")
        DECISION_DUE = rules.DECISION_DUE, _("Decision deadline near")
        RESOLUTION_LATE = rules.RESOLUTION_LATE, _("Decision deadline passed")

    # The morning sweep inserts ~150,000 rows at bank scale and each index costs on every
    # one: no index of their own for the two keys, since the unique constraint leads with
    # the case and `reminder_unread` with the person.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="case_reminders",
        db_index=False,
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="reminders", db_index=False
    )
    day = models.DateField()
    reason = models.CharField(max_length=20, choices=Reason.choices)
    # Which run inserted the row: a run sends only the rows carrying its own token (found
    # by the id range its INSERT returned, so the column needs no index).
    run = models.CharField(max_length=32)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "person", "day"], name="reminder_once_per_person_case_day"
            )
        ]
        indexes = [models.Index(fields=["person", "read_at"], name="reminder_unread")]

    def __str__(self) -> str:
        return f"{self.person} · {self.case_id} · {self.day}"


class ReminderEmail(models.Model):
    """One email of one run to one person: sent, or why not (one row per person, not per
    case, so recording the outcome costs the same whatever the number of cases)."""

    run = models.CharField(max_length=32)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    cases = models.PositiveIntegerField()
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("reminder email")
        verbose_name_plural = _("reminder emails")
        constraints = [
            models.UniqueConstraint(fields=["run", "person"], name="reminder_email_once_per_run")
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.day} · {self.sent_at or self.error}"
