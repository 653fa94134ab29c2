"""Issue 17: the title list's platform and "available now" filters find works through the work
stored on each offer (``Offer.work``), one probe per row instead of five ``EXISTS``; the list of works
tests works only, and a list by kind or search keeps the per-level rule for seasons and episodes."""

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
    # One probe of the offers by work per filter, none per level, and no EXISTS, which
    # PostgreSQL made a hash semi-join over every matching offer.
    assert listing.count('"work_id" = ') == len(query.split("&"))
    assert "EXISTS" not in listing


def test_a_list_by_kind_finds_the_offered_episode_and_the_season_of_an_offered_series(client):
    episode = EpisodeFactory()
    offer = OfferFactory(title=episode)
    other = EpisodeFactory()
    series_offer = OfferFactory(title=other.parent.parent, platform=offer.platform)
    EpisodeFactory()  # not offered

    episodes = client.get(f"/en/titles/?kind=episode&platform={offer.platform.slug}").context["titles"]
    seasons = client.get(f"/en/titles/?kind=season&platform={series_offer.platform.slug}").context["titles"]

    assert {t.pk for t in episodes} == {episode.pk, other.pk}  # an offer on a series counts for its episodes
    assert {t.pk for t in seasons} == {episode.parent_id, other.parent_id}
