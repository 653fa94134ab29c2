"""SQLite: an import validates its whole file on a private copy, then writes it in one short
transaction (catalog.csvwrite; issue 15 defect 16, issue 17).

Tested on a file copy of the test database (catalog.testing.sqlite_file_database), where
connections meet the settings' real locking (WAL, IMMEDIATE, busy timeout). PostgreSQL locks
only the rows a transaction writes: it keeps validating inside its transaction."""

import os
import threading

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from catalog.csvio import get_resource, run_import
from catalog.enums import ImportState
from catalog.models import ImportRun, PendingImport
from catalog.testing import csv_of, sqlite_file_database
from people.models import Person
from people.resources import PersonResource

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
pytestmark = [
    pytest.mark.skipif(ON_POSTGRES, reason="SQLite behaviour (PostgreSQL locks only the rows an import writes)"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def people_file(*names, bio="") -> bytes:
    columns = get_resource("people").columns()
    rows = [",".join({"slug": n.lower(), "name": n, "bio_en": bio}.get(c, "") for c in columns) for n in names]
    return csv_of(",".join(columns), *rows).encode()


def from_another_connection(work) -> str:
    """``work()`` on another connection (a login, a save): "written" or what it met."""
    result = []

    def run():
        try:
            work()
            result.append("written")
        except Exception as exc:  # the test reports what the writer met
            result.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    return result[0] if result else "still waiting"


def during_validation(monkeypatch, line, work) -> list:
    """Run ``work`` on another connection when the import validates ``line``."""
    met = []
    check_row = PersonResource.check_row

    def hook(self, at, row, instance, report):
        if at == line and not met:
            met.append(from_another_connection(work))
        return check_row(self, at, row, instance, report)

    monkeypatch.setattr(PersonResource, "check_row", hook)
    return met


def test_another_connection_writes_while_an_import_validates(iso_codes, tmp_path, monkeypatch, admin_user):
    """Before: the import validated inside its write transaction; the writer waited, then met
    "database is locked"."""
    met = during_validation(monkeypatch, 3, lambda: Person.objects.create(name="Writer", slug="writer"))
    with sqlite_file_database(tmp_path):
        monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 1)
        report = run_import("people", people_file("Ann", "Bob", "Cid"), user=admin_user, file_name="p.csv")

        assert met == ["written"]
        assert report.ok, report.problems
        assert report.new == 3
        assert sorted(Person.objects.values_list("name", flat=True)) == ["Ann", "Bob", "Cid", "Writer"]
        # The History entries point to the records and the run the write phase made.
        run = ImportRun.objects.get()
        assert report.run == run.pk
        assert run.new == 3
        added = LogEntry.objects.filter(content_type__model="person").values_list("object_id", "object_repr")
        by_name = dict(Person.objects.values_list("name", "pk"))
        assert sorted(added) == sorted((str(by_name[n]), n) for n in ("Ann", "Bob", "Cid"))


def test_a_record_changed_since_validation_is_refused(iso_codes, tmp_path, monkeypatch):
    with sqlite_file_database(tmp_path):
        bob = Person.objects.create(name="Bob", slug="bob")

        def edit():
            other = Person.objects.get(slug="bob")
            other.sort_name = "Their edit"
            other.save()

        met = during_validation(monkeypatch, 2, edit)
        report = run_import("people", people_file("Ann", "Bob", bio="From the file"))

        assert met == ["written"]
        assert not report.ok
        assert [(p.line, p.value) for p in report.problems] == [(3, "bob")]
        assert "Changed by someone else" in report.problems[0].message
        # Nothing written: their edit stays, and the new row of the same file is not in.
        bob.refresh_from_db()
        assert (bob.sort_name, bob.bio_en) == ("Their edit", "")
        assert list(Person.objects.values_list("slug", flat=True)) == ["bob"]


def test_other_rows_written_since_validation_make_it_validate_again(iso_codes, tmp_path, monkeypatch):
    """A new row of the same table since the copy: the ids the import's rows get would differ
    from those it validated with; it validates again on a fresh copy and sees the new row."""
    met = during_validation(monkeypatch, 2, lambda: Person.objects.create(name="Ann", slug="ann"))
    with sqlite_file_database(tmp_path):
        report = run_import("people", people_file("Ann", "Bob"))

        assert met == ["written"]
        assert report.ok, report.problems
        assert (report.new, report.updated) == (1, 0)  # Ann, written meanwhile, is now the same
        assert sorted(Person.objects.values_list("slug", flat=True)) == ["ann", "bob"]


def test_the_write_transaction_costs_the_same_queries_at_10_and_100_rows(iso_codes, tmp_path, admin_user):
    counts = []
    with sqlite_file_database(tmp_path):
        real = connections["default"]
        for size in (10, 100):
            names = [f"P{size}x{n}" for n in range(size)]
            with CaptureQueriesContext(real) as queries:
                report = run_import("people", people_file(*names), user=admin_user)
            assert report.ok
            assert report.new == size
            counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_late_error_writes_nothing(iso_codes, tmp_path, admin_user):
    """All or nothing: the last row of the second chunk is bad; no row, no History."""
    names = [f"Person {n}" for n in range(PersonResource.chunk_size + 10)]
    data = people_file(*names) + b"bad slug!,Late" + b"," * 11 + b"\r\n"
    with sqlite_file_database(tmp_path):
        report = run_import("people", data, user=admin_user)

        assert not report.ok
        assert Person.objects.count() == 0
        assert ImportRun.objects.count() == 0
        assert LogEntry.objects.count() == 0


def test_another_connection_writes_while_the_admin_confirm_validates(iso_codes, tmp_path, monkeypatch, admin_client):
    """Before: Confirm opened its write transaction (the pending import's lock) first, then
    validated the file inside it."""
    url = "/admin/people/person/import-csv/"
    upload = SimpleUploadedFile("people.csv", people_file("Ann", "Bob", "Cid"), content_type="text/csv")
    with sqlite_file_database(tmp_path):
        monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 1)
        token = admin_client.post(url, {"file": upload}).context["token"]
        met = during_validation(monkeypatch, 3, lambda: Person.objects.create(name="Writer", slug="writer"))

        done = admin_client.post(url, {"confirm": "1", "token": token})

        assert met == ["written"]
        assert done.status_code == 302
        assert sorted(Person.objects.values_list("name", flat=True)) == ["Ann", "Bob", "Cid", "Writer"]
        assert PendingImport.objects.get().state == ImportState.IMPORTED
