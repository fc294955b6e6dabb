"""Domain rules of handbook §1 as small pure functions."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

import phonenumbers

from prospects.choices import (
    CLOSED_STAGES,
    HospitalityKind,
    Outcome,
    PaidBy,
    PromiseStatus,
    Source,
    TerritoryKind,
)

PHONE_REGION = "CN"
MAINLAND = 86
# Digits and the separators people type ("+86 (0755) 1234-5678"); letters are not a phone
# here, although the library would read them as a keypad's.
PHONE_CHARACTERS = re.compile(r"[\d\s\-+().]+")
# An extension after the number: "0755-12345678-88", "0755 12345678 转 88".
PHONE_EXTENSION = re.compile(r"(?P<number>.+?)\s*(?:-|转|ext\.?|x)\s*(?P<extension>\d{1,6})", re.I)

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


def monthly_penetration(
    *, client_dates: Iterable[date], merchants: int, today: date, months: int = 12
) -> list[tuple[date, int, Decimal]]:
    """Penetration at the end of each month: (month, clients won by then, penetration).

    `client_dates` are the days each client was won; the current month counts up to today.
    """
    won = sorted(client_dates)
    rows = []
    for start in month_starts(today=today, months=months):
        end = (
            date(start.year + 1, 1, 1)
            if start.month == 12
            else date(start.year, start.month + 1, 1)
        )
        count = sum(1 for day in won if day < end)
        rows.append((start, count, penetration(count, merchants)))
    return rows
