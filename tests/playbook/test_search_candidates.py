"""The entries a search ranks are chosen by relevance, not by where rows lie on disk.

On PostgreSQL only a bounded set of candidates is ranked; a common word (客户)
in many questions must still bring the entry most about it (客户 twice in its
question) into that set. Runs on whichever database DATABASE_URL names.
"""

from __future__ import annotations

import pytest

from playbook.search import RANK_CANDIDATES, search_entries
from tests.playbook.factories import make_entry, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_questions_with_a_common_word() -> None:
    section = make_section()
    # More entries holding the word than the search ranks, inserted first so a
    # scan in physical order meets them before the best one.
    for n in range(1, RANK_CANDIDATES * 3 + 1):
        make_entry(f"客户第{n}号问题？", "按规定办理。", number=n, section=section)
    make_entry(
        "客户经理如何维护客户关系？", "定期回访，记住重要日子。", number=500, section=section
    )


def test_a_common_word_ranks_the_entry_most_about_it_first(many_questions_with_a_common_word):
    hits = search_entries("客户").hits
    assert [hit.entry.number for hit in hits][:1] == [500]


def test_a_common_word_in_a_section_ranks_the_entry_most_about_it_first(
    many_questions_with_a_common_word,
):
    from playbook.models import Entry

    section = Entry.objects.get(number=500).section
    hits = search_entries("客户", section=section).hits
    assert [hit.entry.number for hit in hits][:1] == [500]
