"""The board shows the most urgent few of each group, and each group's link opens all of it."""

from __future__ import annotations

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from complaints.board import BOARD_SHOWN
from tests.complaints.factories import make_case, silent_since


def _escalated(handler, count: int, name: str = "升级客户"):
    four_days_ago = timezone.now() - timedelta(days=4)
    return [
        silent_since(
            make_case(handler, client_name=f"{name}{i}"), four_days_ago - timedelta(hours=i)
        )
        for i in range(count)
    ]


def _listed(html: str) -> list[str]:
    return re.findall(r'class="case-link" href="/complaints/(\d+)/"', html)


def test_the_board_shows_the_first_of_a_long_group_with_its_count_and_link(
    people, supervisor_client
):
    _escalated(people.owner, BOARD_SHOWN + 2)
    _escalated(people.teammate, 1)
    page = supervisor_client.get(reverse("complaints:board")).text
    escalated = page.split("<h2>", 3)[1]
    assert f'<span class="badge">{BOARD_SHOWN + 3}</span>' in escalated
    assert len(_listed(escalated)) == BOARD_SHOWN
    link = reverse("complaints:list") + "?scope=team&amp;state=escalated"
    assert link in escalated and f"查看全部 {BOARD_SHOWN + 3} 项" in escalated


def test_the_group_link_lists_exactly_the_cases_the_board_counted(people, supervisor_client):
    counted = _escalated(people.owner, 3) + _escalated(people.teammate, 2)
    _escalated(people.supervisor, 1, name="主管自己")  # the board covers the team, not its head
    _escalated(people.other_manager, 1, name="别的团队")
    silent_since(make_case(people.owner, client_name="今天联系过"), timezone.now())
    page = supervisor_client.get(
        reverse("complaints:list"), {"scope": "team", "state": "escalated"}
    ).text
    assert sorted(_listed(page)) == sorted(str(case.pk) for case in counted)
    assert "团队的案件" in page and "全部未结案件" in page


def test_the_group_link_pages_keep_the_group(people, supervisor_client):
    _escalated(people.owner, 27)
    silent_since(make_case(people.owner, client_name="今天联系过"), timezone.now())
    url = reverse("complaints:list")
    first = supervisor_client.get(url, {"scope": "team", "state": "escalated"}).text
    assert "page=2" in first and "state=escalated" in first.split('class="pagination"')[1]
    second = supervisor_client.get(url, {"scope": "team", "state": "escalated", "page": 2}).text
    assert len(_listed(first)) + len(_listed(second)) == 27


def test_a_manager_asking_for_the_team_gets_only_their_own(people, manager_client):
    own = _escalated(people.owner, 1)
    _escalated(people.teammate, 1, name="同事")
    page = manager_client.get(
        reverse("complaints:list"), {"scope": "team", "state": "escalated"}
    ).text
    assert _listed(page) == [str(own[0].pk)]


def test_an_unknown_group_shows_all_open_cases(people, supervisor_client):
    quiet = silent_since(make_case(people.owner, client_name="今天联系过"), timezone.now())
    cases = [*_escalated(people.owner, 1), quiet]
    page = supervisor_client.get(reverse("complaints:list"), {"state": "bogus"}).text
    assert sorted(_listed(page)) == sorted(str(case.pk) for case in cases)
