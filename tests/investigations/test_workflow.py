"""The investigation from start to decision: checklist, submission, four eyes, refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from investigations import services
from investigations.models import (
    CHECKLIST,
    Action,
    ChecklistItem,
    Collateral,
    Investigation,
    ItemKind,
    Status,
)
from tests.conftest import client_for
from tests.investigations.factories import (
    add_guarantor,
    authorize_credit_query,
    fill_checklist,
    fill_findings,
    make_investigation,
    pdf_upload,
    ready_to_submit,
    refresh,
    submitted,
)
from tests.prospects.factories import make_prospect
from tests.security.pages import as_sent, forms_on, post_as_drawn

pytestmark = pytest.mark.django_db


def review(client, investigation, **data):
    data.setdefault("seen_version", investigation.version)
    return client.post(reverse("investigations:review", args=[investigation.pk]), data)


# --- The checklist ----------------------------------------------------------------------


def test_a_new_investigation_has_the_eight_items_in_the_handbooks_order(people):
    investigation = make_investigation(people.owner)
    kinds = list(investigation.items.order_by("position").values_list("kind", flat=True))
    assert kinds == list(CHECKLIST)
    assert kinds[:3] == ["credit_bureau", "blacklist", "ledger"]
    assert len(kinds) == 8


def test_the_checklist_cannot_take_a_second_item_of_a_kind_or_position(people):
    investigation = make_investigation(people.owner)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChecklistItem.objects.create(
            investigation=investigation, kind=ItemKind.BLACKLIST, position=9
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ChecklistItem.objects.create(investigation=investigation, kind="extra", position=1)


def test_the_page_shows_the_eight_items_in_order(people):
    investigation = make_investigation(people.owner)
    html = client_for(people.owner).get(investigation.get_absolute_url()).content.decode()
    positions = [html.index(f'id="item-{kind}"') for kind in CHECKLIST]
    assert positions == sorted(positions)


def test_starting_from_a_prospect_creates_a_draft_with_its_checklist(people):
    prospect = make_prospect(people.owner)
    response = client_for(people.owner).post(
        reverse("investigations:create", args=[prospect.pk]),
        {
            "amount": "800000",
            "term_months": "12",
            "product": "短期流动资金贷款",
            "purpose": "备货",
            "existing_loans": "0",
        },
    )
    investigation = Investigation.objects.get(prospect=prospect)
    assert response.status_code == 302
    assert investigation.status == Status.DRAFT
    assert investigation.items.count() == 8
    assert investigation.events.get().action == Action.CREATE


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount", "-1", "more than zero"),
        ("amount", "0", "more than zero"),
        ("amount", "1000000000.01", "1 billion"),
        ("amount", "99999999999999", "1 billion"),
        ("term_months", "0", "at least one month"),
        ("term_months", "361", "at most 360"),
    ],
)
def test_absurd_loans_are_refused_beside_the_field(people, field, value, message):
    prospect = make_prospect(people.owner)
    data = {
        "amount": "800000",
        "term_months": "12",
        "product": "贷款",
        "purpose": "备货",
        "existing_loans": "0",
        field: value,
    }
    client = client_for(people.owner)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("investigations:create", args=[prospect.pk]), data, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert not Investigation.objects.exists()


def edit(person, investigation, **fields):
    """The investigation form, sent with its loan filled in and `fields`."""
    loan = {
        "amount": "500000",
        "term_months": "12",
        "product": "贷款",
        "purpose": "备货",
        "existing_loans": "0",
    }
    return client_for(person).post(
        reverse("investigations:edit", args=[investigation.pk]), {**loan, **fields}
    )


def test_an_absurd_head_count_is_refused_beside_the_field_on_every_database(people):
    investigation = make_investigation(people.owner)
    response = edit(people.owner, investigation, employees="9999999999")
    assert response.status_code == 200
    # Not the database's own limit (2^63 - 1 on SQLite, 2^31 - 1 on PostgreSQL).
    assert response.context["form"].errors["employees"] == ["确保该值小于或等于1000000。"]
    assert refresh(investigation).employees is None


def test_typing_net_assets_is_refused_with_a_message(people):
    investigation = make_investigation(people.owner)
    response = edit(
        people.owner, investigation, total_assets="100", total_liabilities="50", net_assets="999"
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert refresh(investigation).total_assets is None


# --- The credit bureau and the blacklist ---------------------------------------------------


def _item_url(investigation, kind):
    return reverse(
        "investigations:item", args=[investigation.pk, investigation.items.get(kind=kind).pk]
    )


def test_the_credit_query_cannot_be_done_without_written_authorization(people):
    investigation = make_investigation(people.owner)
    client = client_for(people.owner)
    done = {"status": "clear", "methods": ["public_credit"], "finding": "无逾期"}
    response = client.post(_item_url(investigation, ItemKind.CREDIT_BUREAU), done)
    assert response.status_code == 200
    assert "credit_authorized_on" in response.context["form"].errors
    assert "authorization" in response.context["form"].errors
    assert not investigation.items.get(kind=ItemKind.CREDIT_BUREAU).is_done

    response = client.post(
        _item_url(investigation, ItemKind.CREDIT_BUREAU),
        {**done, "credit_authorized_on": "2026-01-05", "authorization": pdf_upload("授权书.pdf")},
    )
    assert response.status_code == 302
    item = investigation.items.get(kind=ItemKind.CREDIT_BUREAU)
    assert item.is_done and item.done_by == people.owner
    assert str(refresh(investigation).credit_authorized_on) == "2026-01-05"
    assert item.evidence.get().purpose == "authorization"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("credit_authorized_on", "2026-03-01", "授权书日期晚于查询日期：应先取得授权再查询。"),
        ("credit_authorized_on", "0001-01-01", "请检查年份：日期早于 2000-01-01。"),
        ("done_on", "0001-01-01", "请检查年份：日期早于 2000-01-01。"),
    ],
)
def test_a_credit_query_dated_before_its_authorization_or_in_year_one_is_refused(
    people, field, value, message
):
    investigation = make_investigation(people.owner)
    data = {
        "status": "clear",
        "methods": ["public_credit"],
        "finding": "无逾期",
        "done_on": "2026-01-10",
        "credit_authorized_on": "2026-01-05",
        "authorization": pdf_upload("授权书.pdf"),
        field: value,
    }
    response = client_for(people.owner).post(_item_url(investigation, ItemKind.CREDIT_BUREAU), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert not investigation.items.get(kind=ItemKind.CREDIT_BUREAU).is_done
    assert refresh(investigation).credit_authorized_on is None


def test_a_blacklist_hit_must_be_marked_as_an_issue(people):
    investigation = make_investigation(people.owner)
    response = client_for(people.owner).post(
        _item_url(investigation, ItemKind.BLACKLIST),
        {"status": "clear", "methods": ["public_credit"], "finding": "命中", "blacklist_hit": "on"},
    )
    assert response.status_code == 200
    assert "status" in response.context["form"].errors


def test_a_blacklist_hit_cannot_be_approved_but_can_be_declined(people):
    investigation = submitted(people.owner, blacklist_hit=True)
    client = client_for(people.supervisor)
    response = review(client, investigation, decision="approve", approval_reason="x")
    assert response.status_code == 200
    assert "blacklist" in str(
        response.context["form"].non_field_errors()
    ).lower() or "黑名单" in str(response.context["form"].non_field_errors())
    assert refresh(investigation).status == Status.SUBMITTED
    response = review(client, investigation, decision="decline", comment="借款人在黑名单中")
    assert response.status_code == 302
    assert refresh(investigation).status == Status.DECLINED


# --- Submission -------------------------------------------------------------------------------


def test_submission_lists_exactly_what_is_missing_each_with_a_link(people):
    investigation = make_investigation(people.owner)
    response = client_for(people.owner).get(
        reverse("investigations:submit", args=[investigation.pk])
    )
    missing = response.context["missing"]
    assert len(missing) == 8 + 6 + 3 + 4  # items, topics, figures, yes/no answers and risk
    assert all(gap.url.startswith("/investigations/") for gap in missing)
    assert any(gap.url.endswith("#id_legal_standing") for gap in missing)


def test_submitting_an_incomplete_investigation_changes_nothing(people):
    investigation = make_investigation(people.owner)
    fill_findings(investigation)
    response = client_for(people.owner).post(
        reverse("investigations:submit", args=[investigation.pk]),
        {"seen_version": refresh(investigation).version},
    )
    assert response.status_code == 200
    assert len(response.context["missing"]) == 8
    assert refresh(investigation).status == Status.DRAFT


def test_a_verification_not_answered_yet_stops_submission_and_shows_on_the_report(people):
    investigation = ready_to_submit(people.owner)
    Investigation.objects.filter(pk=investigation.pk).update(
        licence_valid=None, bad_credit_found=True, risk_rating=""
    )
    client = client_for(people.owner)
    url = reverse("investigations:submit", args=[investigation.pk])
    response = client.post(url, {"seen_version": refresh(investigation).version})
    assert [gap.label for gap in response.context["missing"]] == [
        "营业执照有效且为本人名下 未填写",
        "风险 未填写",
    ]
    assert refresh(investigation).status == Status.DRAFT
    report = client.get(investigation.get_absolute_url()).text
    # What needs the reviewer's eye is marked: not checked, or a worrying answer.
    assert '<span class="badge badge-overdue">执照有效: 未核实</span>' in report
    assert '<span class="badge badge-overdue">发现不良信用: 是</span>' in report
    assert '<span class="badge">按申报用途使用: 是</span>' in report
    assert '<span class="badge badge-overdue">风险: 尚未评级</span>' in report


def test_a_guarantor_nobody_looked_into_stops_submission_and_approval(people):
    investigation = make_investigation(people.owner)
    fill_findings(investigation)
    fill_checklist(investigation)
    add_guarantor(
        investigation,
        name="李保证",
        assets=Decimal(2) * investigation.loans_to_cover,
        legal_standing_checked=False,
        repayment_capacity="  ",
    )
    client = client_for(people.owner)
    url = reverse("investigations:submit", args=[investigation.pk])
    response = client.post(url, {"seen_version": refresh(investigation).version})
    gaps = response.context["missing"]
    assert [gap.label for gap in gaps] == [
        "保证人李保证：主体资格未核实",
        "保证人李保证：未说明代偿能力",
    ]
    assert (
        gaps[0].url
        == f"/investigations/{investigation.pk}/guarantors/{investigation.guarantors.get().pk}/"
    )
    assert refresh(investigation).status == Status.DRAFT
    # Submitted before the rule, it still is not approved as it is.
    services.child_save(
        obj=investigation.guarantors.get(), investigation=investigation, by=people.owner
    )
    Investigation.objects.filter(pk=investigation.pk).update(status=Status.SUBMITTED)
    response = review(client_for(people.supervisor), refresh(investigation), decision="approve")
    assert "保证人李保证：主体资格未核实" in response.text
    assert refresh(investigation).status == Status.SUBMITTED


def test_collateral_checks_not_answered_stop_submission_and_a_no_is_marked(people):
    from investigations.models import Collateral

    investigation = ready_to_submit(people.owner)
    collateral = services.child_save(
        obj=Collateral(
            kind="mortgage",
            description="产权存疑的商铺",
            appraised_value=Decimal("100"),
            legal=True,
        ),
        investigation=investigation,
        by=people.owner,
    )
    client = client_for(people.owner)
    url = reverse("investigations:submit", args=[investigation.pk])
    response = client.post(url, {"seen_version": refresh(investigation).version})
    [gap] = response.context["missing"]
    assert gap.label == "抵质押物产权存疑的商铺：有效性、充足性、变现能力未核实"
    assert gap.url.endswith(f"/collateral/{collateral.pk}/")
    # Answered, one of them "no": it goes to review, marked for the reviewer.
    Collateral.objects.filter(pk=collateral.pk).update(valid=True, sufficient=False, liquid=True)
    response = client.post(url, {"seen_version": refresh(investigation).version})
    assert refresh(investigation).status == Status.SUBMITTED
    queue = client_for(people.supervisor).get(reverse("investigations:queue")).text
    assert '<span class="badge badge-flag">抵质押物存疑</span>' in queue
    report = client_for(people.supervisor).get(investigation.get_absolute_url()).text
    assert '<span class="badge badge-overdue">充足性 ✗</span>' in report


def test_cover_below_two_needs_a_written_justification(people):
    investigation = ready_to_submit(people.owner, cover=Decimal("1.99"))
    client = client_for(people.owner)
    url = reverse("investigations:submit", args=[investigation.pk])
    response = client.post(url, {"seen_version": investigation.version})
    assert response.status_code == 200
    assert "justification" in response.context["form"].errors
    assert refresh(investigation).status == Status.DRAFT
    response = client.post(
        url, {"seen_version": investigation.version, "justification": "有房产抵押，足值。"}
    )
    assert response.status_code == 302
    assert refresh(investigation).cover_justification == "有房产抵押，足值。"


def test_cover_of_exactly_two_needs_no_justification(people):
    investigation = ready_to_submit(people.owner, cover=Decimal("2.00"))
    response = client_for(people.owner).post(
        reverse("investigations:submit", args=[investigation.pk]),
        {"seen_version": investigation.version},
    )
    assert response.status_code == 302
    assert refresh(investigation).status == Status.SUBMITTED


def test_submitting_twice_records_one_submission(people):
    investigation = ready_to_submit(people.owner)
    client = client_for(people.owner)
    url = reverse("investigations:submit", args=[investigation.pk])
    first = client.post(url, {"seen_version": investigation.version})
    second = client.post(url, {"seen_version": investigation.version})
    assert first.status_code == second.status_code == 302
    assert refresh(investigation).events.filter(action=Action.SUBMIT).count() == 1


# --- Four eyes and decisions --------------------------------------------------------------------


def test_the_owner_cannot_decide_on_their_own_investigation(people):
    investigation = submitted(people.owner)
    response = review(client_for(people.owner), investigation, decision="approve")
    assert response.status_code == 302
    assert refresh(investigation).status == Status.SUBMITTED


def test_a_supervisors_own_investigation_goes_to_an_administrator(people):
    investigation = submitted(people.supervisor)
    assert investigation not in Investigation.objects.awaiting_review_by(people.supervisor)
    assert investigation in Investigation.objects.awaiting_review_by(people.admin)
    response = review(client_for(people.supervisor), investigation, decision="approve")
    assert refresh(investigation).status == Status.SUBMITTED
    response = review(client_for(people.admin), investigation, decision="approve")
    assert response.status_code == 302
    assert refresh(investigation).status == Status.APPROVED


def test_work_a_supervisor_did_goes_to_an_administrator_after_the_client_is_handed_on(people):
    """Four eyes hold across a handover: the supervisor started and checked it on their
    own client, then gave the client to a team member, who submitted it unchanged."""
    from prospects.services import prospects_hand_over

    investigation = ready_to_submit(people.supervisor)
    prospects_hand_over(
        prospects=[investigation.prospect],
        from_person=people.supervisor,
        to=people.owner,
        by=people.supervisor,
        reason="片区调整",
    )
    investigation = refresh(investigation)
    assert investigation.owner == people.owner
    services.investigation_submit(
        investigation=investigation, by=people.owner, seen_version=investigation.version
    )
    investigation = refresh(investigation)
    assert investigation not in Investigation.objects.awaiting_review_by(people.supervisor)
    assert investigation in Investigation.objects.awaiting_review_by(people.admin)
    review(client_for(people.supervisor), investigation, decision="approve")
    assert refresh(investigation).status == Status.SUBMITTED
    assert review(client_for(people.admin), investigation, decision="approve").status_code == 302
    assert refresh(investigation).status == Status.APPROVED


def test_the_queue_and_the_decision_agree_on_who_decides(people):
    """The queue's SQL and can_decide's Python: each submitted investigation is in the
    queue of exactly the supervisor or administrator who may decide on it."""
    from investigations.permissions import can_decide

    team_work = submitted(people.owner)
    lead_work = submitted(people.supervisor)
    other_team = submitted(people.other_manager)
    for reviewer in (people.supervisor, people.admin, people.other_supervisor):
        queue = set(Investigation.objects.awaiting_review_by(reviewer))
        for investigation in (team_work, lead_work, other_team):
            decides = can_decide(reviewer, refresh(investigation))
            in_queue = investigation in queue
            # An administrator may decide on anyone's; their queue holds what only they can.
            assert in_queue == decides or (reviewer == people.admin and decides), (
                reviewer,
                investigation.owner,
            )
            if in_queue:
                assert decides


def test_the_queue_is_the_teams_submissions_oldest_first(people):
    first = submitted(people.owner)
    second = submitted(people.teammate)
    submitted(people.other_manager)
    make_investigation(people.owner)
    response = client_for(people.supervisor).get(reverse("investigations:queue"))
    assert [inv for inv, _age in response.context["queue"]] == [first, second]


def test_a_long_queue_comes_a_page_at_a_time_oldest_first_with_its_size(people):
    from investigations.views import QUEUE_PAGE_SIZE

    waiting = [submitted(people.owner) for _ in range(QUEUE_PAGE_SIZE + 2)]
    supervisor = client_for(people.supervisor)
    first = supervisor.get(reverse("investigations:queue"))
    assert [inv for inv, _age in first.context["queue"]] == waiting[:QUEUE_PAGE_SIZE]
    assert f"{QUEUE_PAGE_SIZE + 2} 项待审查" in first.text
    second = supervisor.get(reverse("investigations:queue"), {"page": 2})
    assert [inv for inv, _age in second.context["queue"]] == waiting[QUEUE_PAGE_SIZE:]
    # The home panel counts them all and shows the oldest.
    home = supervisor.get(reverse("home"))
    [panel] = [
        p for p in home.context["panels"] if p.template == "investigations/panels/queue.html"
    ]
    assert panel.context["count"] == QUEUE_PAGE_SIZE + 2
    assert panel.context["preview"][0][0] == waiting[0]


def test_a_long_list_comes_a_page_at_a_time_newest_first_and_keeps_its_filter(people):
    from investigations.views import LIST_PAGE_SIZE

    drafts = [make_investigation(people.owner) for _ in range(LIST_PAGE_SIZE + 2)]
    make_investigation(people.other_manager)  # another team's: not counted
    client = client_for(people.supervisor)
    first = client.get(reverse("investigations:list"), {"status": "draft"})
    assert list(first.context["page"]) == drafts[::-1][:LIST_PAGE_SIZE]
    assert f"共 {LIST_PAGE_SIZE + 2} 项贷款调查" in first.text
    assert "?status=draft&amp;page=2" in first.text
    second = client.get(reverse("investigations:list"), {"status": "draft", "page": 2})
    assert list(second.context["page"]) == drafts[1::-1]
    # Nothing of this status: said so, with no pager.
    none = client.get(reverse("investigations:list"), {"status": "approved"})
    assert "没有贷款调查。" in none.text


def test_return_with_comments_then_fix_and_resubmit_then_approve(people):
    investigation = submitted(people.owner)
    supervisor = client_for(people.supervisor)
    item = investigation.items.get(kind=ItemKind.OPERATIONS)
    response = review(
        supervisor,
        investigation,
        decision="return",
        comment="请补充现场照片",
        **{f"item_{item.pk}": "仓库照片缺失"},
    )
    assert response.status_code == 302
    investigation = refresh(investigation)
    assert investigation.status == Status.RETURNED
    page = client_for(people.owner).get(investigation.get_absolute_url()).content.decode()
    assert "仓库照片缺失" in page and "请补充现场照片" in page

    fill_findings(investigation, operations="已补充仓库照片。")
    investigation = refresh(investigation)
    client_for(people.owner).post(
        reverse("investigations:submit", args=[investigation.pk]),
        {"seen_version": investigation.version},
    )
    investigation = refresh(investigation)
    assert investigation.status == Status.SUBMITTED
    assert review(supervisor, investigation, decision="approve").status_code == 302
    investigation = refresh(investigation)
    assert investigation.status == Status.APPROVED
    assert investigation.decided_by == people.supervisor
    assert [e.action for e in investigation.events.all()] == [
        "create",
        "submit",
        "return",
        "submit",
        "approve",
    ]


def test_returning_needs_a_comment_and_declining_a_reason(people):
    investigation = submitted(people.owner)
    client = client_for(people.supervisor)
    assert "comment" in review(client, investigation, decision="return").context["form"].errors
    assert "comment" in review(client, investigation, decision="decline").context["form"].errors
    assert refresh(investigation).status == Status.SUBMITTED


def test_approving_low_cover_needs_the_reviewers_own_reason(people):
    investigation = ready_to_submit(people.owner, cover=Decimal("1.5"))
    client_for(people.owner).post(
        reverse("investigations:submit", args=[investigation.pk]),
        {"seen_version": investigation.version, "justification": "抵押足值"},
    )
    investigation = refresh(investigation)
    client = client_for(people.supervisor)
    response = review(client, investigation, decision="approve")
    assert "approval_reason" in response.context["form"].errors
    response = review(client, investigation, decision="approve", approval_reason="抵押物充足")
    assert response.status_code == 302
    assert refresh(investigation).approval_reason == "抵押物充足"


def submitted_with_collateral(owner, **checks) -> Investigation:
    """Submitted with one mortgage whose four checks are answered yes unless `checks` say."""
    investigation = ready_to_submit(owner)
    answers = {"legal": True, "valid": True, "sufficient": True, "liquid": True, **checks}
    services.child_save(
        obj=Collateral(
            kind="mortgage", description="城南商铺", appraised_value=Decimal("100"), **answers
        ),
        investigation=investigation,
        by=owner,
    )
    investigation = refresh(investigation)
    services.investigation_submit(
        investigation=investigation, by=owner, seen_version=investigation.version
    )
    investigation = refresh(investigation)
    assert investigation.status == Status.SUBMITTED
    return investigation


COLLATERAL_NOTE_NEEDED = "抵质押物有一项核实答“否”：请写明您仍然同意的理由。"


def test_approving_despite_a_collateral_check_answered_no_needs_the_reviewers_reason(people):
    investigation = submitted_with_collateral(people.owner, sufficient=False, liquid=False)
    client = client_for(people.supervisor)
    url = reverse("investigations:review", args=[investigation.pk])
    # The decision form says which checks failed, beside the comment it asks for.
    page = client.get(url).text
    assert "抵质押物核实答“否”：城南商铺：充足性、变现能力。如要同意，请在此写明理由。" in page

    item = investigation.items.get(kind=ItemKind.OPERATIONS)
    response = review(
        client, investigation, decision="approve", comment="  ", **{f"item_{item.pk}": "已阅"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["comment"] == [COLLATERAL_NOTE_NEEDED]
    assert not response.context["form"].non_field_errors()
    # Shown next to the comment field (between its label and its box), the typing kept.
    html = response.text
    label = html.index('for="id_comment"')
    assert label < html.index(COLLATERAL_NOTE_NEEDED) < html.index('id="id_comment"')
    assert "已阅</textarea>" in html
    assert '<input type="radio" name="decision" value="approve"' in html
    investigation = refresh(investigation)
    assert investigation.status == Status.SUBMITTED
    assert investigation.decided_by is None
    assert not investigation.events.filter(action=Action.APPROVE).exists()


def test_approving_despite_a_collateral_check_answered_no_records_and_shows_the_reason(people):
    investigation = submitted_with_collateral(people.owner, legal=False)
    client = client_for(people.supervisor)
    response = review(client, investigation, decision="approve")
    assert response.context["form"].errors["comment"] == [COLLATERAL_NOTE_NEEDED]
    reason = "产权瑕疵已由借款人补正，另有保证人足额担保。"
    response = review(client, investigation, decision="approve", comment=reason)
    assert response.status_code == 302
    investigation = refresh(investigation)
    assert investigation.status == Status.APPROVED
    assert investigation.decided_by == people.supervisor
    assert investigation.decision_event().comment == reason
    # On the report (page and PDF), in the decision and in the steps.
    report = client_for(people.owner).get(investigation.get_absolute_url()).text
    decision = report[report.index('id="decision"') : report.index('id="steps"')]
    assert "已同意" in decision and reason in decision
    assert reason in report[report.index('id="steps"') :]


def test_only_a_collateral_check_answered_no_asks_for_a_reason_to_approve(people):
    client = client_for(people.supervisor)
    sound = submitted_with_collateral(people.owner)
    doubtful = submitted_with_collateral(people.owner, valid=False)
    asks = "如要同意，请在此写明理由。"
    assert asks not in client.get(reverse("investigations:review", args=[sound.pk])).text
    assert asks in client.get(reverse("investigations:review", args=[doubtful.pk])).text
    # Every check answered yes: approved with no comment at all.
    assert review(client, sound, decision="approve").status_code == 302
    assert refresh(sound).status == Status.APPROVED
    response = review(client, doubtful, decision="approve")
    assert response.context["form"].errors["comment"] == [COLLATERAL_NOTE_NEEDED]
    assert refresh(doubtful).status == Status.SUBMITTED


def test_returning_or_declining_over_a_failed_collateral_check_asks_nothing_more(people):
    client = client_for(people.supervisor)
    returned = submitted_with_collateral(people.owner, valid=False)
    item = returned.items.get(kind=ItemKind.OPERATIONS)
    # Approving without a comment is refused; returning with only an item's comment is not.
    assert "comment" in review(client, returned, decision="approve").context["form"].errors
    response = review(client, returned, decision="return", **{f"item_{item.pk}": "补充产权证明"})
    assert response.status_code == 302
    assert refresh(returned).status == Status.RETURNED
    declined = submitted_with_collateral(people.owner, valid=False)
    assert "comment" in review(client, declined, decision="approve").context["form"].errors
    response = review(client, declined, decision="decline", comment="抵押物无效")
    assert response.status_code == 302
    assert refresh(declined).status == Status.DECLINED


def test_a_decision_on_a_stale_page_is_refused(people):
    investigation = submitted(people.owner)
    stale_version = investigation.version - 1
    response = review(
        client_for(people.supervisor),
        investigation,
        decision="approve",
        seen_version=stale_version,
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert refresh(investigation).status == Status.SUBMITTED


def test_deciding_twice_is_refused_with_a_message(people):
    investigation = submitted(people.owner)
    client = client_for(people.supervisor)
    assert review(client, investigation, decision="approve").status_code == 302
    response = review(client_for(people.admin), investigation, decision="decline", comment="x")
    assert response.status_code == 302
    assert refresh(investigation).status == Status.APPROVED
    assert refresh(investigation).events.filter(action__in=["approve", "decline"]).count() == 1


def test_nothing_changes_after_a_decision(people):
    investigation = submitted(people.owner)
    review(client_for(people.supervisor), investigation, decision="approve")
    client = client_for(people.owner)
    response = client.post(
        reverse("investigations:edit", args=[investigation.pk]),
        {"amount": "1", "term_months": "1", "product": "x", "purpose": "x", "existing_loans": "0"},
        follow=True,
    )
    assert "该调查已审查完毕（已同意），不能再修改。" in response.text
    assert refresh(investigation).amount == Decimal("500000")
    item = investigation.items.first()
    client.post(
        reverse("investigations:item", args=[investigation.pk, item.pk]), {"status": "pending"}
    )
    assert refresh(investigation).items.first().status == "clear"


def test_the_team_sees_their_records_and_trainees_see_none(people):
    investigation = make_investigation(people.owner)
    assert investigation in Investigation.objects.visible_to(people.supervisor)
    assert not Investigation.objects.visible_to(people.trainee).exists()
    assert not Investigation.objects.visible_to(people.other_supervisor).exists()


def test_fill_checklist_helper_records_authorization(people):
    investigation = make_investigation(people.owner)
    authorize_credit_query(investigation)
    fill_checklist(investigation)
    assert all(item.is_done for item in refresh(investigation).items.all())


@pytest.mark.parametrize(
    "query",
    [
        "?total_assets=1e999999&total_liabilities=0",
        "?total_assets=1e999999999&total_liabilities=0",  # past the decimal context's range
        "?total_assets=0&total_liabilities=-1e999999999",
        "?total_assets=NaN&total_liabilities=1",
        "?total_assets=abc",
        "?guarantor=x&total_assets=5&total_liabilities=1",
    ],
)
def test_the_cover_preview_survives_any_input(people, query):
    investigation = make_investigation(people.owner)
    response = client_for(people.owner).get(
        reverse("investigations:cover", args=[investigation.pk]) + query
    )
    assert response.status_code == 200


def test_a_decision_without_the_pages_version_is_refused_at_the_top(people):
    investigation = submitted(people.owner)
    response = client_for(people.supervisor).post(
        reverse("investigations:review", args=[investigation.pk]), {"decision": "approve"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert refresh(investigation).status == Status.SUBMITTED


YES_NO_FINDINGS = ("licence_valid", "bad_credit_found", "purpose_matches")


@pytest.mark.parametrize("answers", [(True, False, True), (False, True, False)])
def test_the_yes_no_findings_show_as_saved_and_survive_a_save_of_anything_else(people, answers):
    licence, bad_credit, purpose = answers
    investigation = make_investigation(
        people.owner, licence_valid=licence, bad_credit_found=bad_credit, purpose_matches=purpose
    )
    url = reverse("investigations:edit", args=[investigation.pk])
    client = client_for(people.owner)
    (form,) = [f for f in forms_on(client.get(url).text, url) if f.field("licence_valid")]
    shown = tuple(form.field(name).value for name in YES_NO_FINDINGS)
    assert shown == tuple("true" if answer else "false" for answer in answers)
    assert post_as_drawn(client, url).status_code == 302
    investigation = refresh(investigation)
    assert tuple(getattr(investigation, name) for name in YES_NO_FINDINGS) == answers


def test_a_save_from_a_page_drawn_before_another_change_is_refused_and_keeps_the_typing(people):
    investigation = make_investigation(people.owner, operations="经营五年")
    url = reverse("investigations:edit", args=[investigation.pk])
    client = client_for(people.owner)
    (form,) = [f for f in forms_on(client.get(url).text, url) if f.field("operations")]
    # Meanwhile, in another tab: the findings saved, then a guarantor added.
    fill_findings(investigation, operations="经营八年，仓库已看")
    add_guarantor(investigation, assets=Decimal("1000000"))
    stale = as_sent(form) | {"operations": "经营六年"}
    response = client.post(url, stale)
    assert response.status_code == 200
    assert "打开此页面后，该调查已有改动" in response.text
    assert "经营六年" in response.text  # what was typed is still in the form
    assert refresh(investigation).operations == "经营八年，仓库已看"
    # Sent again from the refusal, it is a deliberate replacement.
    (again,) = [f for f in forms_on(response.text, url) if f.field("operations")]
    assert client.post(url, as_sent(again)).status_code == 302
    assert refresh(investigation).operations == "经营六年"


def test_a_guarantor_saved_from_an_older_tab_does_not_undo_the_newer_save(people):
    investigation = make_investigation(people.owner)
    guarantor = add_guarantor(
        investigation, name="王保证", assets=Decimal("900000"), legal_standing_checked=False
    )
    url = reverse("investigations:child_edit", args=[investigation.pk, "guarantors", guarantor.pk])
    client = client_for(people.owner)
    (older,) = [f for f in forms_on(client.get(url).text, url) if f.field("name")]
    (newer,) = [f for f in forms_on(client.get(url).text, url) if f.field("name")]
    ticked = as_sent(newer) | {"legal_standing_checked": "on", "repayment_capacity": "有两套住房"}
    assert client.post(url, ticked).status_code == 302
    response = client.post(url, as_sent(older) | {"relation": "借款人表弟"})
    assert response.status_code == 200
    assert "打开此页面后，该调查已有改动" in response.text
    assert "借款人表弟" in response.text  # what was typed is still in the form
    guarantor.refresh_from_db()
    assert (guarantor.legal_standing_checked, guarantor.repayment_capacity) == (True, "有两套住房")


def test_a_checklist_item_saved_from_an_older_tab_is_refused(people):
    investigation = make_investigation(people.owner)
    item = refresh(investigation).items.get(kind=ItemKind.BLACKLIST)
    url = reverse("investigations:item", args=[investigation.pk, item.pk])
    client = client_for(people.owner)
    (older,) = [f for f in forms_on(client.get(url).text, url) if f.field("finding")]
    fill_findings(investigation, operations="经营八年")  # meanwhile, another tab
    done = {"status": "clear", "methods": ["documents"], "finding": "未在黑名单中"}
    response = client.post(url, as_sent(older) | done)
    assert response.status_code == 200
    assert "打开此页面后，该调查已有改动" in response.text
    assert ChecklistItem.objects.get(pk=item.pk).finding == ""


def test_a_side_inquiry_in_year_one_is_refused_beside_the_date(people):
    investigation = make_investigation(people.owner)
    response = client_for(people.owner).post(
        reverse("investigations:child_create", args=[investigation.pk, "inquiries"]),
        {
            "whom": "neighbour",
            "who": "隔壁五金店老板",
            "learned": "经营正常",
            "asked_on": "0001-01-01",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["asked_on"] == ["请检查年份：日期早于 2000-01-01。"]
    assert not investigation.side_inquiries.exists()


# --- Review mends: what a stale or wrong record must not get past -------------------------


def test_a_wrong_file_is_removed_from_the_page_and_its_authorization_is_missed_again(people):
    investigation = ready_to_submit(people.owner)
    client = client_for(people.owner)
    page = client.get(investigation.get_absolute_url()).text
    authorization = investigation.evidence.get(purpose="authorization")
    remove = reverse("investigations:evidence_delete", args=[authorization.pk])
    assert f'action="{remove}"' in page and "删除文件“授权书.pdf”？" in page
    assert client.post(remove).status_code == 302
    assert not investigation.evidence.filter(purpose="authorization").exists()
    response = client.get(reverse("investigations:submit", args=[investigation.pk]))
    assert [gap.label for gap in response.context["missing"]] == ["借款人征信查询书面授权"]


def test_a_submitted_investigation_now_incomplete_is_not_approved(people):
    investigation = submitted(people.owner)
    # Submitted before the risk was required (or changed behind the workflow's back).
    Investigation.objects.filter(pk=investigation.pk).update(risk_rating="")
    response = review(client_for(people.supervisor), investigation, decision="approve")
    assert response.status_code == 200
    assert "该调查不完整（风险 未填写）：请退回补充。" in response.text
    assert refresh(investigation).status == Status.SUBMITTED


def test_the_queue_shows_a_cover_of_nothing_as_zero_not_a_dash(people):
    investigation = make_investigation(people.owner)
    fill_findings(investigation)
    fill_checklist(investigation)
    services.investigation_submit(
        investigation=investigation,
        by=people.owner,
        seen_version=refresh(investigation).version,
        justification="有足值房产抵押",
    )
    queue = client_for(people.supervisor).get(reverse("investigations:queue")).text
    assert "覆盖率 0.00" in queue


def test_the_live_cover_draws_nothing_from_a_negative_amount_the_form_refuses(people):
    investigation = make_investigation(people.owner, amount=Decimal("300000"))
    url = reverse("investigations:child_create", args=[investigation.pk, "guarantors"])
    client = client_for(people.owner)
    typed = {
        "name": "王保证",
        "kind": "person",
        "total_assets": "10",
        "total_liabilities": "-1000000",
    }
    response = client.post(url, typed)
    assert "金额不能为负数" in response.text
    # The cover of the guarantors saved (none), not "3.33, meets 2.0" from a negative debt.
    assert "<output>0.00</output>" in response.text
    preview = client.get(
        reverse("investigations:cover", args=[investigation.pk]),
        {"total_assets": "10", "total_liabilities": "-1000000"},
    )
    assert "<output>0.00</output>" in preview.text


def test_approving_with_low_cover_and_a_doubtful_collateral_asks_for_both_reasons_at_once(people):
    investigation = ready_to_submit(people.owner, cover=Decimal("1"))
    services.child_save(
        obj=Collateral(
            kind="mortgage",
            description="城南商铺",
            appraised_value=Decimal("100"),
            **{"legal": True, "valid": False, "sufficient": True, "liquid": True},
        ),
        investigation=investigation,
        by=people.owner,
    )
    investigation = refresh(investigation)
    services.investigation_submit(
        investigation=investigation,
        by=people.owner,
        seen_version=investigation.version,
        justification="另有足值房产抵押",
    )
    response = review(client_for(people.supervisor), refresh(investigation), decision="approve")
    errors = response.context["form"].errors
    # Both beside their fields in one answer, not the second after the first is fixed.
    assert errors["approval_reason"] == ["覆盖率低于 2.0：请写明你同意的理由。"]
    assert errors["comment"] == [COLLATERAL_NOTE_NEEDED]
    assert refresh(investigation).status == Status.SUBMITTED


@pytest.mark.parametrize("change", ["left", "demoted"])
def test_a_teams_work_goes_to_the_administrators_when_its_supervisor_cannot_decide(people, change):
    """The supervisor's account is closed, or they are no longer a supervisor: the team's
    submissions wait in the administrators' queue and home panel, not in nobody's."""
    from accounts.models import Role
    from investigations.permissions import can_decide

    waiting = submitted(people.owner)
    lead = people.supervisor
    if change == "left":
        lead.is_active = False
    else:
        lead.role = Role.CLIENT_MANAGER
    lead.save()
    assert waiting in Investigation.objects.awaiting_review_by(people.admin)
    assert can_decide(people.admin, refresh(waiting))
    assert refresh(waiting).reviewed_by_administrator
    response = client_for(people.admin).get(reverse("investigations:queue"))
    assert waiting in [inv for inv, _age in response.context["queue"]]
    assert review(client_for(people.admin), waiting, decision="approve").status_code == 302
    assert refresh(waiting).status == Status.APPROVED


def test_approving_despite_findings_against_the_loan_needs_the_reviewers_reason(people):
    """Bad credit found and the money not used as stated: an approval is an exception, its
    reason on record (every finding in the loan's favour asks for none: tests above)."""
    client = client_for(people.supervisor)
    against = submitted(people.owner)
    Investigation.objects.filter(pk=against.pk).update(bad_credit_found=True, purpose_matches=False)
    against = refresh(against)
    page = client.get(reverse("investigations:review", args=[against.pk])).text
    assert "不利的调查发现：发现逾期或不良信用：是；资金将按申报用途使用：否" in page
    response = review(client, against, decision="approve")
    assert response.context["form"].errors["comment"] == [
        "调查发现不利于贷款（发现逾期或不良信用：是；资金将按申报用途使用：否）：如要同意，请写明理由。"
    ]
    assert refresh(against).status == Status.SUBMITTED
    reason = "逾期已结清，用途经补充核实"
    assert review(client, against, decision="approve", comment=reason).status_code == 302
    approved = refresh(against)
    assert approved.status == Status.APPROVED
    assert approved.decision_event().comment == reason
