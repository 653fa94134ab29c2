"""SQLite: an import validates its whole file outside the write transaction, then writes it in
one short transaction (issue 15, defect 16; issue 17).

On SQLite a write transaction locks the whole database: every login and save waits for it. An
import used to validate each row inside that transaction, so a large file stopped every other
writer for its whole duration. Now:

1. **Validate** (no lock). The import runs, exactly as before and with every rule, on a private
   in-memory copy of the database (``catalog.snapshot``: SQLite's online backup, a consistent
   read that does not block writers in WAL mode). Each write statement it issues (``INSERT``,
   ``UPDATE``, ``DELETE``, savepoints) is recorded with its parameters, spooled to a temporary
   file (memory stays flat in the file's size), then the copy is thrown away. A file with any
   problem stops here, having locked nothing.
2. **Write** (one short transaction on the database). It first checks that nothing it relied
   on moved since the copy was taken, then replays the recorded statements through the driver
   (consecutive identical statements as one ``executemany``), History and ``ImportRun``
   included, all or nothing:

   - a record the file changes that someone else changed since (its ``version`` moved) is
     refused by line, naming the record, and nothing is written: the file would silently
     overwrite their change;
   - any other change since the copy to a table the import writes (a new row, a deletion, an
     edit elsewhere; measured by its row count, last id, sum of versions and last ``updated``)
     means the rows were validated against an older state: the import is validated again on a
     fresh copy (twice at most), then, if the tables keep moving, validated inside the write
     transaction as before;
   - after the replay, the ids the tables gave the new rows must be the ones the validation
     saw (so that every later statement's references hold); else the transaction is rolled back
     and the import validated again.

``django_admin_log`` is written but not compared: its rows' ids are never referred to, and
admins save all the time.

Used by ``run_import`` on a SQLite database file outside any transaction (the command line,
the admin's Confirm, the background task), never inside a caller's transaction
(``import_all``), on the tests' in-memory database or on PostgreSQL, where a transaction locks
only the rows it writes.
"""

import pickle
import re
import tempfile
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils.translation import gettext as _

from .snapshot import private_copy_for_check

#: Tables written but never compared (entries' ids are never referred to).
NOT_COMPARED = frozenset({"django_admin_log"})
#: Spooled statements stay in memory up to this size, then go to a temporary file.
SPOOL_BYTES = 8 << 20
WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)"?', re.I)
SAVEPOINT = re.compile(r"^\s*(?:SAVEPOINT|RELEASE|ROLLBACK\s+TO)\b", re.I)
RETURNING = re.compile(r"\sRETURNING\s.*\Z", re.S)
#: SQLite's limit of host parameters is 32,766 (3.32+); ids are checked in chunks well below it.
ID_CHUNK = 900


class Revalidate(Exception):
    """The tables moved between validation and write: validate the file again."""


class WriteLog:
    """``connection.execute_wrapper`` that records every write statement that succeeded."""

    def __init__(self):
        self.spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (closed by close())
        self.tables: set[str] = set()
        self.statements = 0

    def __call__(self, execute, sql, params, many, context):
        if many:
            params = list(params)
        result = execute(sql, params, many, context)
        match = WRITE.match(sql)
        if match or SAVEPOINT.match(sql):
            if match:
                self.tables.add(match.group(1))
            pickle.dump((sql, params, many), self.spool, protocol=pickle.HIGHEST_PROTOCOL)
            self.statements += 1
        return result

    def __iter__(self):
        self.spool.seek(0)
        while True:
            try:
                yield pickle.load(self.spool)  # noqa: S301 (our own spool, written above)
            except EOFError:
                return

    def close(self):
        self.spool.close()


def _columns(cursor, table) -> set[str]:
    cursor.execute(f'PRAGMA table_info("{table}")')
    return {row[1] for row in cursor.fetchall()}


def sequences(connection, tables) -> dict[str, int]:
    """The last id SQLite gave each table (``AUTOINCREMENT``'s ``sqlite_sequence``)."""
    tables = sorted(tables)
    if not tables:
        return {}
    with connection.cursor() as cursor:
        marks = ", ".join("%s" for _t in tables)
        cursor.execute(f"SELECT name, seq FROM sqlite_sequence WHERE name IN ({marks})", tables)  # noqa: S608
        found = dict(cursor.fetchall())
    return {table: found.get(table, 0) for table in tables}


def fingerprints(connection, tables) -> dict[str, tuple]:
    """Per table: row count, sum of versions, last ``updated``, last id. Any insert, deletion or
    edit (every save moves ``version`` and ``updated``) changes it."""
    found = {}
    last = sequences(connection, tables)
    with connection.cursor() as cursor:
        for table in sorted(tables):
            columns = _columns(cursor, table)
            parts = ["count(*)"]
            parts.append("total(version)" if "version" in columns else "0")
            parts.append("max(updated)" if "updated" in columns else "0")
            cursor.execute(f'SELECT {", ".join(parts)} FROM "{table}"')  # noqa: S608 (table names from the schema)
            found[table] = (*cursor.fetchone(), last[table])
    return found


@dataclass
class Touched:
    """An existing record the file changes, as the validation read it."""

    pk: int
    version: int
    line: int
    column: str
    key: str


@dataclass
class ValidatedImport:
    """A file validated on a copy of the database, ready to be written."""

    report: object
    table: str
    log: WriteLog
    compared: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)
    touched: list[Touched] = field(default_factory=list)

    def stale(self, connection) -> list:
        """Problems for the records the file changes that someone changed since."""
        from .csvio import Problem

        problems = []
        with connection.cursor() as cursor:
            for start in range(0, len(self.touched), ID_CHUNK):
                chunk = self.touched[start : start + ID_CHUNK]
                marks = ", ".join("%s" for _t in chunk)
                cursor.execute(
                    f'SELECT id, version FROM "{self.table}" WHERE id IN ({marks})',  # noqa: S608
                    [t.pk for t in chunk],
                )
                now = dict(cursor.fetchall())
                for item in chunk:
                    if now.get(item.pk) != item.version:
                        message = (
                            _(
                                "Changed by someone else since this file was checked; nothing was written. "
                                "Compare the file with the record as it is now, then import it again."
                            )
                            if item.pk in now
                            else _("Deleted by someone else since this file was checked; nothing was written.")
                        )
                        problems.append(Problem(item.line, item.column, item.key, message))
        return problems

    def write(self):
        """Check and replay, in one transaction (the caller's, if one is open). Returns the
        report: with problems (nothing written) when records the file changes moved since;
        raises ``Revalidate`` when other rows of the tables did."""
        connection = connections[DEFAULT_DB_ALIAS]
        report = self.report
        nested = connection.in_atomic_block
        with transaction.atomic():
            problems = self.stale(connection)
            if problems:
                report.problems = problems
                report.run = None
                return report
            if fingerprints(connection, self.compared) != self.compared:
                raise Revalidate
            replay(connection, self.log)
            if nested:
                # The caller commits later: its foreign keys (deferred on SQLite) are checked
                # now, while a refusal can still be answered by validating again.
                connection.check_constraints(table_names=sorted(self.log.tables))
            if sequences(connection, self.after) != self.after:
                raise Revalidate  # rolls the replay back
        return report


def replay(connection, log: WriteLog):
    """The recorded statements, consecutive identical ones as one ``executemany``."""
    with connection.cursor() as cursor:
        batch_sql, batch = None, []

        def flush():
            if batch:
                if len(batch) == 1:
                    cursor.execute(batch_sql, batch[0])
                else:
                    cursor.executemany(batch_sql, batch)
                batch.clear()

        for sql, params, many in log:
            if SAVEPOINT.match(sql):
                flush()
                cursor.execute(sql)
                continue
            sql = RETURNING.sub("", sql)
            if many:
                flush()
                cursor.executemany(sql, params)
                continue
            if sql != batch_sql:
                flush()
                batch_sql = sql
            batch.append(params)
        flush()


def applies() -> bool:
    """A SQLite database file, outside any transaction."""
    connection = connections[DEFAULT_DB_ALIAS]
    return connection.vendor == "sqlite" and not connection.in_atomic_block and not connection.is_in_memory_db()


def validate(resource, run) -> ValidatedImport | None:
    """Run ``run()`` (the import, with every rule and its History) on a private copy of the
    database, recording its writes; None when the copy cannot be used."""
    with private_copy_for_check(True) as copied:
        if not copied:
            return None
        connection = connections[DEFAULT_DB_ALIAS]
        log = WriteLog()
        with transaction.atomic():
            with connection.execute_wrapper(log):
                report = run()
            table = resource._meta.model._meta.db_table
            after = sequences(connection, log.tables - NOT_COMPARED)
            transaction.set_rollback(True)
        compared = fingerprints(connection, log.tables - NOT_COMPARED)
    return ValidatedImport(report, table, log, compared, after, resource.touched)
