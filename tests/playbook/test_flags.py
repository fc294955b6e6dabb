"""Flags: a supervisor sees and resolves their own team's; a double submit saves one flag,
a double click on resolve says it is done."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.once import TOKEN_FIELD, new_token
from playbook.home import nav_items
from playbook.models import EntryFlag
from playbook.services import flag_raise
from tests.conftest import client_for
from tests.playbook.factories import make_entry

pytestmark = pytest.mark.django_db


def _resolve_url(flag: EntryFlag) -> str:
    return reverse("playbook:flag_resolve", kwargs={"pk": flag.pk})


# --- Whose flags -------------------------------------------------------------------


def test_a_supervisor_of_another_branch_neither_sees_nor_resolves_a_trainees_flag(people):
    flag = flag_raise(entry=make_entry(), by=people.trainee, reason="unclear", comment="看不懂利率")
    stranger = client_for(people.other_branch_supervisor)

    html = stranger.get(reverse("playbook:flags")).content.decode()
    assert "看不懂利率" not in html and str(people.trainee) not in html
    assert stranger.post(_resolve_url(flag), {"reply": "好"}).status_code == 404
    flag.refresh_from_db()
    assert flag.is_open and flag.resolved_by is None


def test_a_supervisor_of_another_team_in_the_branch_does_not_see_it_either(people):
    flag = flag_raise(entry=make_entry(), by=people.trainee, reason="unclear", comment="看不懂")
    assert not EntryFlag.objects.visible_to(people.other_supervisor).exists()
    response = client_for(people.other_supervisor).post(_resolve_url(flag), {"reply": "好"})
    assert response.status_code == 404


def test_the_trainees_supervisor_and_an_administrator_see_and_resolve_it(people):
    flag = flag_raise(entry=make_entry(), by=people.trainee, reason="unclear", comment="看不懂利率")
    for editor in (people.supervisor, people.admin):
        assert "看不懂利率" in client_for(editor).get(reverse("playbook:flags")).content.decode()
    response = client_for(people.supervisor).post(_resolve_url(flag), {"reply": "已改"})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.resolved_by == people.supervisor


def test_a_supervisors_own_flag_is_theirs_and_an_administrators(people):
    flag = flag_raise(entry=make_entry(), by=people.supervisor, reason="outdated", comment="旧")
    assert list(EntryFlag.objects.visible_to(people.supervisor)) == [flag]
    assert list(EntryFlag.objects.visible_to(people.admin)) == [flag]
    assert not EntryFlag.objects.visible_to(people.other_supervisor).exists()
    assert not EntryFlag.objects.visible_to(people.trainee).exists()


def test_the_flag_count_in_the_menu_counts_only_the_teams_flags(people):
    flag_raise(entry=make_entry(), by=people.trainee, reason="unclear", comment="看不懂")
    flag_raise(entry=make_entry(), by=people.other_manager, reason="unclear", comment="不清楚")

    def count(user) -> int:
        return next(i.count for i in nav_items(user) if i.url == reverse("playbook:flags"))

    assert count(people.supervisor) == 1
    assert count(people.other_supervisor) == 1
    assert count(people.other_branch_supervisor) == 0
    assert count(people.admin) == 2


def test_the_entry_page_counts_the_open_flags_its_reader_may_see(people):
    entry = make_entry()
    flag_raise(entry=entry, by=people.trainee, reason="unclear", comment="看不懂")
    flag_raise(entry=entry, by=people.other_manager, reason="unclear", comment="不清楚")

    def said(user) -> str:
        return client_for(user).get(entry.get_absolute_url()).content.decode()

    assert "此条目有 1 个未处理的标记" in said(people.supervisor)
    assert "此条目有 2 个未处理的标记" in said(people.admin)
    assert "未处理的标记" not in said(people.other_branch_supervisor)


# --- Twice ------------------------------------------------------------------------


def test_the_flag_form_sent_twice_saves_one_flag(people):
    entry = make_entry()
    client = client_for(people.trainee)
    url = reverse("playbook:flag_create", kwargs={"pk": entry.pk})
    posted = {"reason": "unclear", "comment": "看不懂", TOKEN_FIELD: new_token()}
    first = client.post(url, posted)
    again = client.post(url, posted)
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"] == entry.get_absolute_url()
    assert EntryFlag.objects.count() == 1


def test_the_flag_form_sent_twice_through_htmx_saves_one_flag(people):
    entry = make_entry()
    client = client_for(people.trainee)
    url = reverse("playbook:flag_create", kwargs={"pk": entry.pk})
    posted = {"reason": "unclear", "comment": "看不懂", TOKEN_FIELD: new_token()}
    first = client.post(url, posted, headers={"HX-Request": "true"})
    assert first.status_code == 200
    # The redrawn form carries a fresh token, so a second flag is a new one.
    assert TOKEN_FIELD in first.content.decode()
    again = client.post(url, posted, headers={"HX-Request": "true"})
    assert again["HX-Redirect"] == entry.get_absolute_url()
    assert EntryFlag.objects.count() == 1


def test_the_entry_page_draws_the_flag_form_with_a_one_time_token(people):
    entry = make_entry()
    html = client_for(people.trainee).get(entry.get_absolute_url()).content.decode()
    assert f'name="{TOKEN_FIELD}"' in html


def test_resolving_twice_says_it_is_resolved_and_keeps_the_first_reply(people):
    flag = flag_raise(entry=make_entry(), by=people.trainee, reason="unclear", comment="看不懂")
    client = client_for(people.supervisor)
    first = client.post(_resolve_url(flag), {"reply": "已改"})
    again = client.post(_resolve_url(flag), {"reply": "再改"}, follow=True)
    assert first.status_code == 302
    assert again.redirect_chain == [(reverse("playbook:flags"), 302)]
    assert "此标记已经处理过了" in again.content.decode()
    flag.refresh_from_db()
    assert flag.reply == "已改"


def test_a_resolved_flag_of_another_team_still_answers_404(people):
    flag = flag_raise(entry=make_entry(), by=people.trainee, reason="unclear", comment="看不懂")
    flag.resolve(by=people.supervisor, reply="已改")
    response = client_for(people.other_supervisor).post(_resolve_url(flag), {"reply": "再改"})
    assert response.status_code == 404


def test_resolve_on_a_stale_copy_does_not_overwrite_the_first_reply(people):
    flag = flag_raise(entry=make_entry(), by=people.trainee, reason="unclear", comment="看不懂")
    stale = EntryFlag.objects.get(pk=flag.pk)
    assert flag.resolve(by=people.supervisor, reply="已改")
    assert not stale.resolve(by=people.admin, reply="再改")
    flag.refresh_from_db()
    assert (flag.reply, flag.resolved_by) == ("已改", people.supervisor)
