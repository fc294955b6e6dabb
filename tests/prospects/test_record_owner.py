"""Visits, promises and hospitality entries carry their prospect's owner, whoever moves it.

Who may see a record is decided on its own row (issue 13: a team's records are read by
index), so the copy must never differ from the prospect's owner.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.policy import can_see_owner
from prospects.models import HospitalityEntry, Promise, Prospect, Visit
from prospects.services import prospects_hand_over
from tests.access import VIEWERS
from tests.conftest import client_for
from tests.prospects.factories import make_hospitality, make_promise, make_prospect, make_visit

RECORDS = (Visit, Promise, HospitalityEntry)


def _records_of(prospect):
    return [
        make_visit(prospect, learned="门店生意不错"),
        make_promise(prospect, description="三天内答复额度"),
        make_hospitality(prospect, note="中秋月饼"),
    ]


def _owners(records) -> set[int]:
    return {type(r).objects.values_list("owner_id", flat=True).get(pk=r.pk) for r in records}


def test_a_record_made_for_a_prospect_carries_its_owner(people):
    prospect = make_prospect(people.owner)
    assert _owners(_records_of(prospect)) == {people.owner.pk}


def test_reassigning_a_prospect_moves_its_records_to_the_new_owner(people):
    prospect = make_prospect(people.owner)
    records = _records_of(prospect)
    prospect.reassign(to=people.teammate)
    assert _owners(records) == {people.teammate.pk}
    promises = reverse("prospects:promise_list")
    assert "三天内答复额度" in client_for(people.teammate).get(promises).text
    assert "三天内答复额度" not in client_for(people.owner).get(promises).text


def test_a_handover_moves_every_record(people):
    prospects = [make_prospect(people.owner) for _ in range(2)]
    records = [record for prospect in prospects for record in _records_of(prospect)]
    prospects_hand_over(
        prospects=prospects,
        from_person=people.owner,
        to=people.teammate,
        by=people.supervisor,
        reason="调岗",
    )
    assert _owners(records) == {people.teammate.pk}


def test_a_record_saved_from_a_copy_read_before_a_handover_stays_with_the_new_owner(people):
    prospect = make_prospect(people.owner)
    records = [type(r).objects.get(pk=r.pk) for r in _records_of(prospect)]  # read by a page
    Prospect.objects.get(pk=prospect.pk).reassign(to=people.teammate)  # meanwhile, elsewhere
    for record in records:
        record.save()  # the page saves its copy
    assert _owners(records) == {people.teammate.pk}


def test_a_record_made_from_a_stale_prospect_takes_the_owner_the_database_holds(people):
    stale = make_prospect(people.owner)
    Prospect.objects.get(pk=stale.pk).reassign(to=people.teammate)
    assert _owners(_records_of(stale)) == {people.teammate.pk}


def test_a_prospect_saved_from_a_stale_copy_takes_its_records_along(people):
    prospect = make_prospect(people.owner)
    records = _records_of(prospect)
    stale = Prospect.objects.get(pk=prospect.pk)
    Prospect.objects.get(pk=prospect.pk).reassign(to=people.teammate)
    stale.save()  # writes its owner back: the records must follow whatever it wrote
    assert _owners(records) == {Prospect.objects.get(pk=prospect.pk).owner_id}


def test_an_owner_saved_by_its_column_name_takes_the_records_along(people):
    prospect = make_prospect(people.owner)
    records = _records_of(prospect)
    prospect.owner_id = people.teammate.pk
    prospect.save(update_fields=["owner_id"])
    assert _owners(records) == {people.teammate.pk}


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(["record", "reassign"]), st.integers(0, 2), st.sampled_from(VIEWERS)
        ),
        min_size=1,
        max_size=8,
    ),
    viewer=st.sampled_from(VIEWERS),
)
def test_each_record_is_seen_by_exactly_who_sees_its_prospect(people, steps, viewer):
    user = getattr(people, viewer)
    with transaction.atomic():
        prospects = [make_prospect(people.owner) for _ in range(3)]
        for action, index, person in steps:
            prospect = prospects[index]
            if action == "record":
                _records_of(prospect)
            else:
                prospect.reassign(to=getattr(people, person))
        for model in RECORDS:
            rows = list(model.objects.select_related("prospect__owner"))
            assert all(row.owner_id == row.prospect.owner_id for row in rows)
            assert set(model.objects.visible_to(user)) == {
                row for row in rows if can_see_owner(user, row.prospect.owner)
            }
        transaction.set_rollback(True)


def test_a_record_moved_to_another_prospect_takes_its_owner(people):
    theirs = make_prospect(people.teammate)
    for record in _records_of(make_prospect(people.owner)):
        record = type(record).objects.get(pk=record.pk)  # as a page would load it
        record.prospect = theirs
        record.save()
        assert _owners([record]) == {people.teammate.pk}
