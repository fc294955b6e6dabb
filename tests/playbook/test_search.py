"""Search over the handbook, on whichever database the run uses (SQLite or PostgreSQL)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from playbook.demo import SAMPLE_HANDBOOK
from playbook.importer import import_text
from playbook.models import Entry, Section
from playbook.search import highlight, search_entries, snippet
from tests.playbook.factories import make_entry, make_section

pytestmark = pytest.mark.django_db

SEARCH = reverse("playbook:search")


@pytest.fixture
def handbook() -> None:
    import_text(SAMPLE_HANDBOOK.read_bytes())


def numbers(query: str, **kwargs) -> list[int]:
    return [hit.entry.number for hit in search_entries(query, **kwargs).hits]


@pytest.mark.parametrize(
    ("query", "number"),
    [("投诉", 15), ("门卫", 5), ("核实", 14), ("三品", 2), ("承诺", 11), ("招待", 10)],
)
def test_two_character_queries_find_their_entries(handbook, query, number):
    assert numbers(query)[0] == number


def test_a_word_inside_a_longer_word_is_found(handbook):
    # 客户经理 is one jieba word; its parts are indexed too.
    assert 1 in numbers("经理")


def test_more_of_the_words_rank_higher_but_fewer_is_not_nothing():
    section = make_section()
    one = make_entry("门卫拦人怎么办？", "客气一点。", number=1, section=section)
    both = make_entry("门卫拦人要不要先预约？", "先打电话。", number=2, section=section)
    unrelated = make_entry("怎样写调查报告？", "如实写。", number=3, section=section)
    hits = [hit.entry for hit in search_entries("门卫 预约").hits]
    assert hits == [both, one]
    assert unrelated not in hits


def test_question_words_and_particles_are_dropped_from_matching_and_highlighting(handbook):
    results = search_entries("客户投诉了怎么办呢")
    assert results.words == ["客户", "投诉"]
    assert results.hits[0].entry.number == 15
    assert "<mark>怎么办</mark>" not in results.hits[0].question_html
    assert not search_entries("怎么办呢？").hits


def test_a_synonym_finds_the_handbook_word_and_is_highlighted(handbook):
    results = search_entries("保安不让进")
    assert results.hits[0].entry.number == 5
    assert "<mark>门卫" in results.hits[0].question_html


def test_a_new_synonym_applies_at_once_without_reindexing():
    from playbook.models import Synonym

    entry = make_entry("怎样核对企业的纳税记录？", "查看完税证明。")
    assert numbers("交税") == []
    Synonym.objects.create(terms="纳税 交税 缴税")
    assert numbers("交税") == [entry.number]


def test_a_hit_in_the_question_outranks_hits_in_the_answer():
    in_answer = make_entry(
        "怎样处理客户的意见？",
        "投诉要当天登记。投诉的客户要回访，投诉处理要记录，投诉结果要告知。",
        number=1,
    )
    in_question = make_entry("客户投诉怎么办？", "先道歉，再倾听。", number=2)
    hits = search_entries("投诉").hits
    assert [hit.entry for hit in hits] == [in_question, in_answer]
    assert hits[0].rank > hits[1].rank


def test_hits_are_highlighted_in_the_question_and_a_snippet_of_the_answer(handbook):
    hit = search_entries("门卫").hits[0]
    assert "<mark>门卫</mark>" in hit.question_html
    hit = search_entries("征信").hits[0]
    assert "<mark>征信</mark>" in hit.snippet_html
    assert len(hit.snippet_html) < len(Entry.objects.get(number=14).answer) + 60


def test_html_in_an_entry_or_a_query_is_escaped_in_the_highlight():
    entry = make_entry("<b>门卫</b>拦人怎么办？", "<script>alert('门卫')</script> 说明来意。")
    [hit] = search_entries("门卫").hits
    assert hit.entry == entry
    assert "<b>" not in hit.question_html and "<script>" not in hit.snippet_html
    assert "&lt;b&gt;<mark>门卫</mark>&lt;/b&gt;" in hit.question_html
    assert highlight("a<b>&c", ["b"]) == "a&lt;<mark>b</mark>&gt;&amp;c"
    assert snippet("x" * 200 + "门卫" + "y" * 200, ["门卫"]).startswith("…")


def test_the_section_filter(handbook):
    second = Section.objects.get(numeral="二")
    assert 1 in numbers("客户")
    assert 1 not in numbers("客户", section=second)
    assert set(numbers("客户", section=second)) <= set(
        second.entries.values_list("number", flat=True)
    )
    assert numbers("客户", section=second.pk) == numbers("客户", section=second)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "\t\n",
        "门" * 500,
        "门卫" * 250,
        '"',
        '"门卫',
        "门卫*",
        "*",
        "门卫 OR 投诉",
        "OR",
        "NEAR(门卫 投诉)",
        "NEAR",
        "question_words:门卫",
        ":",
        "门卫 AND NOT 投诉",
        "^门卫",
        "'; DROP TABLE playbook_entry; --",
        "1' OR '1'='1",
        "门卫 & 投诉 | !征信",
        "<script>alert(1)</script>",
        "(",
        "\x00",
        "{门卫}",
        "门卫\\",
    ],
)
def test_bad_input_is_never_an_error_nor_syntax(handbook, query):
    results = search_entries(query)
    for hit in results.hits:
        assert "<script>" not in hit.question_html + hit.snippet_html
    assert Entry.objects.count() == 20


def test_operators_are_words_not_syntax(handbook):
    # NOT is a word, not an operator: the entries about 投诉 are still found.
    assert 15 in numbers("门卫 NOT 投诉")
    assert numbers("门卫*") == numbers("门卫")
    # Not a column filter: 门卫 in an answer (entry 6's) is found too.
    assert 6 in numbers("question_words:门卫")


def test_a_query_with_no_hits_suggests_close_matches(handbook):
    results = search_entries("门口")
    assert not results.hits
    assert 5 in [entry.number for entry in results.suggestions]


def test_the_index_follows_edits_and_deletes():
    entry = make_entry("怎样寻找客户？", "从商会开始。")
    assert numbers("商会") == [entry.number]
    entry.answer = "从行业协会开始。"
    entry.save()
    assert numbers("商会") == []
    assert numbers("协会") == [entry.number]
    entry.delete()
    assert numbers("协会") == []


def test_search_queries_do_not_grow_with_hits(django_assert_max_num_queries):
    section = make_section()
    for i in range(3):
        make_entry(f"门卫问题{i}？", "说明来意。", section=section)
    # Synonyms, word frequencies, the ranking, the entries.
    with django_assert_max_num_queries(4):
        assert len(search_entries("门卫").hits) == 3
    for i in range(30):
        make_entry(f"门卫问题{i + 3}？", "说明来意。", section=section)
    with django_assert_max_num_queries(4):
        assert len(search_entries("门卫", limit=50).hits) == 33


# --- The page ---------------------------------------------------------------------


def test_the_page_lists_results_with_their_entry_numbers(handbook, trainee_client):
    response = trainee_client.get(SEARCH, {"q": "门卫"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-entry-number="5"' in html
    assert "<mark>门卫</mark>" in html
    assert reverse("playbook:entry", kwargs={"pk": Entry.objects.get(number=5).pk}) in html
    assert 'hx-trigger="input changed delay:300ms, search"' in html


def test_htmx_gets_only_the_results(handbook, trainee_client):
    response = trainee_client.get(
        SEARCH, {"q": "投诉"}, headers={"HX-Request": "true", "HX-Target": "search-results"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="search-results"')
    assert 'data-entry-number="15"' in html
    assert "<form" not in html


@pytest.mark.parametrize(
    "params",
    [
        {"q": "<script>alert(1)</script>"},
        {"q": "x" * 500},
        {"q": '"OR* NEAR(:'},
        {"q": "门卫", "section": "not-a-number"},
        {"q": "门卫", "section": "999999"},
        {"section": ""},
        {},
    ],
)
def test_the_page_survives_bad_input(handbook, manager_client, params):
    response = manager_client.get(SEARCH, params)
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.content.decode()


def test_the_page_shows_suggestions_when_nothing_matches(handbook, manager_client):
    html = manager_client.get(SEARCH, {"q": "门口"}).content.decode()
    assert 'data-entry-number="' not in html
    assert 'data-suggestion-number="5"' in html


def test_the_page_filters_by_section(handbook, manager_client):
    second = Section.objects.get(numeral="二")
    html = manager_client.get(SEARCH, {"q": "客户", "section": second.pk}).content.decode()
    assert 'data-entry-number="8"' in html
    assert 'data-entry-number="1"' not in html


def test_question_hits_come_first_even_when_ranking_is_bounded(monkeypatch):
    # On PostgreSQL only RANK_CANDIDATES question hits and as many others are ranked.
    monkeypatch.setattr("playbook.search.RANK_CANDIDATES", 2)
    section = make_section()
    for i in range(5):
        make_entry(f"怎样处理意见{i}？", "投诉要当天登记，投诉要回访。", section=section)
    in_question = make_entry("客户投诉怎么办？", "先道歉。", section=section)
    hits = search_entries("投诉").hits
    assert hits[0].entry == in_question
    assert len(hits) >= 2


def test_the_page_queries_do_not_grow_with_results(manager_client, django_assert_num_queries):
    section = make_section()
    make_entry("门卫问题？", "说明来意。", section=section)

    def count_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as context:
            assert manager_client.get(SEARCH, {"q": "门卫"}).status_code == 200
        return len(context.captured_queries)

    few = count_queries()
    for i in range(15):
        make_entry(f"门卫问题{i}？", "说明来意。", section=section)
    assert count_queries() == few


# The flush at the end takes the seeded topics and industries away; the conftest's
# reference_data fixture puts them back for whichever test runs next.
@pytest.mark.django_db(transaction=True)
def test_the_index_is_rebuilt_when_its_triggers_were_lost():
    # As after a migration that rebuilds playbook_entry on SQLite.
    from django.db import connection

    from playbook.search_index import install, uninstall

    uninstall(connection)
    entry = make_entry("门卫拦人怎么办？", "说明来意。")
    install(connection)
    assert numbers("门卫") == [entry.number]
    entry.answer = "出示工作证。"
    entry.save()
    assert numbers("工作证") == [entry.number]


def test_a_large_handbook_leaves_out_words_too_common_to_rank_by(monkeypatch):
    # bm25 gives a word in more than half the entries no weight; at scale (SQLite)
    # it is not read at all when a rarer word of the query remains.
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's bm25 only")
    monkeypatch.setattr("playbook.search.PRUNE_FROM", 1)
    section = make_section()
    for i in range(3):
        make_entry(f"门卫问题{i}？", "说明来意。", section=section)
    rare = make_entry("要不要先预约？", "先打电话。", section=section)
    assert numbers("门卫 预约") == [rare.number]
    assert len(numbers("门卫")) == 3  # alone, a common word is still searched
