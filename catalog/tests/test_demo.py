import pytest
from django.core.management import call_command
from django.utils import translation

from catalog.models import Collection, LocalizedTitle, Title

pytestmark = pytest.mark.django_db


def test_load_demo_twice_changes_nothing(demo):
    before = (Title.objects.count(), LocalizedTitle.objects.count(), Collection.objects.count())

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert (Title.objects.count(), LocalizedTitle.objects.count(), Collection.objects.count()) == before


def test_demo_series_the_opera(demo):
    opera = Title.objects.for_detail().get(slug="l-opera")

    assert opera.original_title == "L'Opéra"
    assert opera.display_title("en") == "The Opera"
    assert opera.display_title("fr") == "L'Opéra"
    assert (opera.kind, opera.year, opera.original_language_id) == ("series", 2021, "fr")
    assert [c.code for c in opera.countries.all()] == ["FR"]
    assert [g.name_en for g in opera.genres.all()] == ["Drama"]
    assert list(opera.ratings.all()) == []  # 001 gives TV-MA for season 2 only (tests/test_demo_provenance.py)
    with translation.override("en"):
        assert opera.format_label == "2 seasons"


def test_demo_season_one_is_eight_by_forty_five_minutes(demo):
    season = Title.objects.with_child_count().get(slug="l-opera-season-1")

    assert season.format_label == "8 × 45 min"
    assert season.synopsis_en.startswith("The Opera plunges us into the ultra-romantic universe of the Opéra de Paris")
    assert list(season.children.values_list("number", flat=True)) == [1, 2]


def test_demo_season_two_has_its_eight_episode_synopses(demo):
    episodes = Title.objects.filter(parent__slug="l-opera-season-2").order_by("number")

    assert [e.number for e in episodes] == list(range(1, 9))
    assert episodes[2].synopsis_en.startswith("The Varna selection is only a few days away.")
    assert episodes[7].synopsis_en == (
        "Backed by the younger generation, Flora and Aurore continue their crusade against their dance director, "
        "and write a manifesto to be signed."
    )


def test_demo_dans_les_couloirs_keeps_every_accent(demo):
    series = Title.objects.with_child_count().get(slug="dans-les-couloirs-de-l-opera")
    episodes = list(series.children.order_by("number"))

    assert series.original_title == "Dans les couloirs de l’Opéra"
    assert series.format_label == "7 × 25 min"
    assert (series.production_start_year, series.production_end_year, series.year) == (2025, 2025, 2026)
    assert [e.original_title for e in episodes] == [
        "Un tunnel vers la fabrique des rêves",
        "Pour que la magie prenne",
        "On fait les choses pour qu’elles jouent",
        "Le détail fait la différence",
        "Si l’Opéra ne le fait pas, qui osera ?",
        "On est tous reliés les uns aux autres",
        "La cerise sur le chapeau",
    ]
    assert "Charles-Édouard, inspecteur principal" in episodes[0].synopsis_fr


def test_demo_tout_pres_des_etoiles(demo):
    film = Title.objects.get(slug="tout-pres-des-etoiles")

    assert film.original_title == "Tout près des étoiles - Les Danseurs de l'Opéra de Paris"
    assert (film.kind, film.year, film.runtime_minutes, film.format_label) == ("film", None, 95, "95 min")
    assert (film.production_start_year, film.production_end_year) == (1999, 1999)
    assert sorted(g.slug for g in film.genres.all()) == ["dance", "documentary"]
    assert film.related.count() == 19


@pytest.mark.parametrize(
    ("query", "slug"),
    [("opera", "l-opera"), ("etoiles", "tout-pres-des-etoiles"), ("couloirs", "dans-les-couloirs-de-l-opera")],
)
def test_demo_search_finds_titles_without_accents(client, demo, query, slug):
    response = client.get("/en/search/", {"q": query})

    assert slug in [t.slug for t in response.context["titles"]]


def test_demo_pages_answer_in_both_languages(client, demo):
    for title in Title.objects.all():
        for language in ("en", "fr"):
            assert client.get(f"/{language}/titles/{title.slug}/").status_code == 200, title.slug
