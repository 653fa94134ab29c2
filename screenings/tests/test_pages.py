import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from catalog import extensions
from catalog.testing import section_queries
from screenings import services
from screenings.models import Screening

from .factories import EditionFactory, EpisodeFactory, ScreeningFactory, TitleFactory, VenueFactory

LA = ZoneInfo("America/Los_Angeles")
UTC = ZoneInfo("UTC")


def jsonld_blocks(response):
    return [
        json.loads(m)
        for m in re.findall(r'<script type="application/ld\+json">(.*?)</script>', response.content.decode())
    ]


def rows(response_or_text) -> int:
    """How many screening rows a page shows."""
    text = response_or_text if isinstance(response_or_text, str) else response_or_text.content.decode()
    return len(re.findall(r'<li class="screening[ "]', text))


def future_schedule(count):
    """``count`` screenings of two episodes each, one a day, in one edition and one venue."""
    edition = EditionFactory()
    venue = VenueFactory()
    start = (timezone.now() + timedelta(days=2)).astimezone(LA).replace(hour=18, minute=0, second=0, microsecond=0)
    episodes = [EpisodeFactory(), EpisodeFactory()]
    for n in range(count):
        ScreeningFactory(
            edition=edition,
            venue=venue,
            starts_at=start + timedelta(days=n),
            ends_at=start + timedelta(days=n, minutes=90),
            titles=[EpisodeFactory(parent=episodes[0].parent), EpisodeFactory(parent=episodes[0].parent)],
        )
    return edition, venue


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 3])
def test_festival_schedule_query_count_is_constant(client, django_assert_num_queries, count):
    edition, _venue = future_schedule(count)
    # 1 edition with festival and organiser; 2 screenings with venue, edition, section, languages;
    # 3 titles in order with parents; 4–6 localized titles of titles, parents, grandparents;
    # 7 partners; 8 sections of the edition (legend); 9 the festival's other editions;
    # 10 the count that decides between the whole programme and one day a page.
    with django_assert_num_queries(10):
        response = client.get(f"/en/festivals/{edition.slug}/")
    assert rows(response) == count


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 3])
def test_venue_page_query_count_is_constant(client, django_assert_num_queries, count):
    _edition, venue = future_schedule(count)
    # 1 venue; upcoming: 2 screenings, 3 titles, 4–6 localized titles, 7 partners;
    # past: 8 screenings (none, so no prefetch); 9 rooms.
    with django_assert_num_queries(9):
        response = client.get(f"/en/venues/{venue.slug}/")
    assert rows(response) == count


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 3])
def test_screening_list_query_count_is_constant(client, django_assert_num_queries, count):
    future_schedule(count)
    # 1 count for the paginator; 2 screenings; 3 titles; 4–6 localized titles; 7 partners;
    # 8 venues (filter choices: places); 9 editions (filter choices).
    with django_assert_num_queries(9):
        response = client.get("/en/screenings/")
    assert rows(response) == count


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 3])
def test_title_page_screenings_query_count_is_constant(client, count):
    future_schedule(count)
    season = Screening.objects.first().titles.first().parent
    response = client.get(season.get_absolute_url())
    assert rows(response) == count
    # The screenings section adds 8 queries to the title page: the ids of the screenings of the
    # title and its parts (read first: see screenings.hooks.title_screenings_section), upcoming
    # screenings, their titles, 3 × localized titles (titles, parents, grandparents), partners;
    # past screenings (none here, so nothing to prefetch). The same for 1 and 3 screenings.
    added = section_queries(client, season.get_absolute_url(), extensions.title_sections, "screenings")
    assert added == 8
    assert added <= extensions.title_sections["screenings"].queries


def big_edition(days):
    """An edition of ``days`` days from the day after tomorrow, one screening a day at 6 pm in
    Los Angeles (its local date is the day even where UTC has moved on)."""
    first = timezone.localdate() + timedelta(days=2)
    edition = EditionFactory(starts_on=first, ends_on=first + timedelta(days=days - 1), published_at=timezone.now())
    venue = VenueFactory()
    for n in range(days):
        start = datetime.combine(first + timedelta(days=n), datetime.min.time(), tzinfo=LA).replace(hour=18)
        ScreeningFactory(
            edition=edition,
            venue=venue,
            starts_at=start,
            ends_at=start + timedelta(minutes=90),
            titles=[EpisodeFactory(), EpisodeFactory()],
        )
    return edition, first


@pytest.fixture
def one_day_a_page(monkeypatch):
    from screenings.views import EditionDetailView

    monkeypatch.setattr(EditionDetailView, "whole_up_to", 2)


@pytest.mark.django_db
def test_a_big_festival_shows_one_day_a_page_with_the_whole_programme_one_click_away(client, one_day_a_page):
    edition, first = big_edition(4)
    address = f"/en/festivals/{edition.slug}/"

    default = client.get(address)
    second = client.get(f"{address}?day={(first + timedelta(days=1)).isoformat()}")
    whole = client.get(f"{address}?day=all")

    assert rows(default) == 1
    assert f'<a href="?day={first.isoformat()}" aria-current="page">' in default.text
    assert rows(second) == 1
    assert second.text.count(f'id="day-{(first + timedelta(days=1)).isoformat()}"') == 1
    assert rows(whole) == 4
    french = client.get(f"/fr/festivals/{edition.slug}/?day=all").text
    assert "Tout le programme" in french
    assert '<a href="?day=all" aria-current="page">' in whole.text
    # A day outside the edition, or not a day at all, is its first day: never an error.
    for odd in ("2099-01-01", "abc", "2021-13-45", "%00", ""):
        response = client.get(f"{address}?day={odd}")
        assert response.status_code == 200, odd
        assert rows(response) == 1, odd


@pytest.mark.django_db
@pytest.mark.parametrize("days", [3, 9])
def test_a_day_of_a_big_festival_costs_the_same_queries_at_any_size(
    client, django_assert_num_queries, one_day_a_page, days
):
    edition, _first = big_edition(days)

    with django_assert_num_queries(10):
        response = client.get(f"/en/festivals/{edition.slug}/")
    assert rows(response) == 1


@pytest.mark.django_db
def test_a_small_festival_is_one_page_without_day_tabs(client):
    edition, first = big_edition(3)

    for query in ("", "?day=all", f"?day={first.isoformat()}"):
        response = client.get(f"/en/festivals/{edition.slug}/{query}")
        assert rows(response) == 3, query
        assert "day-tabs" not in response.text, query


def test_demo_festival_page_reads_like_the_programme(colcoa, client):
    response = client.get("/en/festivals/colcoa-2021/")
    text = re.sub(r"\s+", " ", response.content.decode())

    for day, hours in [
        ("Wednesday, November 3, 2021", "9:00 am – 10:30 am PDT"),
        ("Thursday, November 4, 2021", "11:00 am – 12:30 pm PDT"),
        ("Friday, November 5, 2021", "1:00 pm – 2:30 pm PDT"),
        ("Saturday, November 6, 2021", "3:00 pm – 4:30 pm PDT"),
        ("Sunday, November 7, 2021", "5:30 pm – 7:35 pm PST"),
    ]:
        assert f">{day}</h2>" in text
        assert hours in text
    assert text.count("North American premiere") == 5
    assert text.count("In French with English subtitles") == 5
    assert text.count("Presented in association with: Newen Connect, Orange Studio") == 5
    [festival] = jsonld_blocks(response)
    assert festival["@type"] == "Festival"
    assert [e["startDate"] for e in festival["subEvent"]] == [
        "2021-11-03T09:00:00-07:00",
        "2021-11-04T11:00:00-07:00",
        "2021-11-05T13:00:00-07:00",
        "2021-11-06T15:00:00-07:00",
        "2021-11-07T17:30:00-08:00",
    ]
    event = festival["subEvent"][4]
    assert event["endDate"] == "2021-11-07T19:35:00-08:00"
    assert event["inLanguage"] == "fr"
    assert event["subtitleLanguage"] == "en"
    assert event["location"]["name"] == "Melville Theatre"
    assert [w["url"].rsplit("/", 2)[-2] for w in event["workPresented"]] == [
        "l-opera-season-1-episode-1",
        "l-opera-season-1-episode-2",
    ]


def test_demo_festival_ics_has_the_written_local_times(colcoa, client):
    first = Calendar.from_ical(client.get("/en/festivals/colcoa-2021.ics").content)
    again = Calendar.from_ical(client.get("/fr/festivals/colcoa-2021.ics").content)

    events = list(first.walk("VEVENT"))
    assert [(e.decoded("dtstart").strftime("%a %H:%M %Z"), e.decoded("dtend").strftime("%H:%M")) for e in events] == [
        ("Wed 09:00 PDT", "10:30"),
        ("Thu 11:00 PDT", "12:30"),
        ("Fri 13:00 PDT", "14:30"),
        ("Sat 15:00 PDT", "16:30"),
        ("Sun 17:30 PST", "19:35"),
    ]
    assert [e["dtstart"].params["TZID"] for e in events] == ["America/Los_Angeles"] * 5
    assert [tz["tzid"] for tz in first.walk("VTIMEZONE")] == ["America/Los_Angeles"]
    assert events[4].decoded("dtstart").astimezone(UTC).isoformat() == "2021-11-08T01:30:00+00:00"
    # Stable UIDs: the same in every download and language.
    assert [str(e["uid"]) for e in events] == [str(e["uid"]) for e in again.walk("VEVENT")]
    assert len({str(e["uid"]) for e in events}) == 5
    assert {str(e["status"]) for e in events} == {"CONFIRMED"}
    assert str(events[0]["url"]).startswith("http://testserver/en/screenings/")


@pytest.mark.django_db
def test_cancelled_screening_is_listed_marked_and_cancelled_in_ics(client):
    screening = ScreeningFactory(
        starts_at=datetime(2031, 5, 1, 20, 0, tzinfo=LA), ends_at=datetime(2031, 5, 1, 21, 30, tzinfo=LA)
    )
    services.cancel(screening)

    page = client.get("/en/screenings/").content.decode()
    calendar = Calendar.from_ical(client.get(f"/en/screenings/{screening.pk}.ics").content)

    assert 'class="screening is-cancelled' in page
    assert '<span class="status status-cancelled">Cancelled</span>' in page
    [event] = calendar.walk("VEVENT")
    assert str(event["status"]) == "CANCELLED"
    assert str(event["uid"]) == f"{screening.uid}@affiche"
    assert str(event["summary"]).startswith("Cancelled: ")
    assert event.decoded("dtstart").strftime("%Y-%m-%d %H:%M %Z") == "2031-05-01 20:00 PDT"


@pytest.mark.django_db
def test_postponed_screening_jsonld_keeps_previous_start(client):
    screening = ScreeningFactory(
        starts_at=datetime(2031, 5, 1, 20, 0, tzinfo=LA),
        ends_at=datetime(2031, 5, 1, 21, 30, tzinfo=LA),
        price="12.50",
        currency="USD",
        ticket_url="https://tickets.example/1",
    )
    services.postpone(screening, datetime(2031, 5, 8, 20, 0, tzinfo=LA))

    response = client.get(f"/en/screenings/{screening.pk}/")

    [event] = jsonld_blocks(response)
    assert event["eventStatus"] == "https://schema.org/EventRescheduled"
    assert event["previousStartDate"] == "2031-05-01T20:00:00-07:00"
    assert event["startDate"] == "2031-05-08T20:00:00-07:00"
    assert event["offers"] == {
        "@type": "Offer",
        "url": "https://tickets.example/1",
        "price": "12.50",
        "priceCurrency": "USD",
        "availability": "https://schema.org/InStock",
    }
    assert "Thursday, May 1, 2031, 8:00 pm" in response.content.decode()
    assert "$12.50" in response.content.decode()


def test_title_pages_show_past_demo_screenings(demo, client):
    for slug in ["l-opera", "l-opera-season-1", "l-opera-season-1-episode-2"]:
        text = client.get(f"/en/titles/{slug}/").content.decode()
        assert rows(text) == 5, slug
        assert "Sunday, November 7, 2021, 5:30 pm – 7:35 pm PST" in text
        assert f"/en/titles/{slug}/screenings.ics" in text
    assert rows(client.get("/en/titles/l-opera-season-2/")) == 0


def test_title_ics_lists_the_five_demo_screenings(demo, client):
    calendar = Calendar.from_ical(client.get("/en/titles/l-opera/screenings.ics").content)

    assert len(list(calendar.walk("VEVENT"))) == 5


@pytest.mark.django_db
def test_title_list_filter_upcoming_screenings(client):
    future_schedule(1)
    screened = Screening.objects.get().titles.first()
    series = screened.parent.parent
    EpisodeFactory()  # another series, never screened

    response = client.get("/en/titles/?screening=upcoming")

    assert [t.pk for t in response.context["titles"]] == [series.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("listing", ["", "&kind=series"])
def test_a_draft_episodes_screening_does_not_list_its_series_with_upcoming_screenings(client, listing):
    """The work is found through the screened title: a screening of draft episodes (shared
    with a published film, so the screening itself is public) does not put the series in."""
    future_schedule(1)
    screening = Screening.objects.get()
    episodes = list(screening.titles.all())  # two episodes of one series
    episode = episodes[0]
    film = TitleFactory()
    screening.titles.add(film)
    url = "/en/titles/?screening=upcoming" + listing

    listed = {t.pk for t in client.get(url).context["titles"]}
    for draft in episodes:
        draft.published_at = None
        draft.save()
    then = {t.pk for t in client.get(url).context["titles"]}

    assert episode.parent.parent_id in listed
    assert episode.parent.parent_id not in then
    assert (film.pk in then) == (listing == "")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["?date=abc", "?venue=nowhere", "?festival=nope", "?title=%00", "?when=soon", "?page=9999", "?date=2021-13-45"],
)
def test_screening_list_bad_query_strings_never_500(client, query):
    response = client.get(f"/en/screenings/{query}")

    assert response.status_code in (200, 404)


def test_screening_list_filters(demo, client):
    assert client.get("/en/screenings/").context["paginator"].count == 0  # all five are in 2021
    assert client.get("/en/screenings/?when=past").context["paginator"].count == 5
    assert client.get("/en/screenings/?date=2021-11-07").context["paginator"].count == 1
    assert (
        client.get("/en/screenings/?when=all&venue=melville-theatre&festival=colcoa-2021&title=l-opera")
        .context["paginator"]
        .count
        == 5
    )


@pytest.mark.parametrize(
    ("language", "said", "heading"),
    [
        ("en", "No screening is announced for now.", "Latest past screenings"),
        ("fr", "Aucune séance n’est annoncée pour le moment.", "Dernières séances passées"),
    ],
)
def test_screening_list_with_nothing_upcoming_says_so_and_shows_the_latest_past(demo, client, language, said, heading):
    response = client.get(f"/{language}/screenings/")
    text = response.content.decode()

    assert said in text
    assert heading in text
    assert rows(text) == 5  # the demo's five 2021 screenings, latest first
    assert f'href="/{language}/festivals/"' in text
    assert ">0 screenings<" not in text
    assert ">0 séance<" not in text
    # A filter that finds nothing still says so, without past screenings in its place.
    filtered = client.get(f"/{language}/screenings/?venue=melville-theatre").content.decode()
    assert rows(filtered) == 0
    assert said not in filtered


@pytest.mark.parametrize("typed", ["The Opera", "l’opéra", "OPERA", "Dans les couloirs", "l-opera"])
def test_screening_list_title_filter_searches_titles_by_name(demo, client, typed):
    """The title filter takes words of a title in any language (not a page address); a series
    finds its seasons' and episodes' screenings."""
    response = client.get("/en/screenings/", {"when": "all", "title": typed})

    assert response.context["paginator"].count == (5 if "couloirs" not in typed else 0)
    assert "page address" not in response.content.decode()


def test_screening_list_title_filter_with_no_such_title_finds_nothing(demo, client):
    assert client.get("/en/screenings/?when=all&title=nosuchtitle").context["paginator"].count == 0


def test_festival_slug_redirects_to_latest_edition(colcoa, client):
    response = client.get("/en/festivals/colcoa/")

    assert response.status_code == 302
    assert response["Location"] == "/en/festivals/colcoa-2021/"


def test_search_finds_venues_and_festivals(demo, client):
    text = client.get("/en/search/?q=colcoa").content.decode()
    assert "COLCOA French Film Festival 2021" in text
    assert "Melville Theatre" in client.get("/fr/search/?q=melville").content.decode()


def test_home_links_to_latest_edition_when_nothing_is_upcoming(demo, client):
    text = client.get("/en/").content.decode()
    assert "See the schedule of COLCOA French Film Festival 2021" in text


@pytest.mark.parametrize(
    ("language", "screenings_heading", "streaming_heading"),
    [
        ("en", "Latest past screenings", "Available now on streaming"),
        ("fr", "Dernières séances passées", "Disponible en streaming"),
    ],
)
def test_home_side_sections_show_what_the_demo_has(demo, client, language, screenings_heading, streaming_heading):
    """Today nothing of the demo is upcoming, new or announced: the home page shows its latest
    screenings and what can be watched now rather than three empty sections."""
    text = client.get(f"/{language}/").content.decode()

    assert screenings_heading in text
    assert rows(text) == 5
    assert streaming_heading in text
    assert "/titles/dans-les-couloirs-de-l-opera/" in text.split(streaming_heading, 1)[1]
    for empty in ("Nothing has arrived on a platform", "No release is announced yet", "Rien n’est arrivé"):
        assert empty not in text


@pytest.mark.django_db
def test_venue_page_shows_the_first_upcoming_screenings_and_links_to_every_one(client, monkeypatch):
    from screenings.views import VenueDetailView

    monkeypatch.setattr(VenueDetailView, "upcoming_limit", 2)
    _edition, venue = future_schedule(3)

    response = client.get(f"/en/venues/{venue.slug}/")

    assert rows(response) == 2
    html = response.content.decode()
    assert f'href="/en/screenings/?venue={venue.slug}"' in html
    assert f"Every upcoming screening at {venue.name}" in html
    assert "Every past screening" not in html
    assert rows(client.get(f"/en/screenings/?venue={venue.slug}")) == 3


@pytest.mark.django_db
def test_venue_page_with_few_screenings_has_no_link_to_more(client):
    _edition, venue = future_schedule(3)

    html = client.get(f"/fr/venues/{venue.slug}/").content.decode()

    assert rows(html) == 3
    assert "Toutes les séances" not in html
