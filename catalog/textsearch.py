"""The title search's text index on each database (``TitleQuerySet.search``), with the same
substring semantics as a ``LIKE '%word%'`` over the normalised ``search_text``.

PostgreSQL: a trigram GIN index that ``search_text LIKE '%word%'`` uses as it is (pg_trgm is a
trusted extension: the database owner may create it on PostgreSQL 13 and later).
SQLite: an FTS5 table with the trigram tokenizer over ``catalog_title.search_text`` (external
content: no second copy of the text), kept in sync by triggers, read through ``FTS_MATCH``.

SQLite drops a table's triggers when a migration rebuilds the table (adding a field with a
default does), so ``ensure_index`` also runs after every ``migrate`` (``CatalogConfig.ready``)
and puts back whatever is missing.
"""

#: Title ids whose ``search_text`` contains a word, through SQLite's FTS5 trigram index.
FTS_MATCH = "SELECT rowid FROM catalog_title_fts WHERE search_text LIKE %s"

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # Serves TitleQuerySet.search: WHERE search_text LIKE '%word%' (title list ?q=, /search/, admin).
    "CREATE INDEX IF NOT EXISTS title_search_text_trgm ON catalog_title USING gin (search_text gin_trgm_ops)",
]
SQLITE_TABLE = (
    # Serves TitleQuerySet.search on SQLite: id IN (SELECT rowid … WHERE search_text LIKE '%word%').
    "CREATE VIRTUAL TABLE IF NOT EXISTS catalog_title_fts USING fts5("
    "search_text, content='catalog_title', content_rowid='id', tokenize='trigram')"
)
_DELETE = (
    "INSERT INTO catalog_title_fts(catalog_title_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);"
)
_INSERT = "INSERT INTO catalog_title_fts(rowid, search_text) VALUES (new.id, new.search_text);"
SQLITE_TRIGGERS = {
    "catalog_title_fts_insert": f"AFTER INSERT ON catalog_title BEGIN {_INSERT} END",
    "catalog_title_fts_delete": f"AFTER DELETE ON catalog_title BEGIN {_DELETE} END",
    "catalog_title_fts_update": f"AFTER UPDATE OF search_text ON catalog_title BEGIN {_DELETE} {_INSERT} END",
}


def install(connection):
    """Creates the index of ``connection``'s database if it is missing (safe to run again)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for sql in POSTGRES:
                cursor.execute(sql)
        elif connection.vendor == "sqlite":
            cursor.execute(SQLITE_TABLE)
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'catalog_title'")
            present = {row[0] for row in cursor.fetchall()}
            missing = [name for name in SQLITE_TRIGGERS if name not in present]
            for name in missing:
                cursor.execute(f"CREATE TRIGGER {name} {SQLITE_TRIGGERS[name]}")
            if missing:  # rows written while a trigger was missing are not indexed: index them all again
                cursor.execute("INSERT INTO catalog_title_fts(catalog_title_fts) VALUES ('rebuild')")


def uninstall(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS title_search_text_trgm")
        elif connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute("DROP TABLE IF EXISTS catalog_title_fts")


def ensure_index(sender, using="default", plan=None, **kwargs):
    """``post_migrate``: once catalog's migrations are applied, the index is complete."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    connection = connections[using]
    applied = MigrationRecorder(connection).applied_migrations()
    if ("catalog", "0006_title_text_search_indexes") in applied:
        install(connection)
