"""The database's own full-text index over `Entry.question_words` / `answer_words`.

SQLite: an external-content FTS5 table `playbook_entry_fts` (rowid = entry id).
PostgreSQL: `playbook_entry.search_vector`, a tsvector weighted A (question)
and B (answer) with a GIN index. Both are maintained by triggers on
playbook_entry, so saves, deletes and bulk_create all stay in sync.

SQLite's schema editor rebuilds a table to alter it, which drops its
triggers; `install()` is idempotent and also runs after every migrate (see
apps.py), so a later migration of Entry cannot silently unhook the index.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

FTS_TABLE = "playbook_entry_fts"
# How many entries hold each word (fts5vocab over the index): the search leaves
# out words too common to rank by (see playbook.search).
FTS_VOCAB = "playbook_entry_fts_vocab"
SQLITE_VOCAB = f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_VOCAB} USING fts5vocab({FTS_TABLE}, row)"

SQLITE_INSTALL = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
        question_words, answer_words,
        content='playbook_entry', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0'
    )""",
    f"""CREATE TRIGGER IF NOT EXISTS playbook_entry_fts_insert
        AFTER INSERT ON playbook_entry BEGIN
        INSERT INTO {FTS_TABLE}(rowid, question_words, answer_words)
        VALUES (new.id, new.question_words, new.answer_words);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS playbook_entry_fts_delete
        AFTER DELETE ON playbook_entry BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, question_words, answer_words)
        VALUES ('delete', old.id, old.question_words, old.answer_words);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS playbook_entry_fts_update
        AFTER UPDATE OF question_words, answer_words ON playbook_entry BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, question_words, answer_words)
        VALUES ('delete', old.id, old.question_words, old.answer_words);
        INSERT INTO {FTS_TABLE}(rowid, question_words, answer_words)
        VALUES (new.id, new.question_words, new.answer_words);
    END""",
]
SQLITE_REBUILD = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"
SQLITE_UNINSTALL = [
    f"DROP TABLE IF EXISTS {FTS_VOCAB}",
    "DROP TRIGGER IF EXISTS playbook_entry_fts_insert",
    "DROP TRIGGER IF EXISTS playbook_entry_fts_delete",
    "DROP TRIGGER IF EXISTS playbook_entry_fts_update",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]

# 'simple': the words are already segmented and must not be stemmed.
PG_VECTOR = (
    "setweight(to_tsvector('simple', coalesce({row}.question_words, '')), 'A') || "
    "setweight(to_tsvector('simple', coalesce({row}.answer_words, '')), 'B')"
)
PG_QUESTION_VECTOR = "to_tsvector('simple', question_words)"
PG_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION playbook_entry_search_vector() RETURNS trigger AS $$
    BEGIN
        NEW.search_vector := {PG_VECTOR.format(row="NEW")};
        RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS playbook_entry_search_vector_update ON playbook_entry",
    """CREATE TRIGGER playbook_entry_search_vector_update
        BEFORE INSERT OR UPDATE OF question_words, answer_words ON playbook_entry
        FOR EACH ROW EXECUTE FUNCTION playbook_entry_search_vector()""",
    """CREATE INDEX IF NOT EXISTS playbook_entry_search_gin
        ON playbook_entry USING gin (search_vector) WITH (fastupdate = off)""",
    # Without the pending list: it is scanned on every search until a vacuum
    # flushes it, and it makes the planner give up the index for a seq scan
    # (measured: 15 ms instead of 3 ms at 10,000 entries after a bulk import).
    "ALTER INDEX playbook_entry_search_gin SET (fastupdate = off)",
    # The question's words alone, so the search can take question hits first
    # without rechecking weights row by row (see playbook.search).
    f"""CREATE INDEX IF NOT EXISTS playbook_entry_question_gin
        ON playbook_entry USING gin ({PG_QUESTION_VECTOR}) WITH (fastupdate = off)""",
]
PG_REBUILD = f"UPDATE playbook_entry SET search_vector = {PG_VECTOR.format(row='playbook_entry')}"
PG_UNINSTALL = [
    "DROP INDEX IF EXISTS playbook_entry_question_gin",
    "DROP INDEX IF EXISTS playbook_entry_search_gin",
    "DROP TRIGGER IF EXISTS playbook_entry_search_vector_update ON playbook_entry",
    "DROP FUNCTION IF EXISTS playbook_entry_search_vector()",
]


def _sqlite_installed(cursor) -> bool:
    cursor.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
        "AND name IN ('playbook_entry_fts_insert', 'playbook_entry_fts_delete', "
        "'playbook_entry_fts_update')"
    )
    return cursor.fetchone()[0] == 3


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the index and its triggers if missing, and fill it when it was."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            if _sqlite_installed(cursor):
                cursor.execute(SQLITE_VOCAB)
                return
            for sql in SQLITE_INSTALL:
                cursor.execute(sql)
            cursor.execute(SQLITE_VOCAB)
            cursor.execute(SQLITE_REBUILD)
        elif connection.vendor == "postgresql":
            for sql in PG_INSTALL:
                cursor.execute(sql)
            cursor.execute(f"{PG_REBUILD} WHERE search_vector IS NULL")


def uninstall(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for sql in SQLITE_UNINSTALL:
                cursor.execute(sql)
        elif connection.vendor == "postgresql":
            for sql in PG_UNINSTALL:
                cursor.execute(sql)


def rebuild(connection: BaseDatabaseWrapper) -> None:
    """Refill the whole index from the word columns."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(SQLITE_REBUILD)
        elif connection.vendor == "postgresql":
            cursor.execute(PG_REBUILD)
