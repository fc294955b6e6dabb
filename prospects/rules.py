"""Domain rules of handbook §1 as small pure functions."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from statistics import median

import phonenumbers

from prospects.choices import (
    CLOSED_STAGES,
    CONTACT_OUTCOMES,
    HospitalityKind,
    Outcome,
    PaidBy,
    PromiseStatus,
    Source,
    Stage,
    TerritoryKind,
)

PHONE_REGION = "CN"
MAINLAND = 86
# Digits and the separators people type ("+86 (0755) 1234-5678"); letters are not a phone
# here, although the library would read them as a keypad's.
PHONE_CHARACTERS = re.compile(r"[\d\s\-+().]+")
# An extension after the number: "0755-12345678-88", "0755 12345678 转 88".
PHONE_EXTENSION = re.compile(r"(?P<number>.+?)\s*(?:-|转|ext\.?|x)\s*(?P<extension>\d{1,6})", re.I)
# The longest phone anyone types ("+86 (0755) 1234-5678 转 123456") is under 30 characters.
# Longer text is refused before the patterns: PHONE_EXTENSION takes time quadratic in the
# length of a run of spaces, seconds for one spreadsheet cell.
PHONE_MAX_LENGTH = 40

# Handbook §1: turned away at the gate → research, find an intermediary, try again.
TURNED_AWAY_FOLLOW_UP_DAYS = 7


def _mainland_number(text: str) -> phonenumbers.PhoneNumber | None:
    if not PHONE_CHARACTERS.fullmatch(text):
        return None
    try:
        number = phonenumbers.parse(text, PHONE_REGION)
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != MAINLAND or not phonenumbers.is_valid_number(number):
        return None
    return number


def canonical_phone(raw: str) -> str | None:
    """A mainland mobile or landline number in one canonical form, or None when it is not one.

    The one phone rule of the project (the form, the model and the import use it), after
    Google's libphonenumber for region CN: "+86 138 1234 5678" → "13812345678",
    "0755 1234 5678" → "0755-12345678", "010-12345678-123" keeps its extension.
    """
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if len(text) > PHONE_MAX_LENGTH:
        return None
    number, extension = _mainland_number(text), ""
    if number is None and (match := PHONE_EXTENSION.fullmatch(text)):
        number, extension = _mainland_number(match["number"]), match["extension"]
    if number is None:
        return None
    if phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE:
        canonical = phonenumbers.national_significant_number(number)
    else:
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        area, _space, rest = national.partition(" ")
        canonical = f"{area}-{rest.replace(' ', '')}"
    return f"{canonical}-{extension}" if extension else canonical


def penetration(clients_won: int, merchants: int) -> Decimal:
    """Handbook §1 (区域"片"先于市场"面"): clients won ÷ merchants in the territory, 0–1.

    "Better 100% of 10% of the market than 10% of 100%." Capped at 1 when the
    merchant estimate is lower than the clients already won.
    """
    if merchants <= 0:
        return Decimal(0)
    return min(Decimal(1), Decimal(clients_won) / Decimal(merchants)).quantize(Decimal("0.0001"))


def coverage(on_file: int, merchants: int) -> Decimal:
    """Prospects on file ÷ merchants in the territory, 0–1 (how much of it is known at all,
    beside penetration, how much of it is won). Not capped: above 1 the merchant count is
    out of date (merchant_count_outdated)."""
    if merchants <= 0:
        return Decimal(0)
    return (Decimal(on_file) / Decimal(merchants)).quantize(Decimal("0.0001"))


def merchant_count_outdated(*, on_file: int, merchants: int) -> bool:
    """More prospects on file than merchants: the territory's merchant count needs updating."""
    return on_file > merchants


def as_percent(rate: Decimal) -> Decimal:
    """A penetration as a percentage with one decimal: Decimal('0.0333') → Decimal('3.3')."""
    return (rate * 100).quantize(Decimal("0.1"))


def hospitality_flagged(*, kind: str, paid_by: str, value: Decimal, threshold: Decimal) -> bool:
    """Handbook §1 (keep a proper distance): better that we treat the client than the
    client treats us; gifts are a judgment call a supervisor should see.

    Flagged: a meal the client paid for, or a gift worth at least the threshold
    (settings.HOSPITALITY_FLAG_THRESHOLD_CNY). HospitalityQuerySet.flagged is the same
    rule in SQL (tests/prospects/test_rules_sql.py proves them equal).
    """
    if kind == HospitalityKind.MEAL and paid_by == PaidBy.CLIENT:
        return True
    return kind == HospitalityKind.GIFT and value >= threshold


def promise_overdue(*, status: str, due_on: date, today: date) -> bool:
    """Handbook §1: a promise made must be kept — an open one past its date is overdue
    (due today is not yet). The SQL form is PromiseQuerySet.overdue."""
    return status == PromiseStatus.OPEN and due_on < today


def prospect_overdue(*, stage: str, next_action_date: date | None, today: date) -> bool:
    """A follow-up whose date has passed (due today is not yet overdue); a lost or
    declined prospect is no longer worked, so never overdue. The SQL form is
    ProspectQuerySet.overdue."""
    return stage not in CLOSED_STAGES and next_action_date is not None and next_action_date < today


def proposed_follow_up(*, outcome: str, visited_on: date) -> date | None:
    """Handbook §1: turned away, research the company and try again through an intermediary."""
    if outcome == Outcome.TURNED_AWAY:
        return visited_on + timedelta(days=TURNED_AWAY_FOLLOW_UP_DAYS)
    return None


def counts_as_contact(outcome: str) -> bool:
    """Handbook §1: a visit counts as contact only when it reached someone at the client.

    Turned away at the gate (被拒之门外), no answer (无人应答) or rescheduled (改期) is an
    attempt: it does not make a lead "contacted" and is not in contact figures.
    """
    return outcome in CONTACT_OUTCOMES


def import_source(*, territory_kind: str) -> str:
    """Handbook §1's channel of a merchant list imported into a territory: an association's
    member list, else a cluster of shops (a market, a mall, a street, a park)."""
    if territory_kind == TerritoryKind.ASSOCIATION:
        return Source.ASSOCIATION
    return Source.SHOP_CLUSTER


def is_self_referral(*, prospect_pk: int | None, referred_by_pk: int | None) -> bool:
    return prospect_pk is not None and prospect_pk == referred_by_pk


def month_starts(*, today: date, months: int) -> list[date]:
    """The first day of each of the last `months` months, oldest first, this month last."""
    year, month = today.year, today.month
    starts = []
    for _ in range(months):
        starts.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return starts[::-1]


def month_end(start: date) -> date:
    """The first day after the month that starts on `start`."""
    return date(start.year + 1, 1, 1) if start.month == 12 else date(start.year, start.month + 1, 1)


def stages_on(changes: Iterable[tuple[int, date, str]], day: date) -> dict[int, str]:
    """Each prospect's stage at the end of `day`, from its dated stage changes.

    `changes` are (prospect, day changed, stage reached), in date order per prospect;
    a prospect with no change by then did not exist yet.
    """
    stages: dict[int, str] = {}
    for prospect, changed_on, stage in changes:
        if changed_on <= day:
            stages[prospect] = stage
    return stages


def value_on(history: Iterable[tuple[date, int]], day: date) -> int:
    """The value in force at the end of `day` from (day, value) changes in date order;
    before the first change, the first value known (the best estimate there is)."""
    history = list(history)
    if not history:
        return 0
    current = history[0][1]
    for changed_on, value in history:
        if changed_on <= day:
            current = value
    return current


def monthly_penetration(
    *,
    stage_changes: Iterable[tuple[int, date, str]],
    merchant_counts: Iterable[tuple[date, int]],
    today: date,
    months: int = 12,
) -> list[tuple[date, int, Decimal]]:
    """Penetration at the end of each month: (month, clients then, penetration then).

    Each month is computed from what was true at its end — the clients of that day
    over the merchant estimate of that day — so losing a client or correcting the
    merchant count today leaves past months as they were. The current month counts
    up to today.
    """
    changes = list(stage_changes)
    counts = list(merchant_counts)
    rows = []
    for start in month_starts(today=today, months=months):
        last_day = min(month_end(start) - timedelta(days=1), today)
        clients = sum(1 for stage in stages_on(changes, last_day).values() if stage == Stage.CLIENT)
        rows.append((start, clients, penetration(clients, value_on(counts, last_day))))
    return rows


@dataclass(frozen=True)
class SourceConversion:
    source: str
    prospects: int
    clients: int
    median_days: float | None  # from first contact to client, over the clients won

    @property
    def rate(self) -> Decimal:
        """Clients won ÷ prospects, 0–1 (0 when the channel brought none)."""
        if not self.prospects:
            return Decimal(0)
        return (Decimal(self.clients) / Decimal(self.prospects)).quantize(Decimal("0.0001"))

    @property
    def percent(self) -> Decimal:
        return as_percent(self.rate)

    @property
    def label(self) -> str:
        return Source(self.source).label


def conversion_by_source(
    rows: Iterable[tuple[str, date, date | None, date | None]],
) -> list[SourceConversion]:
    """Handbook §1 names referrals the strongest channel; this is how a team checks it.

    `rows` are (source, entered on, first real contact on, became a client on) for the
    prospects that entered in the period. Days to client count from the first real
    contact, or from the day it entered when no contact was recorded. Every channel is
    listed, in the order of Source, even when it brought nothing.
    """
    prospects: dict[str, int] = dict.fromkeys(Source.values, 0)
    days: dict[str, list[int]] = {value: [] for value in Source.values}
    for source, entered_on, first_contact_on, won_on in rows:
        prospects[source] = prospects.get(source, 0) + 1
        if won_on is not None:
            start = min(first_contact_on or entered_on, won_on)
            days.setdefault(source, []).append((won_on - start).days)
    return [
        SourceConversion(
            source=source,
            prospects=count,
            clients=len(days[source]),
            median_days=float(median(days[source])) if days[source] else None,
        )
        for source, count in prospects.items()
    ]


# Handbook §1 (经常走访): how many days without a real contact a relationship may go, by
# stage. Leads are not yet a relationship (their next action covers them); lost and
# declined ones are closed. settings.PROSPECTS_CONTACT_INTERVAL_DAYS overrides it
# (models.contact_intervals reads it).
CONTACT_INTERVAL_DAYS = {Stage.CLIENT: 30, Stage.NEGOTIATING: 14, Stage.CONTACTED: 30}


def contact_overdue(
    *,
    stage: str,
    last_contact: date | None,
    stage_since: date | None,
    today: date,
    intervals: Mapping[str, int] = CONTACT_INTERVAL_DAYS,
) -> bool:
    """Handbook §1 (经常走访): has the relationship gone N days (by stage) without a real
    contact? Counted from the last real contact, or from when the prospect reached its
    stage if that is later (a client won last week is not neglected). A turned-away
    visit is not a contact and does not reset the count."""
    days = intervals.get(stage)
    if days is None:
        return False
    known = [day for day in (last_contact, stage_since) if day is not None]
    if not known:
        return True
    return (today - max(known)).days >= days


def credit_gap(*, requested: Decimal | None, reasonable: Decimal | None) -> Decimal | None:
    """Handbook §1: support reasonable needs fully, cap the excessive part. The excess a
    client asks beyond what the manager judges reasonable (0 when within it; None when
    either is unknown)."""
    if requested is None or reasonable is None:
        return None
    return max(Decimal(0), requested - reasonable)


# Client attachments: what a licence, an ID or a shop photo may be, judged by the bytes.
ATTACHMENT_TYPES = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/heic": "heic",
    "application/pdf": "pdf",
}
