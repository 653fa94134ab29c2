"""Issue 16, defect 4: the demo asserts nothing the four reference documents do not say.

Each check names the invented or misplaced fact it rules out; the public pages are read too,
since a visitor sees them there.
"""

import re

import pytest

from catalog.models import ContentRating, Title
from people.models import Credit, Organization, OrganizationAlias, Person
from screenings.models import Festival, Venue
from streaming.models import Platform

pytestmark = pytest.mark.django_db

REFERENCE_ORGANISATIONS = [
    "newen-connect",
    "orange-studio",
    "lexus",
    "club-pop",
    "victoria-productions",
    "telfrance",
    "canal-plus",
    "cnc",
]


def page_text(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_colcoa_has_no_invented_organiser_or_tagline(demo, client):
    festival = Festival.objects.get(slug="colcoa")

    assert festival.organizer is None
    assert not Organization.objects.filter(name__icontains="Franco-American").exists()
    assert (festival.description_en, festival.description_fr) == ("", "")
    for lang in ("en", "fr"):
        text = page_text(client, f"/{lang}/festivals/colcoa-2021/")
        assert "Franco-American" not in text
        assert "City of Lights" not in text


def test_los_angeles_is_the_venues_time_zone_not_a_public_fact(demo, client):
    """000 names the Melville Theatre and the times, not a city: the zone the times need is
    the only trace of the COLCOA inference; no page states Los Angeles or the United States."""
    venue = Venue.objects.get(slug="melville-theatre")
    festival = Festival.objects.get(slug="colcoa")

    assert venue.timezone == "America/Los_Angeles"
    assert (venue.city, venue.country_id, festival.city, festival.country_id) == ("", None, "", None)
    for lang in ("en", "fr"):
        for address in (
            f"/{lang}/venues/melville-theatre/",
            f"/{lang}/festivals/colcoa-2021/",
            f"/{lang}/festivals/",
            f"/{lang}/venues/",
        ):
            text = page_text(client, address)
            for claim in ("Los Angeles", "Los_Angeles", "United States", "États-Unis"):
                assert claim not in text, (address, claim)


def test_the_press_release_is_cited_by_its_source_line_not_a_french_date(demo, client):
    """002 ends "SOURCE : Opéra national de Paris" and "28/01/2026": the figures and the
    biography cite the source, and the date reads as the page's language writes dates
    (issue 16, defect 8: "communiqué du 28/01/2026" on English pages)."""
    for address in ("/en/platforms/pop-paris-opera-play/", "/en/people/jean-luc-perreard/"):
        text = page_text(client, address)
        assert "communiqué" not in text, address
        assert "28/01/2026" not in text, address
    assert "as stated on Jan. 28, 2026, Opéra national de Paris)" in page_text(
        client, "/en/platforms/pop-paris-opera-play/"
    )


@pytest.mark.parametrize("name", ["Cécile Ducrocq", "Bertrand Tavernier"])
def test_no_nationality_the_documents_do_not_give(demo, name):
    assert Person.objects.get(name=name).nationality_id is None


def test_nils_tavernier_keeps_the_nationality_003_gives(demo):
    # "Nils Tavernier is a French director and actor."
    assert Person.objects.get(name="Nils Tavernier").nationality_id == "FR"


@pytest.mark.parametrize("slug", REFERENCE_ORGANISATIONS)
def test_no_country_the_documents_do_not_give(demo, slug):
    assert Organization.objects.get(slug=slug).country_id is None


def test_cnc_has_no_long_name_from_outside_the_documents(demo):
    assert not OrganizationAlias.objects.filter(owner__slug="cnc").exists()


def test_no_website_the_documents_do_not_give(demo, client):
    assert Organization.objects.get(slug="opera-national-de-paris").website == ""
    assert Platform.objects.get(slug="pop-paris-opera-play").website == ""
    for url in ("/en/platforms/pop-paris-opera-play/", "/fr/organizations/opera-national-de-paris/"):
        assert "operadeparis.fr" not in client.get(url).content.decode()


def test_orange_studio_is_not_called_a_production_company(demo):
    # 000 names it only under "Presented in Association with:".
    assert Organization.objects.get(slug="orange-studio").kind != "production"


@pytest.mark.parametrize("slug", ["dans-les-couloirs-de-l-opera", "tout-pres-des-etoiles"])
def test_no_original_language_the_documents_do_not_give(demo, slug):
    title = Title.objects.get(slug=slug)
    assert title.original_language_id is None
    assert not title.languages.exists()
    assert not Title.objects.filter(parent=title, original_language__isnull=False).exists()


def test_tout_pres_des_etoiles_is_dated_by_its_shoot_only(demo):
    film = Title.objects.get(slug="tout-pres-des-etoiles")

    assert film.year is None
    assert (film.production_start_year, film.production_end_year) == (1999, 1999)


def test_numeridanse_suggestions_are_videos_not_films(demo):
    related = Title.objects.get(slug="tout-pres-des-etoiles").related.all()

    assert related.count() == 19
    assert not related.filter(kind="film").exists()
    assert related.get(slug="douar-teaser").kind == "trailer"
    assert set(related.exclude(slug="douar-teaser").values_list("kind", flat=True)) == {"video"}


def test_numeridanse_names_are_not_credited_as_choreographers(demo, client):
    related = Title.objects.get(slug="tout-pres-des-etoiles").related.all()
    credits = Credit.objects.filter(title__in=related)

    assert credits.exists()
    assert not credits.filter(role__slug="choreographer").exists()
    assert set(credits.values_list("role__slug", flat=True)) == {"associated-name"}
    text = page_text(client, "/en/titles/sur-les-pas-de-noureev/")
    assert "Choreograph" not in text
    assert "Rudolf Noureev" in text


def test_tv_ma_is_on_season_two_only(demo):
    ratings = ContentRating.objects.filter(title__slug__startswith="l-opera")

    assert [(r.title.slug, r.system, r.value) for r in ratings] == [("l-opera-season-2", "US-TV", "TV-MA")]


def test_replay_is_said_of_live_shows_not_of_single_rentals(demo, client):
    # 002: "Les spectacles en direct restent disponibles en replay pendant 30 jours": live shows,
    # said once for the platform, not a condition of the rental plan.
    for lang, rental, live, days in (
        ("en", "Per live show, without a subscription", "Live shows stay available for 30 days", "30 days"),
        ("fr", "Par spectacle en direct, sans abonnement", "Les spectacles en direct restent disponibles", "30 jours"),
    ):
        text = page_text(client, f"/{lang}/platforms/pop-paris-opera-play/")
        assert live in text
        assert text.count(days) == 1, lang
        condition = text[text.index(rental) + len(rental) :][:40]
        assert "replay" not in condition, condition
