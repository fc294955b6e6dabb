"""Chinese full-text search over the handbook's questions and answers.

The query is segmented like the index (playbook.segment); every word must
occur (AND). Each word reaches the database only as a quoted string literal
of letters and digits, so FTS5 and tsquery operators in a query (`"`, `*`,
`OR`, `NEAR`, `:`, `&`, `!`) are words or nothing, never syntax.

Ranking: a hit in the question outweighs hits in the answer — FTS5's bm25 with
the question column weighted far above the answer; on PostgreSQL the question
is weight A (1.0) and the answer weight B (0.4), and ts_rank's sum over one
word's positions stays below 1.0 for B alone.

Highlights are built on the raw text: the parts between hits are escaped, the
hits are escaped and wrapped in <mark>. Nothing from the query or the entry is
ever marked safe unescaped.
"""

from __future__ import annotations

import difflib
import heapq
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from playbook.models import Entry, EntryQuerySet, Section
from playbook.search_index import FTS_TABLE, PG_QUESTION_VECTOR
from playbook.segment import query_words

MAX_QUERY_CHARS = 100
MAX_WORDS = 12
SNIPPET_BEFORE = 30
SNIPPET_LENGTH = 120
QUESTION_WEIGHT = 50.0
ANSWER_WEIGHT = 1.0
SUGGESTIONS = 5
RANK_CANDIDATES = 100


@dataclass(frozen=True)
class SearchHit:
    entry: Entry
    rank: float
    question_html: SafeString
    snippet_html: SafeString


@dataclass
class SearchResults:
    query: str
    words: list[str] = field(default_factory=list)
    hits: list[SearchHit] = field(default_factory=list)
    # When nothing matched every word: entries close to the query.
    suggestions: list[Entry] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.hits)


def search_entries(
    query: str, *, section: Section | int | None = None, limit: int = 20
) -> SearchResults:
    """Entries matching every word of `query`, best first, with highlights.

    Two queries whatever the size of the handbook (one on PostgreSQL); when
    nothing matches, a few more to find close matches.
    """
    query = " ".join((query or "").split())[:MAX_QUERY_CHARS]
    words = query_words(query)[:MAX_WORDS]
    results = SearchResults(query=query, words=words)
    if not words:
        return results
    section_id = section.pk if isinstance(section, Section) else section
    ranked = _ranked(words, section_id=section_id, limit=limit, match_all=True)
    results.hits = [
        SearchHit(
            entry=entry,
            rank=rank,
            question_html=highlight(entry.question, words),
            snippet_html=snippet(entry.answer, words),
        )
        for entry, rank in ranked
    ]
    if not results.hits:
        results.suggestions = _close_matches(query, words)
    return results


# --- Backends ----------------------------------------------------------------


def _entries() -> EntryQuerySet:
    return Entry.objects.select_related("section", "part").defer(
        "question_words", "answer_words", "search_vector"
    )


def _ranked(
    words: Sequence[str], *, section_id: int | None, limit: int, match_all: bool
) -> list[tuple[Entry, float]]:
    if connection.vendor == "postgresql":
        return _ranked_postgresql(words, section_id=section_id, limit=limit, match_all=match_all)
    return _ranked_sqlite(words, section_id=section_id, limit=limit, match_all=match_all)


def _ranked_sqlite(
    words: Sequence[str], *, section_id: int | None, limit: int, match_all: bool
) -> list[tuple[Entry, float]]:
    # Each word becomes an FTS5 string ("…", quotes doubled): never an operator.
    match = (" " if match_all else " OR ").join('"{}"'.format(w.replace('"', '""')) for w in words)
    params: list[object] = [QUESTION_WEIGHT, ANSWER_WEIGHT, match]
    if section_id is None:
        # Without the join to playbook_entry: bm25 for a word in most entries
        # takes half the time (7 ms instead of 11 ms at 10,000 entries).
        sql = (
            f"SELECT rowid, bm25({FTS_TABLE}, %s, %s) AS score FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s ORDER BY score, rowid LIMIT %s"
        )
    else:
        sql = (
            f"SELECT f.rowid, bm25({FTS_TABLE}, %s, %s) AS score "
            f"FROM {FTS_TABLE} AS f JOIN playbook_entry AS e ON e.id = f.rowid "
            f"WHERE {FTS_TABLE} MATCH %s AND e.section_id = %s ORDER BY score, f.rowid LIMIT %s"
        )
        params.append(section_id)
    params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        scores = {pk: -score for pk, score in cursor.fetchall()}
    if not scores:
        return []
    entries = _entries().in_bulk(list(scores))
    return [(entries[pk], rank) for pk, rank in scores.items() if pk in entries]


def _ranked_postgresql(
    words: Sequence[str], *, section_id: int | None, limit: int, match_all: bool
) -> list[tuple[Entry, float]]:
    # Each word becomes a quoted tsquery lexeme of letters and digits only.
    lexemes = ["'{}'".format(w.replace("'", "''").replace("\\", "")) for w in words]
    tsquery = (" & " if match_all else " | ").join(lexemes)
    search = SearchQuery(tsquery, search_type="raw", config="simple")
    # ts_rank reads every matching row's vector: a word in most entries (客户)
    # would cost ~25 ms at 10,000 entries. So rank at most RANK_CANDIDATES
    # question hits (from the question-only index) and as many hits anywhere:
    # exact whenever fewer match, and question hits still come first when more do.
    in_section = "AND section_id = %s" if section_id is not None else ""
    section_params = [section_id] if section_id is not None else []
    candidates = RawSQL(
        f"(SELECT id FROM playbook_entry WHERE {PG_QUESTION_VECTOR} "
        f"@@ to_tsquery('simple', %s) {in_section} LIMIT %s) UNION "
        f"(SELECT id FROM playbook_entry WHERE search_vector "
        f"@@ to_tsquery('simple', %s) {in_section} LIMIT %s)",
        [tsquery, *section_params, RANK_CANDIDATES, tsquery, *section_params, RANK_CANDIDATES],
    )
    queryset = (
        _entries()
        .filter(pk__in=candidates)
        .annotate(rank=SearchRank(F("search_vector"), search))
        .order_by("-rank", "number")
    )
    return [(entry, entry.rank) for entry in queryset[:limit]]


def _close_matches(query: str, words: Sequence[str]) -> list[Entry]:
    """Entries sharing any word of the query, else questions sharing most of its characters.

    门口 finds nothing, but 门 is in 门卫's question; a mistyped word shares
    most of its characters with the right one.
    """
    if len(words) > 1:
        entries = [
            entry
            for entry, _rank in _ranked(words, section_id=None, limit=SUGGESTIONS, match_all=False)
        ]
        if entries:
            return entries
    characters = set("".join(words))
    if not characters:
        return []
    needed = max(1, len(characters) // 2)
    scored = []
    for pk, question in Entry.objects.values_list("pk", "question"):
        shared = len(characters.intersection(question.lower()))
        if shared >= needed:
            ratio = difflib.SequenceMatcher(None, query, question).quick_ratio()
            scored.append((-shared, -ratio, pk))
    best = [pk for *_score, pk in heapq.nsmallest(SUGGESTIONS, scored)]
    by_pk = _entries().in_bulk(best)
    return [by_pk[pk] for pk in best if pk in by_pk]


# --- Highlighting --------------------------------------------------------------


def _spans(text: str, words: Sequence[str]) -> list[tuple[int, int]]:
    """Where the words occur in `text` (case-insensitively), merged where they overlap."""
    lowered = text.lower()
    spans: list[tuple[int, int]] = []
    for word in words:
        start = lowered.find(word)
        while start != -1:
            spans.append((start, start + len(word)))
            start = lowered.find(word, start + len(word))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _marked(text: str, spans: Sequence[tuple[int, int]], offset: int = 0) -> str:
    out: list[str] = []
    position = 0
    for start, end in spans:
        start, end = max(start - offset, 0), min(end - offset, len(text))
        if end <= position:
            continue
        out.append(escape(text[position:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    out.append(escape(text[position:]))
    return "".join(out)


def highlight(text: str, words: Sequence[str]) -> SafeString:
    """`text`, escaped, with every occurrence of the words in <mark>."""
    return mark_safe(_marked(text, _spans(text, words)))  # every part is escaped


def snippet(text: str, words: Sequence[str]) -> SafeString:
    """A window of `text` around its first hit, escaped and highlighted."""
    flat = " ".join(text.split())
    spans = _spans(flat, words)
    start = max(spans[0][0] - SNIPPET_BEFORE, 0) if spans else 0
    end = min(start + SNIPPET_LENGTH, len(flat))
    window = flat[start:end]
    inside = [(s, e) for s, e in spans if s < end and e > start]
    body = _marked(window, inside, offset=start)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(flat) else ""
    return mark_safe(f"{prefix}{body}{suffix}")  # every part is escaped
