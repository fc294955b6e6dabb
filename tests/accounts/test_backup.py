"""The backup drill's comparison (the drill itself runs in .ci/run on both databases)."""

from __future__ import annotations

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
