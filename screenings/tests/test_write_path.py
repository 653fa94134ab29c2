"""One write path for the room rule: every way a screening is created or changed (admin form,
edition inline, actions, CSV import, services) goes through ``services.save_screenings``, which
refuses an overlap with the database and within the set it saves; the database constraint is
built from the same statuses as the Python check; duplicate copies every field."""

import re
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from catalog.csvio import run_import
from people.tests.factories import OrganizationFactory
from screenings import services
from screenings.constraints import RoomOverlapConstraint
from screenings.enums import ROOM_BLOCKING_STATUSES, PremiereStatus, ScreeningStatus
from screenings.models import Screening, Section
from tests.adversarial.adminforms import form_data

from .factories import EditionFactory, ScreeningFactory, TitleFactory, VenueFactory
from .forms import screening_form_data

LA = ZoneInfo("America/Los_Angeles")
CONSTRAINT = "screening_no_overlap_in_room"
SCREENINGS_URL = "/admin/screenings/screening/"


def at(day, hour, minute=0):
    return datetime(2030, 11, day, hour, minute, tzinfo=LA)


@pytest.fixture
def room(db):
    return VenueFactory(name="Melville Theatre", slug="melville")


@pytest.fixture
def booked(room):
    """The screening every path below tries to overlap: 7 November 2030, 5:30–7:00 pm PST."""
    return ScreeningFactory(venue=room, starts_at=at(7, 17, 30), ends_at=at(7, 19), label_en="Gala")


def booked_message(booked) -> str:
    return (
        "Melville Theatre is already booked from Thursday, November 7, 2030, 5:30 pm to 7:00 pm PST "
        f"by “Gala” (screening #{booked.pk}). Choose another time or room."
    )


def stored() -> list[tuple]:
    return list(Screening.objects.order_by("pk").values_list("pk", "venue_id", "starts_at", "ends_at", "status"))


def inline_rows(response):
    """The edition page's schedule inline (the second inline, after the sections)."""
    (formset,) = [i.formset for i in response.context["inline_admin_formsets"] if i.formset.model is Screening]
    return formset


def post_edition_with_rows(client, edition, *rows):
    """The edition's change page posted back with ``rows`` as new schedule rows."""
    url = f"/admin/screenings/edition/{edition.pk}/change/"
    data = form_data(client.get(url))
    prefix = "screenings"
    first = int(data[f"{prefix}-TOTAL_FORMS"]) - 1  # the empty extra row
    title = TitleFactory()  # a screening needs at least one title, on the edition page too
    for index, (venue, start, end, label) in enumerate(rows, start=first):
        data.update(
            {
                f"{prefix}-{index}-programme": [str(title.pk)],
                f"{prefix}-{index}-venue": str(venue.pk),
                f"{prefix}-{index}-starts_0": start[0],
                f"{prefix}-{index}-starts_1": start[1],
                f"{prefix}-{index}-starts_2": "",
                f"{prefix}-{index}-ends_0": end[0],
                f"{prefix}-{index}-ends_1": end[1],
                f"{prefix}-{index}-ends_2": "",
                f"{prefix}-{index}-section": "",
                f"{prefix}-{index}-label_en": label,
                f"{prefix}-{index}-status": "scheduled",
                f"{prefix}-{index}-id": "",
                f"{prefix}-{index}-edition": str(edition.pk),
            }
        )
    data[f"{prefix}-TOTAL_FORMS"] = str(first + len(rows))
    return client.post(url, data)


# The edition inline: several rows in one save ---------------------------------------------------


@pytest.mark.django_db
def test_edition_inline_two_overlapping_new_rows_refused_and_nothing_stored(admin_client, room):
    edition = EditionFactory()

    response = post_edition_with_rows(
        admin_client,
        edition,
        (room, ("2030-11-07", "10:00"), ("2030-11-07", "12:00"), "Morning"),
        (room, ("2030-11-07", "11:00"), ("2030-11-07", "13:00"), "Noon"),
    )

    assert response.status_code == 200
    errors = [error for form in inline_rows(response).forms for error in form.non_field_errors()]
    assert errors == [
        (
            "Melville Theatre is already booked from Thursday, November 7, 2030, 10:00 am to 12:00 pm PST "
            "by “Morning” (another screening of this save). Choose another time or room."
        )
    ]
    assert not Screening.objects.exists()


@pytest.mark.django_db
def test_edition_inline_two_new_rows_back_to_back_both_stored_through_the_service(admin_client, room, monkeypatch):
    edition = EditionFactory()
    calls = []
    save_screenings = services.save_screenings
    monkeypatch.setattr(
        services, "save_screenings", lambda bookings: calls.append(bookings) or save_screenings(bookings)
    )

    response = post_edition_with_rows(
        admin_client,
        edition,
        (room, ("2030-11-07", "10:00"), ("2030-11-07", "12:00"), "Morning"),
        (room, ("2030-11-07", "12:00"), ("2030-11-07", "13:00"), "Noon"),
    )

    assert response.status_code == 302
    assert [[b.screening.label_en for b in bookings] for bookings in calls] == [["Morning", "Noon"]]
    assert list(edition.screenings.values_list("label_en", flat=True)) == ["Morning", "Noon"]


# Every write path refuses an overlap, with the same message, and stores nothing ----------------


def by_admin_form(client, room, booked, moved):
    data = screening_form_data(room, [TitleFactory()], "2030-11-07", "18:00", ends=("2030-11-07", "19:30"))
    data["label_en"] = "Late show"
    response = client.post(f"{SCREENINGS_URL}add/", data)
    return list(response.context["adminform"].form.non_field_errors())


def by_edition_inline(client, room, booked, moved):
    response = post_edition_with_rows(
        client, EditionFactory(), (room, ("2030-11-07", "18:00"), ("2030-11-07", "19:30"), "Late show")
    )
    return [error for form in inline_rows(response).forms for error in form.non_field_errors()]


def by_duplicate_action(client, room, booked, moved):
    data = {"action": "duplicate_action", "_selected_action": [moved.pk], "apply": "1", "on_date": "2030-11-07"}
    response = client.post(SCREENINGS_URL, {**data, "venue": room.pk})
    return [str(m) for m in get_messages(response.wsgi_request)]


def by_postpone_action(client, room, booked, moved):
    data = {"action": "postpone_action", "_selected_action": [moved.pk], "apply": "1"}
    response = client.post(SCREENINGS_URL, {**data, "starts_0": "2030-11-07", "starts_1": "18:00", "starts_2": ""})
    return list(response.context["form"].errors["starts"])


def by_csv_import(client, room, booked, moved):
    data = "venue,starts_at,ends_at,label\r\nmelville,2030-11-07T18:00,2030-11-07T19:30,Late show\r\n"
    report = run_import("screenings", data.encode())
    return [problem.message for problem in report.problems]


def by_save_screening(client, room, booked, moved):
    with pytest.raises(ValidationError) as error:
        services.save_screening(Screening(venue=room, starts_at=at(7, 18), ends_at=at(7, 19, 30)), [TitleFactory()])
    return error.value.messages


def by_duplicate(client, room, booked, moved):
    with pytest.raises(ValidationError) as error:
        services.duplicate(moved, date(2030, 11, 7))
    return error.value.messages


def by_postpone(client, room, booked, moved):
    with pytest.raises(ValidationError) as error:
        services.postpone(moved, at(7, 18))
    return error.value.messages


@pytest.mark.django_db
@pytest.mark.parametrize(
    "write",
    [
        by_admin_form,
        by_edition_inline,
        by_duplicate_action,
        by_postpone_action,
        by_csv_import,
        by_save_screening,
        by_duplicate,
        by_postpone,
    ],
    ids=lambda write: write.__name__.removeprefix("by_"),
)
def test_every_write_path_refuses_an_overlap_and_stores_nothing(write, admin_client, room, booked):
    moved = ScreeningFactory(venue=room, starts_at=at(6, 18), ends_at=at(6, 19, 30), label_en="Moved")
    before = stored()

    messages = write(admin_client, room, booked, moved)

    assert messages == [booked_message(booked)]
    assert stored() == before


@pytest.mark.django_db
def test_duplicate_action_two_copies_that_would_share_a_room_refused(admin_client, room):
    first = ScreeningFactory(venue=room, starts_at=at(5, 18), ends_at=at(5, 19, 30), label_en="First")
    second = ScreeningFactory(venue=room, starts_at=at(6, 19), ends_at=at(6, 20, 30), label_en="Second")
    before = stored()

    response = admin_client.post(
        SCREENINGS_URL,
        {
            "action": "duplicate_action",
            "_selected_action": [first.pk, second.pk],
            "apply": "1",
            "on_date": "2030-11-08",
        },
    )

    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        (
            "Melville Theatre is already booked from Friday, November 8, 2030, 6:00 pm to 7:30 pm PST "
            "by “First” (another screening of this save). Choose another time or room."
        )
    ]
    assert stored() == before


@pytest.mark.django_db
def test_save_screenings_refuses_two_of_one_save_naming_the_programme_when_no_label(room):
    untitled = Screening(venue=room, starts_at=at(7, 10), ends_at=at(7, 12))
    film = TitleFactory(original_title="La Haine")
    bookings = [
        services.Booking(untitled, [film]),
        services.Booking(
            Screening(venue=room, starts_at=at(7, 11), ends_at=at(7, 13), label_en="Noon"), [TitleFactory()]
        ),
    ]

    with pytest.raises(ValidationError) as error:
        services.save_screenings(bookings)

    assert error.value.messages == [
        (
            "Melville Theatre is already booked from Thursday, November 7, 2030, 10:00 am to 12:00 pm PST "
            "by “La Haine” (another screening of this save). Choose another time or room."
        )
    ]
    assert not Screening.objects.exists()


@pytest.mark.django_db
def test_save_screenings_a_cancelled_one_of_the_set_does_not_block(room):
    film = TitleFactory()
    bookings = [
        services.Booking(Screening(venue=room, starts_at=at(7, 10), ends_at=at(7, 12), status="cancelled"), [film]),
        services.Booking(Screening(venue=room, starts_at=at(7, 11), ends_at=at(7, 13)), [film]),
    ]

    services.save_screenings(bookings)

    assert Screening.objects.count() == 2


# The statuses: one definition, the Python check and the database constraint --------------------


def overlap_constraint(constraints) -> RoomOverlapConstraint:
    (constraint,) = [c for c in constraints if c.name == CONSTRAINT]
    return constraint


@pytest.mark.django_db
def test_overlap_constraint_statuses_are_the_room_blocking_statuses():
    blocking = {str(status) for status in ROOM_BLOCKING_STATUSES}
    migrated = MigrationLoader(connection).project_state().models["screenings", "screening"].options["constraints"]

    assert overlap_constraint(Screening._meta.constraints).statuses == blocking
    assert overlap_constraint(migrated).statuses == blocking


@pytest.mark.django_db
def test_overlap_constraint_in_postgresql_has_the_room_blocking_statuses():
    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint exists on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = %s", [CONSTRAINT])
        (definition,) = cursor.fetchone()

    # Over the blocked range (end + the room's changeover) since migration 0015.
    assert definition.startswith("EXCLUDE USING gist (venue_id WITH =, tstzrange(starts_at, blocked_until, '[)'")
    condition = definition.split(" WHERE ", 1)[1]
    assert set(re.findall(r"'([^']*)'", condition)) == {str(status) for status in ROOM_BLOCKING_STATUSES}


def test_overlap_constraint_writes_no_sql_outside_postgresql():
    editor = SimpleNamespace(connection=SimpleNamespace(vendor="sqlite"))
    constraint = overlap_constraint(Screening._meta.constraints)

    assert (constraint.create_sql(Screening, editor), constraint.remove_sql(Screening, editor)) == (None, None)
    assert constraint.constraint_sql(Screening, editor) is None


# Duplicate copies every field -------------------------------------------------------------------

#: Fields a copy does not take from its original (identity, bookkeeping, derived, history) and
#: the ones duplicate sets (the times). Every other concrete field must be equal: one added
#: later is compared here without touching this test.
NOT_COMPARED = {"id", "uid", "version", "created", "updated", "local_date", "status", "previous_starts_at"}
SET_BY_DUPLICATE = {"starts_at", "ends_at", "blocked_until"}


@pytest.mark.django_db
def test_duplicate_copies_every_concrete_field_and_many_to_many(room):
    edition = EditionFactory()
    section = Section.objects.create(edition=edition, name_en="Classics")
    titles = [TitleFactory(original_title="Zulu"), TitleFactory(original_title="Alpha")]
    original = ScreeningFactory(
        venue=room,
        edition=edition,
        section=section,
        starts_at=at(3, 17, 30),
        ends_at=at(3, 19, 35),
        previous_starts_at=at(2, 17, 30),
        status=ScreeningStatus.POSTPONED,
        label_en="Episodes 1 & 2",
        label_fr="Épisodes 1 et 2",
        premiere=PremiereStatus.NATIONAL,
        language_id="fr",
        subtitle_language_id="en",
        note="Q&A with the director",
        ticket_url="https://example.org/tickets",
        price=Decimal("12.50"),
        currency="USD",
        titles=titles,
    )
    original.partners.set([OrganizationFactory(), OrganizationFactory()])
    original = Screening.objects.get(pk=original.pk)

    copy = Screening.objects.get(pk=services.duplicate(original, date(2030, 11, 4)).pk)

    compared = [f for f in Screening._meta.concrete_fields if f.name not in NOT_COMPARED | SET_BY_DUPLICATE]
    assert {f.attname: getattr(copy, f.attname) for f in compared} == {
        f.attname: getattr(original, f.attname) for f in compared
    }
    assert (copy.local_start.strftime("%Y-%m-%d %H:%M"), copy.duration) == ("2030-11-04 17:30", original.duration)
    assert (copy.status, copy.previous_starts_at, copy.version) == (ScreeningStatus.SCHEDULED, None, 1)
    assert copy.uid != original.uid
    assert copy.title_list() == titles  # in programme order, not alphabetical
    for field in Screening._meta.many_to_many:
        assert set(getattr(copy, field.name).all()) == set(getattr(original, field.name).all()), field.name


@pytest.mark.django_db
def test_postpone_keeps_the_programme_order(room):
    titles = [TitleFactory(original_title="Zulu"), TitleFactory(original_title="Alpha")]
    screening = ScreeningFactory(venue=room, starts_at=at(3, 17, 30), ends_at=at(3, 19), titles=titles)

    services.postpone(Screening.objects.get(pk=screening.pk), at(4, 20))

    assert Screening.objects.get(pk=screening.pk).title_list() == titles
