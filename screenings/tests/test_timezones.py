from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from screenings.enums import AmbiguousChoice
from screenings.forms import ScreeningForm
from screenings.localtime import make_local_aware, validate_timezone
from screenings.models import Screening

from .factories import EpisodeFactory, VenueFactory
from .forms import screening_form_data

UTC = ZoneInfo("UTC")

#: The five screenings of reference document 000 as written, and what they are in UTC.
WRITTEN = [
    ("Wednesday, November 3, 2021, 9:00 am – 10:30 am PDT", "2021-11-03T16:00:00+00:00", "2021-11-03T17:30:00+00:00"),
    ("Thursday, November 4, 2021, 11:00 am – 12:30 pm PDT", "2021-11-04T18:00:00+00:00", "2021-11-04T19:30:00+00:00"),
    ("Friday, November 5, 2021, 1:00 pm – 2:30 pm PDT", "2021-11-05T20:00:00+00:00", "2021-11-05T21:30:00+00:00"),
    ("Saturday, November 6, 2021, 3:00 pm – 4:30 pm PDT", "2021-11-06T22:00:00+00:00", "2021-11-06T23:30:00+00:00"),
    # After the end of daylight-saving time (2:00 am that Sunday): UTC−8.
    ("Sunday, November 7, 2021, 5:30 pm – 7:35 pm PST", "2021-11-08T01:30:00+00:00", "2021-11-08T03:35:00+00:00"),
]


def test_demo_screenings_at_the_written_local_times(demo, settings):
    settings.TIME_ZONE = "Europe/Paris"  # the server's zone plays no part
    screenings = list(Screening.objects.for_schedule().order_by("starts_at"))

    assert [
        (s.when_label(), s.starts_at.astimezone(UTC).isoformat(), s.ends_at.astimezone(UTC).isoformat())
        for s in screenings
    ] == WRITTEN
    assert [s.local_date.isoformat() for s in screenings] == [f"2021-11-0{d}" for d in range(3, 8)]
    assert {s.label for s in screenings} == {"Episodes 1 & 2"}
    assert [s.programme_title() for s in screenings] == ["The Opera – Season 1"] * 5


def test_demo_screenings_in_french(demo, client):
    response = client.get("/fr/festivals/colcoa-2021/")

    text = response.content.decode()
    for day, hours in [
        ("mercredi 3 novembre 2021", "09:00 – 10:30 PDT"),
        ("jeudi 4 novembre 2021", "11:00 – 12:30 PDT"),
        ("vendredi 5 novembre 2021", "13:00 – 14:30 PDT"),
        ("samedi 6 novembre 2021", "15:00 – 16:30 PDT"),
        ("dimanche 7 novembre 2021", "17:30 – 19:35 PST"),
    ]:
        assert day in text
        assert hours in text
    assert "Épisodes 1 et 2" in text


def test_spring_forward_gap_time_is_rejected():
    with pytest.raises(ValidationError) as error:
        make_local_aware(datetime(2021, 3, 14, 2, 30), "America/Los_Angeles")

    assert error.value.code == "nonexistent"
    message = error.value.messages[0]
    assert "02:30 does not exist in America/Los_Angeles on 2021-03-14" in message
    assert "from PST to PDT" in message


def test_fall_back_time_asks_which_one_then_takes_either():
    naive = datetime(2021, 11, 7, 1, 30)
    with pytest.raises(ValidationError) as error:
        make_local_aware(naive, "America/Los_Angeles")
    assert error.value.code == "ambiguous"
    assert "PDT, UTC−07:00" in error.value.messages[0]
    assert "PST, UTC−08:00" in error.value.messages[0]

    first = make_local_aware(naive, "America/Los_Angeles", AmbiguousChoice.EARLIER)
    second = make_local_aware(naive, "America/Los_Angeles", AmbiguousChoice.LATER)

    assert first.astimezone(UTC).isoformat() == "2021-11-07T08:30:00+00:00"
    assert second.astimezone(UTC).isoformat() == "2021-11-07T09:30:00+00:00"
    assert second - first == timedelta(hours=1)


@pytest.mark.django_db
def test_admin_form_rejects_gap_and_asks_on_fall_back():
    venue = VenueFactory()
    episodes = [EpisodeFactory(runtime_minutes=45), EpisodeFactory(runtime_minutes=45)]

    gap = ScreeningForm(data=screening_form_data(venue, episodes, "2021-03-14", "02:30"))
    assert not gap.is_valid()
    assert "does not exist in America/Los_Angeles" in gap.errors["starts"][0]

    ambiguous = ScreeningForm(data=screening_form_data(venue, episodes, "2021-11-07", "01:30"))
    assert not ambiguous.is_valid()
    assert "happens twice" in ambiguous.errors["starts"][0]

    chosen = ScreeningForm(data=screening_form_data(venue, episodes, "2021-11-07", "01:30", AmbiguousChoice.LATER))
    assert chosen.is_valid(), chosen.errors
    screening = chosen.save()
    assert screening.starts_at.astimezone(UTC).isoformat() == "2021-11-07T09:30:00+00:00"
    # The end is the summed runtimes (2 × 45 min) of elapsed time: 3:00 am PST.
    assert screening.local_end.strftime("%H:%M %Z") == "03:00 PST"
    assert [t.pk for t in screening.titles.order_by("screening_titles__order")] == [e.pk for e in episodes]

    # Editing it again shows the same wall time and the same choice.
    again = ScreeningForm(instance=screening)
    assert tuple(again.initial["starts"]) == (datetime(2021, 11, 7, 1, 30), AmbiguousChoice.LATER)
    # ... and renders them so: date, time and choice each in its own box (not the tuple split in two).
    html = str(again["starts"])
    assert 'name="starts_0" value="2021-11-07"' in html
    assert 'name="starts_1" value="01:30"' in html
    assert '<option value="later" selected>' in html


@pytest.mark.django_db
def test_venue_zone_differs_from_server_zone(settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    venue = VenueFactory(timezone="Europe/Paris", city="Paris", country_id="FR")
    film = EpisodeFactory(runtime_minutes=100)

    form = ScreeningForm(data=screening_form_data(venue, [film], "2030-07-14", "21:00"))
    assert form.is_valid(), form.errors
    screening = form.save()

    assert screening.starts_at.astimezone(UTC).isoformat() == "2030-07-14T19:00:00+00:00"
    assert screening.local_start.strftime("%H:%M %Z") == "21:00 CEST"
    assert screening.local_end.strftime("%H:%M") == "22:40"
    assert screening.local_date.isoformat() == "2030-07-14"


@pytest.mark.parametrize("value", ["PST", "+02:00", "Mars/Olympus", "", "los angeles"])
def test_invalid_time_zone_refused(value):
    with pytest.raises(ValidationError):
        validate_timezone(value)


@pytest.mark.parametrize("value", ["America/Los_Angeles", "Europe/Paris", "UTC"])
def test_valid_time_zone_accepted(value):
    validate_timezone(value)


@pytest.mark.django_db
def test_end_computed_in_elapsed_time_across_fall_back():
    venue = VenueFactory()
    film = EpisodeFactory(runtime_minutes=120)

    # 00:30 PDT + 2 hours of film = 01:30 PST (the second 1:30), not 02:30.
    form = ScreeningForm(data=screening_form_data(venue, [film], "2021-11-07", "00:30"))
    assert form.is_valid(), form.errors
    screening = form.save()

    assert screening.duration == timedelta(hours=2)
    assert screening.local_end.strftime("%H:%M %Z") == "01:30 PST"
