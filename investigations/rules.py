"""Domain rules of handbook §2 (贷款调查) as small pure functions.

`guarantor_cover` and `cover_sufficient` are a contract other checks rely on:
keep their names and signatures.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from decimal import Decimal

from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidComponent

# Handbook §2: the guarantors' combined net assets must be at least 2 × the
# borrower's loans at this bank.
COVER_REQUIRED = Decimal("2")
# Shown to two decimals, rounded down so that 1.999 never reads as a passing 2.00.
COVER_PLACES = Decimal("0.01")
# Bad input (issue 8): a single loan above 10 亿 is a typing mistake, not a request.
AMOUNT_MAX = Decimal("1000000000")
TERM_MAX_MONTHS = 360
# Handbook §2: "check that the output value fits the amount borrowed". The loans are
# short-term working capital; more than half a year's output value is out of proportion.
OUTPUT_SHARE_MAX = Decimal("0.5")


def net_assets(total_assets: Decimal | None, total_liabilities: Decimal | None) -> Decimal | None:
    """Handbook §2: net assets = total assets − total liabilities (None until both are known)."""
    if total_assets is None or total_liabilities is None:
        return None
    return total_assets - total_liabilities


def guarantor_id_number(text: str, *, company: bool) -> str:
    """A guarantor's ID number in its one written form — a person's resident identity
    card number (身份证号, GB 11643) or a company's unified social credit code
    (统一社会信用代码, GB 32100): full-width digits, spaces and dashes taken out, letters
    upper case. Raises stdnum's ValidationError when the text is not one (length, format,
    check digit; a person's birth date).

    The same guarantor listed twice would count twice towards the 2× cover, so the number
    is what tells two guarantors apart.
    """
    number = "".join(unicodedata.normalize("NFKC", text).split()).replace("-", "")
    if company:
        return uscc.validate(number)
    try:
        return ric.validate(number)
    except InvalidComponent:
        # An unknown district (one newer than the library's table, or a Hong Kong, Macao
        # or foreign resident's card) is not a typing mistake; a birth date that does not
        # exist is, and get_birth_date raises again for it.
        ric.get_birth_date(number)
        return number.upper()


def guarantor_cover(
    guarantor_net_assets: Iterable[Decimal], existing_loans: Decimal, amount: Decimal
) -> Decimal | None:
    """Handbook §2: guarantors' combined net assets ÷ the borrower's loans at this bank
    (the existing ones plus this amount). None when there is nothing to cover.

    Exact `Decimal` division; negative net assets (a guarantor owing more than they own)
    count against the cover, as they would in a real claim on the guarantors.
    """
    loans = (existing_loans or Decimal(0)) + (amount or Decimal(0))
    if loans <= 0:
        return None
    combined = sum((Decimal(value) for value in guarantor_net_assets), Decimal(0))
    return combined / loans


def cover_sufficient(cover: Decimal | None) -> bool:
    """Handbook §2: the cover is at least 2.0. No cover figure is not sufficient."""
    return cover is not None and cover >= COVER_REQUIRED


def cover_display(cover: Decimal | None) -> Decimal | None:
    """The cover as shown: two decimals, rounded towards zero (1.999 shows as 1.99)."""
    if cover is None:
        return None
    return cover.quantize(COVER_PLACES, rounding="ROUND_DOWN")


def output_fits(output_value: Decimal | None, amount: Decimal | None) -> bool | None:
    """Handbook §2: does the yearly output value (产值) fit the amount borrowed?

    None while either is unknown; False when the amount is more than
    `OUTPUT_SHARE_MAX` of a year's output.
    """
    if output_value is None or amount is None:
        return None
    return amount <= output_value * OUTPUT_SHARE_MAX


def amount_problem(amount: Decimal | None) -> str | None:
    """Why an amount requested cannot be right (a message key), or None."""
    if amount is None:
        return "missing"
    if amount <= 0:
        return "not_positive"
    if amount > AMOUNT_MAX:
        return "too_large"
    return None


def term_problem(months: int | None) -> str | None:
    if months is None:
        return "missing"
    if months < 1:
        return "too_short"
    if months > TERM_MAX_MONTHS:
        return "too_long"
    return None
