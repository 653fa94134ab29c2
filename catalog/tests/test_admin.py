import pytest
from django.urls import reverse

from catalog.enums import TitleKind
from catalog.models import Title

from .factories import EpisodeFactory, LocalizedTitleFactory, SeasonFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [1, 3])
def test_title_changelist_query_count_does_not_grow(admin_client, django_assert_num_queries, count):
    for _ in range(count):
        episode = EpisodeFactory()
        LocalizedTitleFactory(title=episode.parent.parent)

    # 1 session, 2 user, 3 the genre filter's choices, 4 the count for the paginator
    # (no second, unfiltered count: show_full_result_count is off), 5 the page of titles
    # with parent and grandparent joined, 6 the year filter's distinct years.
    with django_assert_num_queries(6):
        response = admin_client.get(reverse("admin:catalog_title_changelist"))

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == Title.objects.count()


def test_title_admin_search_finds_localized_titles(admin_client):
    season = SeasonFactory()
    LocalizedTitleFactory(title=season.parent, text="The Opera")

    response = admin_client.get(reverse("admin:catalog_title_changelist"), {"q": "The Opera"})

    assert list(response.context["cl"].result_list) == [season.parent]


def test_title_admin_change_form_lists_the_seasons_inline(admin_client):
    season = SeasonFactory(slug="the-season-slug")

    assert admin_client.get(reverse("admin:catalog_title_add")).status_code == 200
    response = admin_client.get(reverse("admin:catalog_title_change", args=[season.parent.pk]))
    inline = response.context["inline_admin_formsets"][1]
    assert [form.form.instance.slug for form in inline if form.original] == ["the-season-slug"]


def test_title_admin_refuses_duplicate_episode_number(admin_client):
    season = SeasonFactory()
    EpisodeFactory(parent=season, number=1)

    response = admin_client.post(
        reverse("admin:catalog_title_add"),
        {
            "kind": "episode",
            "parent": season.pk,
            "number": 1,
            "slug": "dup",
            "original_title": "",
            "localized_titles-TOTAL_FORMS": 0,
            "localized_titles-INITIAL_FORMS": 0,
            "children-TOTAL_FORMS": 0,
            "children-INITIAL_FORMS": 0,
            "ratings-TOTAL_FORMS": 0,
            "ratings-INITIAL_FORMS": 0,
            "external_ids-TOTAL_FORMS": 0,
            "external_ids-INITIAL_FORMS": 0,
            "images-TOTAL_FORMS": 0,
            "images-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 200
    assert "Another title in this parent already has this number." in response.content.decode()
    assert not Title.objects.filter(slug="dup").exists()


def test_deleting_a_series_with_seasons_is_refused(admin_client):
    season = SeasonFactory()

    response = admin_client.get(reverse("admin:catalog_title_delete", args=[season.parent.pk]))

    assert "would require deleting the following protected related objects" in response.content.decode()


def autocomplete(client, term: str, model: str = "title", field: str = "original_language") -> list[str]:
    """The labels the admin's autocomplete offers for ``term`` in ``model.field``, in order."""
    response = client.get(
        reverse("admin:autocomplete"), {"term": term, "app_label": "catalog", "model_name": model, "field_name": field}
    )
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


def test_language_autocomplete_lists_the_exact_name_first_then_the_names_that_begin_with_it(admin_client, iso_codes):
    offered = autocomplete(admin_client, "French")

    assert offered[0] == "French"
    assert offered.index("Cajun French") > max(i for i, name in enumerate(offered) if name.startswith("French"))


@pytest.mark.parametrize("model", ["country", "language"])
def test_every_country_and_language_comes_first_when_its_name_or_code_is_typed(admin_client, iso_codes, model):
    from django.apps import apps
    from django.contrib import admin
    from django.test import RequestFactory

    model = apps.get_model("catalog", model)
    model_admin = admin.site.get_model_admin(model)
    request = RequestFactory().get("/")
    wrong = []
    for record in model.objects.all():
        for term in (record.name_en, record.code):
            found, _dupes = model_admin.get_search_results(request, model_admin.model.objects.all(), term)
            first = found.first()
            if term.lower() not in (first.name_en.lower(), first.code.lower()):
                wrong.append((term, first.name_en))

    assert wrong == []


def test_every_episode_is_found_in_the_title_autocomplete_by_its_series_season_and_number(admin_client, demo):
    """Choosing titles (offers, collections, screenings…): "couloirs episode 1" finds episode 1 of
    "Dans les couloirs de l'Opéra" (issue 14.10), for every episode of the demo, with its season
    when it has one; its siblings are not offered."""
    episodes = Title.objects.filter(kind=TitleKind.EPISODE).select_related("parent__parent")
    assert episodes.count() >= 4
    wrong = []
    for episode in episodes:
        series = episode.root()
        season = f"season {episode.parent.number} " if episode.parent.kind == TitleKind.SEASON else ""
        last_word = series.original_title.split()[-1]
        term = f"{last_word} {season}episode {episode.number}"
        offered = autocomplete(admin_client, term, model="collectionitem", field="title")
        siblings = {str(t) for t in episode.parent.children.exclude(pk=episode.pk)}
        if str(episode) not in offered or siblings & set(offered):
            wrong.append((term, offered))

    assert wrong == []


def test_a_series_name_finds_the_series_not_each_of_its_seasons_and_episodes(admin_client, demo):
    offered = autocomplete(admin_client, "couloirs", model="collectionitem", field="title")

    assert offered == ["Dans les couloirs de l’Opéra"]


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("bureau saison 2 épisode 3", {(2, 3)}),
        ("Le Bureau season 2 ep 3", {(2, 3)}),
        ("bureau 2 3", {(2, 3)}),
        ("bureau episode 3 renaissance", {(1, 3), (2, 3)}),
        ("légendes saison 1", {(1, None)}),
    ],
)
def test_an_episode_is_found_by_series_season_and_number_in_either_language(admin_client, term, expected):
    from .factories import SeriesFactory

    series = SeriesFactory(original_title="Le Bureau des légendes")
    found = {}
    for season_number in (1, 2):
        season = found[(season_number, None)] = SeasonFactory(parent=series, number=season_number)
        for n in (1, 2, 3):
            title = "Renaissance" if n == 3 else ""
            found[(season_number, n)] = EpisodeFactory(parent=season, number=n, original_title=title)

    offered = autocomplete(admin_client, term, model="collectionitem", field="title")

    assert set(offered) == {str(found[key]) for key in expected}
