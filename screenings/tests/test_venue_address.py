"""A venue's address (issue 16, "Venues with addresses"): street, postcode, city, country and
optional coordinates, edited in the admin (with History), carried by the CSV, shown on the
public pages with a link to OpenStreetMap, and given to search engines as a ``Place`` with a
``PostalAddress`` and ``GeoCoordinates``. The demo's venue has none (no document gives one)."""

import json
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from catalog.csvio import run_import
from catalog.testing import browser_form_data, csv_of, export
from catalog.tests.test_public import problems
from screenings.models import Venue
from tests.standards.test_standards import check_jsonld

from .factories import RoomFactory, VenueFactory

pytestmark = pytest.mark.django_db

HEADER = "slug,name,parent,address,postcode,city,country,latitude,longitude,timezone,capacity,changeover,note"


@pytest.fixture
def pantages(iso_codes):
    return VenueFactory(
        slug="pantages",
        name="Pantages Theatre",
        address="6233 Hollywood Blvd",
        postcode="90028",
        city="Los Angeles",
        country_id="US",
        latitude=Decimal("34.101900"),
        longitude=Decimal("-118.325300"),
    )


def jsonld(html: str) -> list[dict]:
    return [json.loads(b) for b in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]


def test_the_venue_page_shows_the_address_with_a_pin_on_openstreetmap(client, pantages):
    english = client.get("/en/venues/pantages/").text
    french = client.get("/fr/venues/pantages/").text

    assert "6233 Hollywood Blvd, 90028 Los Angeles, United States" in english
    assert "6233 Hollywood Blvd, 90028 Los Angeles, États-Unis" in french
    pin = "https://www.openstreetmap.org/?mlat=34.101900&amp;mlon=-118.325300#map=18/34.101900/-118.325300"
    assert f'<a href="{pin}" rel="noopener">See on OpenStreetMap</a>' in english
    assert f'<a href="{pin}" rel="noopener">Voir sur OpenStreetMap</a>' in french


def test_without_coordinates_the_map_searches_the_street_address_and_without_a_street_there_is_none(client, iso_codes):
    VenueFactory(slug="odeon", name="Odéon", address="1 place de l’Odéon", postcode="75006", city="Paris")
    VenueFactory(slug="somewhere", name="Somewhere", address="", city="Los Angeles")

    odeon = client.get("/en/venues/odeon/").text
    somewhere = client.get("/en/venues/somewhere/").text

    search = (
        "https://www.openstreetmap.org/search?query=1+place+de+l%E2%80%99Od%C3%A9on%2C+75006+Paris%2C+United+States"
    )
    assert f'href="{search}"' in odeon
    assert "openstreetmap.org" not in somewhere
    assert 'Los Angeles, United States <span class="muted">(street address not given)</span>' in somewhere


def test_every_screening_line_and_page_leads_to_the_venue_and_its_address(client, pantages):
    from .factories import ScreeningFactory

    room = RoomFactory(parent=pantages, name="Main hall", slug="pantages-main-hall")
    screening = ScreeningFactory(venue=room)

    page = client.get(screening.get_absolute_url()).text
    listing = client.get("/en/venues/pantages/").text

    assert (
        '<a href="/en/venues/pantages/">Pantages Theatre – Main hall</a>, 6233 Hollywood Blvd, 90028 Los Angeles'
        in (page)
    )
    assert "openstreetmap.org/?mlat=34.101900" in page
    assert '<a href="/en/venues/pantages/">Pantages Theatre – Main hall</a>' in listing


def test_the_venue_is_a_place_with_a_postal_address_and_coordinates_for_search_engines(client, pantages):
    blocks = jsonld(client.get("/en/venues/pantages/").text)

    theatre = blocks[0]
    assert theatre["@type"] == "MovieTheater"  # a schema.org Place
    assert theatre["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "6233 Hollywood Blvd",
        "postalCode": "90028",
        "addressLocality": "Los Angeles",
        "addressCountry": "US",
    }
    assert theatre["geo"] == {"@type": "GeoCoordinates", "latitude": 34.1019, "longitude": -118.3253}
    assert theatre["hasMap"].startswith("https://www.openstreetmap.org/?mlat=34.101900")
    found = []
    check_jsonld(blocks, "venue", found)
    assert (found, problems(blocks)) == ([], [])


def test_a_festival_at_a_venue_with_an_address_gives_that_address_to_search_engines(client, pantages):
    """Where the venue's address is known, the festival's and the screening's ``location`` carry
    it (Google's Event rich results require ``location.address``); where it is not, nothing is
    invented (the demo)."""
    from django.utils import timezone

    from .factories import EditionFactory, ScreeningFactory

    edition = EditionFactory(published_at=timezone.now())
    screening = ScreeningFactory(venue=pantages, edition=edition)
    festival = next(
        b for b in jsonld(client.get(screening.edition.get_absolute_url()).text) if b["@type"] == "Festival"
    )
    event = jsonld(client.get(screening.get_absolute_url()).text)[0]

    for location in (festival["location"], event["location"], event["superEvent"]["location"]):
        assert location["address"]["streetAddress"] == "6233 Hollywood Blvd"
        assert location["address"]["addressLocality"] == "Los Angeles"


def test_the_jsonld_rules_refuse_coordinates_without_a_longitude():
    found = []
    check_jsonld({"@type": "GeoCoordinates", "latitude": 1.0}, "x", found)
    assert found == ["x: GeoCoordinates without longitude"]
    assert problems({"@type": "MovieTheater", "name": "M", "url": "u", "address": {"@type": "PostalAddress"}}) == [
        "$.address (PostalAddress) lacks streetAddress or addressLocality or postalCode"
    ]


def test_a_room_takes_its_buildings_postcode_and_coordinates(pantages):
    room = RoomFactory(parent=pantages, address="", postcode="", city="", latitude=None, longitude=None)

    assert (room.postcode, room.latitude, room.longitude) == ("90028", Decimal("34.101900"), Decimal("-118.325300"))


@pytest.mark.parametrize(("latitude", "longitude"), [(Decimal("1"), None), (None, Decimal("1")), (91, 0), (0, -181)])
def test_coordinates_come_in_pairs_within_range(iso_codes, latitude, longitude):
    venue = VenueFactory.build(latitude=latitude, longitude=longitude)
    with pytest.raises(ValidationError):
        venue.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Venue.objects.bulk_create([venue])


def test_venues_with_addresses_round_trip_through_the_csv(iso_codes):
    data = csv_of(
        HEADER,
        "pantages,Pantages Theatre,,6233 Hollywood Blvd,90028,Los Angeles,US,34.101900,-118.325300,"
        "America/Los_Angeles,2703,15,",
        "pantages-hall,Main hall,pantages,,,,,,,America/Los_Angeles,,,",
        "odeon,Odéon,,1 place de l’Odéon,75006,Paris,FR,,,Europe/Paris,,,",
    )

    report = run_import("venues", data.encode())

    assert report.problems == []
    hall = Venue.objects.get(slug="pantages-hall")
    assert (hall.postcode, hall.latitude, hall.longitude) == ("90028", Decimal("34.101900"), Decimal("-118.325300"))
    assert (hall.changeover, hall.changeover_minutes) == (None, 15)  # the building's changeover
    exported = export("venues")
    assert exported.splitlines()[0] == HEADER
    assert "pantages,Pantages Theatre,,6233 Hollywood Blvd,90028,Los Angeles,US,34.101900,-118.325300," in exported
    assert run_import("venues", exported.encode()).problems == []
    assert export("venues") == exported


def test_a_latitude_without_its_longitude_is_refused_on_its_line(iso_codes):
    data = csv_of(HEADER, "pantages,Pantages Theatre,,,,Los Angeles,US,34.1,,America/Los_Angeles,,,")

    report = run_import("venues", data.encode())

    assert [(p.line, p.column) for p in report.problems] == [(2, "longitude")]
    assert not Venue.objects.exists()


def test_the_address_is_edited_in_the_admin_and_kept_in_the_history(admin_client, pantages):
    from django.contrib.admin.models import LogEntry

    change = f"/admin/screenings/venue/{pantages.pk}/change/"
    data = browser_form_data(admin_client.get(change).content, form_id="venue_form")
    data.update({"postcode": ["90038"], "latitude": ["34.1"], "longitude": ["-118.3"]})

    response = admin_client.post(change, data)

    assert response.status_code == 302, response.context["errors"]
    pantages.refresh_from_db()
    assert (pantages.postcode, pantages.latitude, pantages.longitude) == ("90038", Decimal("34.1"), Decimal("-118.3"))
    assert LogEntry.objects.filter(object_id=str(pantages.pk), content_type__model="venue").exists()
    history = admin_client.get(f"/admin/screenings/venue/{pantages.pk}/history/").text
    assert '<th scope="row">Postcode</th><td>90028</td><td>90038</td>' in history
    assert '<th scope="row">Latitude</th><td>34.101900</td><td>34.1</td>' in history


def test_the_admin_refuses_a_latitude_without_its_longitude(admin_client, pantages):
    change = f"/admin/screenings/venue/{pantages.pk}/change/"
    data = browser_form_data(admin_client.get(change).content, form_id="venue_form")
    data.update({"latitude": ["34.1"], "longitude": [""]})

    response = admin_client.post(change, data)

    assert response.status_code == 200
    assert "Give both the latitude and the longitude, or neither." in response.text


def test_the_demo_venue_has_no_address_no_document_gives_one(client, demo):
    venue = Venue.objects.get(slug="melville-theatre")

    assert (venue.address, venue.postcode, venue.latitude, venue.longitude) == ("", "", None, None)
    assert "openstreetmap.org" not in client.get("/en/venues/melville-theatre/").text
