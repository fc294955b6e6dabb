"""Mends from a review: an industry guessed in plain sight, a timeline whose queries do not
grow, versions that never repeat, a history in Chinese, a retry date from the visit's date."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from prospects.models import Prospect
from tests.prospects.factories import (
    make_import_batch,
    make_promise,
    make_prospect,
    make_territory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate

SCOPES = (
    "商户名称,联系电话,经营范围\n"
    "恒信投资咨询,13812340001,投资咨询\n"
    "美家电器行,13812340002,家电批发零售\n"
    "老王饭庄,13812340003,餐饮\n"
    "小李修车,13812340004,汽车修理\n"
).encode()


def _ready_row(page: str, name: str) -> str:
    table = page.split('class="striped ready-rows"')[1].split("</table>")[0]
    return table.split(f">{name}<", 1)[1].split("</tr>")[0]


# --- 1. The industry an import stores is shown, a guess is called one, the text is kept ---


def test_the_preview_shows_the_industry_to_be_stored_and_calls_a_guess_a_guess(
    people, manager_client
):
    page = manager_client.get(make_import_batch(people.owner, SCOPES).get_absolute_url()).text
    consulting = _ready_row(page, "恒信投资咨询")
    assert "投资咨询" in consulting and "将记为“投资公司”" in consulting
    assert "相近字词匹配" in consulting
    appliances = _ready_row(page, "美家电器行")
    assert "将记为“零售”" in appliances and "相近字词匹配" in appliances
    diner = _ready_row(page, "老王饭庄")
    assert "将记为“餐饮”" in diner and "相近字词匹配" not in diner  # its name exactly
    garage = _ready_row(page, "小李修车")
    assert "没有对应的行业" in garage and "将记为" not in garage


def test_the_business_scope_is_kept_word_for_word_even_when_it_matched(people, manager_client):
    batch = make_import_batch(people.owner, SCOPES)
    mapping = {"map_name": "0", "map_phone": "1", "map_industry": "2"}
    manager_client.post(reverse("prospects:import_commit", args=[batch.pk]), mapping)
    stored = {
        prospect.name: (prospect.industry and prospect.industry.name, prospect.products_notes)
        for prospect in Prospect.objects.select_related("industry")
    }
    assert stored == {
        "恒信投资咨询": ("投资公司", "经营范围：投资咨询"),
        "美家电器行": ("零售", "经营范围：家电批发零售"),
        "老王饭庄": ("餐饮", "经营范围：餐饮"),
        "小李修车": (None, "经营范围：汽车修理"),
    }


# --- 2. The promise timeline costs the same whatever the number of promises -----------------


def _prospect_page_queries(client, prospect: Prospect) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(prospect.get_absolute_url())
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_prospect_page_reads_who_saw_a_lone_promise_in_the_same_queries(people, manager_client):
    prospect = make_prospect(people.owner)
    seers = [people.supervisor, people.teammate]

    def promise(index: int) -> None:
        made = make_promise(prospect, description=f"承诺{index}")
        made.mark_unconsulted_seen(by=seers[index % 2], on=TODAY())

    promise(0)
    one = _prospect_page_queries(manager_client, prospect)
    for index in range(1, 5):
        promise(index)
    page = manager_client.get(prospect.get_absolute_url()).text
    assert page.count(f"{people.supervisor}已查阅") == 3
    assert page.count(f"{people.teammate}已查阅") == 2
    assert _prospect_page_queries(manager_client, prospect) == one


# --- 3. Two saves of one prospect never write the same version ------------------------------


def test_two_copies_saved_one_after_the_other_write_two_versions(people):
    prospect = make_prospect(people.owner, name="鑫源服装商行")
    logging_a_visit = Prospect.objects.get(pk=prospect.pk)
    editing = Prospect.objects.get(pk=prospect.pk)
    logging_a_visit.next_action = "周三再访"
    logging_a_visit.save()
    editing.contact_name = "王老板"
    editing.save()
    assert (logging_a_visit.version, editing.version) == (2, 3)
    assert Prospect.objects.get(pk=prospect.pk).version == 3


def test_an_edit_drawn_before_a_stale_copy_was_saved_is_refused(people, manager_client):
    prospect = make_prospect(people.owner, name="鑫源服装商行")
    url = reverse("prospects:edit", args=[prospect.pk])
    form = {
        "name": prospect.name,
        "kind": prospect.kind,
        "source": prospect.source,
        "stage": prospect.stage,
        "version": 2,  # the page was drawn after the first save below
        "confirm_duplicate": "on",
        "next_action": "编辑的安排",
    }
    first, second = Prospect.objects.get(pk=prospect.pk), Prospect.objects.get(pk=prospect.pk)
    first.next_action = "第一次"
    first.save()  # version 2: the page above was drawn now
    second.contact_name = "王老板"
    second.save()  # from a copy read at version 1: still moves the version on, to 3
    response = manager_client.post(url, form)
    assert response.status_code == 200 and "在你打开此页面之后" in response.text
    saved = Prospect.objects.get(pk=prospect.pk)
    assert (saved.version, saved.contact_name) == (3, "王老板")
    assert saved.next_action != "编辑的安排"  # nothing of the refused edit was written


# --- 4. The change history names a deleted row in Chinese -----------------------------------


def test_the_history_names_a_deleted_territory_in_chinese(people, manager_client):
    territory = make_territory(branch=people.owner.branch, name="城南市场")
    prospect = make_prospect(people.owner, territory=territory)
    number = territory.pk
    territory.delete()
    history = manager_client.get(reverse("prospects:history", args=[prospect.pk])).text
    assert f"已删除的片区（编号 {number}）" in history
    assert "Deleted" not in history and "Territory" not in history


def test_the_history_shows_who_was_added_to_a_many_to_many_field_not_its_keys(people):
    from django.template import Context, Template

    territory = make_territory(branch=people.owner.branch, name="城南市场")
    territory.managers.add(people.teammate)
    html = Template("{% load audit %}{% object_history territory %}").render(
        Context({"territory": territory})
    )
    assert str(people.teammate) in html
    assert "operation" not in html and "m2m" not in html and "objects" not in html


# --- 5. Turned away: try again a week after the visit typed, not a week after today ---------


def test_turned_away_proposes_a_retry_a_week_after_the_visit_typed(people, manager_client):
    prospect = make_prospect(people.owner)
    visited = TODAY() - timedelta(days=3)
    page = manager_client.get(
        reverse("prospects:visit_create", args=[prospect.pk]),
        {"visit-outcome": "turned_away", "visit-visited_on": visited.isoformat()},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="visit-form",
    ).text
    field = page.split('name="visit-next_step_date"')[1].split(">")[0]
    assert f'value="{(visited + timedelta(days=7)).isoformat()}"' in field


def test_turned_away_without_a_readable_visit_date_proposes_a_week_from_today(
    people, manager_client
):
    prospect = make_prospect(people.owner)
    page = manager_client.get(
        reverse("prospects:visit_create", args=[prospect.pk]),
        {"visit-outcome": "turned_away", "visit-visited_on": "2026-13-45"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="visit-form",
    ).text
    field = page.split('name="visit-next_step_date"')[1].split(">")[0]
    assert f'value="{(TODAY() + timedelta(days=7)).isoformat()}"' in field
