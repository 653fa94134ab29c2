"""Issue 17: the title list's platform and "available now" filters find works through the stored
top-level work (``Title.top_level``), one ``EXISTS`` per row instead of five."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.tests.factories import EpisodeFactory, TitleFactory
from streaming.tests.factories import OfferFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["platform={slug}", "available=now", "available=now&platform={slug}"])
def test_a_series_offered_through_one_episode_is_found_through_its_stored_work(client, query):
    episode = EpisodeFactory()
    series = episode.parent.parent
    offer = OfferFactory(title=episode)
    TitleFactory(original_title="Not offered")

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/titles/?" + query.format(slug=offer.platform.slug))

    assert [t.pk for t in response.context["titles"]] == [series.pk]
    listing = next(q["sql"] for q in queries.captured_queries if "COUNT(*)" in q["sql"])
    assert "top_level_id" in listing
