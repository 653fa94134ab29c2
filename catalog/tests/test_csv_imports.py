"""The admin's CSV import from upload to confirm (issue 15: imports that cannot be steered, long
imports in the background; issue 14: the CSV pages a person can work with)."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from catalog.csvio import get_resource, run_import, write_csv
from catalog.enums import ImportState
from catalog.models import PendingImport, Title

from .factories import TitleFactory
from .test_csv_admin import ADMINS, HEADER, IMPORT_URL

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def upload(text, encoding="utf-8", name="titles.csv"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def editor(username="editor", model="title"):
    user = User.objects.create_user(username, password="pw", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(codename__in=[f"view_{model}", f"add_{model}", f"change_{model}"])
    )
    return user


def checked(client, text, encoding="utf-8"):
    """Upload a file; the token of its Confirm button."""
    response = client.post(IMPORT_URL, {"file": upload(text, encoding)})
    assert response.status_code == 200
    return response.context["token"]


FRENCH = HEADER.replace(",", ";") + "\r\nl-oeuvre;film;;;L’Œuvre;fr;;;2020;FR;;;;;;;\r\n"


# Confirm takes nothing but the token from the request ----------------------------------------


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("rot13", ""), ("utf-16", ""), ("", "ab"), ("", "\n"), ("", '"'), ("rot13", "\r\n"), ("latin-1", ",")],
)
def test_confirm_ignores_posted_encoding_and_delimiter(admin_client, encoding, delimiter):
    token = checked(admin_client, FRENCH, "cp1252")

    done = admin_client.post(IMPORT_URL, {"confirm": "1", "token": token, "encoding": encoding, "delimiter": delimiter})

    assert done.status_code == 302
    assert Title.objects.get().original_title == "L’Œuvre"


@pytest.mark.parametrize(("encoding", "delimiter"), [("rot13", None), ("nonsense", None), (None, "ab"), (None, "\n")])
def test_run_import_refuses_unknown_encoding_or_delimiter_as_a_problem(encoding, delimiter):
    report = run_import("titles", FRENCH.encode("cp1252"), encoding=encoding, delimiter=delimiter)

    assert not report.ok
    assert report.problems[0].line is None
    assert not Title.objects.exists()


def test_import_csv_command_with_rot13_says_so_without_a_traceback(tmp_path):
    path = tmp_path / "titles.csv"
    path.write_bytes(FRENCH.encode("cp1252"))
    err = io.StringIO()

    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_csv", "titles", str(path), "--encoding", "rot13", stdout=io.StringIO(), stderr=err)

    assert "Unknown encoding" in err.getvalue()


# Pending uploads: private, owned, expiring, used once --------------------------------------------


def test_pending_upload_is_kept_in_the_database_not_in_media(admin_client, settings):
    token = checked(admin_client, FRENCH, "cp1252")

    pending = PendingImport.objects.get(pk=token)
    assert bytes(pending.data) == FRENCH.encode("cp1252")
    assert (pending.encoding, pending.delimiter, pending.state) == ("cp1252", ";", ImportState.READY)
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_pending_upload_of_another_user_cannot_be_confirmed(client, admin_user):
    client.force_login(admin_user)
    token = checked(client, FRENCH, "cp1252")
    client.force_login(editor())

    stolen = client.post(IMPORT_URL, {"confirm": "1", "token": token}, follow=True)

    assert "This import has expired; upload the file again." in stolen.content.decode()
    assert not Title.objects.exists()
    assert client.get(f"{IMPORT_URL}{token}/").status_code == 404
    client.force_login(admin_user)
    assert client.post(IMPORT_URL, {"confirm": "1", "token": token}).status_code == 302
    assert Title.objects.count() == 1


def test_pending_upload_is_bound_to_its_resource(admin_client):
    token = checked(admin_client, FRENCH, "cp1252")

    other = admin_client.post("/admin/people/person/import-csv/", {"confirm": "1", "token": token}, follow=True)

    assert "This import has expired" in other.content.decode()
    assert PendingImport.objects.get(pk=token).state == ImportState.READY


def test_second_confirm_is_answered_already_imported(admin_client):
    token = checked(admin_client, FRENCH, "cp1252")
    assert admin_client.post(IMPORT_URL, {"confirm": "1", "token": token}).status_code == 302
    Title.objects.update(original_title="Changed since")

    again = admin_client.post(IMPORT_URL, {"confirm": "1", "token": token}, follow=True)

    assert "This file has already been imported." in again.content.decode()
    assert Title.objects.get().original_title == "Changed since"
    assert bytes(PendingImport.objects.get(pk=token).data) == b""


def test_expired_upload_is_refused_on_confirm_and_purged(admin_client, settings):
    token = checked(admin_client, FRENCH, "cp1252")
    PendingImport.objects.filter(pk=token).update(created=timezone.now() - settings.CSV_IMPORT_TTL - timedelta(1))

    late = admin_client.post(IMPORT_URL, {"confirm": "1", "token": token}, follow=True)

    assert "This import has expired; upload the file again." in late.content.decode()
    assert not Title.objects.exists()
    assert not PendingImport.objects.filter(pk=token).exists()


def test_purge_imports_deletes_old_uploads_and_keeps_recent_and_running_ones(admin_user, settings):
    old = timezone.now() - settings.CSV_IMPORT_TTL - timedelta(hours=1)
    fields = {"user": admin_user, "resource": "titles", "encoding": "utf-8-sig", "delimiter": ","}
    stale = PendingImport.objects.create(state=ImportState.READY, **fields)
    running = PendingImport.objects.create(state=ImportState.IMPORTING, **fields)
    recent = PendingImport.objects.create(state=ImportState.READY, **fields)
    PendingImport.objects.filter(pk__in=[stale.pk, running.pk]).update(created=old)
    out = io.StringIO()

    call_command("purge_imports", stdout=out)

    assert set(PendingImport.objects.values_list("pk", flat=True)) == {running.pk, recent.pk}
    assert out.getvalue() == "1 pending import(s) deleted.\n"


@pytest.mark.parametrize(("resource", "base", "model"), ADMINS)
@pytest.mark.parametrize(
    "body",
    [
        {"confirm": "1"},
        {"confirm": "1", "token": "not-a-uuid"},
        {"confirm": "1", "token": "00000000-0000-0000-0000-000000000000", "encoding": "rot13", "delimiter": "ab"},
        {"confirm": "1", "token": ["a", "b"], "encoding": "\x00"},
    ],
)
def test_every_csv_admin_confirm_with_a_forged_body_answers_without_error(admin_client, resource, base, model, body):
    response = admin_client.post(base + "import-csv/", body)

    assert response.status_code == 302
    assert response["Location"] == base + "import-csv/"


# Validation before the write transaction ------------------------------------------------------


def test_a_file_with_a_malformed_row_is_refused_before_any_query(django_assert_num_queries):
    rows = [f"film-{n},film,,,Film {n},,,,,,,,,,,," for n in range(50)] + ["film-x,film,,,short row"]

    with django_assert_num_queries(0):
        report = run_import("titles", "\n".join([HEADER, *rows]).encode())

    assert [str(p) for p in report.problems] == ["line 52: The row has 5 cells; the header has 17."]


# Background imports: the worker checks and imports large files -----------------------------------


def test_large_upload_is_checked_and_imported_by_the_task_with_a_progress_page(
    admin_client, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    settings.CSV_BACKGROUND_BYTES = 10

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(IMPORT_URL, {"file": upload(FRENCH, "cp1252")})

    pending = PendingImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{IMPORT_URL}{pending.pk}/"
    assert pending.background
    assert pending.state == ImportState.READY
    preview = admin_client.get(response["Location"]).content.decode()
    assert "titles: 1 rows — 1 new, 0 updated, 0 unchanged, 0 errors (dry run, nothing written)" in preview
    assert 'name="confirm"' in preview
    assert not Title.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        done = admin_client.post(IMPORT_URL, {"confirm": "1", "token": str(pending.pk)})

    assert done["Location"] == f"{IMPORT_URL}{pending.pk}/"
    page = admin_client.get(done["Location"]).content.decode()
    assert "titles: 1 rows — 1 new, 0 updated, 0 unchanged, 0 errors (written)" in page
    assert Title.objects.get().original_title == "L’Œuvre"
    again = admin_client.post(IMPORT_URL, {"confirm": "1", "token": str(pending.pk)}, follow=True)
    assert "This file has already been imported." in again.content.decode()


def test_progress_page_refreshes_while_the_worker_has_not_run(admin_client, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    settings.CSV_BACKGROUND_BYTES = 10
    admin_client.post(IMPORT_URL, {"file": upload(FRENCH, "cp1252")})
    pending = PendingImport.objects.get()

    page = admin_client.get(f"{IMPORT_URL}{pending.pk}/").content.decode()

    assert pending.state == ImportState.CHECKING
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "titles.csv: 0 of about 1 rows read." in page
    refused = admin_client.post(IMPORT_URL, {"confirm": "1", "token": str(pending.pk)}, follow=True)
    assert "This file is still being checked." in refused.content.decode()
    assert not Title.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_database_worker_runs_the_check_and_the_import(client, settings, iso_codes):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.CSV_BACKGROUND_BYTES = 10
    admin = User.objects.create_superuser("boss", password="pw")
    client.force_login(admin)
    client.post(IMPORT_URL, {"file": upload(FRENCH, "cp1252")})
    pending = PendingImport.objects.get()
    assert pending.state == ImportState.CHECKING

    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)
    client.post(IMPORT_URL, {"confirm": "1", "token": str(pending.pk)})
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)

    pending.refresh_from_db()
    assert pending.state == ImportState.IMPORTED
    assert Title.objects.get().original_title == "L’Œuvre"


# The import page: columns, template, format, preview of changes ---------------------------------


def test_import_page_lists_columns_marks_required_and_links_template_and_format(admin_client):
    html = admin_client.get(IMPORT_URL).content.decode()

    assert "<code>slug</code><strong" in html
    assert "<code>kind</code><strong" in html
    assert "<code>synopsis_fr</code>" in html
    assert "<code>synopsis_fr</code><strong" not in html
    template = admin_client.get(IMPORT_URL + "template/")
    optional = ",production_start_year,production_start_month,production_end_year,production_end_month,statements"
    assert template.content.decode() == HEADER + optional + ",published_at\r\n"  # every column, optional ones too
    assert template["Content-Disposition"] == 'attachment; filename="titles-template.csv"'
    assert "### titles (key `slug`)" in admin_client.get(IMPORT_URL + "format/").content.decode()
    assert 'href="/admin/catalog/title/import-csv/format/"' in html
    assert 'href="/admin/catalog/title/import-csv/template/"' in html


@pytest.mark.parametrize(("resource", "base", "model"), ADMINS)
def test_every_csv_admin_template_is_a_header_the_import_accepts(admin_client, resource, base, model):
    template = admin_client.get(base + "import-csv/template/").content

    assert template.decode().rstrip("\r\n").split(",") == get_resource(resource).columns()
    assert [str(p) for p in run_import(resource, template).problems] == []


def test_preview_shows_old_and_new_values_of_changed_rows(admin_client):
    TitleFactory(slug="coeur", original_title="Coeur d'ete", year=2001, original_language=None, runtime_minutes=None)
    rows = [
        "coeur;film;;;Cœur d’été;;;;2002;;;;;;;;",
        "nouveau;film;;;Éloïse;;;;;;;;;;;;",
    ]
    text = HEADER.replace(",", ";") + "\r\n" + "\r\n".join(rows) + "\r\n"

    response = admin_client.post(IMPORT_URL, {"file": upload(text, "cp1252")})

    report = response.context["report"]
    assert [(c["line"], c["key"], c["new"]) for c in report.changes] == [(2, "coeur", False), (3, "nouveau", True)]
    cells = report.changes[0]["cells"]
    assert ["original_title", "Coeur d'ete", "Cœur d’été"] in cells
    assert ["year", "2001", "2002"] in cells
    assert "title_en" not in [column for column, _old, _new in cells]
    assert report.changes[1]["cells"] == [
        ["slug", "", "nouveau"],
        ["kind", "", "film"],
        ["original_title", "", "Éloïse"],
    ]
    html = response.content.decode()
    assert "<td>original_title</td><td>Coeur d&#x27;ete</td><td>Cœur d’été</td>" in html
    assert Title.objects.get(slug="coeur").original_title == "Coeur d'ete"


# Export formats ----------------------------------------------------------------------------------


def test_changelist_offers_the_excel_france_export(admin_client):
    html = admin_client.get("/admin/catalog/title/?q=a").content.decode()

    assert 'href="/admin/catalog/title/export-csv/?q=a&amp;format=excel-fr"' in html
    assert "Export for Excel (France)" in html


def test_unknown_export_format_is_not_found(admin_client):
    assert admin_client.get("/admin/catalog/title/export-csv/?format=xlsx").status_code == 404


def _export(client, base, fmt):
    return b"".join(client.get(base + "export-csv/", {"format": fmt}).streaming_content)


@pytest.mark.parametrize(("resource", "base", "model"), ADMINS)
def test_every_excel_france_export_reimports_identically(admin_client, demo, resource, base, model):
    data = _export(admin_client, base, "excel-fr")
    plain = _export(admin_client, base, "csv")

    assert data.startswith(b"\xef\xbb\xbf" + ";".join(get_resource(resource).columns()).encode() + b"\r\n")
    report = run_import(resource, data)
    assert report.problems == []
    assert (report.new, report.updated, report.unchanged) == (0, 0, report.rows)
    assert report.rows == plain.count(b"\r\n") - 1 or report.rows > 0
    assert _export(admin_client, base, "csv") == plain


@pytest.mark.parametrize(
    ("resource", "base", "model"), [a for a in ADMINS if a[0] in {"offers", "plans", "screenings"}]
)
def test_pandas_reads_the_excel_france_export_with_decimal_commas(admin_client, demo, resource, base, model):
    pandas = pytest.importorskip("pandas")
    data = _export(admin_client, base, "excel-fr")
    plain = _export(admin_client, base, "csv")

    french = pandas.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8", dtype={"price": float})
    standard = pandas.read_csv(io.BytesIO(plain), dtype={"price": float})

    assert list(french.columns) == get_resource(resource).columns()
    assert len(french) == len(standard) > 0
    pandas.testing.assert_frame_equal(french, standard)
    prices = [Decimal(str(p)) for p in french["price"].dropna()]
    assert all(p >= 0 for p in prices)


def test_excel_france_export_writes_decimal_commas(admin_client, demo):
    data = _export(admin_client, "/admin/streaming/plan/", "excel-fr").decode("utf-8-sig")
    expected = io.StringIO()
    write_csv(get_resource("plans")().export_rows(), expected)

    price_column = get_resource("plans").columns().index("price")
    french = [row[price_column] for row in list(csv.reader(io.StringIO(data), delimiter=";"))[1:]]
    plain = [row[price_column] for row in list(csv.reader(io.StringIO(expected.getvalue())))[1:]]
    assert any("," in p for p in french)
    assert [p.replace(",", ".") for p in french] == plain


# PostgreSQL: two Confirm POSTs at once ------------------------------------------------------------

ON_POSTGRES = __import__("os").environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (DATABASE_URL)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_postgres_two_concurrent_confirms_import_once_and_answer_already_imported(iso_codes):
    import threading

    from django.db import connection
    from django.test import Client

    admin = User.objects.create_superuser("boss", password="pw")
    first = Client()
    first.force_login(admin)
    token = checked(first, FRENCH, "cp1252")
    barrier = threading.Barrier(2)
    results = []

    def confirm():
        client = Client(raise_request_exception=False)
        client.force_login(admin)
        try:
            barrier.wait(timeout=10)
            response = client.post(IMPORT_URL, {"confirm": "1", "token": token}, follow=True)
            results.append((response.status_code, response.content.decode()))
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(status for status, _html in results) == [200, 200]
    assert sum("This file has already been imported." in html for _status, html in results) == 1
    assert Title.objects.count() == 1
