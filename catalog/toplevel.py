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

    from . import extensions

    connection = connections[using]
    applied = MigrationRecorder(connection).applied_migrations()
    if ("catalog", "0016_title_top_level") in applied:
        install(connection)
    for entry in extensions.work_columns:
        if entry.migration in applied:
            install_work_column(connection, entry)


# Other tables that keep their title's work (catalog.extensions.WorkColumn) ---------------------


def _work_sql(entry) -> dict[str, str]:
    table, title, work = entry.name, entry.title_column, entry.work_column
    expected = f"(SELECT t.top_level_id FROM catalog_title t WHERE t.id = NEW.{title})"  # noqa: S608 (registered)
    return {
        "table": table,
        "title": title,
        "work": work,
        "expected": expected,
        # On the title: its rows follow a move of the title to another work. The value is read
        # from the row as it stands (SQLite's own trigger may still be correcting it).
        "follow": (
            f"UPDATE {table} SET {work} = (SELECT t.top_level_id FROM catalog_title t WHERE t.id = NEW.id) "  # noqa: S608
            f"WHERE {title} = NEW.id AND {work} IS DISTINCT FROM (SELECT t.top_level_id FROM catalog_title t "
            "WHERE t.id = NEW.id);"
        ),
    }


def _postgres_work(entry) -> list[str]:
    sql = _work_sql(entry)
    table, title, work = sql["table"], sql["title"], sql["work"]
    return [
        f"""CREATE OR REPLACE FUNCTION {table}_work() RETURNS trigger AS $$
BEGIN
  NEW.{work} := {sql["expected"]};
  RETURN NEW;
END $$ LANGUAGE plpgsql""",
        f"""CREATE OR REPLACE FUNCTION catalog_title_work_{table}() RETURNS trigger AS $$
BEGIN
  {sql["follow"]}
  RETURN NULL;
END $$ LANGUAGE plpgsql""",
        f"DROP TRIGGER IF EXISTS {table}_work ON {table}",
        (
            f"CREATE TRIGGER {table}_work BEFORE INSERT OR UPDATE OF {title}, {work} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_work()"
        ),
        f"DROP TRIGGER IF EXISTS catalog_title_work_{table} ON catalog_title",
        (
            f"CREATE TRIGGER catalog_title_work_{table} AFTER UPDATE OF parent_id, top_level_id ON catalog_title "
            f"FOR EACH ROW WHEN (OLD.top_level_id IS DISTINCT FROM NEW.top_level_id) "
            f"EXECUTE FUNCTION catalog_title_work_{table}()"
        ),
    ]


def _sqlite_work(entry) -> dict[str, str]:
    """Trigger name: body (on the entry's table, and on ``catalog_title`` for a move)."""
    sql = _work_sql(entry)
    table, title, work, expected = sql["table"], sql["title"], sql["work"], sql["expected"]
    fix = f"UPDATE {table} SET {work} = {expected} WHERE id = NEW.id;"  # noqa: S608 (registered names)
    follow = sql["follow"].replace("IS DISTINCT FROM", "IS NOT")
    moved = "OLD.parent_id IS NOT NEW.parent_id OR OLD.top_level_id IS NOT NEW.top_level_id"
    return {
        f"{table}_work_insert": f"AFTER INSERT ON {table} WHEN NEW.{work} IS NOT {expected} BEGIN {fix} END",
        f"{table}_work_update": (
            f"AFTER UPDATE OF {title}, {work} ON {table} WHEN NEW.{work} IS NOT {expected} BEGIN {fix} END"
        ),
        f"catalog_title_work_{table}": (
            f"AFTER UPDATE OF parent_id, top_level_id ON catalog_title WHEN {moved} BEGIN {follow} END"
        ),
    }


def install_work_column(connection, entry):
    """Creates the triggers that keep ``entry``'s work column (safe to run again); on SQLite,
    refills the column when a trigger was missing (a migration rebuilt the table)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for sql in _postgres_work(entry):
                cursor.execute(sql)
        elif connection.vendor == "sqlite":
            triggers = _sqlite_work(entry)
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            present = {row[0] for row in cursor.fetchall()}
            missing = [name for name in triggers if name not in present]
            for name in missing:
                cursor.execute(f"CREATE TRIGGER {name} {triggers[name]}")
            if missing:
                fill_work_column(connection, entry)


def uninstall_work_column(connection, entry):
    table = entry.name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS {table}_work ON {table}")
            cursor.execute(f"DROP TRIGGER IF EXISTS catalog_title_work_{table} ON catalog_title")
            cursor.execute(f"DROP FUNCTION IF EXISTS {table}_work()")
            cursor.execute(f"DROP FUNCTION IF EXISTS catalog_title_work_{table}()")
        elif connection.vendor == "sqlite":
            for name in _sqlite_work(entry):
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def fill_work_column(connection, entry):
    """Sets the work of every row of ``entry``'s table from its title's."""
    table, title, work = entry.name, entry.title_column, entry.work_column
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {work} = (SELECT t.top_level_id FROM catalog_title t "  # noqa: S608 (registered names)
            f"WHERE t.id = {table}.{title})"
        )
