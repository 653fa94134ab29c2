"""Title search (``TitleQuerySet.search``: ``search_text`` contains each word) backed by each
database's own text index, with the same substring semantics as before.

PostgreSQL: a trigram GIN index, which ``search_text LIKE '%word%'`` uses as it is (pg_trgm is
a trusted extension: the database owner may create it on PostgreSQL 13 and later).
SQLite: an FTS5 table with the trigram tokenizer over ``catalog_title.search_text`` (external
content, no second copy of the text), kept in sync by triggers; the search reads it through
``title_fts_match``. Neither exists on the other database.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # Serves TitleQuerySet.search: WHERE search_text LIKE '%word%' (title list ?q=, /search/).
    "CREATE INDEX IF NOT EXISTS title_search_text_trgm ON catalog_title USING gin (search_text gin_trgm_ops)",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS title_search_text_trgm"]

SQLITE_FORWARD = [
    # Serves TitleQuerySet.search on SQLite: rowid IN (SELECT rowid … WHERE search_text LIKE '%word%').
    "CREATE VIRTUAL TABLE catalog_title_fts USING fts5("
    "search_text, content='catalog_title', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER catalog_title_fts_insert AFTER INSERT ON catalog_title BEGIN "
    "INSERT INTO catalog_title_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER catalog_title_fts_delete AFTER DELETE ON catalog_title BEGIN "
    "INSERT INTO catalog_title_fts(catalog_title_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "END",
    "CREATE TRIGGER catalog_title_fts_update AFTER UPDATE OF search_text ON catalog_title BEGIN "
    "INSERT INTO catalog_title_fts(catalog_title_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO catalog_title_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO catalog_title_fts(catalog_title_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS catalog_title_fts_insert",
    "DROP TRIGGER IF EXISTS catalog_title_fts_delete",
    "DROP TRIGGER IF EXISTS catalog_title_fts_update",
    "DROP TABLE IF EXISTS catalog_title_fts",
]


def forward(apps, schema_editor):
    statements = {"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    statements = {"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_title_export_permission")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
