"""Traditional characters and full-width Latin find what the simplified, half-width text says."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps

from playbook.models import Entry
from playbook.search import search_entries
from playbook.segment import index_words, normalise, query_words
from tests.playbook.factories import make_entry

pytestmark = pytest.mark.django_db


def numbers(query: str) -> list[int]:
    return [hit.entry.number for hit in search_entries(query).hits]


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("門衛", "门卫"),
        ("ｍｅｎ", "men"),
        ("１２", "12"),
        ("ＰＯＳ機", "pos机"),
        ("客戶經理", "客户经理"),
    ],
)
def test_the_index_and_the_query_share_one_form(written, meant):
    assert normalise(written).lower() == meant
    assert query_words(written) == query_words(meant)
    assert index_words(written) == index_words(meant)


def test_traditional_characters_find_the_simplified_entry():
    entry = make_entry("门卫不让进怎么办？", "先预约。")
    assert numbers("門衛") == [entry.number]
    assert numbers("門衛不讓進怎麼辦") == [entry.number]


def test_full_width_latin_and_digits_find_half_width_text():
    entry = make_entry("客户要开通POS机怎么办？", "办理men卡，收款12天到账。")
    assert numbers("ｍｅｎ") == [entry.number]
    assert numbers("１２") == [entry.number]
    assert numbers("ｐｏｓ") == [entry.number]


def test_an_entry_written_in_traditional_or_full_width_is_found_by_simplified_queries():
    entry = make_entry("門衛不讓進怎麼辦？", "刷ＰＯＳ機。")
    assert numbers("门卫") == [entry.number]
    assert numbers("pos") == [entry.number]


def test_a_synonym_written_in_traditional_still_applies():
    from playbook.models import Synonym

    entry = make_entry("怎样核对企业的纳税记录？", "查看完税证明。")
    Synonym.objects.create(terms="纳税 交税 缴税")
    assert numbers("繳稅") == [entry.number]


def test_the_migration_refills_words_stored_before_normalising():
    entry = make_entry("ＰＯＳ機怎么办？", "門衛。")
    # As stored before: segmented, not normalised (a queryset update, so the triggers run).
    Entry.objects.filter(pk=entry.pk).update(question_words="ｐｏｓ 機", answer_words="門衛")
    assert numbers("门卫") == []
    migration = import_module("playbook.migrations.0008_normalised_words")
    migration.refill_words(apps, None)
    assert numbers("门卫") == [entry.number]
    assert numbers("pos") == [entry.number]
