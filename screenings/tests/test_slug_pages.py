"""Festival and venue pages are found by their slug whatever its case (``catalog.views.SlugIexactMixin``)."""

import pytest

from .factories import EditionFactory, VenueFactory

pytestmark = pytest.mark.django_db


def test_edition_page_whatever_the_case_of_its_slug(client):
    edition = EditionFactory(slug="hollywood-2026")

    response = client.get("/en/festivals/Hollywood-2026/")

    assert response.status_code == 200
    assert response.context["edition"] == edition


def test_unknown_edition_slug_is_a_404(client):
    assert client.get("/en/festivals/no-such-edition/").status_code == 404


def test_venue_page_whatever_the_case_of_its_slug(client):
    venue = VenueFactory(slug="egyptian-theatre")

    response = client.get("/en/venues/Egyptian-Theatre/")

    assert response.status_code == 200
    assert response.context["venue"] == venue


def test_unknown_venue_slug_is_a_404(client):
    assert client.get("/en/venues/no-such-venue/").status_code == 404
