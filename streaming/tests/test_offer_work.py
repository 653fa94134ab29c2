"""``Offer.work`` (catalog.toplevel, ``hooks.OFFER_WORK``) holds the top-level work of the offer's
title whatever wrote the row or moved the title: a model save (with a stale instance),
``bulk_create``, a raw UPDATE, a season moved to another series (its episodes' offers follow)."""

import pytest
from django.db import connection

from catalog.tests.factories import EpisodeFactory, SeriesFactory, TitleFactory
from streaming.enums import OfferType
from streaming.models import Offer

from .factories import OfferFactory, PlatformFactory

pytestmark = pytest.mark.django_db


def stored() -> dict[int, int]:
    return dict(Offer.objects.values_list("pk", "work_id"))


def expected() -> dict[int, int]:
    return {o.pk: o.title.root().pk for o in Offer.objects.select_related("title__parent__parent")}


def test_every_offer_knows_its_work_after_a_save():
    film_offer = OfferFactory()
    episode = EpisodeFactory()
    episode_offer = OfferFactory(title=episode)
    season_offer = OfferFactory(title=episode.parent)

    assert stored()[film_offer.pk] == film_offer.title_id
    assert stored()[episode_offer.pk] == episode.parent.parent_id
    assert stored()[season_offer.pk] == episode.parent.parent_id
    assert stored() == expected()


def test_the_offers_of_a_season_moved_to_another_series_follow_it():
    episode = EpisodeFactory()
    offers = [OfferFactory(title=episode), OfferFactory(title=episode.parent)]
    other = SeriesFactory()

    season = episode.parent
    season.parent = other  # the instance holds the old top_level_id: the database corrects it
    season.save()

    assert {stored()[o.pk] for o in offers} == {other.pk}
    assert stored() == expected()


def test_a_raw_move_of_a_season_moves_its_episodes_offers():
    episode = EpisodeFactory()
    offer = OfferFactory(title=episode)
    other = SeriesFactory()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE catalog_title SET parent_id = %s WHERE id = %s", [other.pk, episode.parent_id])

    assert stored()[offer.pk] == other.pk
    assert stored() == expected()


def test_bulk_create_a_new_title_and_a_stale_value_keep_the_column():
    film, episode = TitleFactory(), EpisodeFactory()
    platform = PlatformFactory()
    made = Offer.objects.bulk_create(
        Offer(title=title, platform=platform, country_id="FR", offer_type=OfferType.SUBSCRIPTION, work=film)
        for title in (film, episode)
    )
    assert stored() == expected()

    Offer.objects.filter(pk=made[0].pk).update(title=episode)
    Offer.objects.filter(pk=made[1].pk).update(work=film)  # a wrong value written by hand

    assert stored()[made[0].pk] == episode.parent.parent_id
    assert stored()[made[1].pk] == episode.parent.parent_id
    assert stored() == expected()
