"""The prospect form on a phone: quick add, the referrer found by typing, duplicates confirmed in place."""

from __future__ import annotations

from django.urls import reverse

from prospects.models import Prospect
from tests.prospects.factories import make_prospect


def test_the_referrer_is_found_by_typing_among_what_the_person_may_see(people, manager_client):
    make_prospect(people.owner, name="华联批发贸易")
    make_prospect(people.other_manager, name="华联超市")  # another team's: never offered
    response = manager_client.get(
        reverse("prospects:referrer_search"), {"referred_by-search": "华联"}
    )
    assert "华联批发贸易" in response.text
    assert "华联超市" not in response.text
    assert 'type="radio" name="referred_by"' in response.text


def test_a_nul_typed_into_the_referrer_search_is_ignored_on_every_database(people, manager_client):
    make_prospect(people.owner, name="华联批发贸易")
    response = manager_client.get(
        reverse("prospects:referrer_search"), {"referred_by-search": "华联\x00"}
    )
    assert response.status_code == 200
    assert "华联批发贸易" in response.text


def test_the_prospect_form_does_not_list_every_prospect(people, manager_client):
    for number in range(30):
        make_prospect(people.owner, name=f"导入商户{number}")
    page = manager_client.get(reverse("prospects:create")).text
    assert "导入商户7" not in page
    assert 'name="referred_by-search"' in page


def test_quick_add_needs_only_name_phone_source_and_territory(people, manager_client):
    response = manager_client.post(
        reverse("prospects:create"),
        {
            "name": "美佳日用品批发部",
            "phone": "13812345678",
            "source": "shop_cluster",
            "kind": "individual",
            "stage": "lead",
        },
    )
    assert response.status_code == 302
    assert Prospect.objects.get(name="美佳日用品批发部").owner == people.owner


def test_the_duplicate_warning_and_its_confirmation_sit_together(people, manager_client):
    make_prospect(people.owner, name="鑫源服装商行", phone="13812345678")
    page = manager_client.post(
        reverse("prospects:create"),
        {
            "name": "鑫源服装商行",
            "phone": "13812345678",
            "source": "shop_cluster",
            "kind": "individual",
            "stage": "lead",
        },
    ).text
    warning = page.split('class="duplicates')[1].split("</article>")[0]
    assert 'name="confirm_duplicate"' in warning
    assert 'type="checkbox"' in warning


def test_the_consulted_colleague_is_found_by_typing_among_the_own_team(people, manager_client):
    url = reverse("prospects:colleague_search")
    found = manager_client.get(url, {"promise-consulted-search": "eam"}).text  # Teammate
    assert 'name="promise-consulted"' in found and f'value="{people.teammate.pk}"' in found
    # The trainee, the administrator and other teams are never offered, whatever is typed.
    for person in (people.trainee, people.admin, people.other_manager, people.other_branch_manager):
        answer = manager_client.get(url, {"promise-consulted-search": person.username[2:]}).text
        assert f'value="{person.pk}"' not in answer, person.username
        assert "No match." in answer or "没有匹配" in answer
    # A full name typed as written (family name first) finds the person too.
    full = str(people.supervisor)
    assert (
        f'value="{people.supervisor.pk}"'
        in manager_client.get(url, {"promise-consulted-search": full}).text
    )


def test_the_promise_form_offers_the_supervisor_before_anything_is_typed(people, manager_client):
    prospect = make_prospect(people.owner, name="华联批发贸易")
    page = manager_client.get(prospect.get_absolute_url()).text
    assert 'name="promise-consulted-search"' in page
    offered = page.split('name="promise-consulted-search"', 1)[1]
    assert offered.index(f'value="{people.supervisor.pk}"') < offered.index(
        f'value="{people.teammate.pk}"'
    )
    assert f'value="{people.other_manager.pk}"' not in offered.split("</fieldset>", 1)[0]
