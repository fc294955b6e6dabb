"""A guarantor is told apart by their ID number, so none counts twice towards the 2× cover."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from stdnum.exceptions import ValidationError

from investigations import rules
from investigations.models import Guarantor, Status
from tests.conftest import client_for
from tests.investigations.factories import (
    add_guarantor,
    fill_checklist,
    fill_findings,
    id_card_number,
    make_investigation,
    refresh,
)

# Valid numbers: a Hangzhou 上城区 card (a district code of 1983, its holder born in 1978)
# and a company's unified social credit code.
CARD = "330102197805120031"
CREDIT_CODE = "91330100MA27X5RK3A"


@pytest.mark.parametrize(
    ("typed", "company", "kept"),
    [
        (CARD, False, CARD),
        ("330102 19780512 0031", False, CARD),
        ("330102-19780512-0031", False, CARD),
        ("３３０１０２１９７８０５１２００３１", False, CARD),  # full-width digits
        ("11010119900307002x", False, "11010119900307002X"),  # a lower-case check letter
        ("810000199003070015", False, "810000199003070015"),  # a Hong Kong resident's card
        ("91330100ma27x5rk3a", True, CREDIT_CODE),
    ],
)
def test_an_id_number_is_kept_in_its_one_written_form(typed, company, kept):
    assert rules.guarantor_id_number(typed, company=company) == kept


@pytest.mark.parametrize(
    ("typed", "company"),
    [
        ("330102197805120032", False),  # one digit mistyped: the check digit disagrees
        ("110101199002300010", False),  # born on 30 February
        ("33010219780512003", False),  # a digit short
        ("33010278051203", False),  # an old 15-digit card, replaced in 2013
        (CREDIT_CODE, False),  # a company's code given for a person
        (CARD, True),  # a person's card given for a company
        ("91330100MA27X5RK3B", True),
    ],
)
def test_a_number_that_is_not_one_is_refused(typed, company):
    with pytest.raises(ValidationError):
        rules.guarantor_id_number(typed, company=company)


def guarantor_data(**fields) -> dict:
    return {
        "kind": "person",
        "name": "王建华",
        "id_number": CARD,
        "total_assets": "1000000",
        "total_liabilities": "0",
        "legal_standing_checked": "on",
        "repayment_capacity": "名下两套住房",
    } | fields


def test_the_same_guarantor_cannot_be_added_twice_to_count_twice(people):
    investigation = make_investigation(people.owner, amount=Decimal("500000"))
    add_guarantor(investigation, name="王建华", id_number=CARD, assets=Decimal("1000000"))
    url = reverse("investigations:child_create", args=[investigation.pk, "guarantors"])

    # Typed again with spaces, under another spelling of the name.
    response = client_for(people.owner).post(
        url, guarantor_data(name="王建华（兄）", id_number="330102 19780512 0031")
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["id_number"] == [f"王建华（{CARD}）已是本调查的保证人。"]
    assert investigation.guarantors.count() == 1
    assert "<output>2.00</output>" in response.text  # the one guarantor, not 4.00


def test_an_id_number_that_is_not_one_is_refused_next_to_the_field_and_nothing_is_saved(people):
    investigation = make_investigation(people.owner)
    url = reverse("investigations:child_create", args=[investigation.pk, "guarantors"])
    client = client_for(people.owner)

    person = client.post(url, guarantor_data(id_number="330102197805120032"))
    company = client.post(url, guarantor_data(kind="company", id_number=CARD))
    blank = client.post(url, guarantor_data(id_number=" "))

    assert person.context["form"].errors["id_number"] == [
        "这不是有效的居民身份证号码：应为18位，最后一位是数字或X。"
    ]
    assert company.context["form"].errors["id_number"] == [
        "这不是有效的统一社会信用代码：应为18位数字和大写字母。"
    ]
    assert blank.context["form"].errors["id_number"] == ["这个字段是必填项。"]
    assert not investigation.guarantors.exists()


def test_a_guarantor_is_saved_with_the_number_as_typed_cleaned_and_can_be_edited(people):
    investigation = make_investigation(people.owner)
    client = client_for(people.owner)
    create = reverse("investigations:child_create", args=[investigation.pk, "guarantors"])

    assert (
        client.post(create, guarantor_data(id_number="３３０１０２-19780512-0031")).status_code
        == 302
    )

    guarantor = investigation.guarantors.get()
    assert guarantor.id_number == CARD
    edit = reverse("investigations:child_edit", args=[investigation.pk, "guarantors", guarantor.pk])
    version = refresh(investigation).version
    saved = client.post(edit, guarantor_data(relation="借款人兄长", version=version))
    assert saved.status_code == 302  # its own number is not "already a guarantor"
    guarantor.refresh_from_db()
    assert guarantor.relation == "借款人兄长"


def test_the_same_person_may_guarantee_another_investigation(people):
    first = make_investigation(people.owner)
    second = make_investigation(people.owner)
    add_guarantor(first, id_number=CARD, assets=Decimal("1000000"))
    url = reverse("investigations:child_create", args=[second.pk, "guarantors"])

    assert client_for(people.owner).post(url, guarantor_data()).status_code == 302
    assert second.guarantors.get().id_number == CARD


def test_the_database_refuses_one_guarantor_twice_in_an_investigation(people):
    investigation = make_investigation(people.owner)
    add_guarantor(investigation, id_number=CARD, assets=Decimal("1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Guarantor.objects.create(
            investigation=investigation,
            name="again",
            id_number=CARD,
            total_assets=Decimal("1"),
            total_liabilities=Decimal("0"),
        )
    # Older guarantors recorded without a number are not "the same" as each other.
    for name in ("甲", "乙"):
        add_guarantor(investigation, name=name, id_number="", assets=Decimal("1"))
    assert investigation.guarantors.filter(id_number="").count() == 2


def test_a_guarantor_recorded_without_a_number_stops_submission(people):
    investigation = make_investigation(people.owner)
    fill_findings(investigation)
    fill_checklist(investigation)
    add_guarantor(
        investigation, name="李保证", id_number="", assets=2 * investigation.loans_to_cover
    )
    url = reverse("investigations:submit", args=[investigation.pk])
    response = client_for(people.owner).post(url, {"seen_version": refresh(investigation).version})
    assert [gap.label for gap in response.context["missing"]] == ["保证人李保证：未登记证件号码"]
    assert refresh(investigation).status == Status.DRAFT


def test_the_report_shows_each_guarantors_number(people):
    investigation = make_investigation(people.owner)
    add_guarantor(investigation, name="王建华", id_number=id_card_number(7), assets=Decimal("1"))
    report = client_for(people.owner).get(investigation.get_absolute_url()).text
    assert f"证件号码 {id_card_number(7)}" in report
