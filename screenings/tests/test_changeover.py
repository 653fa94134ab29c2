"""Issue 18: a room's changeover is part of the overlap rule, and a venue closure blocks the venue
and all its rooms — on every write path (service, admin form, CSV import, grid) and, on
PostgreSQL, in the exclusion constraint."""

import os
import re
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import translation

from catalog.csvio import run_import
from catalog.roles import VIEWER, setup_roles
from catalog.testing import browser_form_data, csv_of, export
from screenings import services
from screenings.models import Screening, Venue, VenueClosure

from .factories import EditionFactory, EpisodeFactory, RoomFactory, ScreeningFactory, TitleFactory, VenueFactory
from .forms import screening_form_data

LA = ZoneInfo("America/Los_Angeles")
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def at(hour, minute=0, day=7):
    return datetime(2030, 11, day, hour, minute, tzinfo=LA)


def new_screening(venue, start, minutes=90, **fields):
    return Screening(venue=venue, starts_at=start, ends_at=start + timedelta(minutes=minutes), **fields)


@pytest.fixture
def room(db):
    """Salle 1 of the Melville Theatre, whose changeover (20 minutes) it takes."""
    theatre = VenueFactory(name="Melville Theatre", slug="melville", changeover=20)
    return RoomFactory(parent=theatre, name="Salle 1", slug="melville-salle-1")


@pytest.fixture
def gala(room):
    """5:30–7:30 pm, so the room is booked until 7:50 pm."""
    return ScreeningFactory(venue=room, starts_at=at(17, 30), ends_at=at(19, 30), label_en="Gala")


def changeover_message(gala, room="Melville Theatre – Salle 1"):
    return (
        f"{room} is booked until 7:50 pm PST including 20 minutes of changeover after “Gala” "
        f"(screening #{gala.pk}, Thursday, November 7, 2030, 5:30 pm to 7:30 pm PST). Choose a later time or "
        "another room."
    )


# The rule --------------------------------------------------------------------------------------


def test_a_room_without_changeover_takes_its_buildings(room, gala):
    assert room.changeover is None
    assert room.changeover_minutes == 20
    assert gala.blocked_until == at(19, 50)


def test_a_rooms_own_changeover_wins_over_its_buildings(room):
    room.changeover = 0
    room.save()

    screening = ScreeningFactory(venue=room, starts_at=at(17, 30), ends_at=at(19, 30))

    assert screening.blocked_until == at(19, 30)


def test_a_building_without_changeover_has_none(db):
    theatre = VenueFactory()
    assert (theatre.changeover, theatre.changeover_minutes) == (None, 0)


def test_a_screening_starting_within_the_changeover_is_refused_saying_so(room, gala):
    with pytest.raises(ValidationError) as error:
        services.save_screening(new_screening(room, at(19, 40)), [EpisodeFactory()])

    assert error.value.messages == [changeover_message(gala)]
    assert Screening.objects.count() == 1


def test_a_screening_right_after_the_changeover_is_allowed(room, gala):
    screening = services.save_screening(new_screening(room, at(19, 50)), [EpisodeFactory()])

    assert screening.blocked_until == at(21, 40)


def test_a_screening_whose_changeover_runs_into_the_next_one_is_refused(room, gala):
    with pytest.raises(ValidationError) as error:
        services.save_screening(new_screening(room, at(15, 50), minutes=90), [EpisodeFactory()])

    assert error.value.messages == [
        (
            "Melville Theatre – Salle 1 is booked until 5:40 pm PST including 20 minutes of changeover after this "
            f"screening, but “Gala” (screening #{gala.pk}) starts at Thursday, November 7, 2030, 5:30 pm. Choose "
            "an earlier time or another room."
        )
    ]
    services.save_screening(new_screening(room, at(15, 40), minutes=90), [EpisodeFactory()])


def test_two_screenings_of_one_save_within_the_changeover_are_refused(room):
    first, second = new_screening(room, at(17, 30), minutes=120), new_screening(room, at(19, 40))

    with pytest.raises(ValidationError, match="including 20 minutes of changeover"):
        services.save_screenings(
            [services.Booking(first, [EpisodeFactory()]), services.Booking(second, [EpisodeFactory()])]
        )
    assert not Screening.objects.exists()


# The write paths ------------------------------------------------------------------------------


def test_the_admin_form_refuses_a_start_within_the_changeover(admin_client, room, gala):
    response = admin_client.post(
        "/admin/screenings/screening/add/", screening_form_data(room, [EpisodeFactory()], "2030-11-07", "19:40")
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [changeover_message(gala)]

    response = admin_client.post(
        "/admin/screenings/screening/add/",
        screening_form_data(room, [EpisodeFactory(runtime_minutes=90)], "2030-11-07", "19:50"),
    )
    assert response.status_code == 302


SCREENINGS = "venue,starts_at,ends_at,titles,label"


def test_the_csv_import_refuses_a_start_within_the_changeover(room, gala, iso_codes):
    TitleFactory(slug="encore", original_title="Encore")

    report = run_import(
        "screenings", csv_of(SCREENINGS, "melville-salle-1,2030-11-07T19:40,2030-11-07T21:00,encore,Encore").encode()
    )

    assert [(p.line, p.message) for p in report.problems] == [(2, changeover_message(gala))]
    report = run_import(
        "screenings", csv_of(SCREENINGS, "melville-salle-1,2030-11-07T19:50,2030-11-07T21:00,encore,Encore").encode()
    )
    assert not report.problems
    assert Screening.objects.count() == 2


def test_the_csv_import_names_the_line_whose_changeover_is_met(room, iso_codes):
    TitleFactory(slug="encore", original_title="Encore")
    rows = [
        "melville-salle-1,2030-11-07T17:30,2030-11-07T19:30,encore,Gala",
        "melville-salle-1,2030-11-07T19:40,2030-11-07T21:00,encore,Encore",
    ]

    report = run_import("screenings", csv_of(SCREENINGS, *rows).encode())

    assert [p.line for p in report.problems] == [3]
    assert "including 20 minutes of changeover after “Gala” (line 2 of this file" in report.problems[0].message
    assert not Screening.objects.exists()


def test_the_grid_refuses_a_move_into_the_changeover_and_takes_one_right_after(admin_client, room, gala):
    edition = EditionFactory()
    gala.edition = edition
    gala.save()
    moved = ScreeningFactory(edition=edition, venue=room, starts_at=at(21), ends_at=at(22))

    response = admin_client.post(
        f"/admin/screenings/edition/{edition.pk}/schedule/",
        {"action": "move", "screening": moved.pk, "version": moved.version, "start": at(19, 40).isoformat()},
    )

    assert response.status_code == 409
    assert response.json()["message"] == changeover_message(gala)
    moved.refresh_from_db()
    assert moved.starts_at == at(21)

    response = admin_client.post(
        f"/admin/screenings/edition/{edition.pk}/schedule/",
        {"action": "move", "screening": moved.pk, "version": moved.version, "start": at(19, 50).isoformat()},
    )
    assert response.status_code == 200, response.json()
    moved.refresh_from_db()
    assert (moved.starts_at, moved.blocked_until) == (at(19, 50), at(21, 10))


# Changing a changeover ---------------------------------------------------------------------------


def test_a_longer_changeover_moves_the_booked_ranges_of_the_upcoming_screenings(room, gala):
    past = ScreeningFactory(
        venue=room, starts_at=at(17, 30, day=1).replace(year=2020), ends_at=at(19, 30, day=1).replace(year=2020)
    )
    building = room.parent
    building.changeover = 30
    building.full_clean()
    building.save()

    gala.refresh_from_db()
    past.refresh_from_db()
    assert gala.blocked_until == at(20)
    assert past.blocked_until == past.ends_at + timedelta(minutes=20)  # history stays as it was


def test_a_changeover_that_would_make_two_screenings_collide_is_refused(room, gala):
    ScreeningFactory(venue=room, starts_at=at(20), ends_at=at(21, 30), label_en="Encore")
    room.changeover = 45

    with pytest.raises(ValidationError) as error:
        room.full_clean()

    assert error.value.message_dict == {
        "changeover": [
            (
                f"With 45 minutes of changeover, “Gala” (screening #{gala.pk}) would keep Melville Theatre – "
                f"Salle 1 until 8:15 pm PST, after “Encore” (screening #{gala.pk + 1}) starts at 8:00 pm PST. Move "
                "one of them first, or choose a shorter changeover."
            )
        ]
    }
    with pytest.raises(ValidationError):
        room.save()  # a path that skips full_clean is refused too
    assert Venue.objects.get(pk=room.pk).changeover is None


def venue_page_data(client, venue, **changes) -> tuple[str, dict]:
    """The venue's change page as a browser posts it back, with ``changes``."""
    url = f"/admin/screenings/venue/{venue.pk}/change/"
    data = browser_form_data(client.get(url).content, "venue_form")
    data.update({name: [value] for name, value in changes.items()})
    return url, data


def test_the_venue_admin_refuses_a_colliding_changeover_on_the_field(admin_client, room, gala):
    ScreeningFactory(venue=room, starts_at=at(20), ends_at=at(21, 30), label_en="Encore")

    response = admin_client.post(*venue_page_data(admin_client, room.parent, changeover="45"))

    assert response.status_code == 200
    assert (
        response.context["adminform"].form.errors["changeover"][0].startswith("With 45 minutes of changeover, “Gala”")
    )
    assert "would keep Melville Theatre – Salle 1 until 8:15 pm PST" in response.content.decode()


def test_the_venues_csv_round_trips_the_changeover(room):
    exported = export("venues")

    assert exported.splitlines()[0].endswith(",capacity,changeover,note")
    assert ",20," in exported.splitlines()[1]


# Closures ----------------------------------------------------------------------------------------


@pytest.fixture
def private_event(room):
    """The whole Melville Theatre, 8–11 pm."""
    return services.save_closure(
        VenueClosure(
            venue=room.parent, starts_at=at(20), ends_at=at(23), reason_en="Private event", reason_fr="Soirée privée"
        )
    )


def test_a_closure_of_the_building_refuses_a_screening_in_one_of_its_rooms(room, private_event):
    with pytest.raises(ValidationError) as error:
        services.save_screening(new_screening(room, at(21)), [EpisodeFactory()])

    assert error.value.messages == [
        (
            "Melville Theatre is closed from Thursday, November 7, 2030, 8:00 pm to 11:00 pm PST (Private event): "
            "choose another time or venue."
        )
    ]


def test_a_screening_whose_changeover_reaches_a_closure_is_refused(room, private_event):
    with pytest.raises(ValidationError, match="is closed"):
        services.save_screening(new_screening(room, at(18), minutes=110), [EpisodeFactory()])

    services.save_screening(new_screening(room, at(18), minutes=100), [EpisodeFactory()])


def test_a_closure_of_a_room_leaves_its_sibling_free(room):
    sibling = RoomFactory(parent=room.parent, name="Salle 2", slug="melville-salle-2")
    services.save_closure(VenueClosure(venue=room, starts_at=at(20), ends_at=at(23), reason_en="Maintenance"))

    services.save_screening(new_screening(sibling, at(21)), [EpisodeFactory()])
    with pytest.raises(ValidationError, match="Salle 1 is closed"):
        services.save_screening(new_screening(room, at(21)), [EpisodeFactory()])


def test_a_closure_over_a_booked_screening_is_refused_naming_it(room, gala):
    with pytest.raises(ValidationError) as error:
        services.save_closure(
            VenueClosure(venue=room.parent, starts_at=at(19), ends_at=at(23), reason_en="Gala dinner")
        )

    assert error.value.messages == [
        (
            f"“Gala” (screening #{gala.pk}) is booked in Melville Theatre – Salle 1 from Thursday, November 7, "
            "2030, 5:30 pm to 7:30 pm PST: move or cancel it before closing Melville Theatre at that time."
        )
    ]
    assert not VenueClosure.objects.exists()


def test_a_closure_is_entered_on_the_venues_page_in_its_time_with_a_history_entry(admin_client, room):
    url, data = venue_page_data(
        admin_client,
        room.parent,
        **{
            "closures-TOTAL_FORMS": "1",
            "closures-0-starts_0": "2030-11-07",
            "closures-0-starts_1": "20:00",
            "closures-0-ends_0": "2030-11-07",
            "closures-0-ends_1": "23:00",
            "closures-0-reason_en": "Private event",
            "closures-0-reason_fr": "Soirée privée",
        },
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    closure = VenueClosure.objects.get()
    assert (closure.venue, closure.starts_at, closure.ends_at) == (room.parent, at(20), at(23))
    entry = LogEntry.objects.filter(object_id=str(room.parent.pk)).latest("pk")
    assert "venue closure" in entry.get_change_message().lower()


def test_a_closure_over_a_booked_screening_is_refused_on_the_venues_page(admin_client, room, gala):
    url, data = venue_page_data(
        admin_client,
        room.parent,
        **{
            "closures-TOTAL_FORMS": "1",
            "closures-0-starts_0": "2030-11-07",
            "closures-0-starts_1": "19:00",
            "closures-0-ends_0": "2030-11-07",
            "closures-0-ends_1": "23:00",
            "closures-0-reason_en": "Gala dinner",
        },
    )

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert f"“Gala” (screening #{gala.pk}) is booked in Melville Theatre – Salle 1" in response.content.decode()
    assert not VenueClosure.objects.exists()


# PostgreSQL ------------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (DATABASE_URL)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_postgres_constraint_refuses_a_start_within_the_changeover_that_skips_the_check(iso_codes):
    theatre = VenueFactory(changeover=20)
    ScreeningFactory(venue=theatre, starts_at=at(17, 30), ends_at=at(19, 30))

    with pytest.raises(IntegrityError, match="screening_no_overlap_in_room"), transaction.atomic():
        new_screening(theatre, at(19, 40)).save()  # straight to the table, no Python check

    new_screening(theatre, at(19, 50)).save()
    assert Screening.objects.count() == 2


# The grid ----------------------------------------------------------------------------------------


@pytest.fixture
def viewer(db):
    setup_roles()
    user = get_user_model().objects.create_user("grid-viewer", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=VIEWER))
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["admin", "viewer"])
def test_the_grid_draws_the_changeover_after_a_block_and_a_buildings_closure_in_each_room(
    who, admin_client, viewer, room, gala, private_event
):
    sibling = RoomFactory(parent=room.parent, name="Salle 2", slug="melville-salle-2")
    edition = EditionFactory()
    gala.edition = edition
    gala.save()
    client = admin_client if who == "admin" else viewer

    page = client.get(f"/admin/screenings/edition/{edition.pk}/schedule/?day=2030-11-07").content.decode()

    # Rows of 5 minutes from 10:00 am: the block ends at 7:30 pm (line 115), the band runs to 7:50 pm (line 119).
    assert re.search(rf'<article class="sg-block gs-91 ge-115 [^"]*" id="screening-{gala.pk}"', page), (
        "the block is drawn from 5:30 pm to 7:30 pm"
    )
    assert (
        f'<div class="sg-changeover gs-115 ge-119" data-changeover-of="{gala.pk}"><span class="visually-hidden">'
        "20 minutes of changeover, until 7:50 pm PST</span></div>"
    ) in page
    band = (
        '<div class="sg-closure gs-121 ge-157"><span class="sg-closure-reason">Closed: Private event</span> '
        '<span class="sg-closure-time">8:00 pm PST – 11:00 pm PST</span></div>'
    )
    assert page.count(band) == 2, "in Salle 1 and Salle 2"
    assert f'data-venue="{sibling.pk}"' in page


def test_the_grid_and_the_messages_speak_french(admin_client, room, gala, private_event):
    edition = EditionFactory()
    gala.edition = edition
    gala.save()

    page = admin_client.get(
        f"/admin/screenings/edition/{edition.pk}/schedule/?day=2030-11-07", HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()

    assert "20 minutes de battement, jusqu’à 19:50 PST" in page
    assert "Fermé : Soirée privée" in page
    with translation.override("fr"), pytest.raises(ValidationError) as error:
        services.save_screening(new_screening(room, at(19, 40)), [EpisodeFactory()])
    assert "est occupé jusqu’à 19:50 PST, dont 20 minutes de battement après « Gala »" in error.value.messages[0]


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (DATABASE_URL)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_postgres_a_buildings_closure_and_a_booking_in_its_room_at_once_exactly_one_wins(iso_codes):
    theatre = VenueFactory(name="Melville Theatre", slug="melville")
    room = RoomFactory(parent=theatre, name="Salle 1", slug="melville-salle-1")
    episode = EpisodeFactory()
    barrier = threading.Barrier(2)
    results = {}

    def run(name, write):
        try:
            with transaction.atomic():
                barrier.wait(timeout=10)
                write()
            results[name] = "saved"
        except ValidationError as error:
            results[name] = error.messages[0]
        finally:
            connection.close()

    def close():
        services.save_closure(VenueClosure(venue=theatre, starts_at=at(20), ends_at=at(23), reason_en="Private event"))

    def book():
        services.save_screening(new_screening(room, at(21), label_en="Gala"), [episode])

    threads = [threading.Thread(target=run, args=args) for args in [("closure", close), ("screening", book)]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results) == ["closure", "screening"]
    assert sorted(results.values()).count("saved") == 1
    assert VenueClosure.objects.count() + Screening.objects.count() == 1
    if results["closure"] == "saved":
        assert "Melville Theatre is closed from" in results["screening"]
    else:
        assert "“Gala”" in results["closure"]


def test_a_rooms_own_changeover_set_to_zero_frees_the_time_after_its_screenings(room, gala):
    room.changeover = 0
    room.full_clean()
    room.save()

    gala.refresh_from_db()
    assert gala.blocked_until == at(19, 30)
    services.save_screening(new_screening(room, at(19, 30)), [EpisodeFactory()])


def test_a_venues_csv_row_with_a_colliding_changeover_is_refused_on_its_column(room, gala, iso_codes):
    ScreeningFactory(venue=room, starts_at=at(20), ends_at=at(21, 30), label_en="Encore")
    header = "slug,name,parent,timezone,changeover"

    report = run_import("venues", csv_of(header, "melville,Melville Theatre,,America/Los_Angeles,45").encode())

    assert [(p.line, p.column) for p in report.problems] == [(2, "changeover")]
    assert "would keep Melville Theatre – Salle 1 until 8:15 pm PST" in report.problems[0].message
    assert Venue.objects.get(slug="melville").changeover == 20


def test_two_rows_of_the_editions_schedule_within_the_changeover_are_refused(admin_client, room):
    edition = EditionFactory()
    title = TitleFactory()
    url = f"/admin/screenings/edition/{edition.pk}/change/"
    data = browser_form_data(admin_client.get(url).content, "edition_form", ("_save", "Save"))
    for row, (start, end, label) in enumerate([("17:30", "19:30", "Gala"), ("19:40", "21:00", "Encore")]):
        data.update(
            {
                f"screenings-{row}-programme": [str(title.pk)],
                f"screenings-{row}-venue": [str(room.pk)],
                f"screenings-{row}-starts_0": ["2030-11-07"],
                f"screenings-{row}-starts_1": [start],
                f"screenings-{row}-ends_0": ["2030-11-07"],
                f"screenings-{row}-ends_1": [end],
                f"screenings-{row}-label_en": [label],
                f"screenings-{row}-status": ["scheduled"],
            }
        )
    data["screenings-TOTAL_FORMS"] = ["2"]

    response = admin_client.post(url, data)

    assert response.status_code == 200
    (formset,) = [i.formset for i in response.context["inline_admin_formsets"] if i.formset.model is Screening]
    assert "including 20 minutes of changeover after “Gala”" in formset.forms[1].non_field_errors()[0]
    assert not Screening.objects.exists()


def test_a_rooms_day_sheet_gives_the_changeover_and_the_closure(admin_client, room, gala, private_event):
    edition = EditionFactory()
    gala.edition = edition
    gala.save()

    page = admin_client.get(
        f"/admin/screenings/edition/{edition.pk}/schedule/?day=2030-11-07&room={room.pk}"
    ).content.decode()

    assert '120 min<br><span class="sg-sheet-changeover">20 minutes of changeover, until 7:50 pm PST</span>' in page
    assert "<li>Closed: Private event, 8:00 pm PST – 11:00 pm PST</li>" in page
