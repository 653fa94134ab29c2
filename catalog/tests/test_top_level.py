"""``Title.top_level`` (catalog.toplevel) holds the top-level work of every title whatever wrote
the row: a model save (with a stale instance), ``bulk_create``, a raw UPDATE of ``parent_id``,
a move of a season to another series (its episodes follow)."""

import pytest
from django.db import connection

from catalog.enums import TitleKind
from catalog.models import Title

from .factories import EpisodeFactory, SeasonFactory, SeriesFactory, TitleFactory

pytestmark = pytest.mark.django_db


def stored() -> dict[int, int]:
    return dict(Title.objects.values_list("pk", "top_level_id"))


def expected() -> dict[int, int]:
    return {t.pk: t.root().pk for t in Title.objects.select_related("parent__parent")}


def test_every_title_knows_its_work_after_a_save():
    film = TitleFactory()
    episode = EpisodeFactory()

    assert stored() == expected()
    assert stored()[film.pk] == film.pk
    assert stored()[episode.pk] == episode.parent.parent_id


def test_a_season_moved_to_another_series_takes_its_episodes_along():
    episode = EpisodeFactory()
    season = episode.parent
    other = SeriesFactory()

    season.parent = other  # the instance still holds the old top_level_id: the database corrects it
    season.save()

    assert stored()[season.pk] == other.pk
    assert stored()[episode.pk] == other.pk
    assert stored() == expected()


def test_bulk_create_and_a_raw_update_keep_the_column():
    series = SeriesFactory()
    seasons = Title.objects.bulk_create(
        Title(kind=TitleKind.SEASON, parent=series, number=n, slug=f"bulk-{n}") for n in (1, 2)
    )
    other = SeriesFactory()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE catalog_title SET parent_id = %s WHERE id = %s", [other.pk, seasons[1].pk])

    assert stored()[seasons[0].pk] == series.pk
    assert stored()[seasons[1].pk] == other.pk
    assert stored() == expected()


def test_a_stale_value_written_by_hand_is_corrected():
    season = SeasonFactory()
    film = TitleFactory()

    Title.objects.filter(pk=season.pk).update(top_level=film)

    assert stored()[season.pk] == season.parent_id
