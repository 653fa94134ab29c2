import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from catalog.enums import LocalizedTitleKind, TitleKind
from catalog.models import Title
from catalog.text import normalize

from .factories import EpisodeFactory, LocalizedTitleFactory, SeasonFactory, SeriesFactory, TitleFactory

pytestmark = pytest.mark.django_db


def test_episode_number_duplicate_in_same_season_refused_by_database():
    season = SeasonFactory()
    EpisodeFactory(parent=season, number=3)

    with pytest.raises(IntegrityError), transaction.atomic():
        EpisodeFactory(parent=season, number=3)


def test_episode_number_reused_in_another_season_allowed():
    series = SeriesFactory()
    first, second = SeasonFactory(parent=series, number=1), SeasonFactory(parent=series, number=2)
    EpisodeFactory(parent=first, number=1)

    EpisodeFactory(parent=second, number=1)

    assert Title.objects.filter(kind=TitleKind.EPISODE, number=1).count() == 2


def test_episode_number_duplicate_reported_by_validation():
    season = SeasonFactory()
    EpisodeFactory(parent=season, number=3)
    duplicate = Title(kind=TitleKind.EPISODE, parent=season, number=3, slug="another")

    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()

    assert "Another title in this parent already has this number." in str(excinfo.value)


@pytest.mark.parametrize("slug", ["the-opera", "The-Opera", "THE-OPERA"])
def test_slug_unique_whatever_its_case(slug):
    TitleFactory(slug="the-opera")

    with pytest.raises(IntegrityError), transaction.atomic():
        TitleFactory(slug=slug)


def test_season_without_parent_refused_by_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        TitleFactory(kind=TitleKind.SEASON, number=1, original_title="")


def test_film_with_parent_refused_by_database():
    series = SeriesFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        TitleFactory(kind=TitleKind.FILM, parent=series)


@pytest.mark.parametrize(
    ("kind", "parent_kind", "message"),
    [
        (TitleKind.SEASON, TitleKind.FILM, "A season belongs to a series."),
        (TitleKind.EPISODE, TitleKind.EPISODE, "An episode belongs to a season or, for a miniseries, to a series."),
    ],
)
def test_parent_of_wrong_kind_refused_by_validation(kind, parent_kind, message):
    parent = TitleFactory(
        kind=parent_kind,
        parent=SeasonFactory() if parent_kind == TitleKind.EPISODE else None,
        number=1 if parent_kind == TitleKind.EPISODE else None,
    )
    child = Title(kind=kind, parent=parent, number=1, slug="child")

    with pytest.raises(ValidationError) as excinfo:
        child.full_clean()

    assert excinfo.value.message_dict["parent"] == [message]


def test_localized_title_in_visitor_language_with_fallback_to_original():
    series = SeriesFactory(original_title="L'Opéra", original_language_id="fr")
    LocalizedTitleFactory(title=series, language_id="en", text="The Opera")

    assert series.display_title("en") == "The Opera"
    assert series.display_title("fr") == "L'Opéra"
    assert series.display_title("de") == "L'Opéra"


def test_localized_title_working_kind_does_not_replace_original():
    film = TitleFactory(original_title="Tout près des étoiles")
    LocalizedTitleFactory(title=film, language_id="en", kind=LocalizedTitleKind.WORKING, text="Close to the Stars (wt)")

    assert film.display_title("en") == "Tout près des étoiles"


def test_season_and_episode_names_derived_from_numbers_in_each_language():
    episode = EpisodeFactory(number=3, parent=SeasonFactory(number=2, parent=SeriesFactory(original_title="L'Opéra")))

    with translation.override("en"):
        assert episode.full_title() == "L'Opéra – Season 2 – Episode 3"
    with translation.override("fr"):
        assert episode.full_title() == "L'Opéra – Saison 2 – Épisode 3"


def test_synopsis_falls_back_to_the_other_language():
    film = TitleFactory(synopsis_en="", synopsis_fr="Un film.")

    assert film.synopsis("en") == ("Un film.", "fr")
    assert film.synopsis("fr") == ("Un film.", "fr")


def test_format_label_derived_from_planned_episodes_and_runtime():
    season = SeasonFactory(episode_count=8, runtime_minutes=45)
    EpisodeFactory(parent=season, number=1)

    assert season.format_label == "8 × 45 min"


def test_format_label_counts_entered_episodes_when_none_planned():
    season = SeasonFactory(episode_count=None, runtime_minutes=25)
    for number in (1, 2, 3):
        EpisodeFactory(parent=season, number=number)

    assert Title.objects.with_child_count().get(pk=season.pk).format_label == "3 × 25 min"


def test_format_label_of_a_film_is_its_runtime():
    assert TitleFactory(runtime_minutes=95).format_label == "95 min"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("L'Opéra", "l opera"),
        ("Tout près des étoiles – Les Danseurs", "tout pres des etoiles les danseurs"),
        ("ŒUVRES  complètes", "oeuvres completes"),
        ("Zoé", "zoe"),
        ("", ""),
    ],
)
def test_normalize_ignores_case_accents_ligatures_and_punctuation(text, expected):
    assert normalize(text) == expected


@pytest.mark.parametrize(
    ("query", "found"), [("opera", True), ("OPÉRA", True), ("the opera", True), ("l'opera", True), ("ballet", False)]
)
def test_search_is_accent_and_case_insensitive_including_localized_titles(query, found):
    series = SeriesFactory(original_title="L'Opéra")
    LocalizedTitleFactory(title=series, language_id="en", text="The Opera")

    assert (series in Title.objects.search(query)) is found


def test_search_text_follows_localized_title_changes():
    film = TitleFactory(original_title="Film")
    localized = LocalizedTitleFactory(title=film, language_id="en", text="Close to the stars")
    assert film in Title.objects.search("stars")

    localized.delete()

    assert film not in Title.objects.search("stars")
