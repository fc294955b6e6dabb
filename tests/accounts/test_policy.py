from __future__ import annotations

from accounts.policy import can_see_owner, visible_people


def names(users) -> set[str]:
    return {user.username for user in users}


def test_a_manager_sees_only_themselves(people):
    assert names(visible_people(people.owner)) == {"owner"}


def test_a_supervisor_sees_their_team_and_themselves(people):
    assert names(visible_people(people.supervisor)) == {
        "supervisor",
        "owner",
        "teammate",
        "trainee",
    }


def test_an_administrator_sees_everyone(people):
    assert names(visible_people(people.admin)) == {
        "supervisor",
        "owner",
        "teammate",
        "trainee",
        "othersupervisor",
        "othermanager",
        "otherbranchsupervisor",
        "otherbranchmanager",
        "administrator",
    }


def test_can_see_owner_follows_the_same_rule(people):
    record_owner = people.owner
    assert can_see_owner(people.owner, record_owner)
    assert can_see_owner(people.supervisor, record_owner)
    assert can_see_owner(people.admin, record_owner)
    assert not can_see_owner(people.teammate, record_owner)
    assert not can_see_owner(people.other_supervisor, record_owner)
    assert not can_see_owner(people.trainee, record_owner)


def test_casework_roles_exclude_trainees(people):
    from accounts.policy import CASEWORK_ROLES

    assert not can_see_owner(people.trainee, people.trainee, roles=CASEWORK_ROLES)
    assert can_see_owner(people.trainee, people.trainee)


def test_inactive_people_see_nothing(people):
    people.supervisor.is_active = False
    assert not can_see_owner(people.supervisor, people.owner)
