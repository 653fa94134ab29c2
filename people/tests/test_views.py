import re

import pytest

from catalog import extensions
from catalog.testing import section_queries
from catalog.tests.factories import EpisodeFactory, LocalizedTitleFactory, SeasonFactory, SeriesFactory, TitleFactory
from people.enums import RelationKind
from people.models import PersonRelation
from people.tests.factories import CreditFactory, OrganizationFactory, PersonAliasFactory, PersonFactory, role

pytestmark = pytest.mark.django_db


def text(response) -> str:
    html = response.content.decode()
    main = re.search(r"<main.*?</main>", html, re.S).group(0)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).strip()


@pytest.mark.parametrize("n", [1, 3])
def test_season_page_rolls_up_episode_credits_in_constant_queries(client, n):
    season = SeasonFactory(number=1)
    director = PersonFactory(name="Stéphane Demoustier")
    for number in range(1, n + 1):
        episode = EpisodeFactory(parent=season, number=number)
        CreditFactory(title=episode, person=director, role=role("director"))
        CreditFactory(title=episode, person=PersonFactory(name=f"Actor {number}"), role=role("actor"), character="Zoe")
    # The credits section adds 5 queries to the title page, for 1 or 3 episodes: 1 the lines
    # (role, person or organisation) grouped in the database; 2 the credits of the lines shown,
    # as values; 3 their roles; 4 people; 5 affiliations (organisations: none credited here).
    added = section_queries(client, season.get_absolute_url(), extensions.title_sections, "credits")
    assert added == 5
    assert added <= extensions.title_sections["credits"].queries
    response = client.get(season.get_absolute_url())

    page = text(response)
    episodes = "episode 1" if n == 1 else f"episodes 1–{n}"
    assert f"Cast and crew Directing Director Stéphane Demoustier , {episodes}" in page
    assert "Actor 1 — Zoe , episode 1" in page


def test_series_page_groups_seasons_and_full_character_names(client):
    s1 = SeasonFactory(number=1)
    s2 = SeasonFactory(number=2, parent=s1.parent)
    labed = PersonFactory(name="Ariane Labed")
    CreditFactory(title=s1, person=labed, role=role("actor"), character="Zoe", character_full_name="Zoé Monin")
    CreditFactory(title=s2, person=labed, role=role("actor"), character="Zoé Monin")

    page = text(client.get(s1.parent.get_absolute_url()))

    assert "Cast Cast Ariane Labed — Zoé Monin , seasons 1–2" in page


def test_a_number_range_is_never_broken_after_its_dash(client):
    """At 360 px "seasons 1–2" broke as "seasons 1–" / "2" (issue 16): each range is one
    unbreakable piece, on the title page and the person page; the text around it is escaped."""
    s1 = SeasonFactory(number=1)
    s2 = SeasonFactory(number=2, parent=s1.parent)
    labed = PersonFactory(name="Ariane Labed")
    for season in (s1, s2):
        CreditFactory(title=season, person=labed, role=role("actor"), character="Zoe")

    for address in (s1.parent.get_absolute_url(), labed.get_absolute_url()):
        html = client.get(address).content.decode()
        assert 'seasons <span class="nowrap">1–2</span>' in html, address

    from catalog.templatetags.affiche import unbroken_ranges

    assert unbroken_ranges("<b> 3–4") == '&lt;b&gt; <span class="nowrap">3–4</span>'


@pytest.mark.parametrize("n", [1, 3])
def test_person_page_one_line_per_work_in_constant_queries(client, django_assert_num_queries, n):
    nils = PersonFactory(name="Nils Tavernier", bio_en="A French director.", bio_source="Numeridanse")
    PersonAliasFactory(owner=nils, name="Niels Tavernier", seen_in="Numeridanse")
    PersonRelation.objects.create(person=nils, kind=RelationKind.CHILD_OF, other=PersonFactory(name="Bertrand T"))
    season = SeasonFactory(number=1, year=2021)
    for number in range(1, n + 1):
        CreditFactory(title=EpisodeFactory(parent=season, number=number, year=2021), person=nils)
    # 1 person with portrait and nationality; 2 aliases; 3 relations; 4 relations to;
    # 5 the (role, work) lines, grouped in the database; 6 the credits of the lines shown with
    # roles, titles, parents and works; 7 affiliations; 8 localized titles of the top-level
    # works only (episodes and seasons show numbers)
    with django_assert_num_queries(8):
        response = client.get(nils.get_absolute_url())

    page = text(response)
    assert "Also credited as Niels Tavernier Family" in page  # where the spelling was seen is a staff note
    assert "Family Child of Bertrand T" in page
    assert "Source: Numeridanse" in page
    series = season.parent.original_title
    episodes = "episode 1" if n == 1 else f"episodes 1–{n}"
    assert f"Director 2021 {series} , season 1, {episodes}" in page


@pytest.mark.parametrize("works", [1, 3])
def test_person_page_costs_the_same_at_one_and_at_three_works_of_several_episodes(
    client, django_assert_num_queries, works
):
    """Issue 17: the page read one query of names per work when several credits led to the same
    work (49 of 55 queries for a person with credits on many series)."""
    actor = PersonFactory(name="Busy Actor")
    for _work in range(works):
        season = SeasonFactory(number=1, year=2021)
        for number in (1, 2, 3):
            CreditFactory(title=EpisodeFactory(parent=season, number=number, year=2021), person=actor)
        CreditFactory(title=season.parent, person=actor, role=role("actor"), character="Lead")

    # 1 person; 2 aliases; 3 relations; 4 relations to; 5 lines; 6 credits; 7 affiliations;
    # 8 names of the works
    with django_assert_num_queries(8):
        response = client.get(actor.get_absolute_url())

    assert text(response).count(", season 1, episodes 1–3") == works


@pytest.mark.parametrize("n", [1, 3])
def test_organization_page_in_constant_queries(client, django_assert_num_queries, n):
    company = OrganizationFactory(name="Victoria Productions")
    for _i in range(n):
        credit = CreditFactory(role=role("producer"))
        credit.affiliations.add(company)
        CreditFactory(person=None, organization=company, role=role("production-company"))
    # 1 organisation with logo and country; 2 aliases; 3 lines; 4 credits; 5 affiliations;
    # 6 localized titles of the works; 7 affiliated credits; 8 their affiliations; 9 their
    # localized titles
    with django_assert_num_queries(9):
        response = client.get(company.get_absolute_url())

    page = text(response)
    assert "Production company" in page
    assert page.count(", producer — ") == n


def test_people_list_search_is_accent_and_alias_insensitive(client):
    nils = PersonFactory(name="Nils Tavernier")
    PersonAliasFactory(owner=nils, name="Niels Tavernier")
    PersonFactory(name="Cécile Ducrocq")

    assert "1 person Nils Tavernier" in text(client.get("/en/people/?q=niels"))
    assert "1 person Cécile Ducrocq" in text(client.get("/en/people/?q=CECILE"))
    assert client.get("/en/people/?page=99").status_code == 404


def test_search_page_lists_people_and_organisations(client):
    PersonFactory(name="Nils Tavernier")
    OrganizationFactory(name="Gaïa films")

    page = text(client.get("/en/search/?q=gaia"))

    assert "Organisations Gaïa films (Other)" in page
    assert "No person matches “gaia”." in page


def test_title_jsonld_has_directors_and_performance_roles(client):
    season = SeasonFactory(number=1)
    CreditFactory(title=season, person=PersonFactory(name="Cécile Ducrocq"))
    CreditFactory(title=season, person=PersonFactory(name="Ariane Labed"), role=role("actor"), character="Zoe")

    html = client.get(season.get_absolute_url()).content.decode()

    assert '"director":[{"@type":"Person","name":"Cécile Ducrocq"' in html
    assert '"actor":[{"@type":"PerformanceRole","actor":{"@type":"Person","name":"Ariane Labed"' in html
    assert '"characterName":"Zoe"' in html


def test_demo_pages_show_the_reference_credits(client, demo):
    series = text(client.get("/en/titles/l-opera/"))
    assert "Ariane Labed — Zoé Monin , seasons 1–2" in series
    assert "Florence Levard ( Telfrance , Victoria Productions ) , season 1" in series
    season = text(client.get("/en/titles/l-opera-season-1/"))
    assert "Ariane Labed — Zoé Monin" in season
    assert "International sales Newen Connect" in season
    etoiles = text(client.get("/en/titles/tout-pres-des-etoiles/"))
    assert "Production company Little Bear Gaïa films Canal +" in etoiles
    assert "Participation CNC ministère de la Culture et de la Communication (DMDTS)" in etoiles
    nils = text(client.get("/fr/people/nils-tavernier/"))
    assert "Niels Tavernier" in nils
    assert "Biographie disponible en anglais uniquement." in nils or "Biography" in nils
    ballet = text(client.get("/en/organizations/ballet-de-l-opera-national-de-paris/"))
    assert "Source: New World Encyclopedia" in ballet


@pytest.fixture
def the_opera():
    """A series whose two seasons credit Ariane Labed as Zoé Monin ("Zoe" as written in season 2)."""
    series = SeriesFactory(original_title="L’Opéra", slug="l-opera")
    LocalizedTitleFactory(title=series, text="The Opera")
    ariane = PersonFactory(name="Ariane Labed", slug="ariane-labed")
    # As the demo: season 1 names "Zoé Monin" in full, season 2 "Zoe" with the full name aside.
    for number, character, full in ((1, "Zoé Monin", ""), (2, "Zoe", "Zoé Monin")):
        season = SeasonFactory(parent=series, number=number)
        CreditFactory(title=season, person=ariane, role=role("actor"), character=character, character_full_name=full)
    return series


@pytest.mark.parametrize("query", ["Zoé", "zoe", "MONIN", "zoe monin"])
def test_search_finds_the_character_and_who_plays_it(client, the_opera, query):
    english = text(client.get("/en/search/", {"q": query}))
    french = text(client.get("/fr/search/", {"q": query}))
    html = client.get("/en/search/", {"q": query}).text

    # One line for both seasons, the actor and the work linked.
    assert english.count("Ariane Labed as Zoé Monin in The Opera") == 1
    assert french.count("Ariane Labed joue Zoé Monin dans L’Opéra") == 1
    assert '<a href="/en/people/ariane-labed/">Ariane Labed</a>' in html
    assert '<a href="/en/titles/l-opera/">The Opera</a>' in html


def test_search_leaves_out_characters_of_draft_titles_and_of_other_names(client, the_opera):
    draft = TitleFactory(published_at=None)
    CreditFactory(title=draft, person=PersonFactory(name="Hidden"), role=role("actor"), character="Diane")

    assert "Characters" not in text(client.get("/en/search/", {"q": "diane"}))
    assert "Characters" not in text(client.get("/en/search/", {"q": "ariane"}))


@pytest.mark.parametrize("n", [1, 3])
def test_character_search_query_count_is_constant(client, n):
    for number in range(n):
        season = SeasonFactory(number=1)
        LocalizedTitleFactory(title=season.parent, text=f"Show {number}")
        episode = EpisodeFactory(parent=season, number=1)
        CreditFactory(title=episode, person=PersonFactory(), role=role("actor"), character=f"Diane {number}")

    added = section_queries(client, "/en/search/?q=diane", extensions.search_sections, "people")

    # Person, organisation, characters (person and titles joined), the names of the three
    # title levels: 6 for 1 or 3 characters found.
    assert added == 6
    assert added <= extensions.search_sections["people"].queries
    assert text(client.get("/en/search/?q=diane")).count(" as Diane ") == n


@pytest.mark.parametrize("language", ["en", "fr"])
def test_titles_of_one_name_are_told_apart_by_their_first_credit(client, demo, language):
    """Numeridanse suggests two "Yvette Chauviré" films (same kind, no year): the list and the
    related titles name each one's choreographer, so that they are not two identical cards."""
    listing = text(client.get(f"/{language}/titles/", {"q": "yvette chauvire"}))
    related = text(client.get(f"/{language}/titles/tout-pres-des-etoiles/"))

    for page in (listing, related):
        assert "Michel Fokine" in page
        assert "Yvette Chauviré Yvette Chauviré" not in page.replace("(", "").replace(")", "")
    assert listing.count("Yvette Chauviré") >= 3  # two names, one choreographer
    assert "Le cygne (" not in related  # a title without a namesake gets no addition


def test_the_people_list_reads_its_page_in_index_order(client):
    """Issue 17: the people list sorted every person to show one page (55 ms on PostgreSQL at
    the reference size); an index on its order (sort name, name) gives the page directly."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from people.models import Person

    for n in range(30):
        PersonFactory(name=f"Person {n:02}")
    indexes = connection.introspection.get_constraints(connection.cursor(), Person._meta.db_table)
    assert any(info["index"] and info["columns"] == ["sort_name", "name"] for info in indexes.values())
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("people:person_list"), {"page": 2}).status_code == 200
    (page,) = [q["sql"] for q in captured if "ORDER BY" in q["sql"] and "LIMIT" in q["sql"]]
    if connection.vendor == "sqlite":  # PostgreSQL sorts a table this small whatever the index
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {page}")
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert "person_sort" in plan
        assert "TEMP B-TREE" not in plan
