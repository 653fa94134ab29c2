"""The calendar writer (plain text from ``.values()`` rows) gives the same bytes as the icalendar
objects built from model instances that it replaced (``ical_reference``), and a constant number
of queries."""

import re
from datetime import UTC, datetime

import pytest
from django.utils import translation

from catalog.enums import LocalizedTitleKind
from catalog.tests.factories import EpisodeFactory, LocalizedTitleFactory, SeasonFactory, TitleFactory
from screenings.enums import PremiereStatus, ScreeningStatus
from screenings.models import Edition, Screening, Venue

from . import ical_reference
from .factories import EditionFactory, ScreeningFactory, VenueFactory

NOW = datetime(2030, 10, 1, 12, 0, tzinfo=UTC)
HOSTILE = 'Comma, semicolon; back\\slash \\N "quotes"\nnew line\r\nand CR\r'
# Names also become calendar names (X-WR-CALNAME), where the old writer failed on a line break.
HOSTILE_NAME = 'Comma, semicolon; back\\slash \\N "quotes"'
LONG = "Ça tourne à l'Œuvre — " * 6 + "日本語の題名"


def at(hour_utc: int, day: int, month: int = 11, minute: int = 0) -> datetime:
    return datetime(2030, month, day, hour_utc, minute, tzinfo=UTC)


@pytest.fixture
def hostile_edition(db, time_machine):
    time_machine.move_to(NOW, tick=False)
    edition = EditionFactory(name=f"Festival; {LONG}, \\o/", starts_on=datetime(2030, 10, 20).date())
    la = VenueFactory(slug="la", name="L.A., \\Theatre", address="1 Main St; Suite 2", postcode="90001")
    la.latitude, la.longitude = 34.0522, -118.2437
    la.save()
    room = VenueFactory(slug="la-room", parent=la, name=LONG)
    paris = VenueFactory(slug="paris", timezone="Europe/Paris", city="Paris", country_id="FR", name="Grand Écran")
    utc = VenueFactory(slug="utc", timezone="UTC", name="Greenwich")
    film = TitleFactory(original_title=HOSTILE_NAME)
    LocalizedTitleFactory(title=film, language_id="fr", text=f"Le film, {LONG}")
    LocalizedTitleFactory(title=film, language_id="en", kind=LocalizedTitleKind.FESTIVAL, text="Festival name")
    season = SeasonFactory(parent__original_title=LONG)
    LocalizedTitleFactory(title=season.parent, language_id="en", text="The Series; in English")
    episodes = [EpisodeFactory(parent=season, original_title=t) for t in ("", "Pilot, part 1")]
    other = TitleFactory(original_title="Other")
    draft = TitleFactory(original_title="Draft", published_at=None)
    screenings = [
        # LA's fall-back night: the second 1:30 am (UTC), then the first.
        ScreeningFactory(venue=room, edition=edition, starts_at=at(9, 3, minute=30), ends_at=at(11, 3), titles=[film]),
        ScreeningFactory(
            venue=la, edition=edition, starts_at=at(8, 3, minute=30), ends_at=at(9, 3), titles=episodes, note=HOSTILE
        ),
        # Paris: a night ending at the second 2:40 am of 27 October 2030.
        ScreeningFactory(
            venue=paris,
            edition=edition,
            starts_at=at(23, 26, month=10),
            ends_at=at(1, 27, month=10, minute=40),
            titles=[film, other, draft],
            label_en=HOSTILE_NAME,
            label_fr=LONG,
            premiere=PremiereStatus.choices[0][0],
        ),
        ScreeningFactory(
            venue=utc, edition=edition, starts_at=at(20, 5), ends_at=at(22, 5), titles=[], label_en="", label_fr="Nuit"
        ),
        ScreeningFactory(
            venue=la,
            edition=edition,
            starts_at=at(20, 6),
            ends_at=at(22, 6),
            titles=[draft],
            status=ScreeningStatus.CANCELLED,
        ),
        ScreeningFactory(venue=paris, starts_at=at(18, 7), ends_at=at(20, 7), titles=[episodes[1]], label_en=""),
    ]
    return edition, screenings, film, season


def reference_calendars():
    """(url, the old writer's bytes) of every calendar of the data, in each language."""
    for language in ("en", "fr"):
        with translation.override(language):
            yield from _reference(language)


def _reference(language):
    published = Screening.objects.public().order_by("starts_at", "pk")
    for edition in Edition.objects.all():
        yield f"/{language}/festivals/{edition.slug}.ics", published.filter(edition=edition), str(edition)
    for venue in Venue.objects.filter(parent=None):
        yield f"/{language}/venues/{venue.slug}.ics", published.filter(venue__in=venue.with_rooms()), venue.name
    for screening in published:
        yield f"/{language}/screenings/{screening.pk}.ics", [screening], ical_reference.event_summary(screening)
    for screening in published:
        for title in screening.titles.all():
            while title is not None:
                name = f"Screenings: {title.full_title()}" if language == "en" else None
                if name:
                    titled = published.filter(pk__in=Screening.objects.for_title(title).values("pk"))
                    yield f"/{language}/titles/{title.slug}/screenings.ics", titled, name
                title = title.parent


def assert_same_bytes_as_the_old_writer(client):
    compared = 0
    for url, screenings, name in list(reference_calendars()):
        response = client.get(url)
        language = url.split("/")[1]
        with translation.override(language):
            expected = ical_reference.calendar_bytes(screenings, response.wsgi_request, name)
        assert response.content == expected, url
        compared += 1
    return compared


def test_writer_gives_the_old_bytes_on_hostile_text_and_clock_changes(hostile_edition, client):
    compared = assert_same_bytes_as_the_old_writer(client)

    text = client.get(f"/en/festivals/{hostile_edition[0].slug}.ics").content.decode()
    # The sixth screening is of no edition, the fifth shows a draft title only (hidden).
    assert text.count("BEGIN:VEVENT") == 4
    assert compared >= 20


@pytest.mark.time_machine(datetime(2021, 11, 1, tzinfo=UTC), tick=False)
def test_writer_gives_the_old_bytes_on_the_demo(demo, client):
    assert assert_same_bytes_as_the_old_writer(client) >= 10


@pytest.mark.parametrize("count", [1, 3])
def test_festival_calendar_queries_do_not_grow_with_screenings(count, db, client, django_assert_num_queries):
    edition = EditionFactory()
    season = SeasonFactory()
    for day in range(count):
        ScreeningFactory(
            edition=edition,
            starts_at=datetime(2030, 11, 2 + day, 18, tzinfo=UTC),
            titles=[EpisodeFactory(parent=season)],
        )

    # The edition; the screenings with venue, room's building and edition; their published titles
    # with parent and grandparent; the titles' names in the visitor's language.
    with django_assert_num_queries(4):
        response = client.get(f"/en/festivals/{edition.slug}.ics")

    assert response.content.decode().count("BEGIN:VEVENT") == count


def test_a_line_break_in_a_calendar_name_is_written_escaped(db, client):
    screening = ScreeningFactory(titles=[TitleFactory(original_title="Two\nlines")], label_en="")

    text = client.get(f"/en/screenings/{screening.pk}.ics").content.decode()

    assert "X-WR-CALNAME:Two\\nlines\r\n" in text
    assert "SUMMARY:Two\\nlines\r\n" in text


def test_venue_calendar_holds_the_last_30_days_and_what_is_to_come(db, client, time_machine):
    time_machine.move_to(NOW, tick=False)
    venue = VenueFactory(slug="scoped")
    kept = [
        ScreeningFactory(venue=venue, starts_at=datetime(2030, 9, 2, 18, tzinfo=UTC), ends_at=at(20, 2, month=9)),
        ScreeningFactory(
            venue=venue, starts_at=datetime(2031, 5, 1, 18, tzinfo=UTC), ends_at=datetime(2031, 5, 1, 20, tzinfo=UTC)
        ),
    ]
    ScreeningFactory(venue=venue, starts_at=datetime(2030, 8, 31, 18, tzinfo=UTC), ends_at=at(20, 31, month=8))

    text = client.get("/en/venues/scoped.ics").content.decode()

    assert re.findall(r"UID:(\S+)@affiche", text) == [str(s.uid) for s in kept]
