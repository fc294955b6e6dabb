from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from playbook import reading
from playbook.models import Bookmark, ReadingRecord
from tests.conftest import client_for, make_user
from tests.playbook.factories import make_entries, make_section

PROGRESS = reverse("playbook:progress")


def entry_url(entry) -> str:
    return reverse("playbook:entry", kwargs={"pk": entry.pk})


def test_progress_per_section_moves_when_an_entry_is_opened(trainee_client):
    first = make_entries(3, section=make_section("一、寻找和选择客户"))
    make_entries(2, section=make_section("二、增进客户联系"))
    html = trainee_client.get(PROGRESS).text
    assert "已读 0 / 5" in html
    trainee_client.get(entry_url(first[1]))
    html = trainee_client.get(PROGRESS).text
    assert "已读 1 / 5" in html
    assert '<td data-progress="section">1/3</td>' in html
    assert '<td data-progress="section">0/2</td>' in html


def test_next_unread_goes_to_the_first_entry_not_yet_opened(trainee, trainee_client):
    entries = make_entries(3)
    ReadingRecord.objects.create(user=trainee, entry=entries[0])
    response = trainee_client.get(reverse("playbook:next_unread"))
    assert response["Location"] == entry_url(entries[1])
    trainee_client.get(entry_url(entries[1]))
    assert trainee_client.get(reverse("playbook:next_unread"))["Location"] == entry_url(entries[2])


def test_next_unread_when_everything_is_read(trainee, trainee_client):
    for entry in make_entries(2):
        ReadingRecord.objects.create(user=trainee, entry=entry)
    response = trainee_client.get(reverse("playbook:next_unread"), follow=True)
    assert "手册的全部条目您都已读过" in response.text


def test_progress_lists_only_my_bookmarks(people):
    mine, theirs = make_entries(2)
    Bookmark.objects.create(user=people.trainee, entry=mine)
    Bookmark.objects.create(user=people.supervisor, entry=theirs)
    html = client_for(people.trainee).get(PROGRESS).text
    assert mine.question in html
    assert theirs.question not in html


def test_supervisor_sees_own_trainees_only(people):
    other_trainee = make_user(
        "othertrainee",
        Role.TRAINEE,
        branch=people.trainee.branch,
        supervisor=people.other_supervisor,
    )
    entries = make_entries(4)
    ReadingRecord.objects.create(user=people.trainee, entry=entries[0])
    supervisor = client_for(people.supervisor)
    html = supervisor.get(PROGRESS).text
    assert str(people.trainee) in html
    assert "1/4" in html
    assert str(other_trainee) not in html
    own = supervisor.get(reverse("playbook:trainee_progress", kwargs={"pk": people.trainee.pk}))
    assert own.status_code == 200
    other = reverse("playbook:trainee_progress", kwargs={"pk": other_trainee.pk})
    assert supervisor.get(other).status_code == 404
    assert client_for(people.admin).get(other).status_code == 200


def test_trainee_progress_page_is_for_trainees_only(people):
    url = reverse("playbook:trainee_progress", kwargs={"pk": people.owner.pk})
    assert client_for(people.supervisor).get(url).status_code == 404


def test_supervisor_sees_entries_updated_since_trainee_read(people):
    entry = make_entries(1)[0]
    ReadingRecord.objects.create(
        user=people.trainee, entry=entry, read_at=timezone.now() - timedelta(days=1)
    )
    entry.revised_at = timezone.now()
    entry.save()
    [row] = reading.trainees_with_progress(people.supervisor)
    assert (row.read_count, row.stale_count) == (1, 1)
    assert "1 条阅读后有更新" in client_for(people.supervisor).get(reverse("home")).text


def test_progress_lists_what_was_revised_since_i_read_it(trainee, trainee_client):
    revised, untouched = make_entries(2)
    for entry in (revised, untouched):
        ReadingRecord.objects.create(user=trainee, entry=entry)
    revised.revised_at = timezone.now() + timedelta(minutes=1)
    revised.save()
    html = trainee_client.get(PROGRESS).text
    section = html.split('class="updated-since-read"')[1].split("</ul>")[0]
    assert revised.question in section
    assert untouched.question not in section


def test_trainee_home_shows_progress_next_unread_and_bookmarks(trainee, trainee_client):
    entries = make_entries(3)
    ReadingRecord.objects.create(user=trainee, entry=entries[0])
    Bookmark.objects.create(user=trainee, entry=entries[2])
    html = trainee_client.get(reverse("home")).text
    assert "已读 1 / 3" in html
    assert "下一条未读" in html
    assert entries[1].question in html  # the next unread
    assert entries[2].question in html  # the bookmark


def test_navigation_offers_progress_to_trainees_and_supervisors(people):
    assert "学习进度" in client_for(people.trainee).get(reverse("home")).text
    assert "学习进度" in client_for(people.supervisor).get(reverse("home")).text
    manager_html = client_for(people.owner).get(reverse("home")).text
    assert "手册" in manager_html
    assert "学习进度" not in manager_html


def test_navigation_offers_the_handbook_import_to_administrators_only(people):
    import_link = f'href="{reverse("playbook:import")}"'
    assert import_link in client_for(people.admin).get(reverse("home")).text
    for viewer in (people.supervisor, people.owner, people.trainee):
        assert import_link not in client_for(viewer).get(reverse("home")).text


@pytest.mark.parametrize("size", [2, 8])
def test_progress_page_queries_are_constant(size, people, django_assert_num_queries):
    for index in range(size):
        entries = make_entries(2, section=make_section(f"{index}、第{index}节"))
        Bookmark.objects.create(user=people.supervisor, entry=entries[0])
        trainee = make_user(
            f"trainee{index}",
            Role.TRAINEE,
            branch=people.trainee.branch,
            supervisor=people.supervisor,
        )
        ReadingRecord.objects.create(user=trainee, entry=entries[1])
    client = client_for(people.supervisor)
    with django_assert_num_queries(
        11
    ):  # +2 navigation counts; progress counts entries and reads apart
        client.get(PROGRESS)


def test_home_panels_queries_do_not_grow_with_bookmarks(people):
    # The home page sums every app's panels, so compare two sizes, not a fixed count.
    client = client_for(people.trainee)

    def queries_with(sections: int) -> int:
        for index in range(sections):
            entries = make_entries(2, section=make_section(f"{index}、第{index}节"))
            Bookmark.objects.create(user=people.trainee, entry=entries[0])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("home")).status_code == 200
        return len(queries)

    assert queries_with(2) == queries_with(6)


@pytest.mark.parametrize("size", [2, 8])
def test_trainee_progress_page_queries_are_constant(size, people, django_assert_num_queries):
    for index in range(size):
        entries = make_entries(2, section=make_section(f"{index}、第{index}节"))
        ReadingRecord.objects.create(user=people.trainee, entry=entries[0])
    client = client_for(people.supervisor)
    url = reverse("playbook:trainee_progress", kwargs={"pk": people.trainee.pk})
    with django_assert_num_queries(
        9
    ):  # +2 navigation counts; progress counts entries and reads apart
        client.get(url)
