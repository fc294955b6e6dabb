"""Handbook §2 arithmetic: net assets, the guarantor cover and its 2.0 rule."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from investigations.rules import (
    COVER_REQUIRED,
    cover_display,
    cover_sufficient,
    guarantor_cover,
    net_assets,
    output_fits,
)

money = st.decimals(min_value=0, max_value=Decimal("1e9"), places=2, allow_nan=False)


@pytest.mark.parametrize(
    ("guarantors", "expected_ok"),
    [
        ([Decimal("1990000")], False),  # 1.99
        ([Decimal("2000000")], True),  # 2.00
        ([Decimal("2010000")], True),  # 2.01
        ([Decimal("1999999.99")], False),  # 1.99999999: never rounds up to a pass
        ([Decimal("1000000"), Decimal("1000000")], True),  # combined
    ],
)
def test_cover_at_the_two_boundary(guarantors, expected_ok):
    cover = guarantor_cover(guarantors, existing_loans=Decimal("400000"), amount=Decimal("600000"))
    assert cover_sufficient(cover) is expected_ok


def test_cover_figures_at_the_boundary_are_exact_decimals():
    loans = (Decimal("400000"), Decimal("600000"))
    assert guarantor_cover([Decimal("1990000")], *loans) == Decimal("1.99")
    assert guarantor_cover([Decimal("2000000")], *loans) == Decimal("2.00")
    assert guarantor_cover([Decimal("2010000")], *loans) == Decimal("2.01")
    assert cover_display(guarantor_cover([Decimal("1999999.99")], *loans)) == Decimal("1.99")


def test_nothing_to_cover_gives_no_cover():
    assert guarantor_cover([Decimal("100")], Decimal(0), Decimal(0)) is None
    assert cover_sufficient(None) is False


def test_no_guarantors_is_zero_cover():
    assert guarantor_cover([], Decimal(0), Decimal("100")) == 0


def test_a_guarantor_owing_more_than_they_own_counts_against_the_cover():
    nets = [net_assets(Decimal("100"), Decimal("300")), Decimal("500")]
    assert guarantor_cover(nets, Decimal(0), Decimal("100")) == Decimal("3")


@given(nets=st.lists(money, max_size=5), existing=money, amount=money)
def test_cover_is_combined_net_assets_over_all_loans(nets, existing, amount):
    cover = guarantor_cover(nets, existing, amount)
    loans = existing + amount
    if loans == 0:
        assert cover is None
    else:
        assert cover == sum(nets, Decimal(0)) / loans
        assert cover_sufficient(cover) == (sum(nets, Decimal(0)) >= COVER_REQUIRED * loans)


@given(nets=st.lists(money, min_size=1, max_size=5), extra=money, existing=money, amount=money)
def test_more_guarantor_assets_never_lower_the_cover(nets, extra, existing, amount):
    before = guarantor_cover(nets, existing, amount)
    after = guarantor_cover([*nets, extra], existing, amount)
    if before is not None:
        assert after >= before


@given(assets=money, liabilities=money)
def test_net_assets_is_assets_minus_liabilities(assets, liabilities):
    assert net_assets(assets, liabilities) == assets - liabilities
    assert net_assets(None, liabilities) is None


def test_output_value_warning():
    assert output_fits(Decimal("1000000"), Decimal("500000")) is True
    assert output_fits(Decimal("1000000"), Decimal("500000.01")) is False
    assert output_fits(None, Decimal("1")) is None
