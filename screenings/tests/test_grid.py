"""The programme grid (issue 18): the day tab is drawn from a constant number of queries, blocks
sit at their real length (DST nights included), and every move or creation goes through the one
write path (``services.save_screenings``) with its messages, a version check and the History."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from catalog.roles import EDITOR, PROGRAMMER, VIEWER
from screenings import grid
from screenings.enums import ScreeningStatus
from screenings.models import Screening

from .factories import EditionFactory, RoomFactory, ScreeningFactory, TitleFactory, VenueFactory

LA = ZoneInfo("America/Los_Angeles")
UTC = ZoneInfo("UTC")


def url(edition, **query):
    address = f"/admin/screenings/edition/{edition.pk}/schedule/"
    if query:
        address += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return address


def at(day, hour, minute=0, fold=0):
    return datetime(2030, 11, day, hour, minute, tzinfo=LA, fold=fold)


@pytest.fixture
def edition(db):
    return EditionFactory(starts_on=date(2030, 11, 1), ends_on=date(2030, 11, 10))


@pytest.fixture
def theatre(db):
    return VenueFactory(name="Melville Theatre", slug="melville")


def rooms_of(theatre, count):
    return [
        RoomFactory(parent=theatre, name=f"Salle {n}", slug=f"{theatre.slug}-salle-{n}") for n in range(1, count + 1)
    ]


def fill(edition, rooms, per_room, day=3):
    """``per_room`` screenings in each room on ``day``, each with two titles and a section."""
    section = edition.sections.create(name_en="Classics", colour="#8c1c13")
    for room in rooms:
        for n in range(per_room):
            start = at(day, 10) + timedelta(hours=2 * n)
            ScreeningFactory(
                edition=edition,
                venue=room,
                section=section,
                starts_at=start,
                ends_at=start + timedelta(minutes=100),
                titles=[TitleFactory(), TitleFactory()],
            )


def day_queries(client, edition, day="2030-11-03") -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(edition, day=day))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize(("rooms", "per_room"), [(1, 1), (3, 3)])
def test_a_day_tab_query_count_is_constant(admin_client, django_assert_num_queries, edition, theatre, rooms, per_room):
    fill(edition, rooms_of(theatre, rooms), per_room)

    # session, user, edition, rooms (edition_venues), day counts, screenings (sections annotated),
    # their titles, closures
    with django_assert_num_queries(8):
        html = admin_client.get(url(edition, day="2030-11-03")).content.decode()

    assert html.count('<article class="sg-block') == rooms * per_room
    assert html.count('class="sg-col"') == rooms


@pytest.mark.django_db
def test_a_day_tab_costs_the_same_queries_whatever_the_number_of_rooms_and_screenings(admin_client, edition, theatre):
    fill(edition, rooms_of(theatre, 1), 1)
    small = day_queries(admin_client, edition)
    other = EditionFactory(
        festival=edition.festival, year=2031, starts_on=date(2030, 11, 1), ends_on=date(2030, 11, 10)
    )
    fill(other, rooms_of(VenueFactory(name="Le Grand Rex", slug="rex"), 3), 4)

    assert day_queries(admin_client, other) == small


@pytest.mark.django_db
def test_the_grid_has_a_tab_per_day_a_column_per_room_grouped_by_venue_and_every_block_links_to_its_form(
    admin_client, edition, theatre
):
    first, second = rooms_of(theatre, 2)
    other = RoomFactory(name="Salle A", slug="rex-a", parent=VenueFactory(name="Le Grand Rex", slug="rex"))
    shown = ScreeningFactory(edition=edition, venue=first, starts_at=at(3, 19), ends_at=at(3, 20, 30), label_en="Gala")
    ScreeningFactory(edition=edition, venue=other, starts_at=at(4, 19), ends_at=at(4, 20, 30), label_en="Other day")

    html = admin_client.get(url(edition, day="2030-11-03")).content.decode()

    assert len(re.findall(r'<a href="\?day=2030-11-\d\d"', html)) == 10
    places = re.findall(r'<h3 class="sg-place-name">([^<]+)</h3>', html)
    assert places == ["Le Grand Rex", "Melville Theatre"]
    assert re.findall(r'<h4 class="sg-room">([^<]+)</h4>', html) == ["Salle A", "Salle 1", "Salle 2"]
    assert f'href="/admin/screenings/screening/{shown.pk}/change/"' in html
    assert "7:00 pm – 8:30 pm PST" in html
    assert "Other day" not in html
    assert second.pk
    assert f'data-venue="{second.pk}"' in html


@pytest.mark.django_db
def test_fall_back_night_shows_the_repeated_hour_twice_and_an_overnight_block_at_its_real_length(edition, theatre):
    # 3 November 2030: clocks go back at 2:00 PDT to 1:00 PST in Los Angeles.
    night = ScreeningFactory(
        edition=edition, venue=theatre, starts_at=at(2, 23), ends_at=at(3, 2, 30), label_en="All-nighter"
    )
    day = grid.day_grid(edition, date(2030, 11, 2))
    labels = [t.label for t in day.ticks]
    assert "1:30 am PDT" in labels
    assert "1:30 am PST" in labels
    assert labels.index("1:30 am PST") - labels.index("1:30 am PDT") == 2  # one hour later, not zero
    (block,) = day.columns[0].blocks
    assert block.screening == night
    assert (block.row_end - block.row_start) * grid.STEP == 4.5 * 60  # 11 pm to 2:30 am is 4 h 30 of real time
    assert any("Clocks go back" in t.note for t in day.ticks)


@pytest.mark.django_db
def test_spring_forward_night_has_no_row_for_the_skipped_hour_and_says_so(theatre):
    # 10 March 2030: 2:00 PST becomes 3:00 PDT.
    spring = EditionFactory(starts_on=date(2030, 3, 9), ends_on=date(2030, 3, 10))
    start = datetime(2030, 3, 9, 23, 0, tzinfo=LA)
    ScreeningFactory(edition=spring, venue=theatre, starts_at=start, ends_at=start.astimezone(UTC) + timedelta(hours=4))
    day = grid.day_grid(spring, date(2030, 3, 9))
    labels = [t.label for t in day.ticks]
    assert "1:30 am PST" in labels
    assert "3:00 am PDT" in labels
    assert not any(label.startswith("2:") and " am " in label for label in labels)
    assert labels.index("3:00 am PDT") - labels.index("1:30 am PST") == 1
    assert any("skipped" in t.note for t in day.ticks)
    (block,) = day.columns[0].blocks
    assert (block.row_end - block.row_start) * grid.STEP == 4 * 60


def move(client, edition, screening, **data):
    data = {"action": "move", "screening": screening.pk, "version": screening.version, **data}
    return client.post(url(edition), data)


@pytest.mark.django_db
def test_a_move_to_another_room_and_time_goes_through_the_write_path_with_a_history_entry(
    admin_client, edition, theatre
):
    first, second = rooms_of(theatre, 2)
    screening = ScreeningFactory(edition=edition, venue=first, starts_at=at(3, 19), ends_at=at(3, 20, 30))

    response = move(admin_client, edition, screening, venue=second.pk, start=at(3, 21).isoformat())

    assert response.status_code == 200, response.json()
    screening.refresh_from_db()
    assert (screening.venue, screening.starts_at, screening.ends_at) == (second, at(3, 21), at(3, 22, 30))
    entry = LogEntry.objects.get(object_id=str(screening.pk))
    assert entry.get_change_message() == "Changed Venue or room, Starts and Ends."
    assert '"kind": "grid"' in entry.change_message


@pytest.mark.django_db
def test_a_move_onto_another_screening_is_refused_with_the_forms_message(admin_client, edition, theatre):
    booked = ScreeningFactory(
        edition=edition, venue=theatre, starts_at=at(3, 17, 30), ends_at=at(3, 19), label_en="Gala"
    )
    moved = ScreeningFactory(edition=edition, venue=theatre, starts_at=at(3, 20), ends_at=at(3, 21, 30))

    response = move(admin_client, edition, moved, start=at(3, 18).isoformat())

    assert response.status_code == 409
    assert response.json()["message"] == (
        "Melville Theatre is already booked from Sunday, November 3, 2030, 5:30 pm to 7:00 pm PST "
        f"by “Gala” (screening #{booked.pk}). Choose another time or room."
    )
    moved.refresh_from_db()
    assert moved.starts_at == at(3, 20)


@pytest.mark.django_db
def test_a_move_outside_the_edition_or_to_a_skipped_time_is_refused(admin_client, theatre):
    spring = EditionFactory(starts_on=date(2030, 3, 8), ends_on=date(2030, 3, 10))
    start = datetime(2030, 3, 9, 20, tzinfo=LA)
    screening = ScreeningFactory(edition=spring, venue=theatre, starts_at=start, ends_at=start + timedelta(hours=1))

    outside = move(admin_client, spring, screening, start=(start + timedelta(days=5)).isoformat())
    skipped = move(admin_client, spring, screening, start_local="2030-03-10T02:30")

    assert outside.status_code == 409
    assert "outside" in outside.json()["message"]
    assert skipped.status_code == 409
    assert skipped.json()["message"].startswith("02:30 does not exist in America/Los_Angeles on 2030-03-10")
    screening.refresh_from_db()
    assert screening.starts_at == start


@pytest.mark.django_db
def test_a_stale_move_is_refused_with_the_version_message(admin_client, edition, theatre):
    screening = ScreeningFactory(edition=edition, venue=theatre, starts_at=at(3, 19), ends_at=at(3, 20))
    loaded = screening.version
    assert move(admin_client, edition, screening, start=at(3, 21).isoformat()).status_code == 200

    screening.version = loaded  # the other programmer's grid still shows the first version
    response = move(admin_client, edition, screening, start=at(3, 15).isoformat())

    assert response.status_code == 409
    assert response.json()["message"].startswith("Someone else changed this screening while you had the grid open")
    screening.refresh_from_db()
    assert screening.starts_at == at(3, 21)


@pytest.mark.django_db
def test_dragging_the_lower_edge_changes_the_end_only(admin_client, edition, theatre):
    screening = ScreeningFactory(edition=edition, venue=theatre, starts_at=at(3, 19), ends_at=at(3, 20))
    assert move(admin_client, edition, screening, end=at(3, 20, 45).isoformat()).status_code == 200
    screening.refresh_from_db()
    assert (screening.starts_at, screening.ends_at) == (at(3, 19), at(3, 20, 45))


@pytest.mark.django_db
def test_create_in_an_empty_slot_takes_the_end_from_the_runtimes(admin_client, edition, theatre):
    titles = [TitleFactory(runtime_minutes=45), TitleFactory(runtime_minutes=50)]
    response = admin_client.post(
        url(edition),
        {"action": "create", "venue": theatre.pk, "start": at(5, 18).isoformat(), "titles": [t.pk for t in titles]},
    )
    assert response.status_code == 200, response.json()
    created = Screening.objects.get(pk=response.json()["screening"])
    assert (created.edition, created.venue, created.ends_at) == (edition, theatre, at(5, 19, 35))
    assert created.title_list() == titles
    assert LogEntry.objects.filter(object_id=str(created.pk)).exists()

    again = admin_client.post(
        url(edition), {"action": "create", "venue": theatre.pk, "start": at(5, 18).isoformat(), "titles": []}
    )
    assert again.status_code == 409
    assert again.json()["message"] == "Choose at least one title shown."


@pytest.fixture
def staff(db):
    from catalog.roles import setup_roles

    setup_roles()
    made = {}
    for role in (EDITOR, PROGRAMMER, VIEWER):
        user = get_user_model().objects.create_user(f"grid-{role}", password="x", is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        client = Client()
        client.force_login(user)
        made[role] = client
    return made


@pytest.mark.django_db
def test_programmers_move_and_the_other_roles_read_the_grid_only(staff, edition, theatre):
    screening = ScreeningFactory(edition=edition, venue=theatre, starts_at=at(3, 19), ends_at=at(3, 20))
    for role, client in staff.items():
        page = client.get(url(edition, day="2030-11-03"))
        assert page.status_code == 200, role
        html = page.content.decode()
        screening.refresh_from_db()
        response = move(client, edition, screening, start=at(3, 21 if role == PROGRAMMER else 22).isoformat())
        if role == PROGRAMMER:
            assert 'data-may-move="1"' in html
            assert 'class="sg-pick"' in html
            assert response.status_code == 200
        else:
            assert "data-may-move" not in html, role
            assert 'class="sg-pick"' not in html, role
            assert response.status_code == 403, role
    screening.refresh_from_db()
    assert screening.starts_at == at(3, 21)


@pytest.mark.django_db
def test_cancelled_is_struck_through_postponed_is_marked_and_a_room_has_its_day_sheet(admin_client, edition, theatre):
    ScreeningFactory(
        edition=edition,
        venue=theatre,
        starts_at=at(3, 19),
        ends_at=at(3, 20),
        label_en="Gone",
        status=ScreeningStatus.CANCELLED,
    )
    ScreeningFactory(
        edition=edition,
        venue=theatre,
        starts_at=at(3, 21),
        ends_at=at(3, 22),
        label_en="Later",
        status=ScreeningStatus.POSTPONED,
    )
    html = admin_client.get(url(edition, day="2030-11-03")).content.decode()
    assert "<s>Gone</s>" in html
    assert "Postponed" in html

    sheet = admin_client.get(url(edition, day="2030-11-03", room=theatre.pk)).content.decode()
    assert re.search(r"<td>7:00 pm PST</td>.*<s>Gone</s>.*<td>9:00 pm PST</td>.*Later", sheet, re.S)


def test_the_stylesheet_has_a_class_for_every_grid_line():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[1] / "static" / "screenings" / "grid.css").read_text()
    for n in range(1, grid.MAX_ROWS + 2):
        assert f".gs-{n}{{" in css or n == grid.MAX_ROWS + 1
        assert f".ge-{n}{{" in css


@pytest.mark.django_db
def test_the_edition_links_to_its_grid(admin_client, edition):
    change = admin_client.get(f"/admin/screenings/edition/{edition.pk}/change/").content.decode()
    changelist = admin_client.get("/admin/screenings/edition/").content.decode()
    assert url(edition) in change
    assert url(edition) in changelist


@pytest.mark.django_db
def test_the_grid_speaks_french(admin_client, edition, theatre):
    ScreeningFactory(edition=edition, venue=theatre, starts_at=at(3, 19), ends_at=at(3, 20, 30), label_en="Gala")
    html = admin_client.get(url(edition, day="2030-11-03"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Grille du programme de" in html
    assert "Feuille du jour" in html
    assert "19:00 – 20:30 PST" in html
    assert "dimanche 3 novembre 2030" in html
    assert "Drag a screening" not in html


@pytest.mark.django_db
def test_without_javascript_a_rooms_add_link_opens_the_form_with_the_edition_and_room(admin_client, edition, theatre):
    ScreeningFactory(edition=edition, venue=theatre, starts_at=at(3, 19), ends_at=at(3, 20, 30))
    html = admin_client.get(url(edition, day="2030-11-03")).content.decode()
    (add,) = re.findall(r'<a class="sg-add" href="([^"]+)"', html)
    form = admin_client.get(add.replace("&amp;", "&")).context["adminform"].form
    assert str(form["edition"].value()) == str(edition.pk)
    assert str(form["venue"].value()) == str(theatre.pk)
