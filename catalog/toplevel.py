"""``Title.top_level``: the top-level work of every title (the series of a season or an episode,
the title itself otherwise), stored so that "offers, screenings or credits of this work" and "the
works of these credits" are one indexed join instead of an ``OR``/``EXISTS`` per level.

Kept by the database itself, so that every write path keeps it — the admin, the CSV import
(``bulk_create``, ``executemany`` or ``COPY``), the generator, fixtures, a hand-written UPDATE:

- PostgreSQL: a ``BEFORE INSERT OR UPDATE OF parent_id, top_level_id`` row trigger sets it from
  the parent's (or to the row's own id), and an ``AFTER UPDATE`` trigger passes a change down to
  the children (whose own trigger passes it to theirs).
- SQLite (no BEFORE trigger may change ``NEW``): ``AFTER INSERT`` and ``AFTER UPDATE`` triggers
  that correct the row when it disagrees with its parent, then its children and grandchildren.

Whatever value an INSERT or UPDATE writes (Django writes the instance's, possibly stale), the
stored one is the right one. An instance created in Python reads ``top_level_id`` as ``None``
until it is loaded again. SQLite drops a table's triggers when a migration rebuilds the table,
so ``ensure_triggers`` runs after every ``migrate`` (``CatalogConfig.ready``), like the search
index (``catalog.textsearch``).
"""

_EXPECTED = "COALESCE((SELECT p.top_level_id FROM catalog_title p WHERE p.id = NEW.parent_id), NEW.id)"

POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION catalog_title_top_level() RETURNS trigger AS $$
BEGIN
  NEW.top_level_id := {_EXPECTED};
  RETURN NEW;
END $$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE FUNCTION catalog_title_top_level_down() RETURNS trigger AS $$
BEGIN
  UPDATE catalog_title SET top_level_id = NEW.top_level_id
  WHERE parent_id = NEW.id AND top_level_id IS DISTINCT FROM NEW.top_level_id;
  RETURN NULL;
END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS catalog_title_top_level ON catalog_title",
    (
        "CREATE TRIGGER catalog_title_top_level BEFORE INSERT OR UPDATE OF parent_id, top_level_id ON catalog_title "
        "FOR EACH ROW EXECUTE FUNCTION catalog_title_top_level()"
    ),
    "DROP TRIGGER IF EXISTS catalog_title_top_level_down ON catalog_title",
    (
        "CREATE TRIGGER catalog_title_top_level_down AFTER UPDATE OF parent_id, top_level_id ON catalog_title "
        "FOR EACH ROW WHEN (OLD.top_level_id IS DISTINCT FROM NEW.top_level_id) "
        "EXECUTE FUNCTION catalog_title_top_level_down()"
    ),
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS catalog_title_top_level ON catalog_title",
    "DROP TRIGGER IF EXISTS catalog_title_top_level_down ON catalog_title",
    "DROP FUNCTION IF EXISTS catalog_title_top_level()",
    "DROP FUNCTION IF EXISTS catalog_title_top_level_down()",
]

_FIX_ROW = f"UPDATE catalog_title SET top_level_id = {_EXPECTED} WHERE id = NEW.id;"  # noqa: S608 (constants)
_FIX_BELOW = (
    "UPDATE catalog_title SET top_level_id = (SELECT t.top_level_id FROM catalog_title t WHERE t.id = NEW.id) "
    "WHERE parent_id = NEW.id OR parent_id IN (SELECT c.id FROM catalog_title c WHERE c.parent_id = NEW.id);"
)
SQLITE_TRIGGERS = {
    "catalog_title_top_level_insert": (
        f"AFTER INSERT ON catalog_title WHEN NEW.top_level_id IS NOT {_EXPECTED} BEGIN {_FIX_ROW} END"
    ),
    "catalog_title_top_level_update": (
        f"AFTER UPDATE OF parent_id, top_level_id ON catalog_title WHEN NEW.top_level_id IS NOT {_EXPECTED} "
        f"BEGIN {_FIX_ROW} {_FIX_BELOW} END"
    ),
}

#: Fills the column for every row, level by level (titles are at most three levels deep).
FILL = [
    "UPDATE catalog_title SET top_level_id = id WHERE parent_id IS NULL",
    (
        "UPDATE catalog_title SET top_level_id = (SELECT p.top_level_id FROM catalog_title p "
        "WHERE p.id = catalog_title.parent_id) WHERE parent_id IS NOT NULL"
    ),
    (
        "UPDATE catalog_title SET top_level_id = (SELECT p.top_level_id FROM catalog_title p "
        "WHERE p.id = catalog_title.parent_id) WHERE parent_id IS NOT NULL"
    ),
]


def install(connection):
    """Creates the triggers of ``connection``'s database if they are missing (safe to run again);
    on SQLite, refills the column when a trigger was missing (rows written meanwhile)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for sql in POSTGRES:
                cursor.execute(sql)
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'catalog_title'")
            present = {row[0] for row in cursor.fetchall()}
            missing = [name for name in SQLITE_TRIGGERS if name not in present]
            for name in missing:
                cursor.execute(f"CREATE TRIGGER {name} {SQLITE_TRIGGERS[name]}")
            if missing and present:
                fill(connection)


def uninstall(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for sql in POSTGRES_DROP:
                cursor.execute(sql)
        elif connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def fill(connection):
    with connection.cursor() as cursor:
        for sql in FILL:
            cursor.execute(sql)


def ensure_triggers(sender, using="default", plan=None, **kwargs):
    """``post_migrate``: once the column exists, its triggers are there."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    connection = connections[using]
    if ("catalog", "0016_title_top_level") in MigrationRecorder(connection).applied_migrations():
        install(connection)
