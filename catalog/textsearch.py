"""Text indexes for substring search (``LIKE '%word%'`` over a normalised column) on each
database: the title search (``TitleQuerySet.search``), and any other app's column registered as
a ``TextIndex`` (``catalog.extensions.text_indexes``), such as the characters people play.

PostgreSQL: a trigram GIN index that ``column LIKE '%word%'`` uses as it is (pg_trgm is a
trusted extension: the database owner may create it on PostgreSQL 13 and later).
SQLite: an FTS5 table with the trigram tokenizer over the column (external content: no second
copy of the text), kept in sync by triggers, read through ``match_sql``.

SQLite drops a table's triggers when a migration rebuilds the table (adding a field with a
default does), so ``ensure_index`` also runs after every ``migrate`` (``CatalogConfig.ready``)
and puts back whatever is missing.
"""

from dataclasses import dataclass

from django.db import connections
from django.db.models.expressions import RawSQL


@dataclass(frozen=True)
class TextIndex:
    """The index of ``table.column`` (the names are the code's, never a visitor's).
    ``migration`` (app label, name) creates it; ``name`` is its registry name."""

    name: str
    table: str
    column: str
    migration: tuple[str, str]
    pg_index: str
    fts: str
    order: int = 50

    @property
    def match_sql(self) -> str:
        """Row ids whose column contains a word (one parameter: ``%word%``), on SQLite."""
        return f"SELECT rowid FROM {self.fts} WHERE {self.column} LIKE %s"  # noqa: S608 (code's names)

    @property
    def triggers(self) -> dict[str, str]:
        fts, column = self.fts, self.column
        delete = f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column});"  # noqa: S608
        insert = f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column});"  # noqa: S608
        return {
            f"{fts}_insert": f"AFTER INSERT ON {self.table} BEGIN {insert} END",
            f"{fts}_delete": f"AFTER DELETE ON {self.table} BEGIN {delete} END",
            f"{fts}_update": f"AFTER UPDATE OF {column} ON {self.table} BEGIN {delete} {insert} END",
        }

    def install(self, connection):
        """Creates the index if it is missing (safe to run again)."""
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS {self.pg_index} ON {self.table} USING gin ({self.column} gin_trgm_ops)"
                )
            elif connection.vendor == "sqlite":
                cursor.execute(
                    f"CREATE VIRTUAL TABLE IF NOT EXISTS {self.fts} USING fts5("
                    f"{self.column}, content='{self.table}', content_rowid='id', tokenize='trigram')"
                )
                cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [self.table])
                present = {row[0] for row in cursor.fetchall()}
                missing = [name for name in self.triggers if name not in present]
                for name in missing:
                    cursor.execute(f"CREATE TRIGGER {name} {self.triggers[name]}")
                if missing:  # rows written while a trigger was missing are not indexed: index them all again
                    cursor.execute(f"INSERT INTO {self.fts}({self.fts}) VALUES ('rebuild')")  # noqa: S608

    def uninstall(self, connection):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP INDEX IF EXISTS {self.pg_index}")
            elif connection.vendor == "sqlite":
                for name in self.triggers:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                cursor.execute(f"DROP TABLE IF EXISTS {self.fts}")

    def contains(self, queryset, term: str):
        """``queryset`` narrowed to rows whose column contains ``term`` (normalised), through the
        index: SQLite's FTS5 table for a word of three letters or more (the trigram tokenizer's
        least), a ``LIKE`` that PostgreSQL's trigram index serves otherwise."""
        if connections[queryset.db].vendor == "sqlite" and len(term) >= 3:
            # A constant statement; the word is a parameter.
            return queryset.filter(pk__in=RawSQL(self.match_sql, (f"%{term}%",)))  # noqa: S611
        return queryset.filter(**{f"{self.column}__contains": term})


#: Serves TitleQuerySet.search: the title list's ?q=, /search/, the admin.
TITLES = TextIndex(
    "titles",
    table="catalog_title",
    column="search_text",
    migration=("catalog", "0006_title_text_search_indexes"),
    pg_index="title_search_text_trgm",
    fts="catalog_title_fts",
)
FTS_MATCH = TITLES.match_sql
SQLITE_TRIGGERS = TITLES.triggers


def install(connection):
    """The title index (catalog migration 0006)."""
    TITLES.install(connection)


def uninstall(connection):
    TITLES.uninstall(connection)


def ensure_index(sender, using="default", plan=None, **kwargs):
    """``post_migrate``: once the migration of each index is applied, the index is complete."""
    from django.db.migrations.recorder import MigrationRecorder

    from . import extensions

    connection = connections[using]
    applied = MigrationRecorder(connection).applied_migrations()
    for index in (TITLES, *extensions.text_indexes):
        if index.migration in applied:
            index.install(connection)
