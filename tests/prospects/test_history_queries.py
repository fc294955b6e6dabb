"""The prospect page costs the same queries with a short and with a long change history."""

from __future__ import annotations

import pytest
from auditlog.context import set_actor
from django.db import connection
from django.test.utils import CaptureQueriesContext

from prospects.models import Industry
from tests.conftest import client_for
from tests.prospects.factories import make_prospect, make_territory

pytestmark = pytest.mark.django_db


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


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("viewer", ["owner", "supervisor", "admin"])
def test_page_queries_do_not_grow_with_the_history(people, viewer):
    territories = [make_territory(branch=people.owner.branch, name=f"片区{i}") for i in range(3)]
    prospect = make_prospect(people.owner, referred_by=make_prospect(people.owner))
    client = client_for(getattr(people, viewer))
    change_many_times(prospect, people, territories, 2)
    short = queries_for(client, prospect.get_absolute_url())
    change_many_times(prospect, people, territories, 40)
    assert queries_for(client, prospect.get_absolute_url()) == short


def test_the_history_names_referenced_rows_and_says_when_one_is_gone(people, manager_client):
    kept = make_territory(branch=people.owner.branch, name="城南批发市场")
    gone = make_territory(branch=people.owner.branch, name="拆迁的市场")
    prospect = make_prospect(people.owner, territory=gone)
    prospect.territory = kept
    prospect.save()
    gone_pk = gone.pk
    gone.delete()
    html = manager_client.get(prospect.get_absolute_url()).content.decode()
    history = html[html.index('class="history"') :]
    assert "城南批发市场" in history
    # auditlog's own wording for a row that no longer exists.
    assert f"Deleted &#x27;Territory&#x27; ({gone_pk})" in history
