"""The index pages a visitor expects (SPEC: /festivals/, /venues/, /organizations/): every
record reachable without search, drafts hidden, bounded pages in a constant number of queries,
both languages, linked from every page."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from people.enums import OrganizationKind
from people.models import Organization
from people.tests.factories import OrganizationFactory
from screenings.models import Edition, Festival, Venue

from .factories import EditionFactory, RoomFactory, VenueFactory

INDEXES = ["screenings:festival_list", "screenings:venue_list", "people:organization_list"]


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("name", INDEXES)
def test_every_index_answers_in_both_languages_and_is_linked_from_the_home_page(client, demo, name, language):
    with translation.override(language):
        address = reverse(name)
        home = client.get(reverse("catalog:home"))
    page = client.get(address)

    assert page.status_code == 200
    assert f'href="{address}"' in home.text
    assert f'<html lang="{language}"' in page.text


def test_every_published_festival_every_venue_and_every_organisation_of_the_demo_is_listed(client, demo):
    festivals = client.get(reverse("screenings:festival_list")).text
    venues = client.get(reverse("screenings:venue_list")).text
    organizations = client.get(reverse("people:organization_list")).text

    for edition in Edition.objects.published():
        assert edition.get_absolute_url() in festivals
    for venue in Venue.objects.filter(parent=None):
        assert venue.get_absolute_url() in venues
    for organization in Organization.objects.all():
        assert organization.get_absolute_url() in organizations, organization.name


def test_a_draft_edition_is_not_listed_nor_is_a_festival_without_a_public_edition(client, db):
    shown = EditionFactory(published_at=timezone.now() - timedelta(days=1))
    draft = EditionFactory(published_at=None)

    page = client.get(reverse("screenings:festival_list")).text

    assert shown.get_absolute_url() in page
    assert draft.get_absolute_url() not in page
    assert draft.festival.name not in page


def test_an_edition_says_whether_it_is_over_on_or_coming(client, db):
    today = timezone.localdate()
    over = EditionFactory(starts_on=date(2001, 1, 1), ends_on=date(2001, 1, 5), year=2001)
    on = EditionFactory(starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=1), year=today.year)
    coming = EditionFactory(starts_on=today + timedelta(days=30), ends_on=today + timedelta(days=35), year=2099)

    assert [e.state for e in (over, on, coming)] == ["Over", "On now", "Coming"]
    assert "Over" in client.get(over.get_absolute_url()).text
    with translation.override("fr"):
        assert over.state == "Terminé"


def test_venues_are_buildings_with_their_addresses_not_rooms(client, db):
    room = RoomFactory(parent__address="6233 Hollywood Blvd", parent__name="Pantages")

    page = client.get(reverse("screenings:venue_list")).text

    assert "6233 Hollywood Blvd" in page
    assert room.parent.get_absolute_url() in page
    assert f">{room.name}<" not in page


def test_organisations_are_grouped_by_kind_and_filtered_by_one(client, db):
    OrganizationFactory(name="Zeta Films", kind=OrganizationKind.PRODUCTION)
    OrganizationFactory(name="Alpha TV", kind=OrganizationKind.BROADCASTER)

    everything = client.get(reverse("people:organization_list")).text
    broadcasters = client.get(reverse("people:organization_list") + "?kind=broadcaster").text
    unknown = client.get(reverse("people:organization_list") + "?kind=<script>")

    # Kinds in their declared order: production companies before broadcasters.
    assert everything.index("Zeta Films") < everything.index("Alpha TV")
    assert "Alpha TV" in broadcasters
    assert "Zeta Films" not in broadcasters
    assert unknown.status_code == 200
    assert "Zeta Films" in unknown.text
    assert "<script>" not in unknown.text


@pytest.mark.parametrize("name", INDEXES)
def test_an_index_costs_the_same_queries_at_one_and_at_three_records_per_row(client, db, name):
    def fill(n):
        for _ in range(n):
            edition = EditionFactory(published_at=timezone.now() - timedelta(days=1))
            for year in range(1, 3):
                EditionFactory(festival=edition.festival, year=2030 + year, published_at=edition.published_at)
            RoomFactory(parent=VenueFactory())
            OrganizationFactory()

    fill(1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse(name)).status_code == 200
    fill(3)
    with CaptureQueriesContext(connection) as four:
        assert client.get(reverse(name)).status_code == 200

    assert len(four) == len(one) <= 6


def test_an_index_is_paged_and_a_page_beyond_it_is_a_404(client, db, settings):
    for n in range(settings.PAGE_SIZE + 1):
        Festival.objects.create(name=f"F{n:03}", slug=f"f{n:03}")
        EditionFactory(festival=Festival.objects.get(slug=f"f{n:03}"), published_at=timezone.now())

    second = client.get(reverse("screenings:festival_list") + "?page=2")

    assert second.status_code == 200
    assert "F" + f"{settings.PAGE_SIZE:03}" in second.text
    assert client.get(reverse("screenings:festival_list") + "?page=3").status_code == 404


def test_an_edition_links_to_the_festivals_previous_and_next_published_editions(client, db):
    first = EditionFactory(year=2019, starts_on=date(2019, 11, 1), ends_on=date(2019, 11, 5))
    festival = first.festival
    EditionFactory(
        festival=festival, year=2021, starts_on=date(2021, 11, 1), ends_on=date(2021, 11, 5), published_at=None
    )
    last = EditionFactory(festival=festival, year=2023, starts_on=date(2023, 11, 1), ends_on=date(2023, 11, 5))
    EditionFactory(year=2022, starts_on=date(2022, 11, 1), ends_on=date(2022, 11, 5))  # another festival

    on_first = client.get(first.get_absolute_url()).text
    on_last = client.get(last.get_absolute_url()).text

    assert f'rel="next" href="{last.get_absolute_url()}"' in on_first
    assert 'rel="prev"' not in on_first
    assert f'rel="prev" href="{first.get_absolute_url()}"' in on_last
    assert 'rel="next"' not in on_last
