"""Two imports of overlapping screenings at the same time (issue 15, defect 6): the loser gets
the row message a person can act on ("… is already booked … by “A” …"), never an
IntegrityError; exactly one screening is stored.

Each database serialises the two differently, so each has its own test: on PostgreSQL the two
transactions run side by side and meet at the room lock or at the exclusion constraint; on
SQLite an IMMEDIATE transaction takes the write lock when it opens, so the second import waits
for the first and then finds its screening."""

import os
import threading

import pytest
from django.db import connection

from catalog.csvio import get_resource, run_import
from catalog.testing import csv_of, sqlite_file_database
from screenings import services
from screenings.models import Screening

from .factories import TitleFactory, VenueFactory

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def screenings_file(label, start, end) -> bytes:
    columns = get_resource("screenings").columns()
    cells = {"venue": "melville", "titles": "gala", "starts_at": start, "ends_at": end, "label": label}
    return csv_of(",".join(columns), ",".join(cells.get(c, "") for c in columns)).encode()


FILES = {
    "A": screenings_file("A", "2030-11-03T19:30", "2030-11-03T21:00"),
    "B": screenings_file("B", "2030-11-03T20:00", "2030-11-03T22:00"),
}


def import_both_at_once(before_write=None) -> dict:
    """Both files imported by two threads (two connections); {label: report}."""
    reports = {}

    def run(label):
        try:
            reports[label] = run_import("screenings", FILES[label])
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(label,)) for label in FILES]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return reports


def assert_one_won_and_the_other_was_told(reports):
    assert sorted(reports) == ["A", "B"]
    winners = [label for label, report in reports.items() if report.ok]
    assert len(winners) == 1, {label: report.problems for label, report in reports.items()}
    (winner,) = winners
    loser = reports["B" if winner == "A" else "A"]
    stored = Screening.objects.get()
    assert stored.label_en == winner
    assert [(p.line, p.column) for p in loser.problems] == [(2, "")]
    message = loser.problems[0].message
    assert message.startswith("Melville is already booked from Sunday, November 3, 2030")
    assert f"by “{winner}” (screening #{stored.pk})" in message
    assert "IntegrityError" not in message
    assert "violates" not in message


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL behaviour (SQLite's is the next test)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("check_in_python", [True, False], ids=["room-lock", "constraint-only"])
def test_postgres_two_concurrent_imports_of_overlapping_screenings(check_in_python, monkeypatch, iso_codes):
    VenueFactory(slug="melville", name="Melville", timezone="America/Los_Angeles")
    TitleFactory(slug="gala", original_title="Gala")
    barrier = threading.Barrier(2)
    lock_room = services.lock_room

    def after_both_checked(venue_id):
        # Both imports have checked their row (each saw a free room) before either writes.
        barrier.wait(timeout=20)
        if check_in_python:
            lock_room(venue_id)

    monkeypatch.setattr(services, "lock_room", after_both_checked)
    if not check_in_python:
        # Neither check sees the other: the exclusion constraint alone refuses the second.
        monkeypatch.setattr(Screening, "check_room_is_free", lambda self: None)

    assert_one_won_and_the_other_was_told(import_both_at_once())


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite behaviour (PostgreSQL's is the test above)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sqlite_two_concurrent_imports_of_overlapping_screenings(iso_codes, tmp_path):
    VenueFactory(slug="melville", name="Melville", timezone="America/Los_Angeles")
    TitleFactory(slug="gala", original_title="Gala")

    with sqlite_file_database(tmp_path):
        assert_one_won_and_the_other_was_told(import_both_at_once())
