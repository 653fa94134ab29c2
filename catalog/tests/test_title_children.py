"""Issue 17: a title page lists its first ``CHILDREN_FIRST`` seasons or episodes (the JSON-LD
names those); every one, with its synopsis, is on the title's episodes page, paginated."""

import json
import re

import pytest

from catalog import extensions, views

from .factories import EpisodeFactory, LocalizedTitleFactory, SeasonFactory, SeriesFactory

pytestmark = pytest.mark.django_db


def season_of(n):
    season = SeasonFactory()
    for number in range(1, n + 1):
        EpisodeFactory(parent=season, number=number, synopsis_en=f"Synopsis {number}.")
    return season


def jsonld(response) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S)
    return json.loads(blocks[0])


@pytest.mark.parametrize(("language", "link"), [("en", "All 5 episodes"), ("fr", "Tous les épisodes (5)")])
def test_season_page_shows_the_first_episodes_and_links_to_the_rest(client, monkeypatch, language, link):
    monkeypatch.setattr(views, "CHILDREN_FIRST", 3)
    season = season_of(5)

    response = client.get(f"/{language}/titles/{season.slug}/")

    assert [c.number for c in response.context["children"]] == [1, 2, 3]
    html = response.content.decode()
    assert f'href="/{language}/titles/{season.slug}/episodes/"' in html
    assert link in html
    assert "Synopsis 3." in html
    assert "Synopsis 4." not in html
    assert [e["episodeNumber"] for e in jsonld(response)["episode"]] == [1, 2, 3]


def test_series_page_shows_the_first_seasons_and_counts_them_all(client, monkeypatch):
    monkeypatch.setattr(views, "CHILDREN_FIRST", 2)
    series = SeriesFactory()
    for number in range(1, 4):
        SeasonFactory(parent=series, number=number)

    response = client.get(series.get_absolute_url())

    assert [c.number for c in response.context["children"]] == [1, 2]
    assert "All 3 seasons" in response.content.decode()
    data = jsonld(response)
    assert data["numberOfSeasons"] == 3
    assert [s["seasonNumber"] for s in data["containsSeason"]] == [1, 2]


def test_season_page_without_more_episodes_has_no_link(client):
    season = season_of(3)

    html = client.get(season.get_absolute_url()).content.decode()

    assert "/episodes/" not in html


@pytest.mark.parametrize("language", ["en", "fr"])
def test_episodes_page_reaches_every_episode_with_its_synopsis(client, monkeypatch, language):
    monkeypatch.setattr(views.TitleChildrenView, "paginate_by", 2)
    season = season_of(5)
    url = f"/{language}/titles/{season.slug}/episodes/"

    pages = [client.get(url, {"page": page}) for page in (1, 2, 3)]

    assert [c.number for r in pages for c in r.context["children"]] == [1, 2, 3, 4, 5]
    html = pages[1].content.decode()
    assert "Synopsis 3." in html
    assert 'rel="prev" href="?page=1"' in html
    assert 'rel="next" href="?page=3"' in html


@pytest.mark.parametrize("count", [1, 3])
def test_season_page_query_count_with_more_episodes_than_shown(client, django_assert_num_queries, monkeypatch, count):
    monkeypatch.setattr(views, "CHILDREN_FIRST", count)
    season = season_of(count + 2)

    # As for a season with all its episodes shown (test_views), plus 17 the count of its
    # episodes (only when there are more than shown).
    with extensions.title_sections.override(), django_assert_num_queries(17):
        response = client.get(season.get_absolute_url())

    assert len(response.context["children"]) == count


@pytest.mark.parametrize("count", [1, 3])
def test_episodes_page_query_count_is_constant(client, django_assert_num_queries, count):
    season = season_of(count)
    for episode in season.children.all():
        LocalizedTitleFactory(title=episode, language_id="en")

    # 1 the season with its series; 2 its localized titles, 3 the series'; 4 the count for
    # the paginator; 5 the episodes; 6 their localized titles.
    with django_assert_num_queries(6):
        response = client.get(f"/en/titles/{season.slug}/episodes/")

    assert len(response.context["children"]) == count


@pytest.mark.parametrize("page", ["abc", "0", "99999", "-1", "1.5", "%00", "9" * 30])
def test_episodes_page_answers_any_page_with_a_page(client, page):
    season = season_of(2)

    assert client.get(f"/en/titles/{season.slug}/episodes/", {"page": page}).status_code == 200


def test_episodes_page_of_a_draft_is_404(client):
    season = season_of(1)
    season.published_at = None
    season.save()

    assert client.get(f"/en/titles/{season.slug}/episodes/").status_code == 404
