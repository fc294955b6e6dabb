"""The change history costs the same queries with a short and with a long history: on its own
URL (fetched when the prospect page's history is opened), and the page no longer renders it."""

from __future__ import annotations

import pytest
from auditlog.context import set_actor
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from prospects.models import Industry
from tests.conftest import client_for
from tests.prospects.factories import make_prospect, make_territory

pytestmark = pytest.mark.django_db

# What htmx sends when the page's folded history is opened.
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "change-history"}


def change_many_times(prospect, people, territories, times: int) -> None:
    industries = list(Industry.objects.all()[:2])
    owners = [people.owner, people.teammate]
    with set_actor(people.supervisor):
        for step in range(times):
            prospect.territory = territories[step % len(territories)]
            prospect.industry = industries[step % 2]
            prospect.owner = owners[step % 2]
            prospect.stage = ("lead", "contacted", "negotiating")[step % 3]
            prospect.save()
        prospect.owner = people.owner  # back with its owner, who must still see it
        prospect.save()


def queries_for(client, url: str, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(queries)


def history_url(prospect) -> str:
    return reverse("prospects:history", args=[prospect.pk])


@pytest.fixture
def territories(people):
    return [make_territory(branch=people.owner.branch, name=f"片区{i}") for i in range(3)]


@pytest.mark.parametrize("viewer", ["owner", "supervisor", "admin"])
def test_page_queries_do_not_grow_with_the_history(people, territories, viewer):
    prospect = make_prospect(people.owner, referred_by=make_prospect(people.owner))
    client = client_for(getattr(people, viewer))
    change_many_times(prospect, people, territories, 2)
    short = queries_for(client, prospect.get_absolute_url())
    change_many_times(prospect, people, territories, 40)
    assert queries_for(client, prospect.get_absolute_url()) == short


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["fragment", "page"])
@pytest.mark.parametrize("viewer", ["owner", "supervisor", "admin"])
def test_history_queries_do_not_grow_with_the_history(
    people, territories, viewer, headers, django_assert_num_queries
):
    prospect = make_prospect(people.owner, referred_by=make_prospect(people.owner))
    client = client_for(getattr(people, viewer))
    change_many_times(prospect, people, territories, 2)
    short = queries_for(client, history_url(prospect), **headers)
    change_many_times(prospect, people, territories, 40)
    with django_assert_num_queries(short):
        response = client.get(history_url(prospect), **headers)
    # Forty changes of territory, industry, owner and stage, each resolved by name.
    assert response.content.decode().count("片区") >= 40


def test_the_page_does_not_render_its_history(people, territories, manager_client):
    prospect = make_prospect(people.owner, territory=territories[0])
    prospect.territory = territories[1]
    prospect.save()
    html = manager_client.get(prospect.get_absolute_url()).content.decode()
    history = html[html.index('class="history"') :]
    assert f'hx-get="{history_url(prospect)}"' in history
    assert "history-list" not in history and "片区0" not in history


def test_the_history_names_referenced_rows_and_says_when_one_is_gone(people, manager_client):
    kept = make_territory(branch=people.owner.branch, name="城南批发市场")
    gone = make_territory(branch=people.owner.branch, name="拆迁的市场")
    prospect = make_prospect(people.owner, territory=gone)
    prospect.territory = kept
    prospect.save()
    gone_pk = gone.pk
    gone.delete()
    history = manager_client.get(history_url(prospect), **HTMX).content.decode()
    assert "城南批发市场" in history
    # A row that no longer exists, in the reader's language (not auditlog's English).
    assert f"已删除的片区（编号 {gone_pk}）" in history and "Deleted" not in history


def test_a_history_longer_than_shown_says_older_changes_are_kept(people, territories):
    prospect = make_prospect(people.owner)
    client = client_for(people.owner)
    change_many_times(prospect, people, territories, 10)
    short = client.get(history_url(prospect), **HTMX).text
    assert "更早的保存在审计日志中" not in short
    change_many_times(prospect, people, territories, 50)
    long = client.get(history_url(prospect), **HTMX).text
    assert long.count("<time ") == 50
    assert "只显示最近 50 条变更，更早的保存在审计日志中。" in long
