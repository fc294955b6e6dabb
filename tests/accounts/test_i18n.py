from __future__ import annotations

import gettext
from pathlib import Path

import polib
from django.conf import settings

from tests.conftest import client_for

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES"


def test_switching_to_english_and_back(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert "Sign in" in client.get("/accounts/login/").text
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/accounts/login/"})
    assert "登录" in client.get("/accounts/login/").text


def test_the_chinese_catalogue_is_complete():
    catalogue = polib.pofile(str(CATALOGUE / "django.po"))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not untranslated, untranslated
    assert not fuzzy, fuzzy


def test_the_compiled_catalogue_matches_the_source():
    catalogue = polib.pofile(str(CATALOGUE / "django.po"))
    with open(CATALOGUE / "django.mo", "rb") as compiled:
        translations = gettext.GNUTranslations(compiled)
    stale = [
        e.msgid
        for e in catalogue.translated_entries()
        if not e.msgid_plural
        and (
            translations.pgettext(e.msgctxt, e.msgid)
            if e.msgctxt
            else translations.gettext(e.msgid)
        )
        != e.msgstr
    ]
    assert not stale, stale


def test_chinese_whatever_the_browser_sends(people):
    client = client_for(people.owner)
    page = client.get("/", headers={"accept-language": "en-US,en;q=0.9"})
    assert "今日待办" in page.text
    assert page["Content-Language"] == "zh-hans"


def test_english_once_chosen_follows_the_person_to_another_device(people):
    client_for(people.owner).post("/i18n/setlang/", {"language": "en", "next": "/"})
    people.owner.refresh_from_db()
    assert people.owner.language == "en"
    other_device = client_for(people.owner)  # no cookie from the first one
    assert "Today's agenda" in other_device.get("/").text
    assert "今日待办" in client_for(people.teammate).get("/").text  # only that person


def test_an_unknown_language_changes_nothing(people):
    response = client_for(people.owner).post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert response.status_code == 302
    people.owner.refresh_from_db()
    assert people.owner.language == ""


def test_the_language_switch_never_redirects_off_site(people):
    response = client_for(people.owner).post(
        "/i18n/setlang/", {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_the_admin_carries_the_banks_name(admin_client_):
    page = admin_client_.get("/admin/")
    assert "客户经理工作台" in page.text
    assert "Django" not in page.text.split("<title>")[1].split("</title>")[0]
