"""Two people editing one prospect from pages drawn at the same version: the second one is
told, and nothing is lost (optimistic versioning)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from prospects.models import Prospect, Source
from tests.conftest import client_for
from tests.security.concurrency import (
    at_once,
    client_with_session,
    is_postgresql,
    needs_postgresql,
)

CONFLICT = "在你打开此页面之后"
TRIALS = 20


def _form(prospect: Prospect, **changes) -> dict:
    data = {
        "name": prospect.name,
        "kind": prospect.kind,
        "source": prospect.source,
        "stage": prospect.stage,
        "version": prospect.version,
        "confirm_duplicate": "on",
    }
    return {**data, **changes}


@pytest.fixture
def prospect(people) -> Prospect:
    return Prospect.objects.create(
        name="鑫源服装商行", owner=people.owner, source=Source.SHOP_CLUSTER
    )


def test_an_edit_from_a_stale_page_is_refused_and_both_versions_survive(people, prospect):
    owner, supervisor = client_for(people.owner), client_for(people.supervisor)
    url = reverse("prospects:edit", args=[prospect.pk])
    stale = _form(prospect, next_action="主管的安排")
    assert owner.post(url, _form(prospect, next_action="经理的安排")).status_code == 302
    response = supervisor.post(url, stale)
    assert response.status_code == 200
    assert CONFLICT in response.text
    assert "主管的安排" in response.text  # their typing is still in the form
    prospect.refresh_from_db()
    assert prospect.next_action == "经理的安排"  # the first save stands
    # Saving again, knowingly, replaces it.
    again = dict(stale, version=prospect.version)
    assert supervisor.post(url, again).status_code == 302
    prospect.refresh_from_db()
    assert prospect.next_action == "主管的安排"


def test_every_save_moves_the_version_on(prospect, people):
    version = prospect.version
    prospect.reassign(to=people.teammate)
    assert Prospect.objects.get(pk=prospect.pk).version == version + 1


def test_the_version_cannot_be_posted_into_the_record(people, prospect):
    url = reverse("prospects:edit", args=[prospect.pk])
    client_for(people.owner).post(url, _form(prospect, version=""))
    assert Prospect.objects.get(pk=prospect.pk).version == 2


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_edits_from_one_version_save_one_and_refuse_the_other(people):
    if not is_postgresql():
        pytest.skip(needs_postgresql["reason"])
    sessions = [client_for(p).session.session_key for p in (people.owner, people.supervisor)]
    for trial in range(TRIALS):
        prospect = Prospect.objects.create(
            name=f"商户{trial}", owner=people.owner, source=Source.SHOP_CLUSTER
        )
        url = reverse("prospects:edit", args=[prospect.pk])
        forms = [_form(prospect, next_action=f"安排{n}") for n in range(2)]
        responses = at_once(
            [
                lambda key=key, form=form, url=url: client_with_session(key).post(url, form)
                for key, form in zip(sessions, forms, strict=True)
            ]
        )
        assert sorted(r.status_code for r in responses) == [200, 302], responses
        refused = next(r for r in responses if r.status_code == 200)
        assert CONFLICT in refused.text
        saved = forms[[r.status_code for r in responses].index(302)]
        prospect.refresh_from_db()
        assert prospect.next_action == saved["next_action"]
        assert prospect.version == 2


# --- A page whose hidden version was changed on the way -----------------------------------


def prospect_page(people):
    prospect = Prospect.objects.create(
        name="鑫源服装商行", owner=people.owner, source=Source.SHOP_CLUSTER
    )
    return client_for(people.owner), reverse("prospects:edit", args=[prospect.pk]), prospect


def entry_page(people):
    from tests.playbook.factories import make_entry

    entry = make_entry()
    return client_for(people.supervisor), reverse("playbook:entry_edit", args=[entry.pk]), entry


def investigation_page(people):
    from tests.investigations.factories import make_investigation

    investigation = make_investigation(people.owner)
    url = reverse("investigations:edit", args=[investigation.pk])
    return client_for(people.owner), url, investigation


@pytest.mark.parametrize("page", [prospect_page, entry_page, investigation_page])
@pytest.mark.parametrize("version", ["abc", "0", "-1", "1.5"])
def test_a_page_whose_version_was_damaged_says_so_and_saves_nothing(people, page, version):
    from tests.security.pages import as_sent, forms_on

    client, url, record = page(people)
    (form,) = [f for f in forms_on(client.get(url).text, url) if "version" in f.names()]
    response = client.post(url, {**as_sent(form), "version": version})
    assert response.status_code == 200
    assert "此页面未能完整读取" in response.text
    before = record.version
    record.refresh_from_db()
    assert record.version == before
