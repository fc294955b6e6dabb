"""The backup drill's comparison (the drill itself runs in .ci/run on both databases)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.backup import fingerprint


def test_the_fingerprint_tells_which_table_changed(people):
    before = fingerprint()
    people.owner.first_name = "改了"
    people.owner.save()
    after = fingerprint()
    changed = {table for table in before if before[table] != after[table]}
    assert "accounts_user" in changed
    assert after["accounts_user"][0] == before["accounts_user"][0]  # same rows, other content


def test_restoring_from_a_missing_file_says_so(db, tmp_path):
    with pytest.raises(CommandError, match="No backup"):
        call_command("restore", str(tmp_path / "missing.backup"))


@pytest.mark.django_db(transaction=True)  # a backup copies committed data
def test_a_backup_is_readable_by_the_app_and_its_group_only(tmp_path, file_mode):
    """It holds every client's data (pg_dump on PostgreSQL, SQLite's backup API otherwise)."""
    target = tmp_path / "backups" / "workbench.backup"
    call_command("backup", str(target), stdout=StringIO())
    assert target.stat().st_size > 0
    assert file_mode(target) == 0o640
    assert file_mode(target.parent) == 0o750
