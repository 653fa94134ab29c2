"""A CSV import that writes is on record (catalog.audit.ImportAudit): one History entry for the
import (who, file, resource, counts, a report of every change before → after), one on each
record it changed (with its values) or created (pointing to the import), written in bulk."""

import csv
import io

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog import audit
from catalog.csvio import run_import
from catalog.models import ImportRun, Title
from catalog.testing import csv_of

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/catalog/title/import-csv/"
HEADER = "slug,kind,original_title,year"


def titles_file(*rows):
    return csv_of(HEADER, *rows).encode()


def upload(data, name="titles.csv"):
    return SimpleUploadedFile(name, data, content_type="text/csv")


def entries_of(obj):
    return LogEntry.objects.filter(content_type__model=obj._meta.model_name, object_id=str(obj.pk)).order_by("pk")


@pytest.fixture
def two_titles():
    report = run_import("titles", titles_file("film-a,film,Film A,2020", "film-b,film,Film B,2001"))
    assert report.ok, report.problems
    return Title.objects.get(slug="film-a"), Title.objects.get(slug="film-b")


def admin_import(client, data, name="titles.csv"):
    preview = client.post(IMPORT_URL, {"file": upload(data, name)})
    return client.post(IMPORT_URL, {"confirm": "1", "token": preview.context["token"]}, follow=True)


def test_an_admin_import_records_the_import_each_changed_record_with_values_and_each_new_one(
    admin_client, admin_user, two_titles
):
    film_a, film_b = two_titles

    done = admin_import(
        admin_client, titles_file("film-a,film,Film A,2021", "film-b,film,Film B,2001", "film-c,film,Film C,")
    )

    run = ImportRun.objects.get()
    assert (run.user, run.resource, run.file_name) == (admin_user, "titles", "titles.csv")
    assert (run.rows, run.new, run.changed, run.unchanged) == (3, 1, 1, 1)
    (own,) = entries_of(run)
    assert own.action_flag == ADDITION
    assert own.user == admin_user
    assert ("File name", "", "titles.csv") in audit.details(own).values
    (changed,) = entries_of(film_a)
    assert changed.action_flag == CHANGE
    assert changed.user == admin_user
    assert audit.details(changed).values == [("Year", "2020", "2021")]
    assert audit.details(changed).via["run"] == run.pk
    assert not entries_of(film_b).exists()  # unchanged: nothing to record
    (added,) = entries_of(Title.objects.get(slug="film-c"))
    assert added.action_flag == ADDITION
    assert ("Original title", "", "Film C") in audit.details(added).values
    assert audit.details(added).via["run"] == run.pk
    report_url = reverse("admin:catalog_importrun_report", args=[run.pk])
    assert report_url in done.content.decode()  # from the import's result


def test_the_report_lists_every_change_before_and_after_and_is_linked_from_the_history(admin_client, two_titles):
    film_a, _film_b = two_titles
    admin_import(admin_client, titles_file("film-a,film,Film A (restored),2021", "film-c,film,Film C,1999"))
    run = ImportRun.objects.get()

    response = admin_client.get(reverse("admin:catalog_importrun_report", args=[run.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    history = admin_client.get(reverse("admin:catalog_title_history", args=[film_a.pk])).content.decode()
    recent = admin_client.get(reverse("admin:index")).content.decode()
    run_page = admin_client.get(reverse("admin:catalog_importrun_change", args=[run.pk]))

    assert response["Content-Type"].startswith("text/csv")
    assert rows[0] == audit.REPORT_HEADER
    assert ["2", "Film A (restored)", "changed", "Original title", "Film A", "Film A (restored)"] in rows
    assert ["2", "Film A (restored)", "changed", "Year", "2020", "2021"] in rows
    assert ["3", "Film C", "added", "Year", "", "1999"] in rows
    assert reverse("admin:catalog_importrun_report", args=[run.pk]) in history
    assert reverse("admin:catalog_importrun_change", args=[run.pk]) in history
    assert reverse("admin:catalog_importrun_change", args=[run.pk]) in recent
    assert run_page.status_code == 200
    assert reverse("admin:catalog_importrun_report", args=[run.pk]) in run_page.content.decode()


def test_a_refused_import_and_a_dry_run_leave_no_entry(admin_user, two_titles):
    refused = run_import("titles", titles_file("film-a,film,Film A,2021", "film-d,film,,"), user=admin_user)
    dry = run_import("titles", titles_file("film-a,film,Film A,2021"), user=admin_user, dry_run=True)

    assert not refused.ok
    assert dry.ok
    assert not ImportRun.objects.exists()
    assert not LogEntry.objects.exists()


def test_import_csv_records_the_import_as_the_given_user_and_nothing_without_one(tmp_path, two_titles):
    user = User.objects.create_user("importer", is_staff=True)
    first = tmp_path / "first.csv"
    first.write_bytes(titles_file("film-a,film,Film A,2022"))
    second = tmp_path / "second.csv"
    second.write_bytes(titles_file("film-a,film,Film A,2023"))

    call_command("import_csv", "titles", str(first), "--user", "importer", stdout=io.StringIO())
    call_command("import_csv", "titles", str(second), stdout=io.StringIO())

    run = ImportRun.objects.get()
    assert (run.user, run.file_name, run.changed) == (user, "first.csv", 1)
    (entry,) = entries_of(two_titles[0])
    assert entry.user == user
    assert audit.details(entry).values == [("Year", "2020", "2022")]
    with pytest.raises(CommandError, match="No such user"):
        call_command("import_csv", "titles", str(first), "--user", "nobody", stdout=io.StringIO())


MANY_HEADER = "slug,kind,parent,number,original_title,year"


def _audit_cost(user, rows) -> int:
    """Queries an import of ``rows`` costs with a user beyond the same import without one."""
    data = csv_of(MANY_HEADER, *rows).encode()
    costs = []
    for who in (None, user):
        with CaptureQueriesContext(connection) as captured:
            report = run_import("titles", data, user=who)
        assert report.ok, report.problems
        costs.append(len(captured))
        Title.objects.filter(slug__startswith="many-").update(year=1900)  # changed again next time
    return costs[1] - costs[0]


@pytest.mark.parametrize("kind", ["film", "episode"])
def test_the_audit_of_an_import_costs_the_same_queries_for_10_and_100_rows(admin_user, kind):
    series = run_import("titles", csv_of(MANY_HEADER, "show,series,,,Show,", "show-s1,season,show,1,,"))
    assert series.ok, series.problems

    def rows(n, year):
        if kind == "episode":
            return [f"many-{i},episode,show-s1,{i + 1},Episode {i},{year}" for i in range(n)]
        return [f"many-{i},film,,,Film {i},{year}" for i in range(n)]

    assert run_import("titles", csv_of(MANY_HEADER, *rows(100, 1900)).encode()).ok
    _audit_cost(admin_user, rows(1, 1800))  # caches (content types) filled once
    ten, hundred = _audit_cost(admin_user, rows(10, 2000)), _audit_cost(admin_user, rows(100, 2000))

    assert LogEntry.objects.filter(content_type__model="title").count() == 111
    assert ten == hundred


def test_the_history_of_an_imported_record_reads_in_french(admin_client, two_titles):
    film_a, _film_b = two_titles
    admin_import(admin_client, titles_file("film-a,film,Film A,2021"))

    page = admin_client.get(
        reverse("admin:catalog_title_history", args=[film_a.pk]), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()

    assert "Par l’import CSV de titles.csv." in page
    assert "rapport de toutes les modifications (CSV)" in page
    assert '<th scope="col">Avant</th><th scope="col">Après</th>' in page
