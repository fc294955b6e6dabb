"""What a manager, a supervisor and a trainee see and do on the prospect pages."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from prospects.models import (
    HospitalityEntry,
    Industry,
    Promise,
    Prospect,
    Territory,
    Visit,
)
from tests.conftest import client_for
from tests.home import loaded_home
from tests.prospects.factories import (
    make_hospitality,
    make_promise,
    make_prospect,
    make_territory,
    make_visit,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def prospect_data(**overrides) -> dict[str, str]:
    data = {
        "name": "鑫源服装商行",
        "kind": "sole_trader",
        "source": "shop_cluster",
        "stage": "lead",
        "phone": "13812345678",
        "contact_name": "王建国",
    }
    data.update(overrides)
    return data


# --- Creating and editing -------------------------------------------------------------


@pytest.mark.parametrize("page", ["new", "edit"])
def test_the_forms_one_time_token_is_sent_but_never_shown(manager, manager_client, page):
    url = (
        reverse("prospects:create")
        if page == "new"
        else reverse("prospects:edit", args=[make_prospect(manager).pk])
    )
    html = manager_client.get(url).text
    assert html.count('name="form_token"') == 1 and 'type="hidden" name="form_token"' in html
    assert "Form token" not in html and 'for="id_form_token"' not in html


def test_manager_adds_a_referred_prospect(manager, manager_client):
    referrer = make_prospect(manager, name="华联批发", stage="client")
    response = manager_client.post(
        reverse("prospects:create"),
        prospect_data(source="referral", referred_by=referrer.pk),
    )
    prospect = Prospect.objects.get(name="鑫源服装商行")
    assert response.status_code == 302
    assert response["Location"] == prospect.get_absolute_url()
    assert prospect.owner == manager
    assert prospect.branch == manager.branch
    page = manager_client.get(referrer.get_absolute_url()).content.decode()
    assert "鑫源服装商行" in page  # the client's page lists whom it referred


def test_referral_without_a_referrer_is_refused_beside_the_field(manager_client):
    response = manager_client.post(reverse("prospects:create"), prospect_data(source="referral"))
    assert response.status_code == 200
    assert response.context["form"].errors["referred_by"] == ["请选择推荐该客户的老客户。"]
    assert not Prospect.objects.exists()


def test_self_referral_is_refused(manager, manager_client):
    prospect = make_prospect(manager, name="鑫源服装商行")
    response = manager_client.post(
        reverse("prospects:edit", args=[prospect.pk]),
        prospect_data(source="referral", referred_by=prospect.pk),
    )
    assert response.status_code == 200
    # It is not even offered, so the choice is rejected as invalid.
    assert response.context["form"].errors["referred_by"]
    prospect.refresh_from_db()
    assert prospect.referred_by is None


@pytest.mark.parametrize("phone", ["12345", "1381234567", "23812345678", "电话", "0571-123"])
def test_bad_phone_numbers_are_refused_in_chinese(manager_client, phone):
    response = manager_client.post(reverse("prospects:create"), prospect_data(phone=phone))
    assert response.status_code == 200
    assert "请输入大陆手机号" in response.context["form"].errors["phone"][0]
    assert "请输入大陆手机号" in response.content.decode()


@pytest.mark.parametrize(
    ("phone", "stored"),
    [
        ("13812345678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("0571-87654321", "0571-87654321"),
        ("010 12345678", "010-12345678"),
        ("0755 1234 5678", "0755-12345678"),
        ("0755-12345678-88", "0755-12345678-88"),
    ],
)
def test_good_phone_numbers_are_accepted_and_stored_in_one_form(manager_client, phone, stored):
    response = manager_client.post(reverse("prospects:create"), prospect_data(phone=phone))
    assert response.status_code == 302
    assert Prospect.objects.get().phone == stored


def test_negative_amounts_are_refused(manager_client):
    response = manager_client.post(
        reverse("prospects:create"),
        prospect_data(estimated_credit_need="-1", monthly_sales="-5"),
    )
    errors = response.context["form"].errors
    assert "金额不能为负数。" in errors["estimated_credit_need"]
    assert "金额不能为负数。" in errors["monthly_sales"]


def test_lost_needs_a_reason(manager_client):
    response = manager_client.post(reverse("prospects:create"), prospect_data(stage="lost"))
    assert response.context["form"].errors["closed_reason"] == ["请说明流失或被拒绝的原因。"]


def test_possible_duplicate_is_shown_and_needs_confirmation(people, manager_client):
    make_prospect(people.teammate, name="鑫源 服装商行", phone="13900000000")
    response = manager_client.post(reverse("prospects:create"), prospect_data())
    assert response.status_code == 200
    page = response.content.decode()
    assert "本网点可能重复的客户" in page
    # The teammate's client by its owner: not its name or stage (the manager sees their own).
    assert "他人的客户 · 归属人：Teammate" in page
    assert "鑫源 服装商行" not in page
    assert Prospect.objects.count() == 1
    response = manager_client.post(
        reverse("prospects:create"), prospect_data(confirm_duplicate="on")
    )
    assert response.status_code == 302
    assert Prospect.objects.count() == 2


def test_duplicate_by_phone_is_shown_by_its_owner_alone(people, manager_client):
    make_prospect(people.other_manager, name="别的名字", phone="138-1234-5678")
    response = manager_client.post(reverse("prospects:create"), prospect_data())
    page = response.content.decode()
    assert "他人的客户 · 归属人：" in page
    assert "别的名字" not in page  # a typed phone number must not read back a name


def test_a_duplicate_the_person_sees_is_shown_by_name_and_stage(people):
    make_prospect(people.owner, name="鑫源 服装商行", phone="13900000000", stage="contacted")
    supervisor = client_for(people.supervisor)
    response = supervisor.post(reverse("prospects:create"), prospect_data())
    page = response.content.decode()
    assert "鑫源 服装商行" in page and "已接触" in page


# --- Who sees what ----------------------------------------------------------------------


def test_manager_cannot_see_or_change_anothers_prospect(people, manager_client):
    theirs = make_prospect(people.teammate, name="别人的客户")
    assert manager_client.get(theirs.get_absolute_url()).status_code == 404
    response = manager_client.post(
        reverse("prospects:edit", args=[theirs.pk]), prospect_data(name="改掉")
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "别人的客户"
    response = manager_client.post(
        reverse("prospects:visit_create", args=[theirs.pk]),
        {
            "visit-visited_on": TODAY().isoformat(),
            "visit-kind": "phone",
            "visit-outcome": "no_answer",
        },
    )
    assert response.status_code == 404
    assert not Visit.objects.exists()
    assert "别人的客户" not in manager_client.get(reverse("prospects:list")).content.decode()


def test_supervisor_sees_the_team_only(people, supervisor_client):
    make_prospect(people.owner, name="组员客户")
    make_prospect(people.trainee, name="实习生客户")
    make_prospect(people.other_manager, name="别组客户")
    page = supervisor_client.get(reverse("prospects:list")).content.decode()
    assert "组员客户" in page
    assert "实习生客户" in page
    assert "别组客户" not in page


def test_trainee_sees_own_prospects_only(people, trainee_client):
    mine = make_prospect(people.trainee, name="亲戚的小店")
    make_prospect(people.owner, name="师傅的客户")
    page = trainee_client.get(reverse("prospects:list")).content.decode()
    assert "亲戚的小店" in page
    assert "师傅的客户" not in page
    assert trainee_client.get(mine.get_absolute_url()).status_code == 200


def test_supervisor_reassigns_and_the_history_records_it(people, supervisor_client):
    prospect = make_prospect(people.owner)
    response = supervisor_client.post(
        reverse("prospects:reassign", args=[prospect.pk]),
        {"owner": people.teammate.pk, "reason": "片区调整"},
    )
    assert response.status_code == 302
    prospect.refresh_from_db()
    assert prospect.owner == people.teammate
    entry = LogEntry.objects.get_for_object(prospect).filter(changes__icontains="owner").first()
    assert entry is not None
    assert entry.actor == people.supervisor


def test_supervisor_cannot_reassign_to_another_team(people, supervisor_client):
    prospect = make_prospect(people.owner)
    response = supervisor_client.post(
        reverse("prospects:reassign", args=[prospect.pk]), {"owner": people.other_manager.pk}
    )
    assert response.status_code == 200
    prospect.refresh_from_db()
    assert prospect.owner == people.owner


def test_manager_cannot_reassign_their_own_prospect(people, manager_client):
    prospect = make_prospect(people.owner)
    response = manager_client.post(
        reverse("prospects:reassign", args=[prospect.pk]), {"owner": people.teammate.pk}
    )
    assert response.status_code == 403
    prospect.refresh_from_db()
    assert prospect.owner == people.owner


# --- The list -------------------------------------------------------------------------------


def test_list_filters_by_stage_and_searches_phone(manager, manager_client):
    make_prospect(manager, name="甲商行", stage="client", phone="13811112222")
    make_prospect(manager, name="乙商行", stage="lead", phone="13833334444")
    page = manager_client.get(reverse("prospects:list"), {"stage": "client"}).content.decode()
    assert "甲商行" in page and "乙商行" not in page
    page = manager_client.get(reverse("prospects:list"), {"q": "3333"}).content.decode()
    assert "乙商行" in page and "甲商行" not in page


def test_list_filters_start_on_all_not_dashes(manager_client):
    page = manager_client.get(reverse("prospects:list")).content.decode()
    assert "---------" not in page
    assert '<option value="" selected>全部</option>' in page
    assert "到期和逾期的在前" in page


def test_prospect_form_choices_say_what_empty_means(manager_client):
    page = manager_client.get(reverse("prospects:create")).content.decode()
    assert "---------" not in page
    for label in ("请选择客户来源", "暂不清楚", "不属于任何片区"):
        assert label in page


def test_the_industry_choice_carries_the_handbooks_signals(manager, manager_client):
    page = manager_client.get(reverse("prospects:create")).content.decode()
    assert "批发贸易 · 优选行业 · 现金流量大</option>" in page
    assert "房地产 · 有融资需求</option>" in page
    assert "零售</option>" in page
    prospect = make_prospect(manager, industry=Industry.objects.get(name="餐饮"))
    assert (
        '<span class="badge">现金流量大</span>'
        in manager_client.get(prospect.get_absolute_url()).content.decode()
    )


def test_list_filters_overdue_next_actions(manager, manager_client):
    make_prospect(manager, name="逾期商行", next_action_date=TODAY() - timedelta(days=1))
    make_prospect(manager, name="今天商行", next_action_date=TODAY())
    page = manager_client.get(reverse("prospects:list"), {"overdue": "on"}).content.decode()
    assert "逾期商行" in page and "今天商行" not in page


def test_list_htmx_request_returns_only_the_results(manager, manager_client):
    make_prospect(manager, name="甲商行")
    response = manager_client.get(
        reverse("prospects:list"),
        {"q": "甲"},
        headers={"HX-Request": "true", "HX-Target": "results"},
    )
    page = response.content.decode()
    assert "甲商行" in page
    assert "<html" not in page
    assert 'id="results"' in page


def test_list_bad_filter_value_does_not_crash(manager_client):
    response = manager_client.get(reverse("prospects:list"), {"stage": "nonsense", "page": "x"})
    assert response.status_code == 200


def test_owner_filter_is_for_supervisors_only(manager_client, supervisor_client):
    assert (
        "owner" not in manager_client.get(reverse("prospects:list")).context["filter"].form.fields
    )
    assert "owner" in supervisor_client.get(reverse("prospects:list")).context["filter"].form.fields


# --- Visits -----------------------------------------------------------------------------------


def test_turned_away_visit_asks_what_was_learned_and_a_follow_up(manager, manager_client):
    prospect = make_prospect(manager)
    url = reverse("prospects:visit_create", args=[prospect.pk])
    response = manager_client.post(
        url,
        {
            "visit-visited_on": TODAY().isoformat(),
            "visit-kind": "on_site",
            "visit-outcome": "turned_away",
        },
    )
    assert response.status_code == 200
    errors = response.context["visit_form"].errors
    assert errors["learned"] == ["请填写了解到的企业情况。"]
    assert errors["next_step_date"] == ["请设定再次拜访的日期。"]
    assert not Visit.objects.exists()


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_slip_of_the_year_is_refused_beside_the_field_not_a_server_error(
    manager, manager_client, day
):
    prospect = make_prospect(manager)
    response = manager_client.post(
        reverse("prospects:visit_create", args=[prospect.pk]),
        {
            "visit-visited_on": day,
            "visit-kind": "on_site",
            "visit-outcome": "turned_away",
            "visit-learned": "门卫说老板周三在",
            "visit-next_step_date": day,
        },
    )
    assert response.status_code == 200
    errors = response.context["visit_form"].errors
    assert "visited_on" in errors
    assert any(message.startswith("请检查年份") for message in errors.get("next_step_date", []))
    assert not Visit.objects.exists()


def test_choosing_turned_away_proposes_a_follow_up_date(manager, manager_client):
    prospect = make_prospect(manager)
    response = manager_client.get(
        reverse("prospects:visit_create", args=[prospect.pk]),
        {"visit-outcome": "turned_away"},
        headers={"HX-Request": "true", "HX-Target": "visit-form"},
    )
    page = response.content.decode()
    assert "谁能为您引荐" in page
    assert (TODAY() + timedelta(days=7)).isoformat() in page
    assert "<html" not in page


def test_logged_visit_updates_the_page_and_the_next_action(manager, manager_client):
    prospect = make_prospect(manager)
    follow_up = TODAY() + timedelta(days=7)
    response = manager_client.post(
        reverse("prospects:visit_create", args=[prospect.pk]),
        {
            "visit-visited_on": TODAY().isoformat(),
            "visit-kind": "on_site",
            "visit-outcome": "turned_away",
            "visit-learned": "门卫说老板每周三在",
            "visit-intermediary": "王建国",
            "visit-next_step": "请王建国引荐",
            "visit-next_step_date": follow_up.isoformat(),
        },
        headers={"HX-Request": "true", "HX-Target": "activity"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "门卫说老板每周三在" in page
    assert "<html" not in page
    prospect.refresh_from_db()
    assert prospect.next_action_date == follow_up
    assert prospect.next_action == "请王建国引荐"
    # Turned away is an attempt, not contact (rules.counts_as_contact): still a lead.
    assert prospect.stage == "lead"
    # The stage badge and the next action elsewhere on the page are swapped in place.
    assert 'id="prospect-stage" class="badge" hx-swap-oob="true">线索<' in page
    assert 'id="prospect-next-action" hx-swap-oob="true"' in page


def test_a_visit_with_an_outcome_cannot_be_in_the_future(manager, manager_client):
    prospect = make_prospect(manager)
    response = manager_client.post(
        reverse("prospects:visit_create", args=[prospect.pk]),
        {
            "visit-visited_on": (TODAY() + timedelta(days=1)).isoformat(),
            "visit-kind": "phone",
            "visit-outcome": "no_answer",
        },
    )
    assert response.context["visit_form"].errors["visited_on"] == [
        "已有结果的拜访不能是将来的日期。"
    ]


def test_a_planned_visit_is_in_the_agenda_and_the_calendar(manager, manager_client):
    prospect = make_prospect(manager, name="明天拜访的商行", address="城南市场12号")
    response = manager_client.post(
        reverse("prospects:visit_create", args=[prospect.pk]),
        {
            "visit-visited_on": (TODAY() + timedelta(days=1)).isoformat(),
            "visit-at_time": "10:00",
            "visit-kind": "on_site",
        },
    )
    assert response.status_code == 302
    assert "明天拜访的商行" in manager_client.get(reverse("home")).content.decode()
    response = manager_client.get(reverse("calendar"))
    assert response["Content-Type"].startswith("text/calendar")
    ics = response.content.decode()
    assert "BEGIN:VEVENT" in ics
    assert "明天拜访的商行" in ics


# --- Hospitality --------------------------------------------------------------------------


def test_client_paid_meal_is_flagged_for_the_supervisor(people, manager_client, supervisor_client):
    prospect = make_prospect(people.owner, name="老周菜馆")
    response = manager_client.post(
        reverse("prospects:hospitality_create", args=[prospect.pk]),
        {
            "hospitality-occurred_on": TODAY().isoformat(),
            "hospitality-kind": "meal",
            "hospitality-paid_by": "client",
            "hospitality-value": "380",
            "hospitality-note": "老板坚持请客",
        },
        follow=True,
    )
    assert "已标记" in response.content.decode()
    assert HospitalityEntry.objects.get().flagged
    assert (
        "老周菜馆" in supervisor_client.get(reverse("prospects:hospitality_list")).content.decode()
    )
    assert "老周菜馆" in loaded_home(supervisor_client).text
    other = client_for(people.other_supervisor)
    assert "老周菜馆" not in other.get(reverse("prospects:hospitality_list")).content.decode()


def test_hospitality_in_the_future_or_negative_is_refused(manager, manager_client):
    prospect = make_prospect(manager)
    response = manager_client.post(
        reverse("prospects:hospitality_create", args=[prospect.pk]),
        {
            "hospitality-occurred_on": (TODAY() + timedelta(days=1)).isoformat(),
            "hospitality-kind": "gift",
            "hospitality-paid_by": "us",
            "hospitality-value": "-1",
        },
    )
    errors = response.context["hospitality_form"].errors
    assert errors["occurred_on"] == ["宴请或礼品应在发生后登记，不能提前登记。"]
    assert errors["value"] == ["金额不能为负数。"]
    assert not HospitalityEntry.objects.exists()


def test_a_slip_of_the_year_in_hospitality_promises_and_next_actions_is_refused(
    manager, manager_client
):
    prospect = make_prospect(manager)
    hospitality = manager_client.post(
        reverse("prospects:hospitality_create", args=[prospect.pk]),
        {
            "hospitality-occurred_on": "0001-01-01",
            "hospitality-kind": "gift",
            "hospitality-paid_by": "us",
            "hospitality-value": "100",
        },
    )
    assert hospitality.context["hospitality_form"].errors["occurred_on"][0].startswith("请检查年份")
    promise = manager_client.post(
        reverse("prospects:promise_create", args=[prospect.pk]),
        {
            "promise-description": "三天内答复额度",
            "promise-made_on": "0001-01-01",
            "promise-due_on": "9999-12-31",
        },
    )
    errors = promise.context["promise_form"].errors
    assert errors["made_on"][0].startswith("请检查年份")
    assert errors["due_on"][0].startswith("请检查年份")
    edit = manager_client.post(
        reverse("prospects:edit", args=[prospect.pk]),
        prospect_data(next_action="再访", next_action_date="9999-12-31"),
    )
    assert edit.context["form"].errors["next_action_date"][0].startswith("请检查年份")
    assert not HospitalityEntry.objects.exists() and not Promise.objects.exists()


def test_register_shows_only_flagged_for_a_supervisor_by_default(people, supervisor_client):
    prospect = make_prospect(people.owner)
    make_hospitality(prospect, paid_by="us", note="我方请客")
    make_hospitality(prospect, kind="gift", paid_by="us", value=Decimal("500"), note="贵重礼品")
    response = supervisor_client.get(reverse("prospects:hospitality_list"))
    assert [entry.note for entry in response.context["page"]] == ["贵重礼品"]


# --- Promises -----------------------------------------------------------------------------


def test_record_and_keep_a_promise(people, manager_client):
    prospect = make_prospect(people.owner)
    response = manager_client.post(
        reverse("prospects:promise_create", args=[prospect.pk]),
        {
            "promise-description": "三天内答复额度",
            "promise-made_on": TODAY().isoformat(),
            "promise-due_on": (TODAY() + timedelta(days=3)).isoformat(),
            "promise-consulted": people.supervisor.pk,
        },
    )
    assert response.status_code == 302
    promise = Promise.objects.get()
    assert promise.consulted == people.supervisor
    manager_client.post(reverse("prospects:promise_keep", args=[promise.pk]))
    promise.refresh_from_db()
    assert promise.status == "kept"
    assert promise.closed_on == TODAY()


def test_a_promise_that_cannot_be_kept_needs_explanation_and_compensation(manager, manager_client):
    promise = make_promise(make_prospect(manager))
    url = reverse("prospects:promise_break", args=[promise.pk])
    response = manager_client.post(url, {"explanation": "", "compensation": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["explanation"]
    promise.refresh_from_db()
    assert promise.is_open
    response = manager_client.post(
        url, {"explanation": "当面说明原因", "compensation": "免一年手续费"}
    )
    assert response.status_code == 302
    promise.refresh_from_db()
    assert promise.status == "cannot_keep"
    assert promise.compensation == "免一年手续费"


def test_promise_made_in_the_future_or_due_before_it_was_made_is_refused(manager, manager_client):
    prospect = make_prospect(manager)
    response = manager_client.post(
        reverse("prospects:promise_create", args=[prospect.pk]),
        {
            "promise-description": "x",
            "promise-made_on": (TODAY() + timedelta(days=2)).isoformat(),
            "promise-due_on": (TODAY() + timedelta(days=1)).isoformat(),
        },
    )
    errors = response.context["promise_form"].errors
    assert errors["made_on"] == ["承诺日期不能是将来。"]
    assert not Promise.objects.exists()


def test_overdue_promise_shows_on_the_agenda_and_the_supervisors_home(
    people, manager_client, supervisor_client
):
    promise = make_promise(
        make_prospect(people.owner, name="华联批发"),
        made_on=TODAY() - timedelta(days=10),
        due_on=TODAY() - timedelta(days=1),
    )
    page = manager_client.get(reverse("home")).content.decode()
    assert "华联批发" in page
    assert f"#promise-{promise.pk}" in page
    assert "华联批发" in loaded_home(supervisor_client).text


# --- Territories and referrals ---------------------------------------------------------------


def test_territory_page_shows_penetration(people, manager_client):
    territory = make_territory(branch=people.owner.branch, merchants=40, managers=[people.owner])
    for _ in range(4):
        make_prospect(people.owner, territory=territory, stage="client")
    make_prospect(people.teammate, territory=territory, stage="lead")
    response = manager_client.get(territory.get_absolute_url())
    assert response.context["penetration"] == Decimal("0.1")
    page = response.content.decode()
    assert "10.0%" in page
    assert 'id="penetration-data"' in page


@pytest.mark.parametrize(
    "viewer", ["owner", "teammate", "trainee", "supervisor", "other_supervisor", "other_manager"]
)
def test_territory_page_counts_everyone_but_names_no_prospect(people, viewer):
    """The whole branch sees a territory's counts; nobody reads others' prospects there."""
    territory = make_territory(branch=people.owner.branch, managers=[people.owner])
    make_prospect(people.owner, territory=territory, name="鑫源服装商行", phone="13812345678")
    make_prospect(people.trainee, territory=territory, name="阿强水果店", phone="13987654321")
    make_prospect(people.other_manager, territory=territory, name="金华火腿专卖", stage="client")
    response = client_for(getattr(people, viewer)).get(territory.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "100 户商户中已拓展 1 户客户" in page
    for secret in ("鑫源服装商行", "13812345678", "阿强水果店", "13987654321", "金华火腿专卖"):
        assert secret not in page
    for prospect in Prospect.objects.all():
        assert prospect.get_absolute_url() not in page


@pytest.mark.parametrize(
    ("viewer", "offered"),
    [("owner", True), ("supervisor", True), ("admin", True), ("trainee", False)],
)
def test_territory_page_offers_an_import_to_those_who_import(people, viewer, offered):
    territory = make_territory(branch=people.owner.branch, managers=[people.owner])
    page = client_for(getattr(people, viewer)).get(territory.get_absolute_url()).content.decode()
    link = f"{reverse('prospects:import_upload')}?territory={territory.pk}"
    assert (link in page) is offered


def test_territory_link_opens_the_list_with_only_what_the_viewer_may_see(people, trainee_client):
    territory = make_territory(branch=people.owner.branch, managers=[people.owner])
    make_prospect(people.owner, territory=territory, name="鑫源服装商行")
    make_prospect(people.trainee, territory=territory, name="阿强水果店")
    page = trainee_client.get(
        reverse("prospects:list"), {"territory": territory.pk}
    ).content.decode()
    assert "阿强水果店" in page
    assert "鑫源服装商行" not in page


def test_supervisor_sees_team_territories_side_by_side(people, supervisor_client):
    ours = make_territory(branch=people.owner.branch, name="我们的市场", managers=[people.owner])
    make_territory(branch=people.owner.branch, name="别组的市场", managers=[people.other_manager])
    response = supervisor_client.get(reverse("prospects:territory_list"))
    assert [territory for territory, _rate in response.context["rows"]] == [ours]


def test_referral_ranking_counts_referrals_and_clients(manager, manager_client):
    star = make_prospect(manager, name="金牌客户", stage="client")
    make_prospect(manager, name="普通客户", stage="client")
    make_prospect(manager, referred_by=star, source="referral", stage="client")
    make_prospect(manager, referred_by=star, source="referral")
    ranking = list(manager_client.get(reverse("prospects:referrals")).context["ranking"])
    assert [(c.name, c.referred_count, c.referred_clients) for c in ranking] == [("金牌客户", 2, 1)]


def test_detail_shows_timeline_of_visits_promises_and_hospitality(manager, manager_client):
    prospect = make_prospect(manager)
    make_visit(prospect, learned="拜访记录甲")
    make_promise(prospect, description="承诺记录乙")
    make_hospitality(prospect, note="宴请记录丙")
    page = manager_client.get(prospect.get_absolute_url()).content.decode()
    for text in ("拜访记录甲", "承诺记录乙", "宴请记录丙"):
        assert text in page


def test_supervisor_draws_a_territory_for_the_team(people, supervisor_client):
    response = supervisor_client.post(
        reverse("prospects:territory_create"),
        {"name": "城南小商品市场", "kind": "market", "merchant_count": "0"},
    )
    assert response.context["form"].errors["merchant_count"]
    response = supervisor_client.post(
        reverse("prospects:territory_create"),
        {
            "name": "城南小商品市场",
            "kind": "market",
            "merchant_count": "320",
            "managers": [people.owner.pk],
        },
    )
    assert response.status_code == 302
    territory = Territory.objects.get()
    assert territory.branch == people.supervisor.branch
    assert list(territory.managers.all()) == [people.owner]
    response = supervisor_client.post(
        reverse("prospects:territory_create"),
        {"name": "城南小商品市场", "kind": "mall", "merchant_count": "5"},
    )
    assert response.context["form"].errors["name"] == ["本网点已有同名片区。"]


def test_a_planned_visit_not_yet_recorded_stays_on_the_agenda_until_its_outcome_is(
    manager, manager_client
):
    prospect = make_prospect(manager, name="昨天该去的商行")
    visit = make_visit(prospect, visited_on=TODAY() - timedelta(days=1), outcome="")
    page = manager_client.get(reverse("home")).content.decode()
    assert "昨天该去的商行" in page
    assert reverse("prospects:visit_edit", args=[visit.pk]) in page
    response = manager_client.post(
        reverse("prospects:visit_edit", args=[visit.pk]),
        {
            "visit-visited_on": visit.visited_on.isoformat(),
            "visit-kind": "on_site",
            "visit-outcome": "met_decision_maker",
            "visit-learned": "老板同意下周来网点",
        },
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.outcome == "met_decision_maker"
    assert "昨天该去的商行" not in manager_client.get(reverse("home")).content.decode()


def test_trainee_home_shows_their_own_agenda(people, trainee_client):
    make_prospect(people.trainee, name="表哥的店", next_action_date=TODAY())
    make_prospect(people.owner, name="师傅的客户", next_action_date=TODAY())
    page = trainee_client.get(reverse("home")).content.decode()
    assert "表哥的店" in page
    assert "师傅的客户" not in page


def test_calendar_has_follow_ups_and_promises_but_not_colleagues_items(people, manager_client):
    make_prospect(people.owner, name="我的跟进", next_action_date=TODAY() + timedelta(days=2))
    make_promise(make_prospect(people.owner, name="我的承诺"))
    make_prospect(people.teammate, name="同事的跟进", next_action_date=TODAY())
    ics = manager_client.get(reverse("calendar")).content.decode()
    assert "我的跟进" in ics
    assert "我的承诺" in ics
    assert "同事的跟进" not in ics
    assert ics.count("BEGIN:VEVENT") == 2


def test_column_headings_sort_the_list_and_keep_the_filters(manager, manager_client):
    make_prospect(manager, name="乙商行", stage="client")
    make_prospect(manager, name="甲商行", stage="client")
    make_prospect(manager, name="丙商行", stage="lead")
    response = manager_client.get(reverse("prospects:list"), {"stage": "client", "sort": "name"})
    assert [p.name for p in response.context["page"]] == sorted(["甲商行", "乙商行"])
    page = response.content.decode()
    assert "?stage=client&amp;sort=-name" in page  # clicking again reverses, filter kept
    response = manager_client.get(reverse("prospects:list"), {"stage": "client", "sort": "-name"})
    assert [p.name for p in response.context["page"]] == sorted(["甲商行", "乙商行"], reverse=True)


# --- The agenda: each item one click from its action ----------------------------------------


def test_agenda_next_action_opens_the_visit_form_in_one_click(manager, manager_client):
    prospect = make_prospect(
        manager, name="兴旺粮油批发", next_action_date=TODAY() - timedelta(days=2)
    )
    home = manager_client.get(reverse("home")).content.decode()
    link = reverse("prospects:visit_create", args=[prospect.pk])
    assert f'href="{link}#visit-form"' in home
    page = manager_client.get(link).content.decode()
    assert re.search(r"<details open>\s*<summary[^>]*>记录拜访</summary>", page)


def test_a_promise_is_kept_from_the_agenda_and_the_agenda_comes_back(manager, manager_client):
    promise = make_promise(make_prospect(manager, name="华联批发"), due_on=TODAY())
    home = manager_client.get(reverse("home")).content.decode()
    assert reverse("prospects:promise_keep", args=[promise.pk]) in home
    assert reverse("prospects:promise_break", args=[promise.pk]) in home
    response = manager_client.post(
        reverse("prospects:promise_keep", args=[promise.pk]), {"next": reverse("home")}
    )
    assert response["Location"] == reverse("home")
    promise.refresh_from_db()
    assert promise.status == "kept"
    assert "华联批发" not in manager_client.get(reverse("home")).content.decode()


def test_keeping_a_promise_never_sends_the_person_off_the_site(manager, manager_client):
    promise = make_promise(make_prospect(manager))
    response = manager_client.post(
        reverse("prospects:promise_keep", args=[promise.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == promise.prospect.get_absolute_url()


def test_a_promise_already_kept_cannot_then_be_given_up(manager, manager_client):
    """Kept in one tab, "cannot keep" submitted from another: a message, not a server error."""
    promise = make_promise(make_prospect(manager))
    promise.mark_kept(on=TODAY())
    response = manager_client.post(
        reverse("prospects:promise_break", args=[promise.pk]),
        {"explanation": "当面说明", "compensation": "无"},
    )
    assert response.status_code == 200
    assert "只有未完成的承诺才能关闭。" in response.content.decode()
    promise.refresh_from_db()
    assert promise.status == "kept"


def test_the_history_of_a_new_prospect_lists_its_fields_not_its_relations(manager, manager_client):
    response = manager_client.post(reverse("prospects:create"), prospect_data())
    prospect = Prospect.objects.get()
    assert response["Location"] == prospect.get_absolute_url()
    entry = LogEntry.objects.get_for_object(prospect).get()
    assert entry.changes["name"] == ["None", "鑫源服装商行"]
    for noise in ("visits", "promises", "hospitality", "referrals", "id", "created_at"):
        assert noise not in entry.changes
    history = manager_client.get(
        reverse("prospects:history", args=[prospect.pk]),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="change-history",
    ).content.decode()
    assert "鑫源服装商行" in history  # the fragment alone: only the history names it
    assert "prospects.Visit.None" not in history


def test_the_history_comes_as_the_fragment_htmx_swaps_in_or_as_a_page(people, manager_client):
    prospect = make_prospect(people.owner, name="老街五金店")
    prospect.next_action = "周三再访"
    prospect.save()
    url = reverse("prospects:history", args=[prospect.pk])
    fragment = manager_client.get(
        url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="change-history"
    ).content.decode()
    assert fragment.lstrip().startswith('<div id="change-history">')
    assert "周三再访" in fragment and "<html" not in fragment
    # Without JavaScript the prospect page links here: a page of its own, with the way back.
    page = manager_client.get(url).content.decode()
    assert "<html" in page and "周三再访" in page
    assert f'href="{prospect.get_absolute_url()}"' in page
    assert f'href="{url}"' in manager_client.get(prospect.get_absolute_url()).content.decode()


def test_the_history_of_a_prospect_one_cannot_see_is_not_found(people, manager_client):
    theirs = make_prospect(people.teammate, name="别人的客户")
    url = reverse("prospects:history", args=[theirs.pk])
    assert manager_client.get(url).status_code == 404
    assert (
        manager_client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="change-history").status_code
        == 404
    )


def test_recording_a_planned_visit_as_turned_away_redraws_the_form_with_a_proposal(
    manager, manager_client
):
    """From the agenda's "record how it went": the same prompts as on the prospect's page."""
    visit = make_visit(make_prospect(manager), outcome="", visited_on=TODAY())
    url = reverse("prospects:visit_edit", args=[visit.pk])
    response = manager_client.get(
        url,
        {"visit-outcome": "turned_away", "visit-visited_on": TODAY().isoformat()},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="visit-form",
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<form id="visit-form"')
    assert "谁能为您引荐" in page
    assert (TODAY() + timedelta(days=7)).isoformat() in page
    assert 'hx-trigger="change from:#id_visit-outcome"' in manager_client.get(url).content.decode()


def test_an_empty_register_says_where_meals_and_gifts_are_recorded(manager_client):
    page = manager_client.get(reverse("prospects:hospitality_list")).content.decode()
    assert "宴请和礼品在客户页面上登记" in page


@pytest.mark.parametrize("typed", ["¹", "①", "²³"])
def test_a_digit_python_cannot_read_as_a_number_is_no_referrer_and_no_500(
    people, manager_client, typed
):
    """str.isdigit() says yes to "¹" and int() then fails (found by the fuzz test)."""
    prospect = make_prospect(people.owner)
    response = manager_client.post(
        reverse("prospects:edit", args=[prospect.pk]),
        {"name": prospect.name, "phone": "13800001589", "referred_by": typed},
    )
    assert response.status_code in (200, 302)
    prospect.refresh_from_db()
    assert prospect.referred_by is None
