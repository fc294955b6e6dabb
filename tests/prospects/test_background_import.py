"""A long merchant list is imported by the background worker (the Tasks API), as the
person confirmed it, all or nothing; its page says how far it is."""

from __future__ import annotations

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bench.prospect_import import csv_bytes
from prospects import importing
from prospects.models import ImportStatus, Prospect
from tests.prospects.factories import make_prospect
from tests.prospects.test_background_export import run_worker
from tests.prospects.test_import_views import BAD_CSV, GOOD, commit, uploaded

PROGRESS = {"HX-Request": "true", "HX-Target": "import-progress"}


@pytest.fixture
def threshold(settings):
    """Any file of more than one row is long."""
    settings.PROSPECT_IMPORT_BACKGROUND_ROWS = 1
    return 1


@pytest.fixture
def batch(manager_client, territory, threshold):
    """Two good merchants, uploaded and checked, not yet confirmed."""
    return uploaded(manager_client, territory, csv_bytes(GOOD, encoding="gbk"))


def poll(client, batch):
    """What the waiting page's htmx asks for every 2 s."""
    return client.get(batch.get_absolute_url(), headers=PROGRESS)


@pytest.mark.django_db(transaction=True)  # the worker commits, as on the server
def test_a_long_file_is_imported_by_the_worker_and_its_page_says_when(
    people, manager_client, territory, batch
):
    response = commit(manager_client, batch)

    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.QUEUED
    assert not Prospect.objects.exists()  # nothing before the worker, then everything
    waiting = manager_client.get(batch.get_absolute_url()).text
    assert "正在导入" in waiting and "<progress" in waiting
    assert 'hx-trigger="every 2s"' in waiting
    still = poll(manager_client, batch)
    assert "HX-Refresh" not in still and 'id="import-progress"' in still.text
    assert "<html" not in still.text  # only the progress, not the page

    run_worker()

    batch.refresh_from_db()
    assert (batch.status, batch.imported_count, bytes(batch.data)) == (
        ImportStatus.COMMITTED,
        2,
        b"",
    )
    imported = Prospect.objects.filter(import_batch=batch)
    assert sorted(imported.values_list("name", flat=True)) == ["宏达五金经营部", "鑫源服装商行"]
    assert set(imported.values_list("owner", "territory")) == {(people.owner.pk, territory.pk)}
    entries = LogEntry.objects.get_for_objects(imported)
    assert entries.count() == 2 and {entry.actor for entry in entries} == {people.owner}
    assert poll(manager_client, batch)["HX-Refresh"] == "true"  # the whole page: done
    done = manager_client.get(batch.get_absolute_url()).text
    assert "已向城南批发市场导入 2 个潜在客户" in done and "hx-trigger" not in done


@pytest.mark.django_db
def test_what_the_preview_shows_is_refused_at_once_and_nothing_is_queued(
    manager_client, territory, threshold, django_capture_on_commit_callbacks
):
    batch = uploaded(manager_client, territory, BAD_CSV)
    with django_capture_on_commit_callbacks(execute=True):
        refused = commit(manager_client, batch)
    assert refused.status_code == 200
    assert "有 3 行存在错误" in refused.context["refused"]
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEW
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_a_second_click_queues_the_file_once(
    manager_client, batch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = commit(manager_client, batch)
        second = commit(manager_client, batch)
    assert first["Location"] == second["Location"] == batch.get_absolute_url()
    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db
def test_a_file_no_longer_clean_when_its_turn_comes_is_sent_back_with_the_reason(
    people, manager_client, batch
):
    commit(manager_client, batch)
    # Meanwhile a colleague of the branch logs one of the merchants by hand.
    make_prospect(people.teammate, name="鑫源服装商行")

    importing.import_queued(batch.pk)  # the task's body, as the worker runs it

    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEW
    assert Prospect.objects.filter(import_batch=batch).count() == 0
    assert poll(manager_client, batch)["HX-Refresh"] == "true"
    page = manager_client.get(batch.get_absolute_url()).text
    assert "请确认跳过 1 行重复数据" in page and "没有导入任何数据" in page
    # Confirmed this time, it goes through; the reason is gone with it.
    commit(manager_client, batch, skip_duplicates="on")
    importing.import_queued(batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.imported_count, batch.refusal) == (ImportStatus.COMMITTED, 1, "")


@pytest.mark.django_db
def test_a_file_no_worker_took_in_time_may_be_confirmed_again_and_is_imported_once(
    manager_client, batch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        commit(manager_client, batch)
    batch.refresh_from_db()
    batch.queued_at = timezone.now() - timedelta(minutes=11)
    batch.save(update_fields=["queued_at"])
    assert poll(manager_client, batch)["HX-Refresh"] == "true"  # the waiting page stops
    page = manager_client.get(batch.get_absolute_url()).text
    assert "没有后台任务程序导入该文件" in page and "every 2s" not in page
    assert "导入 2 个潜在客户" in page  # the preview, to confirm again
    with django_capture_on_commit_callbacks(execute=True):
        commit(manager_client, batch)
    assert DBTaskResult.objects.count() == 2
    # Both tasks run (the first worker came back): the file is imported once.
    importing.import_queued(batch.pk)
    importing.import_queued(batch.pk)
    assert Prospect.objects.filter(import_batch=batch).count() == 2


@pytest.mark.django_db
def test_a_short_file_is_still_imported_while_the_person_waits(manager_client, territory, settings):
    settings.PROSPECT_IMPORT_BACKGROUND_ROWS = len(GOOD)
    batch = uploaded(manager_client, territory, csv_bytes(GOOD))
    commit(manager_client, batch)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED
    assert not DBTaskResult.objects.exists()
