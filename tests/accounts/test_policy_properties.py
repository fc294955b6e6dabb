"""Seeing and acting, over every mix of roles and teams (Hypothesis)."""

from __future__ import annotations

from types import SimpleNamespace

from django.db import transaction
from django.db.models import Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Branch, Role, User
from accounts.policy import can_see_owner, decides_on_work_of, needs_administrator_review
from playbook.permissions import can_edit_handbook
from prospects.models import Prospect, ProspectQuerySet, Territory
from prospects.permissions import can_edit_prospect, can_edit_territory, can_reassign
from tests.access import VIEWERS
from tests.prospects.factories import make_prospect

ROLES = st.sampled_from(Role.values)


@st.composite
def teams(draw) -> list[User]:
    """A handful of people in two branches; anyone may have a supervisor, or none."""
    size = draw(st.integers(min_value=2, max_value=6))
    people = [
        User(
            pk=number,
            username=f"p{number}",
            role=draw(ROLES),
            is_active=draw(st.booleans()),
            branch_id=draw(st.sampled_from([1, 2])),
        )
        for number in range(1, size + 1)
    ]
    for person in people:
        lead = draw(st.none() | st.sampled_from(people))
        if lead is not None and lead.role == Role.SUPERVISOR and lead is not person:
            person.supervisor = lead
    return people


@given(teams(), st.data())
def test_nobody_decides_on_their_own_work(people, data):
    person = data.draw(st.sampled_from(people))
    assert not decides_on_work_of(person, person)


@given(teams(), st.data())
def test_only_the_authors_supervisor_or_an_administrator_decides(people, data):
    reviewer, author = data.draw(st.sampled_from(people)), data.draw(st.sampled_from(people))
    if decides_on_work_of(reviewer, author):
        assert reviewer.is_active and reviewer.pk != author.pk
        assert reviewer.is_administrator or (
            reviewer.is_supervisor and author.supervisor_id == reviewer.pk
        )
        # Whoever decides on the work can see the records it is about.
        assert can_see_owner(reviewer, author)


@given(teams(), st.data())
def test_a_supervisors_own_work_goes_to_an_administrator(people, data):
    author = data.draw(st.sampled_from(people))
    deciders = [other for other in people if decides_on_work_of(other, author)]
    if needs_administrator_review(author):
        # No supervisor, or one who left or is no longer one: only administrators decide,
        # so the work goes to their queue rather than to nobody's.
        assert all(other.is_administrator for other in deciders)
    else:
        lead = next(other for other in people if other.pk == author.supervisor_id)
        assert decides_on_work_of(lead, author)


@given(teams(), st.data())
def test_acting_on_a_prospect_needs_seeing_it(people, data):
    user, owner = data.draw(st.sampled_from(people)), data.draw(st.sampled_from(people))
    prospect = SimpleNamespace(owner=owner)
    assert can_edit_prospect(user, prospect) == can_see_owner(user, owner)
    if can_reassign(user, prospect):
        assert can_edit_prospect(user, prospect)
        assert user.is_supervisor or user.is_administrator


@given(teams(), st.data())
def test_supervisors_edit_their_own_branchs_territories(people, data):
    user = data.draw(st.sampled_from(people))
    territory = Territory(branch_id=data.draw(st.sampled_from([1, 2])))
    if can_edit_territory(user, territory):
        assert user.is_active
        assert user.is_administrator or (
            user.is_supervisor and territory.branch_id == user.branch_id
        )
    elif user.is_active and user.is_supervisor:
        assert territory.branch_id != user.branch_id


@given(ROLES, st.booleans())
def test_supervisors_and_administrators_edit_the_handbook(role, active):
    user = User(role=role, is_active=active)
    assert can_edit_handbook(user) == (active and role in {Role.SUPERVISOR, Role.ADMINISTRATOR})


# --- The same rule in SQL: visible_to, minus what hidden_from hides ---------------------


class SubjectHiddenQuerySet(ProspectQuerySet):
    """Like a complaint: the person it is about (here, its contact) never sees it."""

    def hidden_from(self, user):
        return Q(contact_name=user.username)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    viewer=st.sampled_from(VIEWERS),
    rows=st.lists(
        st.tuples(st.sampled_from(VIEWERS), st.sampled_from(VIEWERS)), min_size=1, max_size=6
    ),
)
def test_the_queryset_shows_exactly_what_the_rule_allows(people, viewer, rows):
    user = getattr(people, viewer)
    with transaction.atomic():
        prospects = [
            make_prospect(getattr(people, owner), contact_name=getattr(people, subject).username)
            for owner, subject in rows
        ]
        shown = set(SubjectHiddenQuerySet(model=Prospect).visible_to(user))
        expected = {
            prospect
            for prospect in prospects
            if can_see_owner(user, prospect.owner) and prospect.contact_name != user.username
        }
        assert shown == expected
        # Without hidden_from, the plain queryset is the owner rule alone.
        assert set(Prospect.objects.visible_to(user)) == {
            prospect for prospect in prospects if can_see_owner(user, prospect.owner)
        }
        transaction.set_rollback(True)


def test_a_person_without_a_branch_edits_no_territory(db):
    branch = Branch.objects.create(code="0909", name="测试支行")
    lone = User(role=Role.SUPERVISOR, is_active=True, branch_id=None)
    assert not can_edit_territory(lone, Territory(branch=branch))
