"""Chinese full-text search over the handbook's questions and answers.

Trainees type phrases (客户嫌利率太高怎么办), not keywords, so the search ranks
rather than filters: the query is segmented like the index (playbook.segment),
question words and particles are dropped, and an entry matching any of the
remaining words is a hit. The database ranks them — SQLite FTS5's bm25 over an
OR query, PostgreSQL's ts_rank_cd over a `|` tsquery — so an entry matching
more of the words, and rarer ones, comes first; a hit in the question outweighs
hits in the answer (FTS5 column weights; tsvector weight A against B).

Synonyms (playbook.models.Synonym, edited in the admin) are read at query
time: a query word that is one of a group's terms matches any of them (利率
finds 利息 and 价格), without re-indexing. A group's term found anywhere in the
raw query is taken whole before segmenting, so a word jieba would split
(账户记录) still counts as one.

Each word reaches the database only as a quoted string literal of letters and
digits, so FTS5 and tsquery operators in a query (`"`, `*`, `OR`, `NEAR`, `:`,
`&`, `!`) are words or nothing, never syntax.

Highlights are built on the raw text: the parts between hits are escaped, the
hits are escaped and wrapped in <mark>. Nothing from the query or the entry is
ever marked safe unescaped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, IntegerField, Value, When
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from playbook.models import Entry, EntryQuerySet, Section, Synonym
from playbook.rules import split_terms
from playbook.search_index import FTS_TABLE, FTS_VOCAB, PG_QUESTION_VECTOR
from playbook.segment import STOPWORDS, normalise, query_words, term_words

MAX_QUERY_CHARS = 100
MAX_WORDS = 12
SNIPPET_BEFORE = 30
SNIPPET_LENGTH = 120
# FTS5 bm25 column weights: one question hit outweighs many answer hits.
QUESTION_WEIGHT = 10.0
ANSWER_WEIGHT = 1.0
# ts_rank_cd weights {D, C, B, A}: the answer is B, the question A.
PG_WEIGHTS = "{0, 0, 0.1, 1.0}"
SUGGESTIONS = 5
# PostgreSQL ranks a bounded set of candidates (see _ranked_postgresql).
RANK_CANDIDATES = 40
# Document frequencies are counted up to this many entries (see _frequencies).
DF_CAP = 200
# From this many entries, the search leaves the commonest words out of the match
# and ranks by the MAX_RANKED rarest words of the query.
PRUNE_FROM = 1000
MAX_RANKED = 5


@dataclass(frozen=True)
class Concept:
    """One thing a query asks about: a word, or a synonym group (any term will do)."""

    # Each alternative is the words the index holds for it (账户记录 → 账户, 记录).
    alternatives: tuple[tuple[str, ...], ...]

    @property
    def terms(self) -> list[str]:
        return ["".join(words) for words in self.alternatives]


@dataclass(frozen=True)
class SearchHit:
    entry: Entry
    rank: float
    question_html: SafeString
    snippet_html: SafeString


@dataclass
class SearchResults:
    query: str
    # The words that matter (no question words), and what they matched, for highlighting.
    words: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    hits: list[SearchHit] = field(default_factory=list)
    # When nothing matched a single word: questions sharing most of the query's characters.
    suggestions: list[Entry] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.hits)


def synonym_groups() -> list[list[str]]:
    """The synonym groups, as stored now (one query: edits apply to the next search)."""
    return [split_terms(terms) for terms in Synonym.objects.values_list("terms", flat=True)]


def query_concepts(query: str, groups: Sequence[Sequence[str]]) -> list[Concept]:
    """What `query` asks about: its synonym groups, then its other meaningful words."""
    # In the index's form first, so 負責人 or ｐｏｓ meet the synonyms and words they are.
    text = normalise(query).lower()
    concepts: list[Concept] = []
    found: list[tuple[int, Sequence[str]]] = []
    # Longest terms first, so 银行流水 is taken before 流水.
    terms = sorted(((term, group) for group in groups for term in group), key=lambda t: -len(t[0]))
    for term, term_group in terms:
        position = text.find(term)
        if len(term) < 2 or position == -1:
            continue
        if not any(term_group is other for _position, other in found):
            found.append((position, term_group))
        text = text.replace(term, " ")
    by_word = {term: group for group in groups for term in group}
    words = [(text.find(word), word) for word in query_words(text)]
    items: list[tuple[int, Sequence[str] | str]] = [*found, *words]
    items.sort(key=lambda item: item[0])
    seen: set[tuple[tuple[str, ...], ...]] = set()
    for _position, item in items:
        group = by_word.get(item) if isinstance(item, str) else item
        terms = group if group is not None else [item]
        alternatives = tuple(
            dict.fromkeys(
                words
                for term in terms
                if (words := tuple(w for w in term_words(term) if w not in STOPWORDS))
            )
        )
        if alternatives and alternatives not in seen:
            seen.add(alternatives)
            concepts.append(Concept(alternatives))
    return concepts[:MAX_WORDS]


def search_entries(
    query: str, *, section: Section | int | None = None, limit: int = 20
) -> SearchResults:
    """Entries matching any meaningful word of `query`, best first, with highlights.

    Three queries whatever the size of the handbook (synonyms, ranking, entries;
    two on PostgreSQL); when nothing matches, one more for close matches.
    """
    query = " ".join((query or "").split())[:MAX_QUERY_CHARS]
    concepts = query_concepts(query, synonym_groups()) if query else []
    results = SearchResults(
        query=query,
        words=[word for concept in concepts for word in concept.alternatives[0]],
        terms=list(dict.fromkeys(term for concept in concepts for term in concept.terms)),
    )
    if not concepts:
        return results
    section_id = section.pk if isinstance(section, Section) else section
    ranked = _ranked(concepts, section_id=section_id, limit=limit)
    results.hits = [
        SearchHit(
            entry=entry,
            rank=rank,
            question_html=highlight(entry.question, results.terms),
            snippet_html=snippet(entry.answer, results.terms),
        )
        for entry, rank in ranked
    ]
    if not results.hits:
        results.suggestions = _close_matches(query, results.words)
    return results


# --- Backends ----------------------------------------------------------------


def _entries() -> EntryQuerySet:
    return Entry.objects.select_related("section", "part").defer(
        "question_words", "answer_words", "search_vector"
    )


def _ranked(
    concepts: Sequence[Concept], *, section_id: int | None, limit: int
) -> list[tuple[Entry, float]]:
    if connection.vendor == "postgresql":
        return _ranked_postgresql(concepts, section_id=section_id, limit=limit)
    return _ranked_sqlite(concepts, section_id=section_id, limit=limit)


def _fts5_string(word: str) -> str:
    return '"{}"'.format(word.replace('"', '""'))


def fts5_match(concepts: Sequence[Concept]) -> str:
    """`"利率" OR "利息" OR ("账户" AND "记录") OR "太高"`: any word, never an operator."""
    alternatives = []
    for concept in concepts:
        for words in concept.alternatives:
            strings = [_fts5_string(word) for word in words]
            alternatives.append(strings[0] if len(strings) == 1 else f"({' AND '.join(strings)})")
    return " OR ".join(alternatives)


def _without_common_words(concepts: Sequence[Concept]) -> list[Concept]:
    """The concepts less the alternatives in more than half the entries, if rarer ones remain.

    FTS5's bm25 gives a word in more than half the entries no weight at all
    (its IDF is floored at zero), yet an OR query would read every one of
    those entries: in a large handbook (PRUNE_FROM entries), leaving the word
    out ranks the same and reads far less. In a small one it costs nothing to
    keep, and an entry holding only that word is still a hit.
    Words no entry holds are left out.
    """
    words = sorted({w for concept in concepts for words in concept.alternatives for w in words})
    placeholders = ", ".join(["%s"] * len(words))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT term, doc, (SELECT count(*) FROM playbook_entry) FROM {FTS_VOCAB} "
            f"WHERE term IN ({placeholders})",
            words,
        )
        rows = cursor.fetchall()
    if not rows:
        return []
    total = rows[0][2]
    frequency = {term: doc for term, doc, _total in rows}

    def entries_with(words: tuple[str, ...]) -> int:
        return min(frequency.get(word, 0) for word in words)

    kept = []
    for concept in concepts:
        alternatives = tuple(a for a in concept.alternatives if entries_with(a) > 0)
        if alternatives:
            kept.append(Concept(alternatives))
    if total < PRUNE_FROM:
        return kept
    rarer = [
        Concept(alternatives)
        for concept in kept
        if (alternatives := tuple(a for a in concept.alternatives if entries_with(a) * 2 <= total))
    ]
    return _rarest(rarer or kept, key=lambda c: min(entries_with(a) for a in c.alternatives))


def _rarest(concepts: Sequence[Concept], *, key) -> list[Concept]:
    """The MAX_RANKED rarest concepts, in the query's order (a long question's
    commonest words barely move the ranking, but each makes the database read
    every entry holding it)."""
    keep = set(sorted(range(len(concepts)), key=lambda i: key(concepts[i]))[:MAX_RANKED])
    return [concept for i, concept in enumerate(concepts) if i in keep]


def _ranked_sqlite(
    concepts: Sequence[Concept], *, section_id: int | None, limit: int
) -> list[tuple[Entry, float]]:
    concepts = _without_common_words(concepts)
    if not concepts:
        return []
    params: list[object] = [QUESTION_WEIGHT, ANSWER_WEIGHT, fts5_match(concepts)]
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


def _lexeme(word: str) -> str:
    return "'{}'".format(word.replace("'", "''").replace("\\", ""))


def _tsquery(concept: Concept) -> str:
    alternatives = []
    for words in concept.alternatives:
        lexemes = [_lexeme(word) for word in words]
        alternatives.append(lexemes[0] if len(lexemes) == 1 else f"({' & '.join(lexemes)})")
    return " | ".join(alternatives)


def tsquery_any(concepts: Sequence[Concept]) -> str:
    """`'利率' | '利息' | ('账户' & '记录')`: any word, each a quoted lexeme."""
    return " | ".join(f"({_tsquery(concept)})" for concept in concepts)


def _frequencies(concepts: Sequence[Concept]) -> tuple[int, list[int]]:
    """How many entries there are, and how many hold each concept (up to DF_CAP).

    The counts stop at DF_CAP: past that a word is common, and counting further
    would cost as much as the search.
    """
    counts = ", ".join(
        "(SELECT count(*) FROM (SELECT 1 FROM playbook_entry "
        "WHERE search_vector @@ to_tsquery('simple', %s) LIMIT %s) AS hits)"
        for _concept in concepts
    )
    params: list[object] = []
    for concept in concepts:
        params.extend([_tsquery(concept), DF_CAP])
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT count(*) FROM playbook_entry), {counts}",
            params,
        )
        total, *frequencies = cursor.fetchone()
    return total, frequencies


def _idf(total: int, df: int) -> float:
    """A word's inverse document frequency (BM25's): ts_rank_cd knows nothing of how
    common a word is, so 客户 (in most entries) would weigh as much as 担保人."""
    return math.log(1 + (total - df + 0.5) / (df + 0.5))


def _ranked_postgresql(
    concepts: Sequence[Concept], *, section_id: int | None, limit: int
) -> list[tuple[Entry, float]]:
    # ts_rank_cd reads every ranked row's vector: a word in most entries (客户)
    # would cost ~35 ms at 10,000 entries. So only candidates are ranked: for
    # each word, and for all the words at once, RANK_CANDIDATES entries with it
    # in the question and as many with it anywhere. A rare word's entries are
    # always all there; an entry matching everything too.
    # The question hits are the best ranked ones, not the first rows on disk
    # (of 2,000 questions holding 客户, the one about 客户 most). Ordering them
    # reads every question hit's row, 5-10 ms for 客户 at 10,000 entries, so
    # it is done where it decides the page: for a one-word query, for all the
    # words at once, and for words in fewer than DF_CAP entries (cheap). A
    # common word beside others is outweighed by the entries holding several
    # words, and its question hits are taken as found; so are hits only in the
    # answer, which rank a tenth as high.
    total, frequencies = _frequencies(concepts)
    weights = {c: _idf(total, df) for c, df in zip(concepts, frequencies, strict=True)}
    common = {c for c, df in zip(concepts, frequencies, strict=True) if df >= DF_CAP}
    if total >= PRUNE_FROM:
        concepts = _rarest(concepts, key=lambda concept: -weights[concept])
    in_section = "AND section_id = %s" if section_id is not None else ""
    section_params = [section_id] if section_id is not None else []
    # (tsquery, whether its question hits are ordered by rank)
    tsqueries = [(_tsquery(c), len(concepts) == 1 or c not in common) for c in concepts]
    if len(concepts) > 1:
        tsqueries.insert(0, (" & ".join(f"({tsquery})" for tsquery, _ in tsqueries), True))
    subqueries: list[str] = []
    params: list[object] = []
    for tsquery, ordered in tsqueries:
        order = (
            "ORDER BY ts_rank_cd(%s::float4[], search_vector, to_tsquery('simple', %s)) DESC, "
            "number, id"
            if ordered
            else ""
        )
        subqueries.append(
            f"(SELECT id FROM playbook_entry WHERE {PG_QUESTION_VECTOR} "
            f"@@ to_tsquery('simple', %s) {in_section} {order} LIMIT %s)"
        )
        params.extend([tsquery, *section_params])
        params.extend([PG_WEIGHTS, tsquery] if ordered else [])
        params.append(RANK_CANDIDATES)
        subqueries.append(
            f"(SELECT id FROM playbook_entry WHERE search_vector "
            f"@@ to_tsquery('simple', %s) {in_section} LIMIT %s)"
        )
        params.extend([tsquery, *section_params, RANK_CANDIDATES])
    candidates = RawSQL(" UNION ".join(subqueries), params)
    # Each word's cover density (question A, answer B), weighted by its rarity.
    rank_params: list[object] = []
    for concept in concepts:
        rank_params.extend([weights[concept], PG_WEIGHTS, _tsquery(concept)])
    rank = RawSQL(
        " + ".join(
            ["%s * ts_rank_cd(%s::float4[], search_vector, to_tsquery('simple', %s))"]
            * len(concepts)
        ),
        rank_params,
    )
    queryset = (
        _entries().filter(pk__in=candidates).annotate(rank=rank).order_by("-rank", "number", "pk")
    )
    return [(entry, entry.rank) for entry in queryset[:limit]]


def topic_entry_ids(topic_id: int, keywords: Sequence[str], limit: int) -> list[int]:
    """A topic's entries, those most about its keywords first (the rest in number order).

    One query: the database ranks the topic's entries against its keywords
    (bm25 / ts_rank_cd as in a search); an entry an administrator put in the
    topic without any of its keywords still comes, last.
    """
    concepts = [Concept((words,)) for keyword in keywords if (words := tuple(term_words(keyword)))]
    with connection.cursor() as cursor:
        if not concepts:
            cursor.execute(
                "SELECT e.id FROM playbook_entry AS e JOIN playbook_entry_topics AS t "
                "ON t.entry_id = e.id WHERE t.topic_id = %s ORDER BY e.number, e.id LIMIT %s",
                [topic_id, limit],
            )
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT e.id FROM playbook_entry AS e JOIN playbook_entry_topics AS t "
                "ON t.entry_id = e.id WHERE t.topic_id = %s ORDER BY ts_rank_cd(%s::float4[], "
                "e.search_vector, to_tsquery('simple', %s)) DESC, e.number, e.id LIMIT %s",
                [topic_id, PG_WEIGHTS, tsquery_any(concepts), limit],
            )
        else:
            cursor.execute(
                "SELECT e.id FROM playbook_entry AS e JOIN playbook_entry_topics AS t "
                f"ON t.entry_id = e.id LEFT JOIN (SELECT rowid, bm25({FTS_TABLE}, %s, %s) "
                f"AS score FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s) AS r ON r.rowid = e.id "
                "WHERE t.topic_id = %s ORDER BY coalesce(r.score, 0), e.number, e.id LIMIT %s",
                [QUESTION_WEIGHT, ANSWER_WEIGHT, fts5_match(concepts), topic_id, limit],
            )
        return [pk for (pk,) in cursor.fetchall()]


def _close_matches(query: str, words: Sequence[str]) -> list[Entry]:
    """Questions sharing most of the query's characters (门口 finds 门卫's question).

    Counted by the database (a CASE per character), never by looping over entries.
    """
    characters = sorted(set("".join(words)))[:MAX_QUERY_CHARS]
    if not characters:
        return []
    needed = max(1, len(characters) // 2)
    shared = sum(
        (Case(When(question__contains=ch, then=Value(1)), default=Value(0)) for ch in characters),
        start=Value(0, output_field=IntegerField()),
    )
    return list(
        _entries()
        .annotate(shared=shared)
        .filter(shared__gte=needed)
        .order_by("-shared", "number", "pk")[:SUGGESTIONS]
    )


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
