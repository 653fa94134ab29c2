"""Issue 17 and 16: a filmography is bounded by design — the first works of each role on the
person's or organisation's page, every work of a role on its own paginated page — in the same
number of queries at 1 and 3 works and at more works than a page shows."""

import re

import pytest

from catalog.tests.factories import EpisodeFactory, SeasonFactory, TitleFactory
from people import views
from people.rollup import FILMOGRAPHY_FIRST
from people.tests.factories import CreditFactory, OrganizationFactory, PersonFactory, role

pytestmark = pytest.mark.django_db


def text(response) -> str:
    html = response.content.decode()
    main = re.search(r"<main.*?</main>", html, re.S).group(0)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).strip()


def films_directed(person, n, year=2000):
    return [CreditFactory(title=TitleFactory(year=year + i), person=person, role=role("director")) for i in range(n)]


def test_person_page_shows_the_first_works_of_a_role_and_links_to_all_of_them(client):
    person = PersonFactory(name="Prolific Director")
    credits = films_directed(person, FILMOGRAPHY_FIRST + 3)

    response = client.get(person.get_absolute_url())

    page = text(response)
    newest = credits[-1].title.original_title
    oldest = credits[0].title.original_title
    assert newest in page
    assert oldest not in page  # the 13th work, the oldest, is on the role's page
    html = response.content.decode()
    assert f'href="/en/people/{person.slug}/credits/?role=director"' in html
    assert f"All {FILMOGRAPHY_FIRST + 3} works as Director" in page

    all_works = text(client.get(f"/en/people/{person.slug}/credits/?role=director"))
    assert f"{FILMOGRAPHY_FIRST + 3} works" in all_works
    assert oldest in all_works
    assert newest in all_works


def test_french_page_links_to_the_role_page_in_french(client):
    person = PersonFactory(name="Réalisatrice prolifique")
    films_directed(person, FILMOGRAPHY_FIRST + 1)

    page = text(client.get(f"/fr/people/{person.slug}/"))

    assert f"Toutes les œuvres ({FILMOGRAPHY_FIRST + 1}) — Réalisation" in page
    assert "works as" not in page
    assert f"{FILMOGRAPHY_FIRST + 1} œuvres" in text(client.get(f"/fr/people/{person.slug}/credits/?role=director"))


@pytest.mark.parametrize("n", [1, 3, FILMOGRAPHY_FIRST + 5])
def test_person_page_query_count_is_the_same_whatever_the_number_of_works(client, django_assert_num_queries, n):
    person = PersonFactory()
    films_directed(person, n)
    season = SeasonFactory(number=1)
    for number in (1, 2):  # and a series, through its episodes
        CreditFactory(title=EpisodeFactory(parent=season, number=number), person=person, role=role("actor"))

    # 1 person; 2 aliases; 3 relations; 4 relations to; 5 lines; 6 credits shown; 7 affiliations;
    # 8 names of the works
    with django_assert_num_queries(8):
        client.get(person.get_absolute_url())


@pytest.mark.parametrize("n", [1, 3])
def test_role_page_in_constant_queries(client, django_assert_num_queries, n):
    person = PersonFactory()
    films_directed(person, n)
    season = SeasonFactory(number=1)
    for number in range(1, n + 1):
        CreditFactory(title=EpisodeFactory(parent=season, number=number), person=person, role=role("director"))

    # 1 person; 2 role; 3 lines; 4 credits shown; 5 affiliations; 6 names of the works
    with django_assert_num_queries(6):
        response = client.get(f"/en/people/{person.slug}/credits/?role=director")

    assert text(response).count("Director") >= 1
    assert f"{n + 1} works" in text(response)


def test_role_page_pages_have_no_dead_end(client, monkeypatch):
    monkeypatch.setattr(views.CreditsPageMixin, "paginate_by", 2)
    person = PersonFactory()
    films_directed(person, 5)
    url = f"/en/people/{person.slug}/credits/?role=director"

    first = client.get(url)
    assert first.status_code == 200
    assert 'href="?role=director&amp;page=2"' in first.content.decode()
    assert client.get(url + "&page=3").status_code == 200
    beyond = client.get(url + "&page=99")
    assert beyond.status_code == 302
    assert beyond["Location"] == "?role=director&page=3"
    assert client.get(url + "&page=abc").status_code == 404
    assert client.get(url + "&page=0").status_code == 404
    assert client.get(f"/en/people/{person.slug}/credits/?role=no-such-role").status_code == 404
    assert client.get("/en/people/nobody-at-all/credits/").status_code == 404


def test_all_roles_page_lists_every_role(client):
    person = PersonFactory()
    films_directed(person, 2)
    CreditFactory(title=TitleFactory(), person=person, role=role("actor"), character="Zoe")

    page = text(client.get(f"/en/people/{person.slug}/credits/"))

    assert "3 works" in page
    assert "Director" in page
    assert "Zoe" in page


@pytest.mark.parametrize("n", [1, 3, FILMOGRAPHY_FIRST + 5])
def test_organization_page_bounded_in_constant_queries(client, django_assert_num_queries, n):
    company = OrganizationFactory(name="Busy Productions")
    for _i in range(n):
        CreditFactory(person=None, organization=company, role=role("production-company"))

    # 1 organisation; 2 aliases; 3 lines; 4 credits shown; 5 affiliations; 6 names of the works;
    # 7 affiliated credits (none: nothing to prefetch for them)
    with django_assert_num_queries(7):
        response = client.get(company.get_absolute_url())

    shown = min(n, FILMOGRAPHY_FIRST)
    assert text(response).count("Film ") >= shown
    more = f"/en/organizations/{company.slug}/credits/?role=production-company"
    assert (more in response.content.decode()) == (n > FILMOGRAPHY_FIRST)
    if n > FILMOGRAPHY_FIRST:
        assert f"{n} works" in text(client.get(more))
