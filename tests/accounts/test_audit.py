from __future__ import annotations

from auditlog.models import LogEntry
from django.template import Context, Template

from accounts.models import Role


def test_changing_a_person_records_who_changed_which_field_from_what_to_what(people, admin_client_):
    from auditlog.context import set_actor

    with set_actor(people.admin):
        people.owner.role = Role.SUPERVISOR
        people.owner.save()
    entry = (
        LogEntry.objects.get_for_object(people.owner).filter(action=LogEntry.Action.UPDATE).get()
    )
    assert entry.actor == people.admin
    assert entry.changes_dict["role"] == ["manager", "supervisor"]


def test_passwords_never_enter_the_audit_trail(people):
    people.owner.set_password("another-secret-2026")
    people.owner.save()
    for entry in LogEntry.objects.get_for_object(people.owner):
        assert "password" not in entry.changes_dict


def test_history_tag_renders_the_changes(people):
    people.owner.first_name = "新名"
    people.owner.save()
    html = Template("{% load audit %}{% object_history person %}").render(
        Context({"person": people.owner})
    )
    assert "新名" in html


def test_history_speaks_chinese_and_hides_empty_values(people):
    people.owner.first_name = "新名"
    people.owner.save()
    html = Template("{% load audit %}{% object_history person %}").render(
        Context({"person": people.owner})
    )
    assert "修改" in html
    assert "None" not in html and "update" not in html


def test_loading_saved_rows_back_is_not_recorded_as_a_change(people):
    """A restore or a test's serialized rollback loads rows that nobody changed; logging
    them would also look up content types that may not be loaded yet."""
    from django.core import serializers

    saved = serializers.serialize("json", [people.owner])
    people.owner.delete()
    LogEntry.objects.all().delete()
    for row in serializers.deserialize("json", saved):
        row.save()
    assert not LogEntry.objects.exists()
