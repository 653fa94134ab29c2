"""Festival and venue pages are found by their slug whatever its case (``catalog.views.SlugIexactMixin``)."""

import pytest

from .factories import EditionFactory, VenueFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("factory", "slug", "url", "name"),
    [
        (EditionFactory, "hollywood-2026", "/en/festivals/Hollywood-2026/", "edition"),
        (VenueFactory, "egyptian-theatre", "/en/venues/Egyptian-Theatre/", "venue"),
    ],
)
def test_page_whatever_the_case_of_its_slug(client, factory, slug, url, name):
    record = factory(slug=slug)

    response = client.get(url)

    assert response.status_code == 200
    assert response.context[name] == record


@pytest.mark.parametrize("url", ["/en/festivals/no-such-edition/", "/en/venues/no-such-venue/"])
def test_unknown_slug_is_a_404(client, url):
    assert client.get(url).status_code == 404
