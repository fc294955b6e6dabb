"""Mends to the prospects forms: what a person saw go wrong, and now does not."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from bench.prospect_import import csv_bytes
from prospects.models import ImportBatch, Prospect, Source, Territory, TerritoryKind
from tests.conftest import client_for, make_user
from tests.prospects.factories import make_prospect, make_territory

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"
ROWS = [
    ["鑫源服装商行", "王伟", "老板", "13812345678", "城南批发市场A区12号", "服装批发", "12", ""]
]


def territory_data(territory: Territory, managers) -> dict:
    return {
        "name": territory.name,
        "kind": territory.kind,
        "merchant_count": str(territory.merchant_count),
        "managers": [manager.pk for manager in managers],
    }


# --- 1. Editing a territory keeps the managers of other teams ----------------------------


def test_editing_a_territory_keeps_the_other_teams_managers(people):
    territory = make_territory(
        branch=people.owner.branch, managers=[people.owner, people.other_manager]
    )
    client = client_for(people.supervisor)
    page = client.get(reverse("prospects:territory_edit", args=[territory.pk])).content.decode()
    # The other team's manager is named, not offered as a box to tick.
    assert "Othermanager" in page
    assert f'value="{people.other_manager.pk}"' not in page

    response = client.post(
        reverse("prospects:territory_edit", args=[territory.pk]),
        territory_data(territory, [people.teammate]),
    )

    assert response.status_code == 302
    assert set(territory.managers.all()) == {people.teammate, people.other_manager}


def test_a_supervisor_still_takes_their_own_team_off_a_territory(people):
    territory = make_territory(
        branch=people.owner.branch, managers=[people.owner, people.other_manager]
    )
    response = client_for(people.supervisor).post(
        reverse("prospects:territory_edit", args=[territory.pk]), territory_data(territory, [])
    )
    assert response.status_code == 302
    assert list(territory.managers.all()) == [people.other_manager]


# --- 2. A referrer out of sight stays the referrer ---------------------------------------


def prospect_data(prospect: Prospect, **changes) -> dict:
    data = {
        "name": prospect.name,
        "kind": prospect.kind,
        "phone": prospect.phone,
        "source": prospect.source,
        "referred_by": prospect.referred_by_id or "",
        "stage": prospect.stage,
        "version": prospect.version,
    }
    data.update(changes)
    return data


@pytest.fixture
def referred(people):
    """A prospect of the owner's, referred by a client since handed to another team."""
    referrer = make_prospect(people.other_manager, name="介绍人商行")
    prospect = make_prospect(
        people.owner, name="被介绍商行", source=Source.REFERRAL, referred_by=referrer
    )
    return prospect, referrer


def test_a_prospect_whose_referrer_is_out_of_sight_can_still_be_edited(people, referred):
    prospect, referrer = referred
    client = client_for(people.owner)
    page = client.get(reverse("prospects:edit", args=[prospect.pk])).content.decode()
    # The referrer on record is ticked, not "Nobody".
    assert f'value="{referrer.pk}" checked' in page
    assert 'value="" checked' not in page

    response = client.post(
        reverse("prospects:edit", args=[prospect.pk]),
        prospect_data(prospect, next_action="再去一次"),
    )

    assert response.status_code == 302, response.context["form"].errors
    prospect.refresh_from_db()
    assert prospect.next_action == "再去一次"
    assert prospect.referred_by == referrer


def test_the_referrer_search_keeps_the_referrer_on_record_ticked(people, referred):
    prospect, referrer = referred
    options = client_for(people.owner).get(
        reverse("prospects:referrer_search"),
        {"prospect": prospect.pk, "referred_by": referrer.pk, "referred_by-search": "商行"},
    )
    assert f'value="{referrer.pk}" checked' in options.content.decode()
    # Without the prospect whose referrer it is, a hidden prospect is not shown.
    options = client_for(people.owner).get(
        reverse("prospects:referrer_search"), {"referred_by": referrer.pk}
    )
    assert "介绍人商行" not in options.content.decode()


def test_a_hidden_prospect_cannot_be_chosen_as_a_new_referrer(people):
    hidden = make_prospect(people.other_manager, name="别队商行")
    prospect = make_prospect(people.owner, name="自己的商行")
    response = client_for(people.owner).post(
        reverse("prospects:edit", args=[prospect.pk]),
        prospect_data(prospect, source=Source.REFERRAL, referred_by=hidden.pk),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["referred_by"]
    prospect.refresh_from_db()
    assert prospect.referred_by is None


def test_the_detail_page_names_a_hidden_referrer_without_a_link(people, referred):
    prospect, referrer = referred
    page = client_for(people.owner).get(prospect.get_absolute_url()).content.decode()
    assert "介绍人商行" in page
    assert referrer.get_absolute_url() not in page
    # The referrer's own team still follows the link.
    mine = make_prospect(people.owner, name="我的介绍人")
    prospect.referred_by = mine
    prospect.save()
    page = client_for(people.owner).get(prospect.get_absolute_url()).content.decode()
    assert f'href="{mine.get_absolute_url()}"' in page


# --- 3. Ids no column can hold -----------------------------------------------------------


def test_a_huge_manager_id_is_refused_beside_the_field(people):
    territory = make_territory(branch=people.owner.branch, managers=[people.owner])
    client = client_for(people.supervisor)
    data = {**territory_data(territory, []), "managers": HUGE}
    response = client.post(reverse("prospects:territory_edit", args=[territory.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["managers"] == [
        f"选择一个有效的选项。 {HUGE} 不在可用的选项中。"
    ]
    assert list(territory.managers.all()) == [people.owner]
    data["name"] = "新片区"
    response = client.post(reverse("prospects:territory_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["managers"]
    assert not Territory.objects.filter(name="新片区").exists()


def test_a_huge_prospect_id_is_refused_in_a_handover(people):
    make_prospect(people.owner)
    response = client_for(people.supervisor).post(
        reverse("prospects:handover"),
        {
            "from_person": people.owner.pk,
            "to_person": people.teammate.pk,
            "prospects": HUGE,
            "reason": "调往其他支行",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["prospects"] == [
        f"选择一个有效的选项。 {HUGE} 不在可用的选项中。"
    ]
    assert Prospect.objects.filter(owner=people.owner).count() == 1


# --- 4. A territory needs a branch -------------------------------------------------------


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ADMINISTRATOR])
def test_someone_without_a_branch_is_told_instead_of_a_server_error(people, role):
    nobody = make_user("nobranch", role, branch=None)
    response = client_for(nobody).post(
        reverse("prospects:territory_create"),
        {"name": "无网点片区", "kind": TerritoryKind.MARKET, "merchant_count": "10"},
    )
    assert response.status_code == 200
    assert "网点" in str(response.context["form"].non_field_errors())
    assert "网点" in response.content.decode()
    assert not Territory.objects.exists()


# --- 5. The import offers only the sources it can fill -----------------------------------


def upload(client, territory, **data):
    return client.post(
        reverse("prospects:import_upload"),
        {
            "territory": territory.pk,
            "file": SimpleUploadedFile("list.csv", csv_bytes(ROWS)),
            **data,
        },
    )


def test_the_upload_form_offers_only_sources_an_import_can_fill(manager_client):
    form = manager_client.get(reverse("prospects:import_upload")).context["form"]
    offered = [value for value, _label in form.fields["source"].choices]
    assert Source.REFERRAL not in offered
    assert Source.COMPETITOR not in offered
    assert Source.SHOP_CLUSTER in offered and Source.ASSOCIATION in offered
    # Nothing chosen for the person: not the association.
    assert form["source"].value() in (None, "")


@pytest.mark.parametrize("source", [Source.REFERRAL, Source.COMPETITOR])
def test_an_upload_as_referral_or_competitor_is_refused(manager_client, territory, source):
    response = upload(manager_client, territory, source=source)
    assert response.status_code == 200
    assert response.context["form"].errors["source"]
    assert not ImportBatch.objects.exists()


def test_an_association_list_needs_the_associations_name(manager_client, territory):
    response = upload(manager_client, territory, source=Source.ASSOCIATION)
    assert response.status_code == 200
    assert response.context["form"].errors["association"] == ["请填写商会或协会的名称。"]
    assert not ImportBatch.objects.exists()
    response = upload(manager_client, territory, source=Source.ASSOCIATION, association="温州商会")
    assert response.status_code == 302
    assert ImportBatch.objects.get().association == "温州商会"


def test_an_association_territory_names_its_members_list(manager_client, people):
    territory = make_territory(
        branch=people.owner.branch, name="温州商会", kind=TerritoryKind.ASSOCIATION
    )
    assert upload(manager_client, territory, source=Source.ASSOCIATION).status_code == 302


def test_the_referrer_search_shrugs_off_huge_ids(people):
    response = client_for(people.owner).get(
        reverse("prospects:referrer_search"), {"prospect": HUGE, "referred_by": HUGE}
    )
    assert response.status_code == 200
    assert 'value="" checked' in response.content.decode()


# --- 3. Bad input gets the domain's words ------------------------------------------------


def test_an_amount_with_too_many_digits_is_too_large_not_a_count_of_digits(people):
    client = make_prospect(people.owner)
    response = client_for(people.owner).post(
        reverse("prospects:client_credit", args=[client.pk]),
        {"credit-credit_requested": "1e20", "credit-credit_reasonable": "100"},
    )
    assert response.context["credit_form"].errors["credit_requested"] == ["金额过大，不可能正确。"]
    edit = client_for(people.owner).post(
        reverse("prospects:edit", args=[client.pk]), prospect_data(client, monthly_sales=HUGE)
    )
    assert edit.context["form"].errors["monthly_sales"] == ["金额过大，不可能正确。"]


def test_a_competing_offer_learned_in_year_one_is_refused(people):
    client = make_prospect(people.owner, stage="client")
    response = client_for(people.owner).post(
        reverse("prospects:client_credit", args=[client.pk]),
        {"offer-bank": "某商业银行", "offer-offer": "授信100万", "offer-learned_on": "0001-01-01"},
    )
    assert response.context["offer_form"].errors["learned_on"] == [
        "请检查年份：日期早于 2000-01-01。"
    ]
    assert not client.competing_offers.exists()


def test_a_territory_of_billions_of_merchants_is_refused_beside_the_field(people):
    territory = make_territory(branch=people.supervisor.branch, managers=[people.owner])
    data = territory_data(territory, [people.owner]) | {"merchant_count": "2147483648"}
    response = client_for(people.supervisor).post(
        reverse("prospects:territory_edit", args=[territory.pk]), data
    )
    assert response.context["form"].errors["merchant_count"] == [
        "一个片区超过 1000000 户商户，不可能正确。"
    ]
    territory.refresh_from_db()
    assert territory.merchant_count != 2147483648


def test_a_nul_byte_is_named_as_such(people):
    client = make_prospect(people.owner)
    response = client_for(people.owner).post(
        reverse("prospects:edit", args=[client.pk]), prospect_data(client, name="鑫源\x00商行")
    )
    assert response.context["form"].errors["name"] == ["不能包含空字符（NUL）。"]
