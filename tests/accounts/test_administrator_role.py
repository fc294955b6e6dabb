"""The administrator role, and it alone, grants the Django admin and the bank-wide view."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Role, User
from tests.conftest import client_for
from tests.prospects.factories import make_prospect
from tests.security.pages import as_sent, forms_on

pytestmark = pytest.mark.django_db


def test_an_administrator_moved_to_manager_loses_the_admin_and_the_whole_bank(people):
    elsewhere = make_prospect(people.other_manager, name="城东五金批发")
    admin = people.admin
    assert (
        client_for(admin).get(reverse("prospects:detail", args=[elsewhere.pk])).status_code == 200
    )
    admin.role = Role.CLIENT_MANAGER
    admin.save()
    client = client_for(admin)
    assert client.get(reverse("prospects:detail", args=[elsewhere.pk])).status_code == 404
    assert "城东五金批发" not in client.get(reverse("prospects:list")).text
    assert client.get("/admin/").status_code == 302  # to the admin's sign-in


def test_createsuperuser_makes_an_administrator(db):
    call_command("createsuperuser", username="root", email="", interactive=False, verbosity=0)
    made = User.objects.get(username="root")
    assert (made.role, made.is_staff, made.is_superuser) == (Role.ADMINISTRATOR, True, True)


def test_people_created_in_bulk_get_the_admin_by_their_role_alone(branch):
    # bulk_create skips save(): the volume generator and the tests' people go this way.
    User.objects.bulk_create(
        [
            User(username="boss", role=Role.ADMINISTRATOR, branch=branch),
            User(
                username="sly",
                role=Role.CLIENT_MANAGER,
                branch=branch,
                is_staff=True,
                is_superuser=True,
            ),
        ]
    )
    granted = dict(User.objects.values_list("username", "is_superuser"))
    assert granted == {"boss": True, "sly": False}
    assert client_for(User.objects.get(username="sly")).get("/admin/").status_code == 302


def test_the_admin_offers_no_superuser_box_beside_the_role(people):
    page = (
        client_for(people.admin)
        .get(reverse("admin:accounts_user_change", args=[people.owner.pk]))
        .text
    )
    assert 'name="role"' in page
    assert 'name="is_superuser"' not in page
    assert 'name="is_staff"' not in page


def test_the_migration_takes_the_admin_from_who_is_no_longer_an_administrator(people):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("accounts.migrations.0005_role_grants_the_admin")
    # As a demotion left them before: the flags without the role.
    User.objects.filter(pk=people.owner.pk).update(is_staff=True, is_superuser=True)
    migration.admin_only_by_role(apps, None)
    flags = dict(User.objects.values_list("username", "is_superuser"))
    assert flags["owner"] is False
    assert flags["administrator"] is True


def _admin_save(client, person, **changes):
    url = reverse("admin:accounts_user_change", args=[person.pk])
    (form,) = [f for f in forms_on(client.get(url).text, url) if f.field("role")]
    data = as_sent(form) | changes
    if changes.get("is_active") is False:
        del data["is_active"]
    return client.post(url, data)


@pytest.mark.parametrize("change", [{"role": Role.CLIENT_MANAGER}, {"is_active": False}])
def test_a_supervisor_who_still_leads_a_team_keeps_the_role_until_the_team_has_another(
    people, change
):
    client = client_for(people.admin)
    response = _admin_save(client, people.supervisor, **change)
    assert response.status_code == 200
    assert "仍带领 3 人：请先为他们指定其他主管。" in response.text
    supervisor = User.objects.get(pk=people.supervisor.pk)
    assert (supervisor.role, supervisor.is_active) == (Role.SUPERVISOR, True)
    # With the team given to someone else, the change goes through.
    User.objects.filter(supervisor=supervisor).update(supervisor=people.other_supervisor)
    assert _admin_save(client, supervisor, **change).status_code == 302
