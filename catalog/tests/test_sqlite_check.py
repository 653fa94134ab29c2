"""SQLite as an honest default (issue 15, defect 16): the check of a CSV file (the dry run the
admin shows as a preview) runs on a private copy of the database, so that another connection
can write while it validates; the import itself still writes to the database.

SQLite behaviour, tested on a file copy of the test database (catalog.testing): PostgreSQL's
dry run locks only the rows it writes, so it has nothing to test here."""

import os
import threading

import pytest
from django.db import connection

from catalog.csvio import get_resource, run_import
from catalog.testing import csv_of, sqlite_file_database
from people.models import Person
from people.resources import PersonResource

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def people_file(*names) -> bytes:
    columns = get_resource("people").columns()
    rows = [",".join({"slug": n.lower(), "name": n}.get(c, "") for c in columns) for n in names]
    return csv_of(",".join(columns), *rows).encode()


def write_from_another_connection(name) -> str:
    """Another connection (a login, a save) writes a person; "written" or the error it met."""
    result = []

    def write():
        try:
            Person.objects.create(name=name, slug=name.lower())
            result.append("written")
        except Exception as exc:  # the test reports what the writer met
            result.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    thread = threading.Thread(target=write)
    thread.start()
    thread.join(timeout=30)
    return result[0] if result else "still waiting"


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite behaviour (PostgreSQL locks only the rows a dry run writes)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sqlite_another_connection_writes_while_a_file_is_checked(iso_codes, tmp_path, monkeypatch):
    met = []
    check_row = PersonResource.check_row

    def writer_in_the_middle(self, line, row, instance, report):
        if line == 3:  # the check has validated and written line 2 (then rolls it back)
            met.append(write_from_another_connection("Writer"))
        return check_row(self, line, row, instance, report)

    monkeypatch.setattr(PersonResource, "check_row", writer_in_the_middle)

    with sqlite_file_database(tmp_path):
        # A writer that would wait for a write lock gives up after a second, not twenty.
        monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 1)
        report = run_import("people", people_file("Ann", "Bob", "Cid"), dry_run=True)

        assert met == ["written"]
        assert report.ok, report.problems
        assert report.new == 3
        assert list(Person.objects.values_list("name", flat=True)) == ["Writer"]
        # The import itself writes to the database, as before.
        monkeypatch.setattr(PersonResource, "check_row", check_row)
        assert run_import("people", people_file("Ann", "Bob")).ok
        assert sorted(Person.objects.values_list("name", flat=True)) == ["Ann", "Bob", "Writer"]
