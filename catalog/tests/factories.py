import factory

from catalog.enums import LocalizedTitleKind, TitleKind
from catalog.models import Genre, LocalizedTitle, Theme, Title


class GenreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Genre
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"genre-{n}")
    name_en = factory.Sequence(lambda n: f"Genre {n}")
    name_fr = factory.Sequence(lambda n: f"Genre FR {n}")


class ThemeFactory(GenreFactory):
    class Meta:
        model = Theme
        django_get_or_create = ("slug",)


class TitleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Title

    kind = TitleKind.FILM
    original_title = factory.Sequence(lambda n: f"Film {n}")
    slug = factory.Sequence(lambda n: f"title-{n}")
    original_language_id = "fr"
    year = 2020
    runtime_minutes = 90


class SeriesFactory(TitleFactory):
    kind = TitleKind.SERIES
    original_title = factory.Sequence(lambda n: f"Série {n}")
    runtime_minutes = 45


class SeasonFactory(TitleFactory):
    kind = TitleKind.SEASON
    parent = factory.SubFactory(SeriesFactory)
    number = factory.Sequence(lambda n: n + 1)
    original_title = ""
    runtime_minutes = 45


class EpisodeFactory(TitleFactory):
    kind = TitleKind.EPISODE
    parent = factory.SubFactory(SeasonFactory)
    number = factory.Sequence(lambda n: n + 1)
    original_title = ""
    runtime_minutes = 45


class LocalizedTitleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalizedTitle

    title = factory.SubFactory(TitleFactory)
    language_id = "en"
    kind = LocalizedTitleKind.OFFICIAL
    text = factory.Sequence(lambda n: f"English title {n}")
