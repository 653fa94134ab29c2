"""Issue 17: a platform page lists the first ``PLATFORM_OFFERS_FIRST`` offers available now and
coming soon; every offer of each part is on its own page (``/platforms/<slug>/available/``,
``/coming/``), paginated."""

import datetime

import pytest

from catalog.tests.factories import TitleFactory
from streaming import views

from .factories import OfferFactory, PlatformFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def platform_with(n):
    """A platform with ``n`` films available now (from 1, 2, … February 2026) and ``n`` coming
    (from 1, 2, … March 2026): one offer each."""
    platform = PlatformFactory()
    for number in range(1, n + 1):
        OfferFactory(
            title=TitleFactory(original_title=f"Now {number:02}"), platform=platform, available_from=D(2026, 2, number)
        )
        OfferFactory(
            title=TitleFactory(original_title=f"Soon {number:02}"), platform=platform, available_from=D(2026, 3, number)
        )
    return platform


@pytest.mark.parametrize("language", ["en", "fr"])
def test_platform_page_shows_the_first_offers_and_links_to_the_rest(client, frozen_today, monkeypatch, language):
    monkeypatch.setattr(views, "PLATFORM_OFFERS_FIRST", 3)
    platform = platform_with(5)

    response = client.get(f"/{language}/platforms/{platform.slug}/")

    now = [entry["work"].original_title for entry in response.context["catalogue"]]
    assert sorted(now) == ["Now 03", "Now 04", "Now 05"]  # the newest first
    assert [r.work.original_title for r in response.context["coming"]] == ["Soon 01", "Soon 02", "Soon 03"]
    html = response.content.decode()
    assert f'href="/{language}/platforms/{platform.slug}/available/"' in html
    assert f'href="/{language}/platforms/{platform.slug}/coming/"' in html
    more = {
        "en": ("All titles available now", "All releases coming soon"),
        "fr": ("Tous les titres disponibles", "Toutes les sorties à venir"),
    }
    assert all(text in html for text in more[language])


def test_platform_page_without_more_offers_has_no_links(client, frozen_today):
    platform = platform_with(2)

    html = client.get(f"/en/platforms/{platform.slug}/").content.decode()

    assert "/available/" not in html
    assert "/coming/" not in html


@pytest.mark.parametrize("language", ["en", "fr"])
def test_platform_offers_pages_reach_every_offer(client, frozen_today, monkeypatch, language):
    monkeypatch.setattr(views.PlatformOffersView, "paginate_by", 2)
    platform = platform_with(5)
    seen = {"available": [], "coming": []}

    for part, found in seen.items():
        for page in (1, 2, 3):
            response = client.get(f"/{language}/platforms/{platform.slug}/{part}/?page={page}")
            if part == "available":
                found += [entry["work"].original_title for entry in response.context["catalogue"]]
            else:
                found += [release.work.original_title for release in response.context["coming"]]

    assert sorted(seen["available"]) == [f"Now {n:02}" for n in range(1, 6)]
    assert seen["coming"] == [f"Soon {n:02}" for n in range(1, 6)]
    html = client.get(f"/{language}/platforms/{platform.slug}/coming/?page=2").content.decode()
    assert 'rel="prev" href="?page=1"' in html
    assert 'rel="next" href="?page=3"' in html


@pytest.mark.parametrize("n", [1, 3])
def test_platform_page_query_count_is_constant(client, django_assert_num_queries, frozen_today, n):
    platform = platform_with(n)

    with django_assert_num_queries(10):
        # 1 platform with operator and logo; 2 countries; 3 plans; 4 devices with provider;
        # 5 audience figures; 6 quotations; 7 the first offers available today (platform,
        # country, title, parent, grandparent joined); 8 the films' localized titles (no parent:
        # none read for parents); 9 the first offers coming soon; 10 their localized titles.
        response = client.get(f"/en/platforms/{platform.slug}/")

    assert len(response.context["catalogue"]) == len(response.context["coming"]) == n


@pytest.mark.parametrize("part", ["available", "coming"])
@pytest.mark.parametrize("n", [1, 3])
def test_platform_offers_page_query_count_is_constant(client, django_assert_num_queries, frozen_today, part, n):
    platform = platform_with(n)

    # 1 the platform; 2 the count for the paginator; 3 the offers (platform, country, title,
    # parent, grandparent joined); 4 the films' localized titles (no parent: none read for
    # parents; episodes add their season's and series', as on the platform page).
    with django_assert_num_queries(4):
        response = client.get(f"/en/platforms/{platform.slug}/{part}/")

    assert len(response.context["page_obj"].object_list) == n


@pytest.mark.parametrize("part", ["available", "coming"])
@pytest.mark.parametrize("page", ["abc", "0", "99999", "-1", "1.5", "%00", "9" * 30])
def test_platform_offers_page_answers_any_page_with_a_page(client, frozen_today, part, page):
    platform = platform_with(2)

    assert client.get(f"/en/platforms/{platform.slug}/{part}/", {"page": page}).status_code == 200


def test_platform_offers_page_of_unknown_platform_is_404(client, db):
    assert client.get("/en/platforms/nope/available/").status_code == 404
