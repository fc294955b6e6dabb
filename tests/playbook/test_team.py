"""Reading as a team: topics on words, flags, assigned reading, what readers did not find."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from playbook.home import agenda_sections
from playbook.importer import import_text, propose_topics
from playbook.models import Entry, EntryFlag, ReadingAssignment, SearchLog
from playbook.rules import assignment_overdue, finished_on_time
from playbook.services import flag_raise, reading_assign, search_opened, search_record
from tests.playbook.factories import make_entry, make_section

pytestmark = pytest.mark.django_db

HEAD = "业务篇\n贷款营销\n一、贷款调查\n"


# --- Topics on words ----------------------------------------------------------------


def test_a_guarantor_is_not_a_promise():
    keywords = {"promises": ["承诺", "保证"], "investigation": ["核实", "贷款调查"]}
    assert propose_topics("保证人的情况怎样核实？", "看保证人的资产。", keywords) == [
        "investigation"
    ]
    assert propose_topics("能向客户保证吗？", "不要保证。", keywords) == ["promises"]


def test_a_keyword_jieba_splits_still_matches_its_words_in_a_row():
    keywords = {"investigation": ["贷款调查"]}
    assert propose_topics("贷款调查时看什么？", "", keywords) == ["investigation"]
    assert propose_topics("调查贷款用途？", "", keywords) == []


def test_reimporting_corrects_substring_topics_but_keeps_an_administrators_choice():
    text = (
        HEAD + "1.担保人的情况怎样核实？\n答：看担保人的资产。\n2.担保人要签什么？\n答：签合同。\n"
    )
    import_text(text)
    first, second = Entry.objects.order_by("number")
    assert not first.topics.filter(slug="promises").exists()
    # An earlier import put both in "promises"; an administrator chose the second's topics.
    from playbook.models import Topic

    promises = Topic.objects.get(slug="promises")
    first.topics.add(promises)
    second.topics.set([promises])
    second.topics_by_hand = True
    second.save()
    import_text(text)
    assert not first.topics.filter(slug="promises").exists()
    assert list(second.topics.values_list("slug", flat=True)) == ["promises"]


def test_choosing_topics_in_the_admin_marks_them_chosen_by_hand(admin_client_):
    from playbook.models import Topic

    entry = make_entry("担保人怎样核实？", "看资产。")
    url = reverse("admin:playbook_entry_change", args=[entry.pk])
    admin_client_.post(
        url,
        {
            "section": entry.section_id,
            "number": entry.number,
            "question": entry.question,
            "answer": entry.answer,
            "topics": [Topic.objects.get(slug="investigation").pk],
        },
    )
    entry.refresh_from_db()
    assert entry.topics_by_hand


# --- Flags ----------------------------------------------------------------------------


def test_a_reader_flags_an_entry_and_sees_the_editors_reply(
    trainee, trainee_client, supervisor_client
):
    entry = make_entry("怎样核实流水？", "看三个月。")
    response = trainee_client.post(
        reverse("playbook:flag_create", kwargs={"pk": entry.pk}),
        {"reason": "outdated", "comment": "现在要看六个月"},
    )
    assert response.status_code == 302
    flag = EntryFlag.objects.get()
    assert (flag.raised_by, flag.reason, flag.is_open) == (trainee, "outdated", True)

    html = supervisor_client.get(reverse("playbook:flags")).content.decode()
    assert "现在要看六个月" in html and f'data-flag="{flag.pk}"' in html
    supervisor_client.post(
        reverse("playbook:flag_resolve", kwargs={"pk": flag.pk}),
        {"reply": "已改为六个月", "entry_edited": "on"},
    )
    flag.refresh_from_db()
    assert not flag.is_open and flag.entry_edited
    html = trainee_client.get(entry.get_absolute_url()).content.decode()
    assert "已改为六个月" in html
    assert 'data-state="resolved"' in html


def test_a_flag_needs_a_comment_and_a_resolution_a_reply(
    trainee_client, supervisor_client, trainee
):
    entry = make_entry()
    response = trainee_client.post(
        reverse("playbook:flag_create", kwargs={"pk": entry.pk}),
        {"reason": "unclear", "comment": ""},
    )
    assert response.status_code == 200
    assert "这个字段是必填项" in response.content.decode()
    assert not EntryFlag.objects.exists()
    flag = flag_raise(entry=entry, by=trainee, reason="unclear", comment="看不懂")
    response = supervisor_client.post(
        reverse("playbook:flag_resolve", kwargs={"pk": flag.pk}), {"reply": ""}
    )
    assert response.status_code == 200
    flag.refresh_from_db()
    assert flag.is_open


def test_readers_see_only_their_own_flags(trainee, manager_client, trainee_client):
    flag_raise(entry=make_entry(), by=trainee, reason="unclear", comment="学员的疑问")
    assert "学员的疑问" in trainee_client.get(reverse("playbook:flags")).content.decode()
    assert "学员的疑问" not in manager_client.get(reverse("playbook:flags")).content.decode()


# --- Assigned reading -------------------------------------------------------------------


def test_a_mentor_assigns_a_section_and_the_trainee_confirms_it(
    people, supervisor_client, trainee_client
):
    section = make_section()
    entries = [make_entry(f"问{i}？", section=section) for i in range(3)]
    due = timezone.localdate() + timedelta(days=2)
    response = supervisor_client.post(
        reverse("playbook:assignment_create"),
        {"trainee": people.trainee.pk, "section": section.pk, "due_on": due.isoformat()},
    )
    assert response.status_code == 302
    assignment = ReadingAssignment.objects.get()
    assert set(assignment.entries.all()) == set(entries)

    home = trainee_client.get(reverse("home")).content.decode()
    assert f'data-assignment="{assignment.pk}"' in home
    assert "已读 0 / 3" in home and "已读并理解" not in home
    confirm = reverse("playbook:assignment_confirm", kwargs={"pk": assignment.pk})

    # "Read and understood" before reading is refused, and says how much is left.
    trainee_client.get(entries[0].get_absolute_url())
    response = trainee_client.post(confirm, follow=True)
    assert "请先逐条打开阅读再确认：3 条中还有 2 条未读。" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.confirmed_at is None

    # The section grows while the reading is open: the new entry is asked for too.
    added = make_entry("新增的问？", section=section)
    for entry in entries[1:]:
        trainee_client.get(entry.get_absolute_url())
    page = trainee_client.get(reverse("playbook:assignments")).content.decode()
    assert "已读 3 / 4" in page and "新增的问？" in page
    trainee_client.post(confirm)
    assert ReadingAssignment.objects.get().confirmed_at is None

    trainee_client.get(added.get_absolute_url())
    trainee_client.post(confirm)
    assignment.refresh_from_db()
    assert assignment.confirmed_at is not None and assignment.on_time
    assert set(assignment.entries.all()) == {*entries, added}  # what was confirmed
    html = supervisor_client.get(reverse("playbook:assignments")).content.decode()
    assert 'data-state="on-time"' in html


def test_an_entry_revised_after_it_was_read_is_read_again_before_confirming(people, trainee_client):
    entry = make_entry("门卫不让进怎么办？")
    assignment = reading_assign(
        trainee=people.trainee,
        by=people.supervisor,
        due_on=timezone.localdate() + timedelta(days=2),
        entries=[entry],
    )
    trainee_client.get(entry.get_absolute_url())
    Entry.objects.filter(pk=entry.pk).update(revised_at=timezone.now() + timedelta(seconds=1))
    confirm = reverse("playbook:assignment_confirm", kwargs={"pk": assignment.pk})

    response = trainee_client.post(confirm, follow=True)

    assert "1 条中还有 1 条未读" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.confirmed_at is None


def test_only_the_mentor_assigns_and_never_in_the_past(people, supervisor, client_for_other):
    section = make_section()
    make_entry(section=section)
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client_for_other.post(
        reverse("playbook:assignment_create"),
        {"trainee": people.trainee.pk, "section": section.pk, "due_on": yesterday.isoformat()},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "不能是过去的日期" in html
    assert "选择一个有效的选项" in html  # another team's trainee is not offered
    assert not ReadingAssignment.objects.exists()


@pytest.fixture
def client_for_other(people):
    from tests.conftest import client_for

    return client_for(people.other_supervisor)


def test_overdue_reading_is_on_both_agendas(people):
    today = timezone.localdate()
    overdue = reading_assign(
        trainee=people.trainee,
        by=people.supervisor,
        due_on=today - timedelta(days=1),
        entries=[make_entry()],
    )
    reading_assign(
        trainee=people.trainee, by=people.supervisor, due_on=today, entries=[make_entry()]
    )
    [trainee_section] = agenda_sections(people.trainee, today)
    [mentor_section] = agenda_sections(people.supervisor, today)
    assert trainee_section.items == [overdue] == mentor_section.items
    assert agenda_sections(people.other_supervisor, today)[0].items == []
    assert agenda_sections(people.owner, today) == []


def test_late_confirmation_is_not_on_time():
    from datetime import date, datetime

    due = date(2026, 3, 1)
    aware = timezone.make_aware
    assert finished_on_time(due, aware(datetime(2026, 3, 1, 23, 0))) is True
    assert finished_on_time(due, aware(datetime(2026, 3, 2, 9, 0))) is False
    assert finished_on_time(due, None) is None


class TestOverdueRuleMatchesQueryset(HypothesisTestCase):
    @settings(deadline=None, max_examples=30)
    @given(
        due_offset=st.integers(-5, 5),
        confirmed=st.booleans(),
    )
    def test_queryset_equals_python_rule(self, due_offset, confirmed):
        from accounts.models import Branch, Role
        from tests.conftest import make_user

        branch, _ = Branch.objects.get_or_create(code="0909", defaults={"name": "测试"})
        mentor = make_user(f"m{due_offset}{confirmed}", Role.SUPERVISOR, branch=branch)
        trainee = make_user(
            f"t{due_offset}{confirmed}", Role.TRAINEE, branch=branch, supervisor=mentor
        )
        today = timezone.localdate()
        assignment = ReadingAssignment.objects.create(
            trainee=trainee,
            assigned_by=mentor,
            due_on=today + timedelta(days=due_offset),
            confirmed_at=timezone.now() if confirmed else None,
        )
        in_sql = ReadingAssignment.objects.overdue(today).filter(pk=assignment.pk).exists()
        assert in_sql == assignment_overdue(assignment.due_on, assignment.confirmed_at, today)


# --- What readers looked for ----------------------------------------------------------------


def test_typing_refines_one_logged_search_and_opening_a_result_is_recorded(trainee):
    first = search_record(user=trainee, query="门", result_count=0)
    log = search_record(user=trainee, query="门卫不让进", result_count=2)
    assert log.pk == first.pk and SearchLog.objects.count() == 1
    entry = make_entry()
    search_opened(user=trainee, log_id=log.pk, entry=entry)
    log.refresh_from_db()
    assert log.opened_entry == entry
    assert search_record(user=trainee, query="门卫不让进", result_count=2).pk != log.pk


def test_the_search_page_logs_and_the_entry_link_records_the_opening(trainee, trainee_client):
    entry = make_entry("门卫不让进怎么办？", "先预约。")
    html = trainee_client.get(reverse("playbook:search"), {"q": "门卫不让进"}).content.decode()
    log = SearchLog.objects.get()
    assert (log.user, log.query, log.result_count) == (trainee, "门卫不让进", 1)
    link = f"{entry.get_absolute_url()}?from_search={log.pk}"
    assert link in html
    trainee_client.get(link)
    log.refresh_from_db()
    assert log.opened_entry == entry


def test_supervisors_see_the_weeks_unfound_and_unopened_queries_most_frequent_first(
    people, supervisor_client
):
    old = timezone.now() - timedelta(days=8)
    for query, count, user in [("飞机贷款", 3, people.trainee), ("火车", 1, people.owner)]:
        for _ in range(count):
            SearchLog.objects.create(user=user, query=query, result_count=0)
    SearchLog.objects.create(user=people.trainee, query="上周的", result_count=0, searched_at=old)
    SearchLog.objects.create(user=people.trainee, query="利率", result_count=4)
    SearchLog.objects.create(
        user=people.trainee, query="门卫", result_count=2, opened_entry=make_entry()
    )
    SearchLog.objects.create(user=people.other_manager, query="别的团队", result_count=0)
    html = supervisor_client.get(reverse("playbook:search_log")).content.decode()
    assert html.index('data-query="飞机贷款"') < html.index('data-query="火车"')
    assert 'data-query="利率"' in html
    assert 'data-query="门卫"' not in html
    assert "上周的" not in html and "别的团队" not in html
    assert "trainee" not in html  # queries and counts, never who asked


@pytest.mark.parametrize("size", [1, 8])
def test_team_pages_queries_are_constant(
    size, people, supervisor_client, django_assert_num_queries
):
    today = timezone.localdate()
    for i in range(size):
        entry = make_entry(f"问{i}？")
        flag_raise(entry=entry, by=people.trainee, reason="unclear", comment="?")
        reading_assign(trainee=people.trainee, by=people.supervisor, due_on=today, entries=[entry])
        SearchLog.objects.create(user=people.trainee, query=f"查{i}", result_count=0)
    counts = []
    for name in ("playbook:flags", "playbook:assignments", "playbook:search_log"):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as context:
            assert supervisor_client.get(reverse(name)).status_code == 200
        counts.append(len(context.captured_queries))
    assert counts == EXPECTED_TEAM_QUERIES


# incl. the complaints and flags navigation counts, and the assigned entries' reading records
EXPECTED_TEAM_QUERIES = [6, 7, 6]


def test_the_due_date_is_offered_a_week_ahead_in_the_date_inputs_format(supervisor_client):
    page = supervisor_client.get(reverse("playbook:assignment_create")).content.decode()
    week = (timezone.localdate() + timedelta(days=7)).isoformat()
    assert f'name="due_on" value="{week}"' in page  # 2026/12/08 would draw an empty box


def test_a_due_date_in_year_9999_is_refused(people, supervisor_client):
    section = make_section()
    make_entry(section=section)
    response = supervisor_client.post(
        reverse("playbook:assignment_create"),
        {"trainee": people.trainee.pk, "section": section.pk, "due_on": "9999-12-31"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["due_on"][0].startswith("请检查年份：日期晚于")
    assert not ReadingAssignment.objects.exists()
