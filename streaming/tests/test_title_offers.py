"""Issue 17: a title page reads a bounded number of offers (its own and its ancestors' first);
every offer of its seasons and episodes is on the title's offers page, paginated."""

import datetime

import pytest

from catalog.tests.factories import EpisodeFactory, SeasonFactory
from streaming import availability
from streaming.enums import OfferType

from .factories import OfferFactory, PlatformFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def season_of(n, frozen_today):
    """A season with a broadcast of its own and a rental of each of its ``n`` episodes."""
    platform = PlatformFactory()
    season = SeasonFactory()
    OfferFactory(title=season, platform=platform, offer_type=OfferType.BROADCAST, available_from=D(2026, 3, 1))
    for number in range(1, n + 1):
        OfferFactory(
            title=EpisodeFactory(parent=season, number=number),
            platform=platform,
            offer_type=OfferType.RENT,
            available_from=D(2026, 1, 1) + datetime.timedelta(days=number),
            price=number,
            currency="EUR",
        )
    return season


def test_title_page_reads_its_own_offers_first_and_links_to_every_offer(client, frozen_today, monkeypatch):
    monkeypatch.setattr(availability, "TITLE_OFFERS_FIRST", 3)
    monkeypatch.setattr(availability.offers_for_title, "__defaults__", (None, 3))
    season = season_of(5, frozen_today)

    response = client.get(season.get_absolute_url())

    offers = response.context["sections"]["after_children"][1].data["offers"]
    assert [o.title.kind for o in offers] == ["episode", "episode", "season"]  # page order: by first day
    assert [o.title.number for o in offers if o.title.kind == "episode"] == [1, 2]
    html = response.content.decode()
    assert f'href="/en/titles/{season.slug}/offers/"' in html
    assert "Every offer of its seasons and episodes" in html

    every = client.get(f"/en/titles/{season.slug}/offers/")
    assert len(every.context["watch"]["countries"][0].types[0][1]) + len(every.context["watch"]["coming"]) >= 1
    shown = every.context["page_obj"].object_list
    assert sorted(o.title.number for o in shown if o.title.kind == "episode") == [1, 2, 3, 4, 5]


def test_title_page_without_more_offers_has_no_link(client, frozen_today):
    season = season_of(2, frozen_today)

    html = client.get(season.get_absolute_url()).content.decode()

    assert "/offers/" not in html


@pytest.mark.parametrize("n", [1, 3])
def test_title_offers_page_query_count_is_constant(client, django_assert_num_queries, frozen_today, n):
    season = season_of(n, frozen_today)

    # 1 the season with its series; 2–3 their names; 4 the count for the paginator; 5 the
    # offers with platform, country, title and parent; 6 the platforms' plans.
    with django_assert_num_queries(6):
        response = client.get(f"/en/titles/{season.slug}/offers/")

    assert len(response.context["page_obj"].object_list) == n + 1


@pytest.mark.parametrize("page", ["abc", "0", "99999", "-1", "1.5", "%00"])
def test_title_offers_page_answers_any_page_with_a_page(client, frozen_today, page):
    season = season_of(2, frozen_today)

    assert client.get(f"/en/titles/{season.slug}/offers/?page={page}").status_code == 200
