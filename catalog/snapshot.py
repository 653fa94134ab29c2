"""SQLite: the check (dry run) of a CSV file runs on a private copy of the database, so that it
never takes the write lock that every other writer (logins, saves) would wait for.

A check writes its rows (later rows of the file refer to earlier ones) and rolls them back; on
SQLite a write transaction locks the whole database until it ends, so without this a check of a
large file stops every other write for its whole duration, for nothing. The copy is made with
SQLite's online backup (a consistent read, which in WAL mode does not block writers), in memory,
and is the thread's default connection for the duration of the check only.

Used only where it is safe and useful: SQLite, a database file (not the tests' in-memory
database), and no transaction already open on the connection (a check inside a caller's
transaction must see that transaction's own rows). PostgreSQL needs none of this: a dry run
locks only the rows it writes."""

import uuid
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections


@contextmanager
def private_copy_for_check(enabled: bool = True):
    """Within the block, the default connection of this thread is an in-memory copy of the
    database when ``enabled`` and the database is a SQLite file; yields whether it is."""
    original = connections[DEFAULT_DB_ALIAS]
    if not enabled or original.vendor != "sqlite" or original.in_atomic_block or original.is_in_memory_db():
        yield False
        return
    original.ensure_connection()
    name = f"file:affiche-check-{uuid.uuid4().hex}?mode=memory&cache=shared"
    copy = type(original)({**original.settings_dict, "NAME": name}, DEFAULT_DB_ALIAS)
    copy.ensure_connection()
    original.connection.backup(copy.connection)
    connections[DEFAULT_DB_ALIAS] = copy
    try:
        yield True
    finally:
        connections[DEFAULT_DB_ALIAS] = original
        # Django keeps in-memory databases open on close(); this one is done with.
        raw, copy.connection = copy.connection, None
        raw.close()
