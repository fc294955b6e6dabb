"""A supervisor's "See all N" under the team panel opens the same N: the team's records,
not the supervisor's own (which wait for the supervisor's own reviewer)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.contributions import AGENDA_SHOWN
from tests.prospects.factories import make_hospitality, make_promise, make_prospect

pytestmark = pytest.mark.django_db

MORE = AGENDA_SHOWN + 2


def overdue_prospect(owner):
    yesterday = timezone.localdate() - timedelta(days=1)
    return make_prospect(owner, next_action="回访", next_action_date=yesterday)


def overdue_promise(owner):
    today = timezone.localdate()
    promise = make_promise(
        make_prospect(owner), made_on=today - timedelta(days=9), due_on=today - timedelta(days=1)
    )
    return promise.prospect


def flagged_hospitality(owner):
    return make_hospitality(make_prospect(owner)).prospect


# What the team panel lists, by section heading: how to make one such record (returning
# the client it is about).
SECTIONS = {
    "逾期的下一步行动": overdue_prospect,
    "逾期承诺": overdue_promise,
    "已标记的宴请与礼品": flagged_hospitality,
}


def see_all_link(panel: str, heading: str) -> tuple[str, int]:
    article = re.search(rf"<h3>{heading}.*?</article>", panel, re.S)
    assert article, f"no section {heading}"
    link = re.search(r'<a href="([^"]+)" data-action>查看全部 (\d+) 项</a>', article.group(0))
    assert link, f"no link to the whole list under {heading}"
    return link.group(1).replace("&amp;", "&"), int(link.group(2))


@pytest.mark.parametrize("heading", SECTIONS)
def test_see_all_under_the_team_panel_opens_the_team_records_it_counted(
    heading, people, supervisor_client
):
    make = SECTIONS[heading]
    team = [make(people.owner if n % 2 else people.teammate) for n in range(MORE)]
    own = [make(people.supervisor) for _ in range(2)]
    panel = supervisor_client.get(
        reverse("prospects:team_attention"), headers={"HX-Request": "true"}
    ).text

    url, counted = see_all_link(panel, heading)
    whole = supervisor_client.get(url).text

    assert counted == MORE
    assert all(prospect.get_absolute_url() + '"' in whole for prospect in team)
    assert not any(prospect.get_absolute_url() + '"' in whole for prospect in own)
    # The list says the supervisor's own are left out, and offers them back.
    assert "只显示团队成员的，不含您自己的。" in whole or re.search(
        r'name="team"[^>]*checked', whole
    )


@pytest.mark.parametrize("url", ["prospects:promise_list", "prospects:hospitality_list"])
def test_the_team_only_list_offers_the_supervisors_own_back(url, people, supervisor_client):
    own = flagged_hospitality(people.supervisor)
    make_promise(own, due_on=timezone.localdate() - timedelta(days=1))

    team_only = supervisor_client.get(reverse(url), {"show": "all", "team": "on"}).text
    back = re.search(r'<a href="([^"]+)">也显示您自己的</a>', team_only)
    assert back and own.get_absolute_url() not in team_only
    everyone = supervisor_client.get(reverse(url) + back.group(1).replace("&amp;", "&")).text
    assert own.get_absolute_url() in everyone


def test_the_prospect_list_team_box_leaves_the_supervisors_own_out(people, supervisor_client):
    own, theirs = make_prospect(people.supervisor), make_prospect(people.owner)
    page = supervisor_client.get(reverse("prospects:list"), {"team": "on"}).text
    assert theirs.get_absolute_url() in page and own.get_absolute_url() not in page
    page = supervisor_client.get(reverse("prospects:list")).text
    assert theirs.get_absolute_url() in page and own.get_absolute_url() in page


def test_nobody_without_a_team_is_offered_the_box_or_loses_their_own(people, manager_client):
    own = make_prospect(people.owner)
    make_promise(own)
    for url in ("prospects:list", "prospects:promise_list"):
        page = manager_client.get(reverse(url), {"team": "on"}).text
        assert own.get_absolute_url() in page
        assert 'name="team"' not in page and "也显示您自己的" not in page


def test_what_the_supervisor_recorded_on_a_team_client_waits_for_an_administrator_not_on_their_list(
    people, supervisor_client
):
    """The panel leaves out what the supervisor recorded (never reviewed by who recorded
    it); the "awaiting" lists its links open leave it out as well."""
    client = make_prospect(people.owner)
    recorded, made_alone = make_hospitality(client), make_promise(client)
    for record in (recorded, made_alone):
        type(record).objects.filter(pk=record.pk).update(recorded_by=people.supervisor)
    assert recorded.flagged and made_alone.made_alone

    awaiting = supervisor_client.get(reverse("prospects:hospitality_list"), {"show": "awaiting"})
    unconsulted = supervisor_client.get(reverse("prospects:promise_list"), {"show": "unconsulted"})
    assert client.get_absolute_url() not in awaiting.text
    assert client.get_absolute_url() not in unconsulted.text
    # Still on the register and the promises, as the team member's client's records.
    everything = supervisor_client.get(reverse("prospects:hospitality_list"), {"show": "all"})
    assert client.get_absolute_url() in everything.text
