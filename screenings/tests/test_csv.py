from datetime import UTC, datetime

import pytest

from catalog.csvio import run_import
from catalog.testing import csv_of, export
from catalog.tests.factories import EpisodeFactory, TitleFactory
from screenings.models import Edition, Festival, Screening, Section, Venue

from .factories import EditionFactory, VenueFactory

pytestmark = pytest.mark.django_db

VENUES = "slug,name,parent,address,city,country,timezone,capacity,note"
FESTIVALS = "slug,name,year,starts_on,ends_on,organizer"
SCREENINGS = (
    "venue,starts_at,ends_at,titles,label,festival,premiere,language,subtitles,partners,status,ticket_url,price,"
    "currency,note"
)


def test_a_screening_without_a_title_is_refused_with_its_line_and_column(theatre):
    """Issue 14, defect 9, on the CSV path too: a screening shows at least one title."""
    report = run_import("screenings", csv_of(SCREENINGS, screening_row(titles="")).encode())

    assert [(p.line, p.column, p.message) for p in report.problems] == [
        (2, "titles", "Choose at least one title shown.")
    ]
    assert not Screening.objects.exists()


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def theatre(iso_codes):
    TitleFactory(slug="gala", original_title="Gala")  # what the rows of screening_row() show
    return VenueFactory(slug="melville", name="Melville", timezone="America/Los_Angeles")


@pytest.fixture
def edition(iso_codes):
    return EditionFactory(slug="colcoa-2030")


def screening_row(start="2030-11-03T19:30", end="2030-11-03T21:00", venue="melville", **cells):
    values = {
        "venue": venue,
        "starts_at": start,
        "ends_at": end,
        "titles": "gala",
        "label": "Gala",
        "festival": "",
        "premiere": "",
        "language": "",
        "subtitles": "",
        "partners": "",
        "status": "",
        "ticket_url": "",
        "price": "",
        "currency": "",
        "note": "",
        **cells,
    }
    return ",".join(values[c] for c in SCREENINGS.split(","))


def problems(report):
    return [(p.line, p.column, p.message) for p in report.problems]


# Venues -------------------------------------------------------------------------------------


def test_venues_import_a_building_and_its_room_then_reimport_changes_nothing(iso_codes):
    data = csv_of(
        VENUES,
        "odeon,Odéon,,1 place de l’Odéon,Paris,FR,Europe/Paris,800,",
        "odeon-salle-2,Salle 2,odeon,,,,Europe/Paris,120,",
    )

    first = run_import("venues", data.encode())
    again = run_import("venues", data.encode())

    assert first.ok, first.problems
    assert (first.new, first.updated, first.unchanged) == (2, 0, 0)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)
    room = Venue.objects.get(slug="odeon-salle-2")
    assert (str(room), room.city, room.timezone) == ("Odéon – Salle 2", "Paris", "Europe/Paris")


def test_venues_unknown_time_zone_is_refused(iso_codes):
    report = run_import("venues", csv_of(VENUES, "odeon,Odéon,,,Paris,FR,CET,,").encode())

    assert [(p.line, p.column) for p in report.problems] == [(2, "timezone")]
    assert not Venue.objects.exists()


# Festivals ----------------------------------------------------------------------------------


def test_festivals_spec_columns_create_the_festival_and_its_edition(demo):
    data = csv_of(
        FESTIVALS,
        "rendez-vous-2030,Rendez-vous with French Cinema,2030,2030-03-01,2030-03-10,newen-connect",
    )

    first = run_import("festivals", data.encode())
    again = run_import("festivals", data.encode())

    recased = run_import("festivals", data.replace("newen-connect", "Newen-Connect").encode())

    assert first.ok, first.problems
    assert (first.new, again.unchanged, recased.unchanged) == (1, 1, 1)
    edition = Edition.objects.get(slug="rendez-vous-2030")
    assert str(edition) == "Rendez-vous with French Cinema 2030"
    assert edition.festival.slug == "rendez-vous-with-french-cinema"
    assert edition.festival.organizer.slug == "newen-connect"


def test_festivals_a_new_edition_of_a_known_festival_joins_it_by_name(demo):
    data = csv_of(FESTIVALS, "colcoa-2022,colcoa french film festival,2022,2022-10-01,2022-10-09,")

    assert run_import("festivals", data.encode()).ok

    assert Edition.objects.get(slug="colcoa-2022").festival.slug == "colcoa"
    assert Festival.objects.count() == 1


def test_festivals_sections_are_kept_in_order_with_their_colours(demo):
    data = export("festivals").replace("TV Series:Séries:#1a55c4", "Classics:Classiques|TV Series:Séries:#1A55C4")

    report = run_import("festivals", data.encode())

    assert report.ok, report.problems
    assert report.updated == 1
    sections = Section.objects.filter(edition__slug="colcoa-2021")
    assert [(s.name_en, s.name_fr, s.colour.lower(), s.order) for s in sections] == [
        ("Classics", "Classiques", "#55555f", 1),
        ("TV Series", "Séries", "#1a55c4", 2),
    ]
    # The screenings keep their section: it was matched by its English name.
    assert not Screening.objects.filter(section__isnull=True).exists()


def test_festivals_ambiguous_date_is_refused(iso_codes):
    report = run_import("festivals", csv_of(FESTIVALS, "f-2026,F,2026,03/04/2026,2026-04-05,").encode())

    assert problems(report) == [(2, "starts_on", "Write dates as YYYY-MM-DD (ISO 8601); “03/04/2026” is ambiguous.")]
    assert not Festival.objects.exists()


def test_festivals_last_day_before_first_is_refused(iso_codes):
    report = run_import("festivals", csv_of(FESTIVALS, "f-2026,F,2026,2026-04-05,2026-04-01,").encode())

    assert [p.message for p in report.problems] == ["The last day cannot be before the first."]
    assert not Festival.objects.exists()


# Screenings ---------------------------------------------------------------------------------


def test_screenings_import_local_times_titles_in_order_and_partners(theatre, edition, demo):
    data = csv_of(
        SCREENINGS,
        screening_row(
            titles="l-opera-season-1-episode-2|l-opera-season-1-episode-1",
            festival="colcoa-2030",
            partners="orange-studio|newen-connect",
            language="fr",
            subtitles="en",
            price="12.50",
            currency="USD",
        ),
    )

    first = run_import("screenings", data.encode())
    again = run_import("screenings", data.encode())

    assert first.ok, first.problems
    assert (first.new, first.updated, first.unchanged) == (1, 0, 0)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 1)
    screening = Screening.objects.get(venue=theatre)
    assert (screening.starts_at, screening.ends_at) == (utc(2030, 11, 4, 3, 30), utc(2030, 11, 4, 5, 0))
    assert [t.slug for t in screening.titles.order_by("screening_titles__order")] == [
        "l-opera-season-1-episode-2",
        "l-opera-season-1-episode-1",
    ]
    assert sorted(p.slug for p in screening.partners.all()) == ["newen-connect", "orange-studio"]
    assert screening.edition == edition
    assert screening.status == "scheduled"


def test_screenings_changed_cell_updates_the_screening_found_by_venue_and_start(theatre):
    assert run_import("screenings", csv_of(SCREENINGS, screening_row()).encode()).ok

    report = run_import("screenings", csv_of(SCREENINGS, screening_row(label="Gala night")).encode())

    assert (report.new, report.updated, report.unchanged) == (0, 1, 0)
    assert Screening.objects.get().label_en == "Gala night"


def test_screenings_empty_end_is_the_start_plus_the_runtimes(theatre):
    EpisodeFactory(slug="ep-1", runtime_minutes=52)
    TitleFactory(slug="short", runtime_minutes=13)

    report = run_import("screenings", csv_of(SCREENINGS, screening_row(end="", titles="ep-1|short")).encode())

    assert report.ok, report.problems
    assert Screening.objects.get().ends_at == utc(2030, 11, 4, 4, 35)


def test_screenings_round_trip_from_the_demo_into_an_empty_database(demo):
    files = {name: export(name) for name in ("venues", "festivals", "screenings")}
    Screening.objects.all().delete()
    Section.objects.all().delete()
    Edition.objects.all().delete()
    Festival.objects.all().delete()
    Venue.objects.all().delete()

    for name, data in files.items():
        report = run_import(name, data.encode())
        assert report.ok, (name, report.problems)

    assert {name: export(name) for name in files} == files
    assert "2021-11-07T17:30,2021-11-07T19:35" in files["screenings"]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("venues", csv_of(VENUES, "odeon,Odéon,,,Paris,FR,Europe/Paris,,")),
        ("festivals", csv_of(FESTIVALS, "f-2030,F,2030,2030-03-01,2030-03-02,")),
        ("screenings", csv_of(SCREENINGS, screening_row())),
    ],
)
def test_dry_run_writes_nothing(theatre, name, data):
    before = (Venue.objects.count(), Festival.objects.count(), Edition.objects.count(), Screening.objects.count())

    report = run_import(name, data.encode(), dry_run=True)

    assert report.ok, report.problems
    assert report.new == 1
    assert (Venue.objects.count(), Festival.objects.count(), Edition.objects.count(), Screening.objects.count()) == (
        before
    )


def test_screenings_french_excel_file_semicolons_cp1252_and_decimal_comma(theatre, edition):
    data = csv_of(
        SCREENINGS,
        ";".join(
            [
                "melville",
                "2030-11-03 19:30",
                "2030-11-03 21:00",
                "gala",
                "L’Œuvre – soirée d’ouverture",
                "colcoa-2030",
                "",
                "",
                "",
                "",
                "sold-out",
                "",
                "9,50",
                "EUR",
                "Débat : 5 € le verre",
            ]
        ),
        delimiter=";",
    )

    report = run_import("screenings", data.encode("cp1252"))

    assert report.ok, report.problems
    screening = Screening.objects.get()
    assert (screening.label_en, screening.note) == ("L’Œuvre – soirée d’ouverture", "Débat : 5 € le verre")
    assert (str(screening.price), screening.status) == ("9.50", "sold-out")


def test_screenings_decimal_comma_is_refused_in_a_comma_file(theatre):
    report = run_import("screenings", csv_of(SCREENINGS, screening_row(price='"9,50"', currency="EUR")).encode())

    assert problems(report) == [(2, "price", "Write decimals with a point: 9.99.")]
    assert not Screening.objects.exists()


def test_screenings_negative_price_is_refused(theatre):
    report = run_import("screenings", csv_of(SCREENINGS, screening_row(price="-5", currency="EUR")).encode())

    assert problems(report) == [(2, "price", "A price cannot be negative.")]


def test_screenings_end_before_start_is_refused(theatre):
    report = run_import("screenings", csv_of(SCREENINGS, screening_row(end="2030-11-03T18:00")).encode())

    assert problems(report) == [(2, "ends_at", "A screening must end after it starts.")]


def test_screenings_time_skipped_by_spring_forward_is_refused(theatre):
    row = screening_row(start="2030-03-10T02:30", end="2030-03-10T04:00")

    report = run_import("screenings", csv_of(SCREENINGS, row).encode())

    assert [(p.line, p.column) for p in report.problems] == [(2, "starts_at")]
    assert "does not exist in America/Los_Angeles on 2030-03-10" in report.problems[0].message


def test_screenings_repeated_fall_back_time_needs_its_offset(theatre):
    without = screening_row(start="2030-11-03T01:30", end="2030-11-03T03:00")
    first = screening_row(start="2030-11-03T01:00-07:00", end="2030-11-03T01:45-07:00", label="First")
    second = screening_row(start="2030-11-03T01:00-08:00", end="2030-11-03T01:45-08:00", label="Second")

    refused = run_import("screenings", csv_of(SCREENINGS, without).encode())
    accepted = run_import("screenings", csv_of(SCREENINGS, first, second).encode())

    assert [(p.line, p.column) for p in refused.problems] == [(2, "starts_at")]
    assert "happens twice" in refused.problems[0].message
    assert "2030-11-03T01:30-07:00 or 2030-11-03T01:30-08:00" in refused.problems[0].message
    assert accepted.ok, accepted.problems
    assert [s.starts_at for s in Screening.objects.all()] == [utc(2030, 11, 3, 8, 0), utc(2030, 11, 3, 9, 0)]
    exported = export("screenings")
    assert "melville,2030-11-03T01:00-07:00,2030-11-03T01:45-07:00" in exported
    assert "melville,2030-11-03T01:00-08:00,2030-11-03T01:45-08:00" in exported
    assert run_import("screenings", exported.encode()).unchanged == 2


def test_screenings_offset_that_is_not_the_venues_is_refused(theatre):
    row = screening_row(start="2030-11-03T19:30+01:00", end="2030-11-03T21:00")

    report = run_import("screenings", csv_of(SCREENINGS, row).encode())

    assert [(p.column, p.message) for p in report.problems] == [
        (
            "starts_at",
            (
                "2030-11-03T19:30+01:00 is not a wall-clock time of America/Los_Angeles "
                "(that instant is 2030-11-03T10:30-08:00 there)."
            ),
        )
    ]


def test_screenings_unknown_venue_festival_and_title_are_errors(theatre):
    rows = [
        screening_row(venue="nowhere"),
        screening_row(start="2030-11-04T19:30", end="2030-11-04T21:00", festival="cannes-2030"),
        screening_row(start="2030-11-05T19:30", end="2030-11-05T21:00", titles="no-such-film"),
    ]

    report = run_import("screenings", csv_of(SCREENINGS, *rows).encode())

    assert {(p.line, p.column, p.message) for p in report.problems} >= {
        (2, "venue", "No venue “nowhere”."),
        (3, "festival", "No festival “cannes-2030”."),
        (4, "titles", "No title “no-such-film”."),
    }
    assert not Screening.objects.exists()


def test_screenings_overlapping_in_the_same_file_names_the_second_row(theatre):
    rows = [screening_row(), screening_row(start="2030-11-03T20:30", end="2030-11-03T22:00", label="Late show")]

    report = run_import("screenings", csv_of(SCREENINGS, *rows).encode())

    assert [p.line for p in report.problems] == [3]
    assert "is already booked" in report.problems[0].message
    assert "“Gala”" in report.problems[0].message
    assert not Screening.objects.exists()


def test_screenings_same_key_twice_names_both_lines(theatre):
    rows = [screening_row(), screening_row(start="2030-11-03T19:30-08:00", label="Again")]

    report = run_import("screenings", csv_of(SCREENINGS, *rows).encode())

    assert [str(p) for p in report.problems] == [
        "line 3, venue, starts_at: “melville / 2030-11-03T19:30-08:00” Same key as line 2."
    ]
    assert not Screening.objects.exists()
