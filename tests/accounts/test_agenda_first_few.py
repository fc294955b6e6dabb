"""Today's agenda and the supervisor's home show each list's most urgent few, its true
size, and a link to the whole list (a phone reads ten lines, not fifty)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.contributions import AGENDA_SHOWN, first_of
from prospects.models import Prospect
from tests.complaints.factories import make_case, silent_since
from tests.conftest import client_for
from tests.home import loaded_home
from tests.prospects.factories import make_promise, make_prospect

pytestmark = pytest.mark.django_db

MORE = AGENDA_SHOWN + 3


def section(page: str, title: str) -> str:
    """The agenda article headed `title`."""
    match = re.search(rf"<h3>{title}.*?</article>", page, re.S)
    assert match, f"no section {title}"
    return match.group(0)


def overdue_prospects(owner, count: int) -> list[Prospect]:
    today = timezone.localdate()
    return [
        make_prospect(owner, next_action="回访", next_action_date=today - timedelta(days=day + 1))
        for day in range(count)
    ]


def test_first_of_counts_all_rows_in_two_queries_whatever_the_size(
    people, django_assert_num_queries
):
    overdue_prospects(people.owner, MORE)
    with django_assert_num_queries(2):
        rows, total = first_of(Prospect.objects.order_by("next_action_date", "pk"))
    assert (len(rows), total) == (AGENDA_SHOWN, MORE)
    assert first_of(Prospect.objects.none()) == ([], 0)
    assert first_of(Prospect.objects.order_by("pk"), limit=50)[1] == MORE


def test_the_agenda_shows_the_oldest_ten_the_true_count_and_a_link_to_all(people, manager_client):
    prospects = overdue_prospects(people.owner, MORE)
    page = manager_client.get(reverse("home")).text
    due = section(page, "到期的下一步行动")
    assert f'<span class="badge">{MORE}</span>' in due
    # The longest overdue come first; the three most recent wait on the list.
    shown = {p for p in prospects if p.get_absolute_url() + '"' in due}
    assert shown == set(sorted(prospects, key=lambda p: p.next_action_date)[:AGENDA_SHOWN])
    link = re.search(r'<a href="([^"]+)" data-action>查看全部 (\d+) 项</a>', due)
    assert link and int(link.group(2)) == MORE
    listing = manager_client.get(link.group(1).replace("&amp;", "&"))
    assert listing.status_code == 200
    assert all(p.get_absolute_url() in listing.text for p in prospects)


def test_a_short_section_has_no_see_all_link(people, manager_client):
    overdue_prospects(people.owner, 2)
    due = section(manager_client.get(reverse("home")).text, "到期的下一步行动")
    assert '<span class="badge">2</span>' in due
    assert "查看全部" not in due


def test_a_supervisors_own_agenda_links_to_their_own_prospects_not_the_teams(people):
    mine = overdue_prospects(people.supervisor, MORE)
    theirs = overdue_prospects(people.owner, 1)[0]
    client = client_for(people.supervisor)
    due = section(loaded_home(client).text, "到期的下一步行动")
    link = re.search(r'<a href="([^"]+)" data-action>查看全部', due).group(1).replace("&amp;", "&")
    listing = client.get(link).text
    assert all(p.get_absolute_url() in listing for p in mine)
    assert theirs.get_absolute_url() not in listing


def test_the_supervisors_home_counts_all_overdue_promises_of_the_team(people):
    today = timezone.localdate()
    prospect = make_prospect(people.owner, name="华联批发")
    for day in range(MORE):
        make_promise(
            prospect, made_on=today - timedelta(days=30), due_on=today - timedelta(days=day + 1)
        )
    page = loaded_home(client_for(people.supervisor)).text
    panel = re.search(r"<h3>逾期承诺.*?</article>", page, re.S).group(0)
    assert f'<span class="badge">{MORE}</span>' in panel
    assert panel.count("#promise-") == AGENDA_SHOWN
    assert f"查看全部 {MORE} 项" in panel


def test_the_complaint_board_counts_every_escalated_case(people):
    long_ago = timezone.now() - timedelta(days=3)
    for _ in range(MORE):
        silent_since(make_case(people.owner), long_ago)
    client = client_for(people.supervisor)
    home = loaded_home(client).text
    board = client.get(reverse("complaints:board")).text
    for page in (home, board):
        panel = re.search(r"<h[23]>已升级.*?查看全部.*?</p>", page, re.S).group(0)
        assert f'<span class="badge">{MORE}</span>' in panel
        assert panel.count('class="case-link"') == AGENDA_SHOWN
        assert f"查看全部 {MORE} 项" in panel and "state=escalated" in panel


@pytest.mark.parametrize("who", ["owner", "supervisor"])
def test_every_see_all_link_of_the_agenda_opens_its_list(people, who):
    """Each app's section links to a list that answers and accepts its filters."""
    person = getattr(people, who)
    today = timezone.localdate()
    # Clients won two months ago and not visited since: not really contacted for a while.
    with time_machine.travel(today - timedelta(days=60), tick=False):
        clients = [make_prospect(person, stage="client") for _ in range(AGENDA_SHOWN + 1)]
    for client in clients:
        client.next_action, client.next_action_date = "回访", today - timedelta(days=1)
        client.save()
        make_promise(client, made_on=today - timedelta(days=9), due_on=today)
        silent_since(make_case(person), timezone.now() - timedelta(days=3))
    from accounts.contributions import agenda

    sections = [s for s in agenda(person, today) if s.more]
    assert {str(s.title) for s in sections} >= {
        "到期的下一步行动",
        "到期承诺",
        "较长时间未实际接触",
        "等待反馈的客户",
    }
    client = client_for(person)
    for section in sections:
        response = client.get(section.more_url)
        assert response.status_code == 200, section.more_url
        assert "errorlist" not in response.text, section.more_url
