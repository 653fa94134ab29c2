import json
import re

import pytest
from django.urls import reverse

from catalog import extensions
from catalog.enums import TitleKind

from .factories import EpisodeFactory, GenreFactory, LocalizedTitleFactory, SeasonFactory, SeriesFactory, TitleFactory

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [title.display_title() for title in response.context["titles"]]


def jsonld_blocks(response) -> list[dict]:
    html = response.content.decode()
    return [
        json.loads(block) for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]


def test_root_redirects_to_visitor_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")

    assert response.status_code == 302
    assert response["Location"] == "/fr/"


def test_title_list_shows_top_level_works_by_default(client):
    series = SeriesFactory(original_title="Série A")
    SeasonFactory(parent=series, number=1)
    TitleFactory(original_title="Film B")

    response = client.get("/en/titles/")

    assert names(response) == ["Film B", "Série A"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ("kind=series", ["Série"]),
        ("kind=film", ["Film 1999", "Film 2021"]),
        ("genre=drama", ["Série"]),
        ("country=BE", ["Film 1999"]),
        ("language=nl", ["Film 1999"]),
        ("year_min=2000", ["Film 2021", "Série"]),
        ("year_max=2000", ["Film 1999"]),
        ("year_min=2000&year_max=2021", ["Film 2021"]),
        ("q=serie", ["Série"]),
        ("ordering=-year", ["Série", "Film 2021", "Film 1999"]),
        ("ordering=year", ["Film 1999", "Film 2021", "Série"]),
    ],
)
def test_title_list_filters(client, params, expected):
    drama = GenreFactory(slug="drama", name_en="Drama")
    series = SeriesFactory(original_title="Série", year=2022)
    series.genres.add(drama)
    old = TitleFactory(original_title="Film 1999", year=1999)
    old.countries.add("BE")
    old.languages.add("nl")
    TitleFactory(original_title="Film 2021", year=2021)

    response = client.get(f"/en/titles/?{params}")

    assert response.status_code == 200
    assert names(response) == expected


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ("year_min=abc", "From year: Enter a whole number."),
        ("year_max=99999999999999999999999", "To year: Ensure this value is less than or equal to 9999."),
        ("year_min=-5", "From year: Ensure this value is greater than or equal to 1."),
        ("ordering=password", "Sort by: Select a valid choice. password is not one of the available choices."),
        ("kind=podcast", "Kind: Select a valid choice. podcast is not one of the available choices."),
        ("genre=nope", "Genre: Select a valid choice. That choice is not one of the available choices."),
        ("country=XX'--", "Country: Select a valid choice. That choice is not one of the available choices."),
    ],
)
def test_title_list_bad_values_show_an_error_and_the_unfiltered_list(client, params, error):
    TitleFactory(original_title="Film")

    response = client.get(f"/en/titles/?{params}")

    assert response.status_code == 200
    assert error in re.sub(r"\s+", " ", response.content.decode().replace("&#x27;", "'"))
    assert names(response) == ["Film"]


@pytest.mark.parametrize("params", ["page=99999", "page=abc", "page=0", "page=-1"])
def test_title_list_unknown_page_is_not_found(client, params):
    TitleFactory()

    assert client.get(f"/en/titles/?{params}").status_code == 404


@pytest.mark.parametrize(
    "params", ["q=%00", "q=" + "a" * 5000, "unknown=1", "genre=%00", "year_min=1e5", "ordering=", "q=%F0%9F%8E%AC"]
)
def test_title_list_hostile_query_strings_answer_a_normal_page(client, params):
    TitleFactory()

    assert client.get(f"/en/titles/?{params}").status_code == 200


def test_title_list_second_page(client, settings):
    for n in range(settings.PAGE_SIZE + 2):
        TitleFactory(original_title=f"Film {n:03}")

    response = client.get("/en/titles/?page=2")

    assert names(response) == ["Film 024", "Film 025"]
    assert "Page 2 of 2" in response.content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_title_list_query_count_does_not_grow(client, django_assert_num_queries, count):
    genre = GenreFactory()
    for n in range(count):
        series = SeriesFactory(original_title=f"Série {n}")
        series.genres.add(genre)
        series.countries.add("FR")
        LocalizedTitleFactory(title=series, language_id="en")
        SeasonFactory(parent=series, number=1)

    # 1 count for the paginator, 2 the page of titles (children counted by a subquery),
    # 3 localized titles, 4 genres, 5 countries, then the filter form's choices:
    # 6 genres, 7 countries in use, 8 languages in use, 9 platforms (streaming filter),
    # 10 the first credit of each title (catalog.distinctions, whatever the titles shown).
    with django_assert_num_queries(10):
        response = client.get("/en/titles/")

    assert len(response.context["titles"]) == count


@pytest.mark.parametrize("count", [1, 3])
def test_series_page_query_count_does_not_grow_with_seasons(client, django_assert_num_queries, count):
    series = SeriesFactory()
    for number in range(1, count + 1):
        season = SeasonFactory(parent=series, number=number)
        LocalizedTitleFactory(title=season, language_id="en")
        EpisodeFactory(parent=season, number=1)

    # The catalogue's own page (the other apps' sections assert their own cost): 1 the title
    # with parent chain and original language; prefetches: 2 localized titles (with language),
    # 3 genres, 4 themes, 5 countries, 6 languages, 7 ratings, 8 external ids, 9 images,
    # 10 related titles, 11 quotations; 12 children, 13 their localized titles.
    with extensions.title_sections.override(), django_assert_num_queries(13):
        response = client.get(series.get_absolute_url())

    assert [c.number for c in response.context["children"]] == list(range(1, count + 1))


@pytest.mark.parametrize("count", [1, 3])
def test_season_page_query_count_does_not_grow_with_episodes(client, django_assert_num_queries, count):
    season = SeasonFactory()
    for number in range(1, count + 1):
        episode = EpisodeFactory(parent=season, number=number)
        LocalizedTitleFactory(title=episode, language_id="en")

    # As for a series, plus 14 the parent's localized titles, 15 the sibling seasons
    # and 16 their localized titles (previous/next season).
    with extensions.title_sections.override(), django_assert_num_queries(16):
        response = client.get(season.get_absolute_url())

    assert len(response.context["children"]) == count


def test_episode_page_query_count(client, django_assert_num_queries):
    episode = EpisodeFactory(number=2)
    EpisodeFactory(parent=episode.parent, number=1)
    EpisodeFactory(parent=episode.parent, number=3)

    # 1 the episode with parent chain; 2 its localized titles, 3 the season's, 4 the
    # series'; 5 genres, 6 themes, 7 countries, 8 languages, 9 ratings, 10 external ids,
    # 11 images, 12 related titles, 13 quotations; 14 children (none, so no prefetch); 15 the
    # sibling episodes and 16 their localized titles (previous/next).
    with extensions.title_sections.override(), django_assert_num_queries(16):
        response = client.get(episode.get_absolute_url())

    assert (response.context["previous"].number, response.context["next"].number) == (1, 3)


def test_title_detail_unknown_slug_is_not_found(client):
    assert client.get("/en/titles/nothing-here/").status_code == 404


def test_title_detail_slug_matches_whatever_its_case(client):
    film = TitleFactory(slug="le-film", original_title="Le Film")

    assert client.get("/en/titles/LE-FILM/").context["title"] == film


def test_search_finds_titles_without_accents(client):
    TitleFactory(original_title="Tout près des étoiles")

    response = client.get(reverse("catalog:search"), {"q": "etoiles"})

    assert [t.display_title() for t in response.context["titles"]] == ["Tout près des étoiles"]


def test_search_with_nul_byte_answers_a_normal_page(client):
    assert client.get("/en/search/?q=%00opera").status_code == 200


def test_episode_jsonld_names_its_season_and_series(client):
    series = SeriesFactory(original_title="L'Opéra")
    LocalizedTitleFactory(title=series, language_id="en", text="The Opera")
    season = SeasonFactory(parent=series, number=2)
    episode = EpisodeFactory(parent=season, number=3, synopsis_en="Varna.")

    (data,) = jsonld_blocks(client.get(episode.get_absolute_url()))

    assert data["@type"] == "Episode"
    assert data["episodeNumber"] == 3
    assert data["partOfSeason"]["@type"] == "CreativeWorkSeason"
    assert data["partOfSeason"]["name"] == "Season 2"
    assert data["partOfSeries"] == {
        "@type": "TVSeries",
        "name": "The Opera",
        "url": "http://testserver/en/titles/" + series.slug + "/",
    }
    assert data["description"] == "Varna."


@pytest.mark.parametrize(("kind", "schema_type"), [(TitleKind.FILM, "Movie"), (TitleKind.SERIES, "TVSeries")])
def test_title_jsonld_type(client, kind, schema_type):
    title = TitleFactory(kind=kind)

    (data,) = jsonld_blocks(client.get(title.get_absolute_url()))

    assert data["@type"] == schema_type


def test_jsonld_escapes_closing_script_tags(client):
    title = TitleFactory(original_title="</script><script>alert(1)</script>")

    html = client.get(title.get_absolute_url()).content.decode()

    assert "<script>alert(1)" not in html
    assert jsonld_blocks(client.get(title.get_absolute_url()))[0]["name"] == "</script><script>alert(1)</script>"


def test_pages_link_their_other_language(client):
    title = TitleFactory(slug="le-film")

    html = client.get("/fr/titles/le-film/").content.decode()

    assert '<link rel="alternate" hreflang="en" href="http://testserver/en/titles/le-film/">' in html
    assert 'href="/en/titles/le-film/" hreflang="en" lang="en">English</a>' in html
    assert title.display_title() in html


@pytest.mark.parametrize("language", ["en", "fr"])
def test_title_list_sorts_with_the_leading_article_aside(client, language):
    """ "L'Opéra" ("The Opera" in English) is sorted under O, "Le cygne" under C, as a reader
    looks for them; the sort key of every title follows one rule (``Title.compute_sort_title``)."""
    opera = TitleFactory(original_title="L’Opéra")
    LocalizedTitleFactory(title=opera, text="The Opera")
    for name in ("Nabucco", "Le cygne", "Mlle Bessy", "Carmen", "The Rite and its revolutions", "A"):
        TitleFactory(original_title=name)

    titles = client.get(f"/{language}/titles/", {"ordering": "title"}).context["titles"]

    assert [t.original_title for t in titles] == [
        "A",
        "Carmen",
        "Le cygne",
        "Mlle Bessy",
        "Nabucco",
        "L’Opéra",
        "The Rite and its revolutions",
    ]
