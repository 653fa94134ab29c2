"""The "closures" CSV resource (issue 18): venue closures at wall-clock times in the venue's zone,
keyed by the venue and the instant of the start, written through ``services.save_closure``."""

import io
from datetime import UTC, datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import call_command

from catalog.csvio import run_import
from catalog.models import ImportRun
from catalog.testing import csv_of, export
from screenings import services
from screenings.models import VenueClosure

from .factories import RoomFactory, ScreeningFactory, VenueFactory

pytestmark = pytest.mark.django_db

CLOSURES = "venue,starts_at,ends_at,reason_en,reason_fr"


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def theatre(db):
    return VenueFactory(slug="melville", name="Melville", timezone="America/Los_Angeles")


@pytest.fixture
def room(theatre):
    return RoomFactory(parent=theatre, name="Salle 2", slug="melville-salle-2")


def problems(report):
    return [(p.line, p.column, p.message) for p in report.problems]


def test_closures_import_local_times_then_the_export_reimports_unchanged(theatre, room):
    data = csv_of(
        CLOSURES,
        "melville,2030-11-07T20:00,2030-11-07T23:00,Private event,Soirée privée",
        "melville-salle-2,2030-11-08T09:00,2030-11-08T12:00,Maintenance,",
    )

    report = run_import("closures", data.encode())

    assert report.ok, report.problems
    assert report.new == 2
    building, salle = VenueClosure.objects.order_by("starts_at")
    assert (building.venue, building.starts_at, building.ends_at) == (theatre, utc(2030, 11, 8, 4), utc(2030, 11, 8, 7))
    assert (building.reason_en, building.reason_fr) == ("Private event", "Soirée privée")
    assert (salle.venue, salle.starts_at, salle.reason_fr) == (room, utc(2030, 11, 8, 17), "")
    assert export("closures") == data
    again = run_import("closures", export("closures").encode())
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)


def test_closures_round_trip_through_the_commands_into_an_empty_table(theatre, room, tmp_path):
    services.save_closure(
        VenueClosure(venue=room, starts_at=utc(2030, 11, 8, 17), ends_at=utc(2030, 11, 8, 20), reason_en="Works")
    )
    path = tmp_path / "closures.csv"
    call_command("export_csv", "closures", "--output", str(path), stdout=io.StringIO())
    written = path.read_bytes().decode()
    VenueClosure.objects.all().delete()

    call_command("import_csv", "closures", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    assert written == csv_of(CLOSURES, "melville-salle-2,2030-11-08T09:00,2030-11-08T12:00,Works,")
    assert export("closures") == written


def test_closures_changed_reason_updates_the_closure_found_by_venue_and_start(theatre):
    assert run_import("closures", csv_of(CLOSURES, "melville,2030-11-07T20:00,2030-11-07T23:00,Gala,").encode()).ok

    report = run_import("closures", csv_of(CLOSURES, "melville,2030-11-07T20:00,2030-11-07T23:30,Gala,Gala").encode())

    assert (report.new, report.updated, report.unchanged) == (0, 1, 0)
    closure = VenueClosure.objects.get()
    assert (closure.ends_at, closure.reason_fr, closure.version) == (utc(2030, 11, 8, 7, 30), "Gala", 2)


def test_closures_repeated_fall_back_time_needs_its_offset_and_the_export_writes_it(theatre):
    # 3 November 2030 in Los Angeles: 1:00 to 2:00 am happens twice (PDT, then PST).
    without = csv_of(CLOSURES, "melville,2030-11-03T01:30,2030-11-03T05:00,Works,")
    second = csv_of(CLOSURES, "melville,2030-11-03T01:30-08:00,2030-11-03T05:00,Works,")

    refused = run_import("closures", without.encode())
    accepted = run_import("closures", second.encode())

    assert [(p.line, p.column) for p in refused.problems] == [(2, "starts_at")]
    assert "2030-11-03T01:30-07:00 or 2030-11-03T01:30-08:00" in refused.problems[0].message
    assert accepted.ok, accepted.problems
    assert VenueClosure.objects.get().starts_at == utc(2030, 11, 3, 9, 30)
    assert export("closures") == second
    assert run_import("closures", second.encode()).unchanged == 1


def test_closures_time_skipped_by_spring_forward_is_refused(theatre):
    report = run_import("closures", csv_of(CLOSURES, "melville,2030-03-10T02:30,2030-03-10T05:00,Works,").encode())

    assert [(p.line, p.column) for p in report.problems] == [(2, "starts_at")]
    assert "does not exist in America/Los_Angeles on 2030-03-10" in report.problems[0].message


def test_closures_over_a_booked_screening_is_the_rows_error_naming_it(theatre, room):
    gala = ScreeningFactory(
        venue=room, starts_at=utc(2030, 11, 8, 3), ends_at=utc(2030, 11, 8, 5), label_en="Gala", titles=[]
    )
    data = csv_of(
        CLOSURES,
        "melville-salle-2,2030-11-08T09:00,2030-11-08T12:00,Maintenance,",
        "melville,2030-11-07T19:00,2030-11-07T23:00,Private event,",
    )

    report = run_import("closures", data.encode())

    assert [(p.line, p.column) for p in report.problems] == [(3, "")]
    assert f"“Gala” (screening #{gala.pk}) is booked in Melville – Salle 2" in report.problems[0].message
    assert not VenueClosure.objects.exists()  # all or nothing


def test_closures_unknown_venue_end_before_start_and_missing_reason_are_errors(theatre):
    rows = [
        "nowhere,2030-11-07T20:00,2030-11-07T23:00,Works,",
        "melville,2030-11-07T20:00,2030-11-07T19:00,Works,",
        "melville,2030-11-09T20:00,2030-11-09T23:00,,",
    ]

    report = run_import("closures", csv_of(CLOSURES, *rows).encode())

    assert (2, "venue", "No venue “nowhere”.") in problems(report)
    assert (3, "ends_at", "A closure must end after it starts.") in problems(report)
    assert [(line, column) for line, column, _message in problems(report) if line == 4] == [(4, "reason_en")]
    assert not VenueClosure.objects.exists()


def test_closures_same_venue_and_start_twice_is_refused(theatre):
    rows = ["melville,2030-11-07T20:00,2030-11-07T23:00,Works,", "melville,2030-11-07T20:00-08:00,2030-11-07T22:00,B,"]

    report = run_import("closures", csv_of(CLOSURES, *rows).encode())

    assert [(p.line, p.message) for p in report.problems] == [(3, "Same key as line 2.")]


def test_closures_dry_run_writes_nothing(theatre):
    report = run_import(
        "closures", csv_of(CLOSURES, "melville,2030-11-07T20:00,2030-11-07T23:00,Works,").encode(), dry_run=True
    )

    assert report.ok, report.problems
    assert report.new == 1
    assert not VenueClosure.objects.exists()


def test_closures_import_with_a_user_is_on_record(theatre, admin_user):
    report = run_import(
        "closures",
        csv_of(CLOSURES, "melville,2030-11-07T20:00,2030-11-07T23:00,Works,").encode(),
        user=admin_user,
        file_name="closures.csv",
    )

    assert report.ok, report.problems
    closure = VenueClosure.objects.get()
    run = ImportRun.objects.get(pk=report.run)
    assert (run.resource, run.file_name) == ("closures", "closures.csv")
    assert LogEntry.objects.get(object_id=str(closure.pk), content_type__model="venueclosure").is_addition()


# The closures' changelist: where the CSV buttons are ----------------------------------------


@pytest.mark.parametrize("count", [1, 3])
def test_the_closures_changelist_query_count_is_constant(admin_client, django_assert_num_queries, room, count):
    for day in range(1, count + 1):
        services.save_closure(
            VenueClosure(
                venue=room, starts_at=utc(2030, 11, day, 17), ends_at=utc(2030, 11, day, 20), reason_en="Works"
            )
        )

    # session, user, the venue filter's choices, the count and the total ("3 of 3"), the closures
    # with their rooms and buildings
    with django_assert_num_queries(6):
        html = admin_client.get("/admin/screenings/venueclosure/").content.decode()

    assert html.count('<td class="field-local_start">') == count
    assert '<td class="field-local_start">2030-11-01 10:00 PDT</td>' in html
    assert "Import CSV" in html
    assert "Export CSV" in html


def test_a_closure_added_on_its_changelist_over_a_booked_screening_is_refused_naming_it(admin_client, room):
    gala = ScreeningFactory(
        venue=room, starts_at=utc(2030, 11, 8, 3), ends_at=utc(2030, 11, 8, 5), label_en="Gala", titles=[]
    )
    data = {
        "venue": room.parent_id,
        "starts_0": "2030-11-07",
        "starts_1": "19:00",
        "ends_0": "2030-11-07",
        "ends_1": "23:00",
        "reason_en": "Gala dinner",
        "reason_fr": "",
    }

    refused = admin_client.post("/admin/screenings/venueclosure/add/", data)
    saved = admin_client.post("/admin/screenings/venueclosure/add/", {**data, "starts_1": "22:00"})

    assert refused.status_code == 200
    assert f"“Gala” (screening #{gala.pk}) is booked in Melville – Salle 2" in refused.content.decode()
    assert saved.status_code == 302
    closure = VenueClosure.objects.get()
    assert (closure.venue_id, closure.starts_at, closure.version) == (room.parent_id, utc(2030, 11, 8, 6), 1)
    assert LogEntry.objects.get(object_id=str(closure.pk), content_type__model="venueclosure").is_addition()


def test_a_backup_restores_the_closures_byte_identical(tmp_path, theatre, room):
    from catalog.tests import test_backup as backup

    services.save_closure(
        VenueClosure(venue=theatre, starts_at=utc(2030, 11, 3, 9, 30), ends_at=utc(2030, 11, 3, 13), reason_en="Works")
    )
    services.save_closure(
        VenueClosure(venue=room, starts_at=utc(2030, 11, 8, 17), ends_at=utc(2030, 11, 8, 20), reason_en="Set-up")
    )

    files = backup.backup_round_trip(tmp_path)

    first, second = files["closures.csv"]
    assert second == first
    assert first.decode() == csv_of(
        CLOSURES,
        "melville,2030-11-03T01:30-08:00,2030-11-03T05:00,Works,",  # the second 1:30 of the night
        "melville-salle-2,2030-11-08T09:00,2030-11-08T12:00,Set-up,",
    )
