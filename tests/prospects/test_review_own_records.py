"""Four eyes on what a supervisor records on a team member's client: nobody reviews a flagged
hospitality entry, or marks seen a promise made without asking first (先请示), that they
recorded themselves; it waits for their own reviewer, an administrator."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prospects.choices import HospitalityReview
from prospects.models import HospitalityEntry, Promise
from prospects.permissions import can_mark_unconsulted_seen, can_review_hospitality
from prospects.supervision import team_overview
from tests.access import VIEWERS
from tests.conftest import client_for
from tests.home import loaded_home
from tests.prospects.factories import make_hospitality, make_promise, make_prospect


def recorded_meal(by, prospect) -> HospitalityEntry:
    """`by` records, through the prospect's page, that the client paid ¥800 for a meal."""
    response = client_for(by).post(
        reverse("prospects:hospitality_create", args=[prospect.pk]),
        {
            "hospitality-occurred_on": timezone.localdate().isoformat(),
            "hospitality-kind": "meal",
            "hospitality-paid_by": "client",
            "hospitality-value": "800",
        },
    )
    assert response.status_code == 302, response.context and response.context.get("form")
    entry = HospitalityEntry.objects.get(prospect=prospect)
    assert entry.recorded_by == by and entry.flagged
    return entry


def recorded_promise_made_alone(by, prospect) -> Promise:
    today = timezone.localdate()
    response = client_for(by).post(
        reverse("prospects:promise_create", args=[prospect.pk]),
        {
            "promise-description": "三天内答复额度",
            "promise-made_on": today.isoformat(),
            "promise-due_on": (today + timedelta(days=3)).isoformat(),
            "promise-consulted": "",
        },
    )
    assert response.status_code == 302
    promise = Promise.objects.get(prospect=prospect)
    assert promise.recorded_by == by and promise.made_alone
    return promise


def review(user, entry, review: str = "acknowledged"):
    return client_for(user).post(
        reverse("prospects:hospitality_review", args=[entry.pk]),
        {"review": review, "comment": "看过"},
    )


def mark_seen(user, promise):
    return client_for(user).post(reverse("prospects:promise_unconsulted_seen", args=[promise.pk]))


def team_panels(user) -> dict[str, dict]:
    panels = loaded_home(client_for(user)).panels
    return {panel.template.rsplit("/", 1)[-1]: panel.context for panel in panels}


def test_a_supervisor_cannot_acknowledge_an_entry_they_recorded_on_a_team_members_client(
    people,
):
    entry = recorded_meal(people.supervisor, make_prospect(people.owner))

    response = review(people.supervisor, entry)

    assert response.status_code == 200
    assert response.context["review_form"].non_field_errors()
    entry.refresh_from_db()
    assert (entry.review, entry.reviewed_by) == (HospitalityReview.AWAITING, None)


def test_the_entry_a_supervisor_recorded_waits_for_an_administrator(people):
    entry = recorded_meal(people.supervisor, make_prospect(people.owner))
    assert review(people.admin, entry).status_code == 302
    entry.refresh_from_db()
    assert (entry.review, entry.reviewed_by) == (HospitalityReview.ACKNOWLEDGED, people.admin)


def test_the_supervisors_panel_and_overview_leave_out_the_entries_they_recorded(people):
    theirs = recorded_meal(people.supervisor, make_prospect(people.owner))
    the_managers = make_hospitality(make_prospect(people.owner))  # recorded by the owner

    flagged = team_panels(people.supervisor)["team.html"]
    assert list(flagged["flagged"]) == [the_managers] and flagged["flagged_total"] == 1
    today = timezone.localdate()
    rows = {row.person: row for row in team_overview(people.supervisor, today=today)}
    assert rows[people.owner].flagged_hospitality == 1
    # The administrator, who reviews what the supervisor recorded, counts both.
    rows = {row.person: row for row in team_overview(people.admin, today=today)}
    assert rows[people.owner].flagged_hospitality == 2
    assert set(HospitalityEntry.objects.reviewable_by(people.admin)) == {theirs, the_managers}


def test_a_supervisor_cannot_mark_seen_a_promise_they_made_alone_on_a_team_members_client(
    people,
):
    promise = recorded_promise_made_alone(people.supervisor, make_prospect(people.owner))

    mark_seen(people.supervisor, promise)

    promise.refresh_from_db()
    assert promise.unconsulted_seen_by is None
    mark_seen(people.admin, promise)
    promise.refresh_from_db()
    assert promise.unconsulted_seen_by == people.admin


def test_the_supervisors_panel_and_overview_leave_out_the_promises_they_made_alone(people):
    recorded_promise_made_alone(people.supervisor, make_prospect(people.owner))
    the_managers = make_promise(make_prospect(people.owner))  # made alone by the owner

    unconsulted = team_panels(people.supervisor)["unconsulted.html"]
    assert list(unconsulted["promises"]) == [the_managers] and unconsulted["total"] == 1
    today = timezone.localdate()
    rows = {row.person: row for row in team_overview(people.supervisor, today=today)}
    assert rows[people.owner].unconsulted_promises == 1
    rows = {row.person: row for row in team_overview(people.admin, today=today)}
    assert rows[people.owner].unconsulted_promises == 2


# --- The same rule in SQL (the queue, the counts) and in Python (the review) -------------


def flagged_entry(prospect, by) -> HospitalityEntry:
    return HospitalityEntry.objects.create(
        prospect=prospect,
        recorded_by=by,
        occurred_on=timezone.localdate(),
        kind="meal",
        paid_by="client",
        value=Decimal("800"),
    )


def promise_made_alone(prospect, by) -> Promise:
    today = timezone.localdate()
    return Promise.objects.create(
        prospect=prospect, recorded_by=by, description="答复额度", due_on=today, made_on=today
    )


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    reviewer=st.sampled_from(VIEWERS),
    rows=st.lists(
        st.tuples(st.sampled_from(VIEWERS), st.sampled_from(VIEWERS)), min_size=1, max_size=6
    ),
)
def test_whom_the_queue_offers_a_record_is_who_may_review_it(people, reviewer, rows):
    """Each (owner, recorder) row: a flagged entry and a promise made alone on the owner's
    client, recorded by the recorder."""
    user = getattr(people, reviewer)
    with transaction.atomic():
        made = []
        for owner, recorder in rows:
            prospect = make_prospect(getattr(people, owner))
            by = getattr(people, recorder)
            made.append((flagged_entry(prospect, by).pk, promise_made_alone(prospect, by).pk))
        # Read back as the review views read them.
        entries = HospitalityEntry.objects.for_list().filter(pk__in=[e for e, _p in made])
        promises = Promise.objects.select_related("prospect__owner").filter(
            pk__in=[p for _e, p in made]
        )

        assert set(HospitalityEntry.objects.reviewable_by(user)) == {
            entry for entry in entries if can_review_hospitality(user, entry)
        }
        assert set(Promise.objects.unconsulted_seeable_by(user)) == {
            promise for promise in promises if can_mark_unconsulted_seen(user, promise)
        }
        for entry in entries:
            if can_review_hospitality(user, entry):
                assert user.pk not in {entry.recorded_by_id, entry.owner_id}
        transaction.set_rollback(True)
