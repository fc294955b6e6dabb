"""A large .xlsx export is written in the background (the Tasks API, django-tasks' database
backend and its real `db_worker`) and offered on its own page, with its progress, to the
person who asked for it; small files and every CSV are sent at once."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from prospects import exporting
from prospects.models import ExportStatus, Prospect, ProspectExport
from prospects.tasks import write_prospect_export
from tests.conftest import client_for
from tests.prospects.factories import make_prospect

LIST_FILTER = "?stage=client"


def run_worker() -> None:
    """What `manage.py db_worker` does on the server, until the queue is empty."""
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


def names_in(content: bytes) -> list[str]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [row[0] for row in sheet.iter_rows(values_only=True)]


def long_list(person, threshold: int, **fields) -> None:
    """One prospect more than an .xlsx sent at once may hold."""
    for index in range(threshold + 1):
        make_prospect(person, name=f"商行{index}", **fields)


@pytest.fixture
def threshold(settings):
    settings.PROSPECT_EXPORT_BACKGROUND_ROWS = 2
    return 2


@pytest.mark.django_db(transaction=True)  # the worker commits, as on the server
def test_a_large_xlsx_is_written_by_the_worker_and_offered_when_ready(people, threshold):
    for name in ("甲商行", "乙商行", "丙商行"):
        make_prospect(people.owner, name=name, stage="client")
    make_prospect(people.owner, name="未成交商行", stage="contacted")  # filtered out
    make_prospect(people.teammate, name="同事的商行", stage="client")  # not the person's
    client = client_for(people.owner)

    response = client.get(reverse("prospects:export", args=["xlsx"]) + LIST_FILTER)
    export = ProspectExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == export.get_absolute_url()
    waiting = client.get(export.get_absolute_url()).text
    assert export.status == ExportStatus.QUEUED
    assert 'hx-trigger="every 2s"' in waiting and "<progress" in waiting

    run_worker()

    export.refresh_from_db()
    assert (export.status, export.total_rows, export.written_rows) == (ExportStatus.READY, 3, 3)
    ready = client.get(export.get_absolute_url()).text
    assert "hx-trigger" not in ready
    download = reverse("prospects:export_download", args=[export.pk])
    assert download in ready
    file = client.get(download)
    assert file["Content-Disposition"].startswith("attachment")
    header, *rows = names_in(b"".join(file.streaming_content))
    assert header == "名称"  # the words of the page it was asked from
    assert sorted(rows) == sorted(["甲商行", "乙商行", "丙商行"])


@pytest.mark.django_db
def test_a_file_at_the_threshold_and_every_csv_are_sent_at_once(people, threshold):
    for index in range(threshold):
        make_prospect(people.owner, name=f"商行{index}")
    client = client_for(people.owner)
    xlsx = client.get(reverse("prospects:export", args=["xlsx"]))
    assert xlsx.status_code == 200
    assert len(names_in(b"".join(xlsx.streaming_content))) == 1 + threshold
    make_prospect(people.owner, name="再多一家")
    csv = client.get(reverse("prospects:export", args=["csv"]))
    assert csv.status_code == 200
    assert "再多一家" in b"".join(csv.streaming_content).decode("utf-8-sig")
    assert not ProspectExport.objects.exists()


@pytest.mark.django_db
def test_the_page_shows_how_far_the_worker_is(people):
    export = ProspectExport.objects.create(
        requested_by=people.owner,
        file_format="xlsx",
        language="zh-hans",
        status=ExportStatus.RUNNING,
        total_rows=40_000,
        written_rows=10_000,
    )
    client = client_for(people.owner)
    page = client.get(export.get_absolute_url()).text
    assert '<progress value="25" max="100">' in page
    assert "10000" in page and "40000" in page
    # What htmx asks for every 2 s: the progress region alone, still asking.
    region = client.get(
        export.get_absolute_url(), headers={"HX-Request": "true", "HX-Target": "export-progress"}
    ).text
    assert "<html" not in region and 'hx-trigger="every 2s"' in region
    assert client.get(reverse("prospects:export_download", args=[export.pk])).status_code == 404


@pytest.mark.django_db
def test_a_failure_is_recorded_and_said_without_a_file(people):
    export = ProspectExport.objects.create(
        requested_by=people.owner, file_format="ods", language="zh-hans"
    )
    with pytest.raises(KeyError):
        exporting.write_export(export)  # what the task runs; the worker records the error
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and export.finished_at is not None
    page = client_for(people.owner).get(export.get_absolute_url()).text
    assert "无法生成" in page and "hx-trigger" not in page
    download = reverse("prospects:export_download", args=[export.pk])
    assert client_for(people.owner).get(download).status_code == 404


@pytest.mark.django_db
def test_the_written_file_is_readable_by_the_app_and_its_group_only(people, file_mode):
    make_prospect(people.owner, name="甲商行", stage="client")
    export = ProspectExport.objects.create(
        requested_by=people.owner, file_format="xlsx", language="zh-hans"
    )
    exporting.write_export(export)  # what the task runs
    export.refresh_from_db()
    assert export.status == ExportStatus.READY
    stored = Path(export.file.path)
    assert file_mode(stored) == 0o640
    assert file_mode(stored.parent) == 0o750


@pytest.mark.django_db
def test_the_persons_old_exports_go_with_their_files_when_they_ask_again(
    people, threshold, settings, django_capture_on_commit_callbacks
):
    old = ProspectExport.objects.create(
        requested_by=people.owner, file_format="xlsx", language="zh-hans"
    )
    old.file.save("old.xlsx", ContentFile(b"PK old"), save=True)
    stored = old.file.name
    storage = old.file.storage
    ProspectExport.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=settings.PROSPECT_EXPORT_KEEP_DAYS, hours=1)
    )
    recent = ProspectExport.objects.create(
        requested_by=people.owner, file_format="xlsx", language="zh-hans"
    )
    someone_elses = ProspectExport.objects.create(
        requested_by=people.teammate, file_format="xlsx", language="zh-hans"
    )
    ProspectExport.objects.filter(pk=someone_elses.pk).update(created_at=old.created_at)
    long_list(people.owner, threshold)

    with django_capture_on_commit_callbacks(execute=True):  # the files go once committed
        client_for(people.owner).get(reverse("prospects:export", args=["xlsx"]))

    assert not ProspectExport.objects.filter(pk=old.pk).exists()
    assert not storage.exists(stored)
    assert ProspectExport.objects.filter(pk__in=[recent.pk, someone_elses.pk]).count() == 2


@pytest.mark.django_db
def test_the_page_lists_the_persons_other_exports_only(people):
    mine = ProspectExport.objects.create(
        requested_by=people.owner, file_format="xlsx", language="zh-hans"
    )
    earlier = ProspectExport.objects.create(
        requested_by=people.owner, file_format="csv", language="zh-hans"
    )
    theirs = ProspectExport.objects.create(
        requested_by=people.teammate, file_format="xlsx", language="zh-hans"
    )
    page = client_for(people.owner).get(mine.get_absolute_url()).text
    assert earlier.get_absolute_url() in page
    assert theirs.get_absolute_url() not in page


@pytest.mark.django_db
def test_asking_twice_while_the_file_is_written_leads_to_the_same_export(people, threshold):
    long_list(people.owner, threshold, stage="client")
    client = client_for(people.owner)
    url = reverse("prospects:export", args=["xlsx"])
    first = client.get(url + LIST_FILTER)["Location"]
    assert client.get(url + LIST_FILTER)["Location"] == first
    other_filter = client.get(url)["Location"]  # another list, another file
    assert other_filter != first
    assert ProspectExport.objects.count() == 2


@pytest.mark.parametrize("status", [ExportStatus.QUEUED, ExportStatus.RUNNING])
@pytest.mark.django_db
def test_an_export_no_worker_is_on_says_so_after_ten_minutes_and_stops_asking(people, status):
    export = ProspectExport.objects.create(
        requested_by=people.owner, file_format="xlsx", language="zh-hans", status=status
    )
    client = client_for(people.owner)
    page = client.get(export.get_absolute_url()).text
    assert "后台进程" not in page and 'hx-trigger="every 2s"' in page
    ProspectExport.objects.filter(pk=export.pk).update(
        updated_at=timezone.now() - timedelta(minutes=11)
    )
    page = client.get(export.get_absolute_url()).text
    # Polling would also keep the person's session alive: a stalled page stops asking.
    assert "没有后台进程" in page and "hx-trigger" not in page
    assert "再查看一次" in page


@pytest.mark.django_db
def test_a_file_longer_than_one_read_keeps_the_lists_order(people, manager_client, monkeypatch):
    monkeypatch.setattr(exporting, "READ_ROWS", 2)
    names = [f"商行{index}" for index in range(5)]
    for name in names:
        make_prospect(people.owner, name=name)
    response = client_for(people.owner).get(
        reverse("prospects:export", args=["xlsx"]) + "?sort=name"
    )
    assert names_in(b"".join(response.streaming_content))[1:] == sorted(names)


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    status=st.sampled_from(ExportStatus.values),
    minutes=st.integers(min_value=0, max_value=30),
)
@pytest.mark.django_db
def test_stalled_in_python_and_in_progress_in_sql_agree(people, status, minutes):
    ProspectExport.objects.all().delete()
    export = ProspectExport.objects.create(
        requested_by=people.owner, file_format="xlsx", language="zh-hans", status=status
    )
    ProspectExport.objects.filter(pk=export.pk).update(
        updated_at=timezone.now() - timedelta(minutes=minutes, seconds=30)
    )
    export.refresh_from_db()
    in_progress = ProspectExport.objects.in_progress(timezone.now()).filter(pk=export.pk).exists()
    assert in_progress == (not export.is_finished and not export.is_stalled)


def _exported(person, *, days_ago: float = 0, status=ExportStatus.READY) -> ProspectExport:
    export = ProspectExport.objects.create(
        requested_by=person, file_format="xlsx", language="zh-hans", status=status
    )
    export.file.save("prospects.xlsx", ContentFile(b"PK file"), save=True)
    ProspectExport.objects.filter(pk=export.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago)
    )
    return export


@pytest.mark.django_db
def test_an_export_past_its_days_is_gone_for_its_owner_too(people, settings):
    export = _exported(people.owner, days_ago=settings.PROSPECT_EXPORT_KEEP_DAYS + 0.1)
    client = client_for(people.owner)
    assert client.get(export.get_absolute_url()).status_code == 404
    download = reverse("prospects:export_download", args=[export.pk])
    assert client.get(download).status_code == 404


@pytest.mark.django_db
def test_the_daily_prune_deletes_everyones_old_exports_and_their_files(
    people, settings, django_capture_on_commit_callbacks
):
    keep = settings.PROSPECT_EXPORT_KEEP_DAYS
    old_mine = _exported(people.owner, days_ago=keep + 1)
    old_theirs = _exported(people.teammate, days_ago=keep + 2)
    recent = _exported(people.owner, days_ago=keep - 1)
    files = [(e.file.storage, e.file.name) for e in (old_mine, old_theirs, recent)]
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # the files go once committed
        call_command("prune_exports", stdout=out)
    assert "2 export(s)" in out.getvalue()
    assert list(ProspectExport.objects.values_list("pk", flat=True)) == [recent.pk]
    assert [storage.exists(name) for storage, name in files] == [False, False, True]


@pytest.mark.django_db
def test_a_deleted_persons_export_files_go_with_them(people, django_capture_on_commit_callbacks):
    export = _exported(people.trainee)
    storage, name = export.file.storage, export.file.name
    with django_capture_on_commit_callbacks(execute=True):
        people.trainee.delete()
    assert not storage.exists(name)


@pytest.mark.django_db
def test_a_handover_withdraws_the_exports_of_the_person_leaving(
    people, django_capture_on_commit_callbacks
):
    from prospects.services import prospects_hand_over

    theirs = make_prospect(people.owner, name="甲商行")
    leaving = [_exported(people.owner), _exported(people.owner, status=ExportStatus.QUEUED)]
    staying = _exported(people.teammate)
    files = [(export.file.storage, export.file.name) for export in (*leaving, staying)]
    with django_capture_on_commit_callbacks(execute=True):  # the files go once committed
        prospects_hand_over(
            prospects=[theirs],
            from_person=people.owner,
            to=people.teammate,
            by=people.supervisor,
            reason="调往其他支行",
        )
    client = client_for(people.owner)
    for export in leaving:
        assert client.get(export.get_absolute_url()).status_code == 404
        download = reverse("prospects:export_download", args=[export.pk])
        assert client.get(download).status_code == 404
    assert [storage.exists(name) for storage, name in files] == [False, False, True]
    assert list(ProspectExport.objects.values_list("pk", flat=True)) == [staying.pk]
    # The queued one's task finds nothing to write when its turn comes.
    write_prospect_export.call(leaving[1].pk)
    assert list(ProspectExport.objects.values_list("pk", flat=True)) == [staying.pk]


@pytest.mark.django_db
def test_a_person_moved_to_another_team_takes_their_clients_out_of_the_former_supervisors_exports(
    people, django_capture_on_commit_callbacks
):
    former = _exported(people.supervisor)
    others = [_exported(people.other_supervisor), _exported(people.owner)]
    storage, name = former.file.storage, former.file.name
    people.owner.last_name = "王"
    people.owner.save()  # nothing of the team changes: nothing is withdrawn
    people.owner.save(update_fields=["last_login"])
    assert ProspectExport.objects.count() == 3
    people.owner.supervisor = people.other_supervisor
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once committed
        people.owner.save()
    assert sorted(ProspectExport.objects.values_list("pk", flat=True)) == [e.pk for e in others]
    assert not storage.exists(name)


@pytest.mark.django_db
def test_an_export_withdrawn_while_written_leaves_no_file(people):
    export = _exported(people.owner, status=ExportStatus.RUNNING)
    storage, name = export.file.storage, export.file.name
    ProspectExport.objects.filter(pk=export.pk).delete()  # as a handover does, meanwhile
    assert exporting.finish_export(export) is False
    assert not storage.exists(name)
    assert not ProspectExport.objects.exists()


@pytest.mark.django_db
def test_the_same_list_is_one_export_whatever_the_page_or_the_order(people, threshold):
    long_list(people.owner, threshold, stage="client")
    client = client_for(people.owner)
    url = reverse("prospects:export", args=["xlsx"])
    first = client.get(url + "?stage=client&sort=name")["Location"]
    assert client.get(url + "?sort=name&page=3&stage=client")["Location"] == first
    assert ProspectExport.objects.count() == 1
    # The file's words are the page's: asked for in English, it is another file.
    people.owner.language = "en"
    people.owner.save()
    assert client.get(url + "?stage=client&sort=name")["Location"] != first


@pytest.mark.django_db
def test_a_person_waits_for_three_exports_at_most(people, threshold):
    long_list(people.owner, threshold)
    client = client_for(people.owner)
    url = reverse("prospects:export", args=["xlsx"])
    places = [
        client.get(url + f"?q=商行&sort={order}")["Location"]
        for order in ("name", "-name", "stage")
    ]
    assert len(set(places)) == 3
    fourth = client.get(url + "?q=商行&sort=-stage")["Location"]
    assert fourth in places
    assert ProspectExport.objects.count() == 3


@pytest.mark.django_db
def test_a_handover_across_teams_withdraws_the_former_supervisors_exports(
    people, django_capture_on_commit_callbacks
):
    from prospects.services import prospects_hand_over

    theirs = make_prospect(people.owner, name="甲商行")
    former_lead = _exported(people.supervisor)
    within = _exported(people.other_supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        # Within the team, the supervisor still sees the clients: their exports stay.
        prospects_hand_over(
            prospects=[theirs],
            from_person=people.owner,
            to=people.teammate,
            by=people.supervisor,
            reason="片区调整",
        )
        assert ProspectExport.objects.filter(pk=former_lead.pk).exists()
        # An administrator sends the client to another team: the former supervisor no
        # longer sees it, so a file listing it goes.
        prospects_hand_over(
            prospects=[Prospect.objects.get(pk=theirs.pk)],
            from_person=people.teammate,
            to=people.other_manager,
            by=people.admin,
            reason="调往其他支行",
        )
    assert list(ProspectExport.objects.values_list("pk", flat=True)) == [within.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["demoted", "closed"])
def test_a_person_given_another_role_or_closed_loses_their_exports(
    people, change, django_capture_on_commit_callbacks
):
    from accounts.models import Role

    theirs = _exported(people.supervisor)
    kept = _exported(people.owner)
    storage, name = theirs.file.storage, theirs.file.name
    if change == "demoted":
        people.supervisor.role = Role.CLIENT_MANAGER
    else:
        people.supervisor.is_active = False
    with django_capture_on_commit_callbacks(execute=True):
        people.supervisor.save()
    # Their file held the team's clients, which the new role (or nobody) sees.
    assert list(ProspectExport.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not storage.exists(name)
