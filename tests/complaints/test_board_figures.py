"""The board's figures, against hand-counted cases: ageing of open complaints by the bank's
calendar day, the two medians, complaints by category and by month (Asia/Shanghai: a
complaint at 23:30 on 31 October is October's, one at 00:30 on 1 November November's)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from complaints import board, rules
from complaints.models import Case, Category, Status
from tests.complaints.factories import make_case, make_contact, make_question, silent_since

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=rules.BANK_ZONE)


def at(month: int, day: int, hour: int = 9, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=rules.BANK_ZONE)


def complaint(handler, received: datetime, **fields) -> Case:
    return silent_since(make_case(handler, **fields), received)


def close(case: Case, closed: datetime) -> None:
    Case.objects.filter(pk=case.pk).update(
        status=Status.CLOSED, closed_at=closed, solution="退还费用", root_cause="收费未告知"
    )


@pytest.fixture
def figures(people):
    team = people.owner
    # October's last complaint: first answered after 2 hours, closed 3 days after receipt.
    october = complaint(team, at(10, 31, 23, 30), category=Category.FEES)
    make_contact(october, at(11, 1, 1, 30))
    close(october, at(11, 3, 23, 30))
    # November's first: answered after 4 hours, still open (30 days old on 30 November).
    november = complaint(team, at(11, 1, 0, 30), category=Category.FEES)
    make_contact(november, at(11, 1, 4, 30))
    make_contact(november, at(11, 2, 9, 0))  # a later contact changes nothing
    # Open, never answered: 1 day old (late last night), 7 days and 8 days old by the day.
    complaint(people.teammate, at(11, 29, 23, 59), category=Category.PRODUCT)
    complaint(team, at(11, 23, 0, 5), category=Category.ATTITUDE)
    complaint(team, at(11, 22, 23, 55), category=Category.ATTITUDE)
    # Answered after 9 hours, 70 days old: in the figures and in the oldest bucket.
    old = complaint(team, at(9, 21, 8, 0), category=Category.PRODUCT)
    make_contact(old, at(9, 21, 17, 0))
    # Received 400 days ago and closed: outside the year of medians and months.
    ancient = complaint(team, NOW - timedelta(days=400))
    make_contact(ancient, NOW - timedelta(days=399))
    close(ancient, NOW - timedelta(days=390))
    # Not the team's complaints: a question, the supervisor's own case, another team's.
    make_question(team, received_at=at(11, 28))
    complaint(people.supervisor, at(11, 28))
    complaint(people.other_manager, at(11, 28), category=Category.FEES)
    return board.board_context(people.supervisor, NOW)


def test_ageing_counts_open_complaints_by_calendar_day(figures):
    ageing = dict(
        zip(
            figures["ageing_chart"]["data"]["labels"],
            figures["ageing_chart"]["data"]["datasets"][0]["data"],
            strict=True,
        )
    )
    # 1 day; 7 days (23 Nov 00:05); 8 days (22 Nov 23:55); 29 days; 70 days.
    assert ageing == {"0–2": 1, "3–7": 1, "8–15": 1, "16–30": 1, "31–60": 0, "> 60": 1}
    assert figures["open_count"] == 5


def test_medians_cover_a_years_complaints(figures):
    # First responses after 2, 4 and 9 hours; the unanswered do not count.
    assert figures["median_first_response_hours"] == 4.0
    # Only October's complaint was resolved within the year: in 3 days.
    assert figures["median_resolution_days"] == 3.0


def test_an_even_number_of_first_responses_takes_the_middle_two(people):
    for hours in (1, 2, 5, 11):
        case = complaint(people.owner, at(11, 10))
        make_contact(case, at(11, 10) + timedelta(hours=hours))
    figures = board.board_context(people.supervisor, NOW)
    assert figures["median_first_response_hours"] == 3.5
    assert figures["median_resolution_days"] is None


def test_months_and_categories_follow_the_banks_calendar(figures):
    assert figures["by_month"] == [("2026-11", 4), ("2026-10", 1), ("2026-09", 1)]
    # In the order of Category.choices: attitude, fees, loan process, product, other.
    assert [count for _label, count in figures["by_category"]] == [2, 2, 0, 2, 0]


def test_an_empty_team_has_no_medians(people):
    figures = board.board_context(people.supervisor, NOW)
    assert figures["median_first_response_hours"] is None
    assert figures["median_resolution_days"] is None
    assert figures["by_month"] == [] and figures["open_count"] == 0


def test_the_board_page_shows_the_figures(people, supervisor_client, figures):
    page = supervisor_client.get(reverse("complaints:board")).text
    assert "2026-10" in page and "2026-09" in page


def test_a_question_turned_into_a_complaint_counts_its_first_answer_after_the_turn(people):
    turned = complaint(people.owner, at(11, 10, 12))  # received as a complaint at noon
    make_contact(turned, at(11, 10, 9), said="作为咨询时的答复")  # while it was a question
    make_contact(turned, at(11, 10, 15))
    figures = board.board_context(people.supervisor, NOW)
    assert figures["median_first_response_hours"] == 3.0  # not -3
