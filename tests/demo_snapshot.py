"""The demo, loaded once per test process and copied back for every later test that asks for it.

``load_demo`` runs 1,200 queries through every app's loader (1–2 s). The first test of a process
that asks for the demo runs it for real and records the rows it added, table by table; later
tests write the same rows back with one ``executemany`` per table (a few tens of milliseconds),
inside one transaction. The database's triggers (the search index, ``Title.top_level``) fire on
those inserts as on any other.

The copy is used only when the real load would give the same rows: the tables the demo writes
and the tables its rows point to (ISO codes, content types, groups…) hold the same number of rows
with the same range of ids as before the first load (so a test that made a title before asking
for the demo, or loads it twice, gets the real load), and the first load only added rows.
Otherwise the real ``load_demo`` runs. ``tests/test_demo_snapshot.py`` checks that the copy and
the real load leave every table identical, on both databases.
"""

import io
from dataclasses import dataclass

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone


@dataclass
class Table:
    name: str
    model: type
    columns: list[str]
    pk: str
    rows: list[tuple]


@dataclass
class Snapshot:
    watched: list[Table]  # the tables the demo writes and those its rows point to
    state: tuple  # their count and range of ids before the first load
    tables: list[Table]  # the rows the demo added


#: One per database vendor, for this process; ``False``: the demo cannot be copied.
_snapshots: dict[str, Snapshot | bool] = {}


def _tables() -> dict[str, type]:
    """Every model table (with the many-to-many ones), by name."""
    found = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            found.setdefault(model._meta.db_table, model)
    return found


def _read_all(models: dict[str, type]) -> dict[str, Table]:
    quote = connection.ops.quote_name
    # On PostgreSQL every value is read as text and written back as text of unknown type, which
    # the server casts to the column's type (json, dates, numbers, arrays) as it printed it.
    cast = "::text" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        out = {}
        for name, model in models.items():
            if name not in existing:
                continue
            columns = [f.column for f in model._meta.local_concrete_fields]
            pk = model._meta.pk.column
            select = ", ".join(quote(c) + cast for c in columns)
            cursor.execute(f"SELECT {select} FROM {quote(name)} ORDER BY {quote(name)}.{quote(pk)}")  # noqa: S608 (model names)
            out[name] = Table(name, model, columns, pk, [tuple(r) for r in cursor.fetchall()])
    return out


def _state(tables: list[Table]) -> tuple:
    """Count and range of ids of each of ``tables``."""
    quote = connection.ops.quote_name
    cast = "::text" if connection.vendor == "postgresql" else ""
    result = []
    with connection.cursor() as cursor:
        for t in tables:
            pk = quote(t.pk)
            cursor.execute(f"SELECT COUNT(*), MIN({pk}{cast}), MAX({pk}{cast}) FROM {quote(t.name)}")  # noqa: S608
            result.append((t.name, *cursor.fetchone()))
    return tuple(result)


def _take() -> Snapshot | bool:
    models = _tables()
    before = _read_all(models)
    state = {entry[0]: entry for entry in _state(list(before.values()))}
    call_command("load_demo", stdout=io.StringIO())
    after = _read_all(models)
    added = []
    for name, table in after.items():
        old = set(before[name].rows)
        new = [row for row in table.rows if row not in old]
        if len(table.rows) - len(new) != len(old):
            return False  # the demo changed or deleted a row it found: only the real load will do
        if new:
            added.append(Table(name, table.model, table.columns, table.pk, new))
    targets = {
        field.remote_field.model._meta.db_table
        for table in added
        for field in table.model._meta.local_concrete_fields
        if field.remote_field
    }
    watched = [before[name] for name in sorted(targets | {t.name for t in added}) if name in before]
    return Snapshot(watched=watched, state=tuple(state[t.name] for t in watched), tables=added)


def clock_fields(model) -> list:
    """The fields a save fills with the time of the save (``created``, ``updated``)."""
    return [
        f
        for f in model._meta.local_concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]


def _restore(snapshot: Snapshot):
    quote = connection.ops.quote_name
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        for table in snapshot.tables:
            marks = ", ".join(["%s"] * len(table.columns))
            columns = ", ".join(quote(c) for c in table.columns)
            insert = f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({marks})"  # noqa: S608 (model names)
            rows = table.rows
            # ``created`` and ``updated`` tell the time of this copy, as a real load would (and a
            # frozen clock's time in a test that froze it).
            clock = {
                table.columns.index(f.column): f.get_db_prep_value(
                    now if f.get_internal_type() == "DateTimeField" else now.date(), connection
                )
                for f in clock_fields(table.model)
            }
            if clock:
                rows = [tuple(clock.get(i, value) for i, value in enumerate(row)) for row in rows]
            cursor.executemany(insert, rows)
        # PostgreSQL's sequences move past the ids written (SQLite's AUTOINCREMENT does it itself).
        for statement in connection.ops.sequence_reset_sql(no_style(), [t.model for t in snapshot.tables]):
            cursor.execute(statement)


def load() -> str:
    """``manage.py load_demo``, or the copy of its first run in this process when it fits.
    Says which: "taken" (the real load, recorded), "copied" or "loaded" (the real load)."""
    vendor = connection.vendor
    snapshot = _snapshots.get(vendor)
    if snapshot is None:
        with transaction.atomic():
            _snapshots[vendor] = _take()
        return "taken"
    if snapshot and _state(snapshot.watched) == snapshot.state:
        _restore(snapshot)
        return "copied"
    call_command("load_demo", stdout=io.StringIO())
    return "loaded"


def read_all() -> dict[str, Table]:
    """Every model table's rows (for tests that compare the copy with the real load)."""
    return _read_all(_tables())
