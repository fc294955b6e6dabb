"""Handbook §1 rules: penetration, the hospitality flag, overdue follow-ups, referrals."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from prospects import rules
from prospects.models import HospitalityEntry, Promise, Prospect, normalise_phone
from tests.prospects.factories import make_hospitality, make_promise, make_prospect

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_penetration_is_clients_won_over_merchants():
    assert rules.penetration(10, 100) == Decimal("0.1")
    assert rules.penetration(1, 3) == Decimal("0.3333")


def test_penetration_of_an_empty_territory_is_zero_not_a_crash():
    assert rules.penetration(5, 0) == 0


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=10_000))
def test_penetration_stays_between_zero_and_one(won, merchants):
    assert 0 <= rules.penetration(won, merchants) <= 1


def test_monthly_penetration_counts_clients_won_by_each_month_end():
    today = date(2026, 3, 15)
    rows = rules.monthly_penetration(
        client_dates=[date(2026, 1, 31), date(2026, 2, 1), date(2026, 3, 10)],
        merchants=10,
        today=today,
        months=4,
    )
    assert [(month, count) for month, count, _rate in rows] == [
        (date(2025, 12, 1), 0),
        (date(2026, 1, 1), 1),
        (date(2026, 2, 1), 2),
        (date(2026, 3, 1), 3),
    ]
    assert rows[-1][2] == Decimal("0.3")


@pytest.mark.parametrize(
    ("kind", "paid_by", "value", "flagged"),
    [
        ("meal", "client", Decimal("50"), True),  # the client treated us
        ("meal", "us", Decimal("900"), False),  # better we treat the client
        ("meal", "shared", Decimal("300"), False),
        ("gift", "us", Decimal("199.99"), False),
        ("gift", "us", Decimal("200"), True),  # at the threshold
        ("gift", "client", Decimal("500"), True),
        ("other", "client", Decimal("1000"), False),
    ],
)
def test_hospitality_flag(kind, paid_by, value, flagged):
    assert (
        rules.hospitality_flagged(kind=kind, paid_by=paid_by, value=value, threshold=Decimal(200))
        is flagged
    )


def test_hospitality_threshold_comes_from_settings(settings, manager):
    settings.HOSPITALITY_FLAG_THRESHOLD_CNY = Decimal("500")
    below = make_hospitality(make_prospect(manager), kind="gift", paid_by="us", value=499)
    at = make_hospitality(make_prospect(manager), kind="gift", paid_by="us", value=500)
    assert (below.flagged, at.flagged) == (False, True)
    assert list(HospitalityEntry.objects.flagged()) == [at]


def test_a_lost_or_declined_prospect_is_never_overdue(manager):
    long_ago = date(2020, 1, 1)
    today = date(2026, 5, 1)
    for stage in ("lost", "declined"):
        prospect = make_prospect(
            manager, stage=stage, closed_reason="换了银行", next_action_date=long_ago
        )
        assert not prospect.is_overdue(today)
        assert not Prospect.objects.overdue(today).filter(pk=prospect.pk).exists()


def test_promise_is_overdue_only_after_its_day_and_only_while_open():
    due = date(2026, 5, 1)
    assert not rules.promise_overdue(status="open", due_on=due, today=due)
    assert rules.promise_overdue(status="open", due_on=due, today=due + timedelta(days=1))
    assert not rules.promise_overdue(status="kept", due_on=due, today=due + timedelta(days=9))


def test_turned_away_proposes_a_follow_up_a_week_later():
    assert rules.proposed_follow_up(outcome="turned_away", visited_on=date(2026, 1, 1)) == date(
        2026, 1, 8
    )
    assert rules.proposed_follow_up(outcome="met_staff", visited_on=date(2026, 1, 1)) is None


def test_self_referral():
    assert rules.is_self_referral(prospect_pk=3, referred_by_pk=3)
    assert not rules.is_self_referral(prospect_pk=None, referred_by_pk=3)
    assert not rules.is_self_referral(prospect_pk=3, referred_by_pk=4)


def test_overdue_uses_the_shanghai_day_not_utc(manager, settings, monkeypatch):
    """At 23:30 UTC on 1 May it is already 2 May in Shanghai: a 1 May follow-up is overdue."""
    prospect = make_prospect(manager, next_action_date=date(2026, 5, 1))
    promise = make_promise(prospect, due_on=date(2026, 5, 1), made_on=date(2026, 4, 1))
    late_utc = datetime(2026, 5, 1, 23, 30, tzinfo=ZoneInfo("UTC"))
    monkeypatch.setattr(timezone, "now", lambda: late_utc)
    today = timezone.localdate()
    assert today == date(2026, 5, 2)
    assert list(Prospect.objects.overdue(today)) == [prospect]
    assert list(Promise.objects.overdue(today)) == [promise]
    early = datetime(2026, 5, 1, 15, 59, tzinfo=ZoneInfo("UTC"))  # 23:59 in Shanghai
    monkeypatch.setattr(timezone, "now", lambda: early)
    today = timezone.localdate()
    assert list(Prospect.objects.overdue(today)) == []
    assert list(Prospect.objects.due_by(today)) == [prospect]


def test_a_prospect_cannot_refer_itself(manager):
    prospect = make_prospect(manager)
    prospect.referred_by = prospect
    with pytest.raises(ValidationError) as error:
        prospect.full_clean()
    assert "referred_by" in error.value.message_dict


def test_duplicates_match_normalised_names_and_phones_within_the_branch(manager, people):
    existing = make_prospect(manager, name="华联 商贸", phone="0571-87654321")
    assert normalise_phone("0571 8765 4321") == "057187654321"
    found = Prospect.objects.possible_duplicates(branch=manager.branch, names=["华联商贸"])
    assert list(found) == [existing]
    found = Prospect.objects.possible_duplicates(branch=manager.branch, phones=["0571 87654321"])
    assert list(found) == [existing]
    assert not Prospect.objects.possible_duplicates(
        branch=manager.branch, names=["华联商贸"], exclude_pk=existing.pk
    ).exists()


def test_a_broken_promise_needs_an_explanation_and_compensation(manager):
    promise = make_promise(make_prospect(manager))
    with pytest.raises(ValidationError) as error:
        promise.mark_cannot_keep(explanation=" ", compensation="", on=date(2026, 1, 1))
    assert set(error.value.message_dict) == {"explanation", "compensation"}
    promise.refresh_from_db()
    assert promise.is_open


def test_becoming_a_client_records_the_day(manager):
    prospect = make_prospect(manager)
    prospect.stage = "client"
    prospect.save(update_fields=["stage"])
    prospect.refresh_from_db()
    assert prospect.became_client_on == timezone.localdate()


def test_penetration_as_a_percentage_keeps_one_decimal():
    assert rules.as_percent(rules.penetration(1, 30)) == Decimal("3.3")
    assert rules.as_percent(Decimal(1)) == Decimal("100.0")


def test_an_imported_list_comes_from_an_association_or_a_cluster_of_shops():
    from prospects.models import Source, TerritoryKind

    assert rules.import_source(territory_kind=TerritoryKind.ASSOCIATION) == Source.ASSOCIATION
    for kind in (TerritoryKind.MARKET, TerritoryKind.MALL, TerritoryKind.STREET):
        assert rules.import_source(territory_kind=kind) == Source.SHOP_CLUSTER
