"""Issue 17: a series' or season's rolled-up credits are bounded by design — the first people of
each role on the title page, everyone of a role on the title's own paginated credits page — in
the same number of queries at 1, 3 and more episodes than a page shows."""

import re

import pytest

from catalog import extensions
from catalog.tests.factories import EpisodeFactory, SeasonFactory
from people.rollup import TITLE_CREDITS_FIRST
from people.tests.factories import CreditFactory, OrganizationFactory, PersonFactory, role

pytestmark = pytest.mark.django_db


def text(response) -> str:
    html = response.content.decode()
    main = re.search(r"<main.*?</main>", html, re.S).group(0)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).strip()


def season_with_guests(n):
    """A season of ``n`` episodes: one director on all, one guest actor per episode."""
    season = SeasonFactory(number=1)
    director = PersonFactory(name="Stéphane Demoustier")
    company = OrganizationFactory(name="Telfrance")
    for number in range(1, n + 1):
        episode = EpisodeFactory(parent=season, number=number)
        CreditFactory(title=episode, person=director, role=role("director"), order=0)
        guest = PersonFactory(name=f"Guest {number:02}")
        CreditFactory(title=episode, person=guest, role=role("actor"), character=f"Role {number}", order=number)
        CreditFactory(title=episode, person=None, organization=company, role=role("production-company"), order=0)
    return season


@pytest.mark.parametrize("n", [1, 3, TITLE_CREDITS_FIRST + 5])
def test_title_page_credits_cost_the_same_whatever_the_number_of_episodes(client, django_assert_num_queries, n):
    season = season_with_guests(n)

    # 1 the lines grouped in the database; 2 the credits of the lines shown, as values; 3 their
    # roles with departments; 4 people; 5 organisations; 6 affiliations.
    # (16: the season page without sections; catalog/tests/test_views.py.)
    credits_only = extensions.title_sections.override(extensions.title_sections["credits"])
    with credits_only, django_assert_num_queries(16 + 6):
        response = client.get(season.get_absolute_url())

    page = text(response)
    shown = min(n, TITLE_CREDITS_FIRST)
    assert page.count("Guest ") == shown
    episodes = "episode 1" if n == 1 else f"episodes 1–{n}"
    assert f"Director Stéphane Demoustier , {episodes}" in page


def test_title_page_shows_the_first_of_a_role_and_links_to_everyone(client):
    season = season_with_guests(TITLE_CREDITS_FIRST + 3)

    response = client.get(season.get_absolute_url())

    page = text(response)
    assert "Guest 01 — Role 1 , episode 1" in page
    assert f"Guest {TITLE_CREDITS_FIRST:02}" in page
    assert f"Guest {TITLE_CREDITS_FIRST + 1:02}" not in page
    assert f"Cast ({TITLE_CREDITS_FIRST + 3})" in page
    html = response.content.decode()
    assert f'href="/en/titles/{season.slug}/credits/?role=actor"' in html
    assert f"All {TITLE_CREDITS_FIRST + 3} credits — Cast" in page

    everyone = text(client.get(f"/en/titles/{season.slug}/credits/?role=actor"))
    assert f"{TITLE_CREDITS_FIRST + 3} names" in everyone
    assert (
        f"Guest {TITLE_CREDITS_FIRST + 3:02} — Role {TITLE_CREDITS_FIRST + 3} , episode {TITLE_CREDITS_FIRST + 3}"
        in everyone
    )
    assert "Stéphane Demoustier" not in everyone  # another role


def test_title_credits_page_in_french(client):
    season = season_with_guests(TITLE_CREDITS_FIRST + 1)

    page = text(client.get(f"/fr/titles/{season.slug}/"))
    assert f"Tous les crédits ({TITLE_CREDITS_FIRST + 1}) — Interprètes" in page
    assert "credits —" not in page
    assert "— générique" in text(client.get(f"/fr/titles/{season.slug}/credits/"))


@pytest.mark.parametrize("n", [1, 3])
def test_title_credits_page_query_count_is_constant(client, django_assert_num_queries, n):
    season = season_with_guests(n)

    # 1 the season with its series; 2–3 their names; 4 the role; 5 the lines; 6 the credits of
    # the page's lines; 7 their roles; 8 people (no organisation in this role); 9 affiliations.
    with django_assert_num_queries(9):
        response = client.get(f"/en/titles/{season.slug}/credits/?role=actor")

    assert text(response).count("Guest ") == n


@pytest.mark.parametrize(
    ("query", "status"),
    [("?role=nothing", 404), ("?page=abc", 404), ("?page=0", 404), ("?page=99", 302), ("?role=ACTOR", 200)],
)
def test_title_credits_page_answers_bad_parameters_without_error(client, query, status):
    season = season_with_guests(2)

    assert client.get(f"/en/titles/{season.slug}/credits/{query}").status_code == status


def test_title_credits_page_of_a_draft_is_not_found(client):
    season = season_with_guests(1)
    season.published_at = None
    season.save()

    assert client.get(f"/en/titles/{season.slug}/credits/").status_code == 404
