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
from prospects.models import ImportBatch, ImportStatus, Prospect
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


def confirm(client, batch, **data) -> str:
    """Confirm the import (queued); the name of this confirmation, which its task carries."""
    assert commit(client, batch, **data).status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportStatus.QUEUED
    return batch.commit_request["confirmation"]


def status_changes(batch) -> list[tuple[list[str], object]]:
    """The batch's history: each change of its status, and who it is written against."""
    entries = LogEntry.objects.get_for_object(batch).order_by("timestamp")
    return [(e.changes_dict["status"], e.actor) for e in entries if "status" in e.changes_dict]


def stall(batch) -> None:
    """No worker has come for longer than an import takes."""
    batch.queued_at = timezone.now() - timedelta(minutes=11)
    batch.save(update_fields=["queued_at"])


@pytest.mark.django_db
def test_a_file_no_longer_clean_when_its_turn_comes_is_sent_back_with_the_reason(
    people, manager_client, batch
):
    confirmation = confirm(manager_client, batch)
    # Meanwhile a colleague of the branch logs one of the merchants by hand.
    make_prospect(people.teammate, name="鑫源服装商行")

    importing.import_queued(batch.pk, confirmation)  # the task, as the worker runs it

    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEW
    assert Prospect.objects.filter(import_batch=batch).count() == 0
    assert poll(manager_client, batch)["HX-Refresh"] == "true"
    page = manager_client.get(batch.get_absolute_url()).text
    assert "请确认跳过 1 行重复数据" in page and "没有导入任何数据" in page
    # In the batch's history, with who asked.
    assert (["queued", "preview"], people.owner) in status_changes(batch)
    # Checking other columns, the person sees that preview's words, not the old reason.
    other_columns = manager_client.get(batch.get_absolute_url() + "?map_address=").text
    assert "没有导入任何数据" not in other_columns
    # Confirmed this time, it goes through; the reason is gone with it.
    confirmation = confirm(manager_client, batch, skip_duplicates="on")
    importing.import_queued(batch.pk, confirmation)
    batch.refresh_from_db()
    assert (batch.status, batch.imported_count, batch.refusal) == (ImportStatus.COMMITTED, 1, "")
    assert (["queued", "committed"], people.owner) in status_changes(batch)


@pytest.mark.django_db
def test_a_file_no_worker_took_in_time_may_be_confirmed_again_and_is_imported_as_then(
    manager_client, batch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = confirm(manager_client, batch, map_address="")  # without the addresses
    stall(batch)
    assert poll(manager_client, batch)["HX-Refresh"] == "true"  # the waiting page stops
    page = manager_client.get(batch.get_absolute_url()).text
    assert "没有后台任务程序导入该文件" in page and "every 2s" not in page
    assert "导入 2 个潜在客户" in page  # the preview, to confirm again
    with django_capture_on_commit_callbacks(execute=True):
        second = confirm(manager_client, batch)  # with them
    assert DBTaskResult.objects.count() == 2
    # Both tasks run, the first one last (its worker came back): the file is imported
    # once, as confirmed the second time; the first task does nothing.
    importing.import_queued(batch.pk, second)
    importing.import_queued(batch.pk, first)
    imported = Prospect.objects.filter(import_batch=batch)
    assert imported.count() == 2 and all(imported.values_list("address", flat=True))


@pytest.mark.django_db
def test_an_earlier_confirmations_task_neither_imports_nor_sends_the_file_back(
    people, manager_client, batch
):
    first = confirm(manager_client, batch)
    stall(batch)
    make_prospect(people.teammate, name="鑫源服装商行")  # the first confirmation would fail
    second = confirm(manager_client, batch, skip_duplicates="on")
    importing.import_queued(batch.pk, first)
    batch.refresh_from_db()
    assert (batch.status, batch.refusal) == (ImportStatus.QUEUED, "")  # still the second's
    importing.import_queued(batch.pk, second)
    batch.refresh_from_db()
    assert (batch.status, batch.imported_count) == (ImportStatus.COMMITTED, 1)


@pytest.mark.django_db
def test_confirming_a_stalled_file_again_shows_why_it_is_refused_now(people, manager_client, batch):
    confirm(manager_client, batch)
    stall(batch)
    make_prospect(people.teammate, name="鑫源服装商行")
    refused = commit(manager_client, batch)
    assert refused.status_code == 200
    assert "请确认跳过 1 行重复数据" in refused.text
    assert "没有后台任务程序导入该文件" not in refused.text


@pytest.mark.django_db
def test_a_file_queued_a_day_ago_with_no_worker_is_dropped_with_the_next_upload(
    manager_client, territory, batch
):
    confirm(manager_client, batch)
    yesterday = timezone.now() - timedelta(days=1, minutes=1)
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=yesterday, queued_at=yesterday)
    waiting = uploaded(manager_client, territory, csv_bytes(GOOD))
    confirm(manager_client, waiting)  # queued today: kept
    uploaded(manager_client, territory, csv_bytes(GOOD))
    assert not ImportBatch.objects.filter(pk=batch.pk).exists()
    assert ImportBatch.objects.filter(pk=waiting.pk).exists()


@pytest.mark.django_db
def test_a_short_file_is_still_imported_while_the_person_waits(manager_client, territory, settings):
    settings.PROSPECT_IMPORT_BACKGROUND_ROWS = len(GOOD)
    batch = uploaded(manager_client, territory, csv_bytes(GOOD))
    commit(manager_client, batch)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED
    assert not DBTaskResult.objects.exists()
